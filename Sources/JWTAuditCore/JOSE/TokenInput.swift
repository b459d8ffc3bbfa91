/// Finds the compact token in what a person pasted. DESIGN.md: "a bare JWT/JWE; `Bearer <jwt>`; an
/// `Authorization: Bearer <jwt>` line; a token endpoint's JSON response (`access_token`, `id_token`); a URL or
/// fragment with `access_token=`/`id_token=`. Surrounding whitespace, quotes and line breaks inside a pasted
/// token are ignored." Whitespace inside the token follows `TokenWhitespace`'s one rule: a line wrap is undone,
/// anything else is an altered token. Otherwise nothing is judged here: `CompactToken.parse` says what is wrong
/// with what is found.
public enum TokenInput {
    /// Returns the compact token text, or throws `.malformedToken` saying what the input looked like.
    public static func extract(_ text: String) throws(JWTAuditError) -> String {
        if isBareCompact(text) { return text }
        return try extractFromSurroundings(text)
    }

    /// True when the text is nothing but base64url characters and dots, with at least one dot: a bare compact
    /// token, which `extractFromSurroundings` would return unchanged (every form it unwraps needs a character
    /// outside that set: a space, a quote, '{', ':' or '='). One pass over the bytes instead of the scalar-by-
    /// scalar trimming and scanning below, which cost a fifth of a whole `verify` process.
    static func isBareCompact(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            var dots = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    continue
                case UInt8(ascii: "."):
                    dots += 1
                default:
                    return false
                }
            }
            return dots > 0
        }
    }

    /// The general path: every accepted wrapping, one after the other.
    static func extractFromSurroundings(_ text: String) throws(JWTAuditError) -> String {
        var candidate = trimmed(text)
        if candidate.isEmpty { throw JWTAuditError(.malformedToken, "the input is empty: no token found") }

        // A token endpoint response (RFC 6749 §5.1): prefer access_token, the token an API receives.
        if candidate.hasPrefix("{") {
            let json: JSONValue
            do {
                json = try JSONParser.parse(candidate)
            } catch {
                throw JWTAuditError(
                    error.isLimit ? .limitExceeded : .malformedToken,
                    "the input starts with '{' but is not a JSON token response: \(error)")
            }
            guard let object = json.objectValue else {
                throw JWTAuditError(.malformedToken, "the input is JSON but not an object")
            }
            // RFC 7516 §7.2 and RFC 7515 §7.2: the JSON serializations. JWTs use the compact form only (RFC 7519
            // §1: "JWTs are always represented using the JWS Compact Serialization or the JWE Compact
            // Serialization"), and so do APIM and Entra: say so rather than "no access_token".
            if object["ciphertext"] != nil {
                throw JWTAuditError(
                    .malformedToken,
                    "the input is a JWE in the JSON serialization (RFC 7516 §7.2), which jwtaudit does not read: give the compact serialization (five base64url segments joined by dots)")
            }
            if object["payload"] != nil && (object["signatures"] != nil || object["signature"] != nil) {
                throw JWTAuditError(
                    .malformedToken,
                    "the input is a JWS in the JSON serialization (RFC 7515 §7.2), which jwtaudit does not read: give the compact serialization (three base64url segments joined by dots)")
            }
            guard let token = (object["access_token"] ?? object["id_token"])?.stringValue else {
                throw JWTAuditError(
                    .malformedToken, "the JSON input has no string 'access_token' or 'id_token' member: no token found")
            }
            candidate = trimmed(token)
        } else {
            // An HTTP header dump (curl -v prefixes request lines with "> "): take the Authorization line.
            let lines = candidate.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            if lines.count > 1,
                let line = lines.first(where: { lowercasedASCII(stripped($0, prefix: "> ")).hasPrefix("authorization:") })
            {
                candidate = trimmed(String(stripped(line, prefix: "> ")))
            }
            if lowercasedASCII(Substring(candidate)).hasPrefix("authorization:") {
                candidate = trimmed(String(candidate.dropFirst("authorization:".count)))
            }
            if lowercasedASCII(Substring(candidate)).hasPrefix("bearer ") || lowercasedASCII(Substring(candidate)).hasPrefix("bearer\t") {
                candidate = trimmed(String(candidate.dropFirst("bearer".count)))
            }
            if let value = queryValue(in: candidate, names: ["access_token", "id_token"]) {
                candidate = value
            }
        }
        candidate = trimmed(candidate)
        if candidate.isEmpty { throw JWTAuditError(.malformedToken, "no token found in the input") }
        if !candidate.contains(".") {
            throw JWTAuditError(
                .malformedToken,
                "no token found: a JWT is base64url segments separated by dots (header.payload.signature), "
                    + "and the input has no dot")
        }
        return try TokenWhitespace.removingLineWraps(candidate)
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        // U+FEFF: the byte order mark Windows editors put at the start of a saved token.
        TokenWhitespace.isWhitespace(s)
    }

    /// Strips whitespace and one layer of matching quotes (`"..."`, `'...'`), repeatedly.
    private static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while true {
            while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
            while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
            if scalars.count >= 2, let first = scalars.first, let last = scalars.last, first == last,
                first == "\"" || first == "'"
            {
                scalars = scalars.dropFirst().dropLast()
                continue
            }
            return String(String.UnicodeScalarView(scalars))
        }
    }

    private static func stripped(_ line: Substring, prefix: String) -> Substring {
        line.hasPrefix(prefix) ? line.dropFirst(prefix.count) : line
    }

    private static func lowercasedASCII(_ text: Substring) -> String {
        String(String.UnicodeScalarView(text.prefix(20).unicodeScalars.map { scalar in
            (scalar.value >= 65 && scalar.value <= 90) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }))
    }

    /// The value of `name=` in a URL query or fragment (`#access_token=...&token_type=Bearer`).
    private static func queryValue(in text: String, names: [String]) -> String? {
        for name in names {
            var search = Substring(text)
            while let range = search.firstRange(of: name + "=") {
                let before = text[..<range.lowerBound].last
                if before == nil || before == "?" || before == "#" || before == "&" || before == ";" {
                    let rest = text[range.upperBound...]
                    let value = rest.prefix(while: { $0 != "&" && $0 != "#" && $0 != ";" })
                    return percentDecoded(String(value))
                }
                search = text[range.upperBound...]
            }
        }
        return nil
    }

    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
