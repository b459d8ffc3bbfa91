import Glibc

/// A strict RFC 8259 JSON parser of the project's own, because token auditing needs what general parsers
/// throw away: member order, exact number text, duplicate member names (RFC 7515 §5.2 says a JOSE header with
/// duplicate names MUST be rejected or use the last one; RFC 8725 asks auditors to notice), and hard limits so
/// that hostile input (200,000 nested brackets, an 8 MB paste) fails fast instead of exhausting the stack.
public struct JSONParser {
    public struct Limits: Sendable, Equatable {
        /// Deepest nesting of arrays and objects. 64 is far beyond any real token or key set.
        public var maxDepth: Int
        /// Largest document in bytes.
        public var maxBytes: Int
        /// Most members in one object or elements in one array.
        public var maxContainerCount: Int

        public init(maxDepth: Int = 64, maxBytes: Int = 1 << 20, maxContainerCount: Int = 10_000) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
            self.maxContainerCount = maxContainerCount
        }

        public static let `default` = Limits()
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            case syntax(String)
            case invalidUTF8
            case tooDeep(Int)
            case tooLarge(Int)
            case tooManyMembers(Int)
        }

        public let kind: Kind
        /// Byte offset into the document.
        public let offset: Int

        public var isLimit: Bool {
            switch kind {
            case .tooDeep, .tooLarge, .tooManyMembers: return true
            case .syntax, .invalidUTF8: return false
            }
        }

        public var description: String {
            switch kind {
            case .syntax(let what): return "\(what) at byte \(offset)"
            case .invalidUTF8: return "invalid UTF-8 at byte \(offset)"
            case .tooDeep(let limit): return "nested deeper than \(limit) levels at byte \(offset)"
            case .tooLarge(let limit): return "document larger than \(limit) bytes"
            case .tooManyMembers(let limit): return "more than \(limit) members in one object or array at byte \(offset)"
            }
        }
    }

    public static func parse(_ text: String, limits: Limits = .default) throws(ParseError) -> JSONValue {
        var text = text
        if text.utf8.count > limits.maxBytes { throw ParseError(kind: .tooLarge(limits.maxBytes), offset: 0) }
        let result = text.withUTF8 { buffer -> Result<JSONValue, ParseError> in
            do throws(ParseError) { return .success(try parse(buffer: buffer, limits: limits)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(bytes: [UInt8], limits: Limits = .default) throws(ParseError) -> JSONValue {
        if bytes.count > limits.maxBytes { throw ParseError(kind: .tooLarge(limits.maxBytes), offset: 0) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ParseError) -> JSONValue in
            try parse(buffer: buffer, limits: limits)
        }
    }

    /// Parses the bytes in place: the cursor reads through a raw pointer, so no byte is copied, bounds-checked twice
    /// or retained on the way; only the values themselves (Strings, arrays, objects) are allocated.
    static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: Limits) throws(ParseError) -> JSONValue
    {
        if buffer.count > limits.maxBytes { throw ParseError(kind: .tooLarge(limits.maxBytes), offset: 0) }
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw ParseError(kind: .syntax("unexpected end of input"), offset: 0)
        }
        var parser = Cursor(bytes: base, count: buffer.count, limits: limits)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.position != buffer.count {
            throw ParseError(kind: .syntax("unexpected data after the JSON value"), offset: parser.position)
        }
        return value
    }

    private struct Cursor {
        /// The document; every read is guarded by `position < count` (or an explicit length check) first.
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let limits: Limits
        var position = 0

        init(bytes: UnsafePointer<UInt8>, count: Int, limits: Limits) {
            self.bytes = bytes
            self.count = count
            self.limits = limits
        }

        func error(_ message: String) -> ParseError { ParseError(kind: .syntax(message), offset: position) }

        /// The String of already-validated UTF-8 `start..<end`. Up to 15 bytes (a small string, stored inline),
        /// `String(unsafeUninitializedCapacity:)` builds it in place for about half what `String(decoding:as:)`
        /// costs (measured: 106 against 182 instructions for a NumericDate); longer ones cost the same either way.
        func text(_ start: Int, _ end: Int) -> String {
            let length = end - start
            if length > 15 {
                return String(decoding: UnsafeBufferPointer(start: bytes + start, count: length), as: UTF8.self)
            }
            return String(unsafeUninitializedCapacity: length) { buffer -> Int in
                guard let target = buffer.baseAddress else { return 0 }
                target.initialize(from: bytes + start, count: length)
                return length
            }
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while position < count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> JSONValue {
            guard position < count else { throw error("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected character \(describe(bytes[position]))")
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
            let length = literal.utf8CodeUnitCount
            guard position + length <= count else { throw error("unexpected end of input") }
            let start = literal.utf8Start
            for i in 0..<length where bytes[position + i] != start[i] {
                throw error("invalid literal (expected \(literal))")
            }
            position += length
        }

        mutating func parseObject(depth: Int) throws(ParseError) -> JSONValue {
            // A claims set has 10-30 members of 25-60 bytes each: sizing the top-level object from the document
            // (one slot per 24 bytes after the '{', at most 64) avoids the array's regrowths, each a copy; nested
            // objects are small.
            let capacity = depth == 1 ? min(64, max(8, (count - position - 1) / 24)) : 8
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(capacity)
            // The key index (see `JSONObject`): a fingerprint per member, then hash slots and flags.
            var prints: [UInt64] = []
            prints.reserveCapacity(capacity + JSONObject.slotWords + 1)
            _ = try walk(depth: depth, closing: UInt8(ascii: "}")) { (cursor, _) throws(ParseError) -> Never? in
                var print: UInt64 = 0
                let key = try cursor.parseString(isName: true, fingerprint: &print)
                try cursor.memberColon()
                members.append((key, try cursor.parseValue(depth: depth)))
                prints.append(print)
                return nil
            }
            JSONObject.makeKeyIndex(&prints, members)
            return .object(JSONObject(members: members, keyIndex: prints))
        }

        mutating func parseArray(depth: Int) throws(ParseError) -> JSONValue {
            var elements: [JSONValue] = []
            _ = try walk(depth: depth, closing: UInt8(ascii: "]")) { (cursor, index) throws(ParseError) -> Never? in
                if index == 0 { elements.reserveCapacity(4) }
                elements.append(try cursor.parseValue(depth: depth))
                return nil
            }
            return .array(elements)
        }

        // MARK: The container grammar, once for every reader (parse, skip and the lazy scan)

        /// Walks one object (`closing` `}`) or array (`]`) from its opening byte to past its closing one: the depth
        /// limit, the empty container, the items with `,` between them, the item limit, and the messages and
        /// offsets of every error in that grammar. This is the one place that grammar lives, so that the three
        /// readers (`parseObject`/`parseArray` build values, `skipObject`/`skipArray` only validate, `scanObject`
        /// records where members are) cannot drift apart: the lazy reader's promise is that it refuses exactly
        /// what `parse` refuses, with the same error.
        ///
        /// `item` reads one item and leaves the cursor after it, the item's `index` (0, 1, ...) given; for an
        /// object the cursor is at the member name's opening quote (`memberName`), and `item` reads the name,
        /// `memberColon` and the value. It returns nil to go on, or a `Stop` to end the walk there (not an error:
        /// `scanObject` stops at a name it does not read itself, or at a full table); after `item` the walk counts
        /// the item against `maxContainerCount`, then reads `,` or `closing`.
        ///
        /// Always inlined, and each caller passes `item` as a closure literal: the walk, its steps and the item
        /// compile to one loop per reader, with no closure context or call, as when each reader wrote it out. The
        /// optimizer inlines a closure only while it is small, so an item keeps its heavy reads in calls (see
        /// `scannedMember`); a closure that stays a function shows in a profile as `closure #1 in ...`.
        @inline(__always)
        mutating func walk<Stop>(
            depth: Int, closing: UInt8, item: (inout Cursor, _ index: Int) throws(ParseError) -> Stop?
        ) throws(ParseError) -> WalkEnd<Stop> {
            if depth > limits.maxDepth { throw ParseError(kind: .tooDeep(limits.maxDepth), offset: position) }
            position += 1  // '{' or '['
            skipWhitespace()
            if position < count && bytes[position] == closing {
                position += 1
                return .closed(items: 0)
            }
            var index = 0
            while true {
                if closing == UInt8(ascii: "}") { try memberName() } else { skipWhitespace() }
                if let stop = try item(&self, index) { return .stopped(stop) }
                if try endOfItem(index, closing: closing) { return .closed(items: index + 1) }
                index += 1
            }
        }

        /// How a `walk` ended: the container closed after `items` items, or `item` stopped it.
        enum WalkEnd<Stop> {
            case closed(items: Int)
            case stopped(Stop)
        }

        // MARK: The walk's steps, and the colon every member reader reads

        /// Up to a member's name: its opening quote, where `item` reads the name.
        @inline(__always)
        mutating func memberName() throws(ParseError) {
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input in an object") }
            guard bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
        }

        /// From after a member's name to its value.
        @inline(__always)
        mutating func memberColon() throws(ParseError) {
            skipWhitespace()
            guard position < count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
        }

        /// What follows a container's item (a member's value, an element), `itemsBefore` items having come before
        /// it: the item counted against the limit, then `,` for another item or `closing` for the end (true).
        @inline(__always)
        mutating func endOfItem(_ itemsBefore: Int, closing: UInt8) throws(ParseError) -> Bool {
            if itemsBefore >= limits.maxContainerCount {
                throw ParseError(kind: .tooManyMembers(limits.maxContainerCount), offset: position)
            }
            skipWhitespace()
            let inObject = closing == UInt8(ascii: "}")
            guard position < count else {
                throw error(inObject ? "unexpected end of input in an object" : "unexpected end of input in an array")
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                return false
            }
            if bytes[position] == closing {
                position += 1
                return true
            }
            throw error(inObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
        }

        // MARK: Validating without building (JSONDocument)

        /// What `skipString` saw: a string of plain ASCII with no escape reads back as its own bytes.
        struct StringShape {
            var ascii = true
            var escaped = false
        }

        /// Skips one value under exactly `parseValue`'s grammar and limits (the same primitives: `plainRunEnd`,
        /// `skipUTF8Sequence`, `parseEscape`, `skipNumber`, `expectLiteral`), building nothing.
        mutating func skipValue(depth: Int) throws(ParseError) {
            guard position < count else { throw error("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
            case UInt8(ascii: "["): try skipArray(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try skipString()
            case UInt8(ascii: "t"): try expectLiteral("true")
            case UInt8(ascii: "f"): try expectLiteral("false")
            case UInt8(ascii: "n"): try expectLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            default: throw error("unexpected character \(describe(bytes[position]))")
            }
        }

        /// `parseObject` without the members.
        mutating func skipObject(depth: Int) throws(ParseError) {
            _ = try walk(depth: depth, closing: UInt8(ascii: "}")) { (cursor, _) throws(ParseError) -> Never? in
                _ = try cursor.skipString()
                try cursor.memberColon()
                try cursor.skipValue(depth: depth)
                return nil
            }
        }

        /// `parseArray` without the elements.
        mutating func skipArray(depth: Int) throws(ParseError) {
            _ = try walk(depth: depth, closing: UInt8(ascii: "]")) { (cursor, _) throws(ParseError) -> Never? in
                try cursor.skipValue(depth: depth)
                return nil
            }
        }

        /// `parseString` without the String: the same scan, and escapes decoded (to be validated) into a scratch
        /// buffer that is thrown away.
        @inline(__always)
        mutating func skipString() throws(ParseError) -> StringShape {
            position += 1  // opening quote
            var shape = StringShape()
            while true {
                position = plainRunEnd(from: position)
                guard position < count else { throw error("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return shape
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string") }
                try skipUTF8Sequence()
                shape.ascii = false
            }
            shape.escaped = true
            var scratch: [UInt8] = []
            while true {
                guard position < count else { throw error("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return shape
                }
                if byte == UInt8(ascii: "\\") {
                    scratch.removeAll(keepingCapacity: true)
                    try parseEscape(into: &scratch)
                    continue
                }
                if byte < 0x20 { throw error("control character in a string") }
                if byte < 0x80 {
                    position = plainRunEnd(from: position + 1)
                    continue
                }
                try skipUTF8Sequence()
                shape.ascii = false
            }
        }

        mutating func parseNumber() throws(ParseError) -> JSONNumber {
            let start = position
            try skipNumber()
            return JSONNumber(text: text(start, position))
        }

        /// RFC 8259 §6's number grammar, once for `parseNumber` and `skipValue`.
        @inline(__always)
        mutating func skipNumber() throws(ParseError) {
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < count, isDigit(bytes[position]) else { throw error("invalid number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
                if position < count, isDigit(bytes[position]) { throw error("leading zero in a number") }
            } else {
                while position < count, isDigit(bytes[position]) { position += 1 }
            }
            if position < count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < count, isDigit(bytes[position]) else { throw error("invalid fraction") }
                while position < count, isDigit(bytes[position]) { position += 1 }
            }
            if position < count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard position < count, isDigit(bytes[position]) else { throw error("invalid exponent") }
                while position < count, isDigit(bytes[position]) { position += 1 }
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func parseString() throws(ParseError) -> String {
            var unused: UInt64 = 0
            return try parseString(isName: false, fingerprint: &unused)
        }

        /// Parses a string. For a member name (`isName`), `fingerprint` receives `JSONObject.fingerprint` of it.
        /// Names, and values of up to seven ASCII bytes, that are `JSONWellKnownStrings` come back as literals.
        @inline(__always)
        mutating func parseString(isName: Bool, fingerprint: inout UInt64) throws(ParseError) -> String {
            position += 1  // opening quote
            let start = position
            var ascii = true
            // Most strings have no escape: find the closing quote, checking UTF-8 on the way, and make the String
            // straight from the document's bytes.
            while true {
                position = plainRunEnd(from: position)
                guard position < count else { throw error("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let length = position - start
                    position += 1
                    if ascii && (isName || length <= 7) {
                        let print = documentFingerprint(start, length)
                        if isName { fingerprint = print }
                        if let known = JSONWellKnownStrings.string(fingerprint: print, bytes + start, length) {
                            return known
                        }
                    }
                    return text(start, start + length)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string") }
                try skipUTF8Sequence()
                ascii = false
            }
            // With escapes: decode into a buffer.
            var out = [UInt8]()
            out.reserveCapacity(position - start + 16)
            out.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
            var runStart = position
            while true {
                guard position < count else { throw error("unterminated string") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    out.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: position - runStart))
                    position += 1
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    out.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: position - runStart))
                    try parseEscape(into: &out)
                    runStart = position
                    continue
                }
                if byte < 0x20 { throw error("control character in a string") }
                if byte < 0x80 {
                    position = plainRunEnd(from: position + 1)
                    continue
                }
                try skipUTF8Sequence()
            }
            let value = String(decoding: out, as: UTF8.self)
            if isName { fingerprint = JSONObject.fingerprint(of: value) }
            return value
        }

        /// `JSONObject.fingerprint` of the ASCII bytes `start..<start + length`: one eight-byte read, masked to the
        /// first `min(length, 7)` bytes, when eight bytes are there to read (a string's closing quote and what
        /// follows it usually are), else byte by byte.
        @inline(__always)
        func documentFingerprint(_ start: Int, _ length: Int) -> UInt64 {
            guard start + 8 <= count else { return JSONObject.fingerprint(ascii: bytes + start, count: length) }
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes).loadUnaligned(fromByteOffset: start, as: UInt64.self))
            let mask: UInt64 = length >= 7 ? 0x00FF_FFFF_FFFF_FFFF : (1 << UInt64(length &* 8)) &- 1
            return 1 << 63 | UInt64(min(length, 127)) << 56 | word & mask
        }

        /// The end of the run of plain printable ASCII (no quote, no backslash, no control, no UTF-8 lead) that starts
        /// at `start`: nearly every byte of a token's JSON is in such a run. Eight bytes are tested at a time with
        /// the "has a zero byte" word trick: in `(x - 0x01..) & ~x & 0x80..` the lowest set high bit is the first
        /// zero byte (a false mark can only come from a borrow out of a lower, truly zero byte), and likewise for
        /// `(x - 0x20..) & ~x` (bytes below 0x20) and `x & 0x80..` (UTF-8). With the word read as little-endian,
        /// the lowest mark over all four tests is the first byte that needs attention. The byte at the returned
        /// index is left to `parseString`.
        @inline(__always)
        func plainRunEnd(from start: Int) -> Int {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            var index = start
            let raw = UnsafeRawPointer(bytes)
            while index + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = (word | ((word &- ones &* 0x20) & ~word)
                    | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs
                if special != 0 { return index + special.trailingZeroBitCount >> 3 }
                index += 8
            }
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
                index += 1
            }
            return index
        }

        /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), as
        /// every strict reader does (`UTF8Text.sequenceLength`).
        mutating func skipUTF8Sequence() throws(ParseError) {
            guard let length = UTF8Text.sequenceLength(bytes, count: count, at: position) else {
                throw ParseError(kind: .invalidUTF8, offset: position)
            }
            position += length
        }

        mutating func parseEscape(into out: inout [UInt8]) throws(ParseError) {
            position += 1  // backslash
            guard position < count else { throw error("unterminated escape") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard position + 1 < count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                position -= 1
                throw error("invalid escape \(describe(byte))")
            }
        }

        mutating func parseHex4() throws(ParseError) -> UInt32 {
            guard position + 4 <= count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
    }
}

// MARK: - The lazy reader's two entry points (JSONDocument)

extension JSONParser {
    /// What `scanObject` found in a valid document.
    enum ObjectScan {
        /// An object of plain names, with this many members in the table; `namesAsBefore`: the previous document
        /// had exactly these names in this order (so the same name index).
        case members(Int, namesAsBefore: Bool)
        /// Valid JSON of another shape (not an object, or a name with an escape or non-ASCII byte).
        case otherShape
        /// More members than the table holds: scan again with a larger one.
        case tableFull
    }

    /// Validates `buffer` as `parse(buffer:limits:)` does and, when it is an object whose member names are all
    /// plain ASCII without escapes, writes where each member's name and value are into `table`. A document this
    /// refuses, `parse` refuses with the same error: the grammar, the limits and the messages are the cursor's own
    /// (the top-level object is read by `walk`, as every object and array is, and `skipValue` shares every
    /// primitive with `parseValue`), and a caller that meets an error parses again in full before reporting it.
    ///
    /// `previous` is a document this scan already accepted under the same limits (the previous token's claims):
    /// where a member here is byte for byte the previous document's member at the same index (from the name's
    /// opening quote to the value's last byte) and is followed by ',' or '}', it is that member again, already
    /// validated: a value's validity depends on its own bytes only (its depth is 1 either way, and the check of
    /// the byte after it rules out a number or literal that merely starts the same). A log's tokens from one
    /// client repeat most of their claims (issuer, audience, tenant, client, roles, object id), so those are
    /// compared, not scanned.
    static func scanObject(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: Limits, into table: UnsafeMutableBufferPointer<JSONDocument.Member>,
        previous: (bytes: UnsafeBufferPointer<UInt8>, members: UnsafeBufferPointer<JSONDocument.Member>)? = nil
    ) throws(ParseError) -> ObjectScan {
        if buffer.count > limits.maxBytes { throw ParseError(kind: .tooLarge(limits.maxBytes), offset: 0) }
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw ParseError(kind: .syntax("unexpected end of input"), offset: 0)
        }
        var cursor = Cursor(bytes: base, count: buffer.count, limits: limits)
        cursor.skipWhitespace()
        guard cursor.position < cursor.count, base[cursor.position] == UInt8(ascii: "{"), limits.maxDepth >= 1 else {
            return .otherShape
        }
        var namesAsBefore = previous != nil
        // The members `previous` can lend: those at an index both tables have (one bound, worked out once: the
        // loop compares most members of a batch's tokens, and keeps its values in registers only while few).
        let lendable = min(previous?.members.count ?? 0, table.count)
        let end = try cursor.walk(depth: 1, closing: UInt8(ascii: "}")) { (cursor, index) throws(ParseError) -> ObjectScan? in
            if index < lendable, let previous,
                let repeated = repeatedMember(previous.members[index], previous.bytes, at: cursor.position, base, buffer.count)
            {
                cursor.position = Int(repeated.valueEnd)
                (table.baseAddress! + index).initialize(to: repeated)
                return nil
            }
            guard let member = try scannedMember(&cursor) else { return .otherShape }
            if namesAsBefore, let previous {
                let keyStart = Int(member.keyStart), keyLength = Int(member.keyLength)
                namesAsBefore = index < previous.members.count
                    && Int(previous.members[index].keyLength) == keyLength
                    && memcmp(base + keyStart, previous.bytes.baseAddress! + Int(previous.members[index].keyStart), keyLength) == 0
            }
            guard index < table.count else {
                // A member past the item limit is an error before it is a full table: go on, and the walk throws.
                return index >= limits.maxContainerCount ? nil : .tableFull
            }
            (table.baseAddress! + index).initialize(to: member)
            return nil
        }
        let count: Int
        switch end {
        case .closed(let items): count = items
        case .stopped(let stop): return stop
        }
        cursor.skipWhitespace()
        if cursor.position != buffer.count {
            throw ParseError(kind: .syntax("unexpected data after the JSON value"), offset: cursor.position)
        }
        return .members(count, namesAsBefore: namesAsBefore && count == (previous?.members.count ?? -1))
    }

    /// The member at `cursor` (at its name's opening quote), read in full: where its name and value are, or nil
    /// when its name has an escape or a non-ASCII byte (its bytes are not its text).
    ///
    /// Never inlined: most members of a batch's tokens repeat the previous token's and take `repeatedMember`'s
    /// path, and `scanObject`'s loop over them keeps its values in registers only while this read (two string
    /// scans and a nested value) is a call. Measured with callgrind on `verify --batch` (HS256, eighteen claims of
    /// which three are read here): marked `@inline(__always)`, the scan's item closure grew too big to be
    /// inlined into `walk` and cost 944 instructions more per token; inlined by hand, about 200 more.
    @inline(never)
    private static func scannedMember(_ cursor: inout Cursor) throws(ParseError) -> JSONDocument.Member? {
        let keyStart = cursor.position + 1
        let name = try cursor.skipString()
        guard name.ascii && !name.escaped else { return nil }
        let keyEnd = cursor.position - 1
        try cursor.memberColon()
        let valueStart = cursor.position
        var plainString = false
        if valueStart < cursor.count && cursor.bytes[valueStart] == UInt8(ascii: "\"") {
            let shape = try cursor.skipString()
            plainString = shape.ascii && !shape.escaped
        } else {
            try cursor.skipValue(depth: 1)
        }
        return JSONDocument.Member(
            keyStart: Int32(keyStart), keyLength: Int32(keyEnd - keyStart), valueStart: Int32(valueStart),
            valueEnd: Int32(cursor.position), fingerprint: cursor.documentFingerprint(keyStart, keyEnd - keyStart),
            first: cursor.bytes[valueStart], plainString: plainString)
    }

    /// `member` of the previous document, moved to `position`, when the bytes there are its bytes and what follows
    /// them (after whitespace) is ',' or '}'; else nil.
    @inline(__always)
    private static func repeatedMember(
        _ member: JSONDocument.Member, _ earlier: UnsafeBufferPointer<UInt8>, at position: Int,
        _ base: UnsafePointer<UInt8>, _ count: Int
    ) -> JSONDocument.Member? {
        let start = Int(member.keyStart) - 1
        let length = Int(member.valueEnd) - start
        guard position + length < count, memcmp(base + position, earlier.baseAddress! + start, length) == 0 else {
            return nil
        }
        var next = position + length
        while next < count, base[next] == 0x20 || base[next] == 0x09 || base[next] == 0x0A || base[next] == 0x0D { next += 1 }
        guard next < count, base[next] == UInt8(ascii: ",") || base[next] == UInt8(ascii: "}") else { return nil }
        let shift = Int32(position - start)
        var moved = member
        moved.keyStart += shift
        moved.valueStart += shift
        moved.valueEnd += shift
        moved.repeated = true
        return moved
    }

    /// The value of a member `scanObject` found, built as `parse` builds it (the same cursor, at the same depth).
    static func parseMemberValue(_ buffer: UnsafeBufferPointer<UInt8>, _ member: JSONDocument.Member, limits: Limits)
        throws(ParseError) -> JSONValue
    {
        var cursor = Cursor(bytes: buffer.baseAddress!, count: Int(member.valueEnd), limits: limits)
        cursor.position = Int(member.valueStart)
        return try cursor.parseValue(depth: 1)
    }
}
