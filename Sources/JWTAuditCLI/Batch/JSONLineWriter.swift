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
    private mutating func reserve(_ length: Int) {
        if count + length > capacity { grow(to: count + length) }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

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

    /// `"` + bytes + `"` in one write: a batch line has some eight strings, and three writes each cost more than the
    /// bytes.
    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        let length = utf8.count
        reserve(length + 2)
        base[count] = 0x22
        if let source = utf8.baseAddress, length > 0 { memcpy(base + count + 1, source, length) }
        base[count + length + 1] = 0x22
        count += length + 2
    }

    /// Bytes as they are: a whole line written elsewhere (a batch's chunk output gathers its workers' lines).
    mutating func bytes(_ bytes: UnsafeBufferPointer<UInt8>) { append(bytes) }

    /// The end of a JSON Lines record.
    mutating func newline() { byte(0x0A) }

    /// JSON text as it is: punctuation and keys (`,"client":`).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// JSON text as it is (a number's digits, a line written elsewhere). Disfavoured, so that a literal takes the
    /// `StaticString` overload: a literal is a `String` by default, and as one cost a retain, a release and a
    /// contiguity check per piece, eleven pieces a line (issue 22).
    @_disfavoredOverload
    mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A whole number's decimal digits.
    mutating func number(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: Int.min has 20 digits and a sign
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = value.magnitude
            var at = buffer.count
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            if value < 0 {
                at -= 1
                buffer[at] = UInt8(ascii: "-")
            }
            append(buffer.baseAddress! + at, buffer.count - at)
        }
    }

    /// True when every byte is printable ASCII other than `"` and `\`: copied into a JSON string as it is. Eight
    /// bytes at a time (a claim value is 10-60 bytes; a byte at a time cost ten instructions a byte).
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// A high bit set in each byte of `word` that is zero.
        func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= utf8.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // < 0x20: subtracting 0x20 borrows into the high bit; >= 0x80: the high bit; then 0x7F, '"' and '\'.
            let special = ((word &- ones &* 0x20) & ~word & highs) | (word & highs) | zeroBytes(word ^ (ones &* 0x7F))
                | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
            if special != 0 { return false }
            index += 8
        }
        while index < utf8.count {
            let byte = base[index]
            if byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
            index += 1
        }
        return true
    }

    /// A JSON string, quoted and escaped (RFC 8259 §7, as `JSONWriter.writeString`).
    mutating func string(_ text: String) {
        let plain = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard Self.isPlain(utf8) else { return false }
            quoted(utf8)
            return true
        }
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
