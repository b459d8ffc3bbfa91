import JWTAuditCore

/// One line of a batch as a worker is given it: its bytes where they were read into (`TextBlock`), and its number.
struct BatchLine: Sendable {
    let block: TextBlock
    let range: Range<Int>
    let number: Int

    /// The line's bytes, valid while `block` is held.
    var bytes: UnsafeBufferPointer<UInt8> { block[range] }
}

/// The lines of one chunk of a one-job batch, in input order (`BatchRunner`), their bytes copied once out of the read
/// buffer into blocks that the tokens parsed from them borrow (`CompactToken.parse(_:in:)`): no line is an
/// allocation of its own, and no line is copied again.
///
/// The lines go in *takes* of at most `linesPerTake`, the lines of a take in one block of their own, as the workers of
/// a run with more jobs take them (`TakeFeed`): a block's reference count is then touched by one thread only (two
/// threads taking and releasing one object's references would pass its cache line back and forth on every token).
/// Blocks are kept from chunk to chunk and emptied for reuse when no token holds them any more (`TextBlock.reuse`).
struct ChunkLines: Sendable {
    enum Item: Sendable {
        case line(block: Int, range: Range<Int>, number: Int)
        /// Too long to keep (`LineReader.Line.unreadable`).
        case unreadable(number: Int, reason: String)
    }

    /// Lines a worker takes at a time (`TakeFeed`): enough that the shared reader's lock is taken rarely, few enough
    /// that a slow take holds back little output (eight RS256 tokens are about 0.2 ms).
    static let linesPerTake = 8
    /// A block holds a take of eight lines of up to 1 KiB, or fewer longer ones (an Entra token of 1 to 2 KB makes a
    /// take of four to eight); a longer line gets a block its size. 16 KiB blocks, half filled by eight 900-byte
    /// tokens, took a batch's peak memory from 19.9 to 23.3 MB with two jobs; 8 KiB blocks, 21.0 MB.
    static let blockCapacity = 8 << 10

    private(set) var items: [Item] = []
    private(set) var blocks: [TextBlock] = []
    /// The index after each take's last item.
    private(set) var takeEnds: [Int] = []
    /// The bytes of the lines held.
    private(set) var byteCount = 0
    /// Blocks of earlier chunks, to be reused.
    private var spare: [TextBlock] = []
    /// The open take's block, once a line is in it.
    private var takeBlock: Int?
    /// Items in the open take: those after the last closed one.
    private var inTake: Int { items.count - (takeEnds.last ?? 0) }

    init(capacity: Int = 0) {
        items.reserveCapacity(capacity)
        takeEnds.reserveCapacity(capacity / Self.linesPerTake + 1)
    }

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }
    var takeCount: Int { takeEnds.count }

    /// The items of take `index` (after `finish`).
    func take(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : takeEnds[index - 1])..<takeEnds[index]
    }

    /// Takes the line the reader gave, numbered after `lineBase` (line numbers run on across a batch's inputs), unless
    /// it is blank: blank lines are skipped, but keep their numbers. True when the chunk now holds `lines` lines or
    /// `bytes` bytes.
    mutating func add(_ line: LineReader.Line, after lineBase: Int, fullAt lines: Int, bytes: Int) -> Bool {
        switch line {
        case .bytes(let text, let number):
            if Self.isBlank(text) { return false }
            append(line: text, number: lineBase + number)
        case .unreadable(let number, let reason):
            append(unreadable: lineBase + number, reason: reason)
        }
        return items.count >= lines || byteCount >= bytes
    }

    /// A blank line: spaces, tabs and CRs only (skipped, but it keeps its number). A token line answers at its first
    /// byte.
    private static func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// Item `index` judged: a line by `verify`, given its bytes where they were copied; an unreadable one by
    /// `unreadable`.
    @inline(__always)
    func judge(
        _ index: Int, worker: Int, verify: (BatchLine, Int) -> BatchItemResult, unreadable: (Int, String) -> BatchItemResult
    ) -> BatchItemResult {
        switch items[index] {
        case .line(let block, let range, let number): verify(BatchLine(block: blocks[block], range: range, number: number), worker)
        case .unreadable(let number, let reason): unreadable(number, reason)
        }
    }

    /// Copies a line in, at the end.
    mutating func append(line bytes: UnsafeBufferPointer<UInt8>, number: Int) {
        if inTake == Self.linesPerTake || takeBlock.map({ blocks[$0].capacity - blocks[$0].count < bytes.count }) == true {
            closeTake()
        }
        let block = takeBlock ?? openBlock(capacity: max(Self.blockCapacity, bytes.count))
        takeBlock = block
        guard let range = blocks[block].append(UnsafeRawBufferPointer(bytes)) else {
            preconditionFailure("a line longer than its new block")
        }
        items.append(.line(block: block, range: range, number: number))
        byteCount += bytes.count
    }

    mutating func append(unreadable number: Int, reason: String) {
        if inTake == Self.linesPerTake { closeTake() }
        items.append(.unreadable(number: number, reason: reason))
    }

    /// Closes the last take: the chunk is complete and about to be judged.
    mutating func finish() { closeTake() }

    /// Empties the chunk once it is written, keeping its storage and its blocks for the next.
    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        takeEnds.removeAll(keepingCapacity: true)
        // Reversed, so that the last block, the one a worker's last token most likely still holds, is reused last.
        spare.append(contentsOf: blocks.reversed())
        blocks.removeAll(keepingCapacity: true)
        byteCount = 0
        takeBlock = nil
    }

    private mutating func closeTake() {
        if inTake > 0 { takeEnds.append(items.count) }
        takeBlock = nil
    }

    private mutating func openBlock(capacity: Int) -> Int {
        var block = spare.popLast() ?? TextBlock(capacity: capacity)
        TextBlock.reuse(&block, capacity: capacity)
        blocks.append(block)
        return blocks.count - 1
    }
}
