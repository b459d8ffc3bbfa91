/// Serialises `JSONValue` with member order and number text exactly as held, so `decode --json` shows a
/// token's header and claims as the token has them.
public enum JSONWriter {
    public enum Style: Sendable { case compact, pretty }

    public static func write(_ value: JSONValue, style: Style = .pretty) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(value, into: &out, style: style, indent: 0)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout String, style: Style, indent: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.text
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                newline(&out, style: style, indent: indent + 1)
                write(element, into: &out, style: style, indent: indent + 1)
            }
            newline(&out, style: style, indent: indent)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { out += "," }
                newline(&out, style: style, indent: indent + 1)
                writeString(member.key, into: &out)
                out += style == .pretty ? ": " : ":"
                write(member.value, into: &out, style: style, indent: indent + 1)
            }
            newline(&out, style: style, indent: indent)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, style: Style, indent: Int) {
        guard style == .pretty else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// RFC 8259 §7 escaping; control characters as \u00XX; everything else verbatim (UTF-8 output).
    public static func writeString(_ string: String, into out: inout String) {
        // Nearly every string a report writes (ids, claims, kids, URLs) is printable ASCII with nothing to escape:
        // one pass over the bytes, then one append.
        var plain = string
        let needsNoEscape = plain.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
            return true
        }
        if needsNoEscape {
            out += "\""
            out += string
            out += "\""
            return
        }
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
