/// JSON whose strings remember where they start in the file, for policy text kept in JSON (ARM templates'
/// `properties.value`, apiops-cli's `policyFragmentInformation.json`): findings on that text must point at the
/// template's line, so the string is decoded again from its position, escape by escape.
///
/// The core's strict `JSONParser` reads and validates the document (limits included); a scan over the same bytes
/// then lists where each value string starts, in document order, which is the order a walk over the parsed value
/// meets them.
indirect enum LocatedJSON: Sendable {
    case string(String, offset: Int)
    case object([(key: String, value: LocatedJSON)])
    case array([LocatedJSON])
    case other(JSONValue)

    static let limits = JSONParser.Limits(maxDepth: 256, maxBytes: 16 << 20, maxContainerCount: 200_000)

    /// Parses `bytes`; errors are `.malformedPolicy` naming `file`.
    static func parse(_ bytes: [UInt8], file: String) throws(JWTAuditError) -> LocatedJSON {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes, limits: limits)
        } catch {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedPolicy, "\(file): not valid JSON (\(error))")
        }
        var offsets = valueStringOffsets(bytes)[...]
        return locate(value, &offsets)
    }

    private static func locate(_ value: JSONValue, _ offsets: inout ArraySlice<Int>) -> LocatedJSON {
        switch value {
        case .string(let s): return .string(s, offset: offsets.popFirst() ?? 0)
        case .object(let object):
            return .object(object.members.map { ($0.key, locate($0.value, &offsets)) })
        case .array(let items): return .array(items.map { locate($0, &offsets) })
        default: return .other(value)
        }
    }

    /// The offsets of the opening quotes of every string that is a value (not a member name), in order.
    static func valueStringOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\"") else { i += 1; continue }
            let start = i
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            i += 1
            var next = i
            while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 || bytes[next] == 0x0A || bytes[next] == 0x0D {
                next += 1
            }
            if next >= bytes.count || bytes[next] != UInt8(ascii: ":") { offsets.append(start) }
        }
        return offsets
    }

    subscript(key: String) -> LocatedJSON? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// A member found whatever its case (ARM property names are case-insensitive).
    subscript(caseInsensitive key: String) -> LocatedJSON? {
        let lower = key.lowercased()
        if case .object(let members) = self { return members.first { $0.key.lowercased() == lower }?.value }
        return nil
    }

    var string: String? { if case .string(let s, _) = self { return s } else { return nil } }
    var offset: Int? { if case .string(_, let o) = self { return o } else { return nil } }
    var items: [LocatedJSON] { if case .array(let a) = self { return a } else { return [] } }
    var members: [(key: String, value: LocatedJSON)] { if case .object(let m) = self { return m } else { return [] } }

    var bool: Bool? {
        switch self {
        case .other(.bool(let b)): return b
        case .string(let s, _): return s.lowercased() == "true" ? true : s.lowercased() == "false" ? false : nil
        default: return nil
        }
    }

    /// The string at `offset` in `bytes` decoded, each byte with the position of the character (or escape) it
    /// came from.
    static func text(at offset: Int, in lines: SourceLines, file: String) -> PolicyText {
        let bytes = lines.bytes
        var cursor = SourceCursor(bytes: bytes, offset: offset, position: lines.position(offset))
        var builder = PolicyTextBuilder()
        cursor.advance()  // the opening quote
        while let b = cursor.current, b != UInt8(ascii: "\"") {
            let at = cursor.position
            guard b == UInt8(ascii: "\\") else {
                builder.append(b, at: at)
                cursor.advance()
                continue
            }
            cursor.advance()
            let e = cursor.current ?? 0
            cursor.advance()
            switch e {
            case UInt8(ascii: "n"): builder.append(0x0A, at: at)
            case UInt8(ascii: "r"): builder.append(0x0D, at: at)
            case UInt8(ascii: "t"): builder.append(0x09, at: at)
            case UInt8(ascii: "b"): builder.append(0x08, at: at)
            case UInt8(ascii: "f"): builder.append(0x0C, at: at)
            case UInt8(ascii: "u"):
                var code = hex4(bytes, cursor.offset) ?? 0xFFFD
                cursor.advance(4)
                if (0xD800...0xDBFF).contains(code), cursor.current == UInt8(ascii: "\\"), cursor.peek(1) == UInt8(ascii: "u"),
                    let low = hex4(bytes, cursor.offset + 2), (0xDC00...0xDFFF).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    cursor.advance(6)
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                builder.append(contentsOf: Array(String(Character(scalar)).utf8), at: at)
            default: builder.append(e, at: at)
            }
        }
        return builder.finish(file: file, end: cursor.position)
    }

    private static func hex4(_ bytes: [UInt8], _ offset: Int) -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        return UInt32(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), radix: 16)
    }
}
