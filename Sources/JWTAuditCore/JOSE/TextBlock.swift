/// A block of input text that tokens are parsed in place from and keep alive: a batch copies each line once, from
/// its read buffer into a block, and a token parsed from the line borrows those bytes for as long as it lives
/// (`CompactToken.parse(_:in:)`), its signing input included. No line becomes an array or a String of its own.
///
/// Bytes once appended never change while anyone else holds the block: a block is only emptied for reuse when the
/// holder's reference is the only one (`reuse(_:capacity:)`), so no token can see its text overwritten. The storage
/// is one allocation that never moves, so a range handed out stays valid. The count lives in that allocation, behind
/// a constant pointer, not in a stored `var`: every access to a class's variable is checked for exclusivity at run
/// time (some 80 instructions an access, four accesses a token).
public final class TextBlock: @unchecked Sendable {
    /// The count, then the bytes.
    private let storage: UnsafeMutableRawPointer
    public let capacity: Int

    /// An empty block of at least `capacity` bytes.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = .allocate(byteCount: MemoryLayout<Int>.stride + self.capacity, alignment: MemoryLayout<Int>.alignment)
        storage.initializeMemory(as: Int.self, to: 0)
    }

    deinit { storage.deallocate() }

    private var counter: UnsafeMutablePointer<Int> { storage.assumingMemoryBound(to: Int.self) }
    private var bytes: UnsafeMutablePointer<UInt8> {
        (storage + MemoryLayout<Int>.stride).assumingMemoryBound(to: UInt8.self)
    }

    /// The bytes appended so far.
    public var count: Int { counter.pointee }

    /// The bytes in `range`, valid for as long as the block is held. Ranges come from `append`.
    public subscript(range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= counter.pointee, "a range the block does not hold")
        return UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
    }

    /// Appends these bytes and says where they are; nil, appending nothing, when they do not fit.
    public func append(_ source: UnsafeRawBufferPointer) -> Range<Int>? {
        let start = counter.pointee
        guard source.count <= capacity - start else { return nil }
        if let from = source.baseAddress, source.count > 0 {
            UnsafeMutableRawPointer(bytes + start).copyMemory(from: from, byteCount: source.count)
        }
        counter.pointee = start + source.count
        return start..<(start + source.count)
    }

    /// An empty block of at least `capacity` bytes in `block`: the same one emptied when nothing else holds it (no
    /// token parsed from it is alive), else a new one, the old one left to whoever still holds it. A block more than
    /// twice as large as asked is not kept either: the blocks of a burst of long lines would otherwise hold their
    /// memory for the rest of the run.
    public static func reuse(_ block: inout TextBlock, capacity: Int) {
        if isKnownUniquelyReferenced(&block) && block.capacity >= capacity && block.capacity <= 2 * max(1, capacity) {
            block.counter.pointee = 0
        } else {
            block = TextBlock(capacity: capacity)
        }
    }
}
