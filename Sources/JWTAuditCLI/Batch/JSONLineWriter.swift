import Glibc
import JWTAuditCore

/// One JSON Lines record written straight into bytes. A batch writes one per token, and appending small pieces to
/// a `String` cost about 300 instructions a piece (growth checks, count and flag updates), more than the record's
/// JSON is worth; `Array.append(contentsOf:)` still cost 170 a piece. The bytes live in storage kept at its full
/// size, written with `memcpy` past `count`, so a piece costs a bounds check and a copy, and a batch worker reuses
/// one writer for every line (`reset`). Strings are escaped as `JSONWriter` escapes them; printable ASCII, nearly
/// every string a record holds, is copied as it is.
struct JSONLineWriter: ~Copyable {
    /// `capacity` bytes, allocated here and freed in `deinit`; the record is the first `count`. Raw memory rather
    /// than an Array: every write to an Array's storage checks that the storage is not shared, and a line has some
    /// fifteen writes (about 30 instructions each, issue 22). Noncopyable, so no two writers share the memory.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes the record holds.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Empties the record and keeps its storage: a batch worker writes every line into one writer.
    mutating func reset() { count = 0 }

    /// The record's bytes, for as long as `body` runs.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    var isEmpty: Bool { count == 0 }

    /// Room for `length` more bytes past `count`.
    @inline(__always)
    private mutating func reserve(_ length: Int) {
        if count + length > capacity { grow(to: count + length) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    /// Inlined: a key's length is then a constant, and its copy a few moves rather than a call to `memcpy`.
    @inline(__always)
    private mutating func append(_ source: UnsafeRawPointer, _ length: Int) {
        reserve(length)
        memcpy(base + count, source, length)
        count += length
    }

    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let start = buffer.baseAddress, buffer.count > 0 else { return }
        append(start, buffer.count)
    }

    private mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    /// Bytes as they are: a whole line written elsewhere (a batch's chunk output gathers its workers' lines).
    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) { append(bytes) }

    /// The bytes `range` of the lines another writer holds (a worker's, `BatchLineBuffers`), and the newline that
    /// ends the record, in one write.
    mutating func line(_ range: Range<Int>, of source: UnsafeMutablePointer<JSONLineWriter>) {
        let length = range.count
        reserve(length + 1)
        memcpy(base + count, source.pointee.base + range.lowerBound, length)
        base[count + length] = 0x0A
        count += length + 1
    }

    /// The end of a JSON Lines record.
    mutating func newline() { byte(0x0A) }

    /// JSON text as it is: punctuation and keys (`,"client":`).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// JSON text as it is (a number's digits, a line written elsewhere). Disfavoured, so that a literal takes the
    /// `StaticString` overload: a literal is a `String` by default, and as one cost a retain, a release and a
    /// contiguity check per piece, eleven pieces a line (issue 22).
    @_disfavoredOverload
    mutating func raw(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var text = text
            text.withUTF8 { append($0) }
        }
    }

    /// A whole number's decimal digits, written in place: counted first, then written from the last.
    mutating func number(_ value: Int) {
        var magnitude = value.magnitude
        // Digits counted by comparisons (a division costs more): 10^19 is the largest power of ten a UInt holds.
        var digits = 1
        var bound: UInt = 10
        while magnitude >= bound {
            digits += 1
            if digits == 20 { break }
            bound &*= 10
        }
        let length = value < 0 ? digits + 1 : digits
        reserve(length)
        let start = base + count
        if value < 0 { start[0] = UInt8(ascii: "-") }
        var at = length
        repeat {
            at -= 1
            start[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude != 0
        count += length
    }

    /// A high bit set in each byte of `word` that a JSON string cannot hold as it is: below 0x20, 0x7F and above
    /// (`JSONWriter` escapes 0x7F, and copies other non-ASCII only after a look at each scalar), `"` and `\`. Eight
    /// bytes at a time (a claim value is 10-60 bytes; a byte at a time cost ten instructions a byte).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// A high bit set in each byte of `word` that is zero.
        func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        // < 0x20: subtracting 0x20 borrows into the high bit; >= 0x80: the high bit; then 0x7F, '"' and '\'.
        return ((word &- ones &* 0x20) & ~word & highs) | (word & highs) | zeroBytes(word ^ (ones &* 0x7F))
            | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
    }

    /// True when every byte is printable ASCII other than `"` and `\`: copied into a JSON string as it is.
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= utf8.count {
            if specialBytes(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) != 0 { return false }
            index += 8
        }
        while index < utf8.count {
            let byte = base[index]
            if byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
            index += 1
        }
        return true
    }

    /// `"` + bytes + `"` when no byte needs escaping, checked as the bytes are copied (one pass, eight bytes at a
    /// time; the last word overlaps the one before it rather than ending in a loop over single bytes). False, with
    /// nothing written, when some byte needs escaping.
    private mutating func quotedIfPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = utf8.count
        // Eight bytes of slack: a short string is copied as one whole word.
        reserve(length + 10)
        let out = UnsafeMutableRawPointer(base + count)
        out.storeBytes(of: 0x22, as: UInt8.self)
        if length >= 8, let source = utf8.baseAddress {
            let from = UnsafeRawPointer(source)
            var special: UInt64 = 0
            var index = 0
            while index + 8 < length {
                let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                special |= Self.specialBytes(word)
                out.storeBytes(of: word, toByteOffset: 1 + index, as: UInt64.self)
                index += 8
            }
            let last = from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            special |= Self.specialBytes(last)
            if special != 0 { return false }
            out.storeBytes(of: last, toByteOffset: 1 + length - 8, as: UInt64.self)
        } else if length > 0, let source = utf8.baseAddress {
            // Padded with a plain byte ('A'), so that only the string's own bytes can be special.
            var word: UInt64 = 0x4141_4141_4141_4141
            withUnsafeMutableBytes(of: &word) { $0.baseAddress!.copyMemory(from: source, byteCount: length) }
            if Self.specialBytes(word) != 0 { return false }
            out.storeBytes(of: word, toByteOffset: 1, as: UInt64.self)
        }
        out.storeBytes(of: 0x22, toByteOffset: length + 1, as: UInt8.self)
        count += length + 2
        return true
    }

    /// A JSON string, quoted and escaped (RFC 8259 §7, as `JSONWriter.writeString`).
    mutating func string(_ text: String) {
        let plain = text.utf8.withContiguousStorageIfAvailable { quotedIfPlain($0) }
        if plain != true {
            var escaped = ""
            JSONWriter.writeString(text, into: &escaped)
            raw(escaped)
        }
    }

    /// A string, or `null`.
    mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// A JSON value exactly as held (number text, member order), or `null`.
    mutating func value(_ value: JSONValue?) {
        switch value {
        case nil, .null?: raw("null")
        case .string(let text)?: string(text)
        case .number(let number)?: raw(number.text)
        case .bool(let flag)?: flag ? raw("true") : raw("false")
        case .array(let elements)?:
            raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { raw(",") }
                self.value(element)
            }
            raw("]")
        case .object?:
            raw(JSONWriter.write(value!, style: .compact))
        }
    }

    var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}
