import JWTAuditCore

/// One JSON Lines record written straight into bytes. A batch writes one per token, and appending small pieces to
/// a `String` cost about 300 instructions a piece (growth checks, count and flag updates), more than the record's
/// JSON is worth; bytes are appended with `memcpy`, and the text is made once at the end. Strings are escaped as
/// `JSONWriter` escapes them; printable ASCII, nearly every string a record holds, is copied as it is.
struct JSONLineWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Empties the record and keeps its storage: a batch worker writes every line into one writer.
    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// JSON text as it is: punctuation and keys (`,"client":`).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// JSON text as it is (a number's digits).
    mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func number(_ value: Int) { raw(String(value)) }

    /// A JSON string, quoted and escaped (RFC 8259 §7, as `JSONWriter.writeString`).
    mutating func string(_ text: String) {
        var text = text
        let plain = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
            bytes.append(0x22)
            bytes.append(contentsOf: utf8)
            bytes.append(0x22)
            return true
        }
        if !plain {
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

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
