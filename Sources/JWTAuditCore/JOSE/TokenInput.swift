/// Finds the compact token in what a person pasted. DESIGN.md: "a bare JWT/JWE; `Bearer <jwt>`; an
/// `Authorization: Bearer <jwt>` line; a token endpoint's JSON response (`access_token`, `id_token`); a URL or
/// fragment with `access_token=`/`id_token=`. Surrounding whitespace, quotes and line breaks inside a pasted
/// token are ignored." Beyond those forms, a token anywhere in pasted text is found by its shape (`TokenSearch`:
/// a curl command, the DevTools headers pane, a quoted e-mail, a log line, prose), and several tokens are several
/// tokens, numbered in the order they come. Whitespace inside the token follows `TokenWhitespace`'s one rule: a
/// line wrap is undone, anything else is an altered token. Otherwise nothing is judged here: `CompactToken.parse`
/// says what is wrong with what is found.
public enum TokenInput {
    /// The token chosen in the input, and where it was.
    public struct Found: Sendable, Equatable {
        /// The compact token text, line wraps removed.
        public let token: String
        /// Its number (1-based) among the tokens of the input, in the order they come.
        public let number: Int
        /// How many tokens the input holds.
        public let count: Int
        /// The line (1-based) where it starts.
        public let line: Int
        /// `...` or `…` when the token is cut short there (a documentation sample, a shortened log).
        public let cut: String?
        /// What the input calls it (`access_token`, `id_token`), when it names it.
        public let label: String?

        /// The token, or why a cut one cannot be used whole.
        public func whole() throws(JWTAuditError) -> String {
            guard let cut else { return token }
            throw JWTAuditError(
                .malformedToken,
                "the token is cut short: it ends in '\(cut)'\(count > 1 || line > 1 ? " (line \(line))" : ""); paste the whole token, from eyJ to the last character of its signature")
        }
    }

    /// Returns the compact token text, or throws `.malformedToken` saying what the input looked like.
    public static func extract(_ text: String) throws(JWTAuditError) -> String {
        if isBareCompact(text) { return text }
        return try extractFromSurroundings(text)
    }

    /// The token numbered `pick` (1-based) in the input; without `pick`, the one a token response or a URL names
    /// `access_token` (the token an API receives, RFC 6749 §5.1), else the first. Throws `.malformedToken` when
    /// the input holds no token, when a token in it was altered, or when `pick` is past the last one.
    public static func find(_ text: String, pick: Int? = nil) throws(JWTAuditError) -> Found {
        if isBareCompact(text) {
            try check(pick, count: 1)
            return Found(token: text, number: 1, count: 1, line: 1, cut: nil, label: nil)
        }
        if cannotHoldToken(text) { throw noTokenFound }
        let matches = try TokenSearch.matches(in: text)
        guard !matches.isEmpty else {
            // No `eyJ` token: the wrappings below, for a token whose header is not serialised as JWTs are.
            let token = try unwrapped(text)
            try check(pick, count: 1)
            return Found(token: token, number: 1, count: 1, line: 1, cut: nil, label: nil)
        }
        try check(pick, count: matches.count)
        let index = pick.map { $0 - 1 } ?? matches.firstIndex { $0.label == "access_token" } ?? 0
        let match = matches[index]
        return Found(
            token: match.text, number: index + 1, count: matches.count, line: match.line, cut: match.cut, label: match.label)
    }

    private static func check(_ pick: Int?, count: Int) throws(JWTAuditError) {
        guard let pick else { return }
        if pick < 1 || pick > count {
            throw JWTAuditError(
                .malformedToken,
                "there is no token \(pick): the input holds \(count == 1 ? "one token" : "\(count) tokens")")
        }
    }

    /// True when the text is nothing but base64url characters and dots, with at least one dot: a bare compact
    /// token, which `extractFromSurroundings` would return unchanged (every form it unwraps needs a character
    /// outside that set: a space, a quote, '{', ':' or '='; and a token cut short ends in three dots). One pass
    /// over the bytes instead of the search, which cost a fifth of a whole `verify` process.
    static func isBareCompact(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            var dots = 0
            var trailingDots = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                    trailingDots = 0
                case UInt8(ascii: "."):
                    dots += 1
                    trailingDots += 1
                default:
                    return false
                }
            }
            return dots > 0 && trailingDots < 3
        }
    }

    /// Why text that holds no token is refused (`unwrapped`'s last word, and `cannotHoldToken`'s).
    public static let noTokenFound = JWTAuditError(
        .malformedToken,
        "no JWT (eyJ...) found: paste the token alone; a JWT is base64url segments separated by dots, "
            + "header.payload.signature, its header starting with eyJ")

    /// True when `find` would end in `noTokenFound` whatever else it tried, decided in one pass over the bytes:
    /// a batch reads logs, and a line of log text went through the search and every unwrapping (some 160,000
    /// instructions for a 30-byte line; a GiB of such lines took minutes). That is so when the text is printable
    /// ASCII (no line break, no Unicode space or `…` to unwrap or cut at) with a letter or digit (so not empty
    /// once trimmed) and holds none of what could make a dot or a token: no `.` (every token has one, and
    /// `unwrapped` refuses a candidate without), no `eyJ` (the search's start), no `%` (a percent-encoded query
    /// value), no `{` or `\` (a JSON token response, whose escapes could spell a dot), and no `Authorization:`
    /// (whose value may be refused for its scheme, `refuseOtherScheme`, with its own message). Everything
    /// `unwrapped` does to such text takes parts of it away and adds nothing, so no dot can appear.
    public static func cannotHoldToken(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { cannotHoldToken(bytes: $0) }
    }

    /// The same over a line's bytes, not yet known to be text (`verify --batch`): a byte that is not printable
    /// ASCII answers false, so a true answer also says the bytes are text. Inlinable, and a line that starts as a
    /// token's header does (`eyJ`) answered by its first three bytes: a batch asks it of every line.
    @inlinable
    public static func cannotHoldToken(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.count >= 3, bytes[0] == UInt8(ascii: "e"), bytes[1] == UInt8(ascii: "y"), bytes[2] == UInt8(ascii: "J") {
            return false
        }
        var alphanumeric = false
        var previous: (UInt8, UInt8) = (0, 0)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "%"), UInt8(ascii: "{"), UInt8(ascii: "\\"):
                return false
            case UInt8(ascii: ":") where index >= 13 && endsWithAuthorization(bytes[(index - 13)..<index]):
                return false
            case UInt8(ascii: "J") where previous == (UInt8(ascii: "e"), UInt8(ascii: "y")):
                return false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                alphanumeric = true
            case 0x20..<0x7F, UInt8(ascii: "\t"):
                break
            default:
                return false
            }
            previous = (previous.1, byte)
        }
        return alphanumeric
    }

    /// Whether these 13 bytes spell `authorization`, in any case.
    @usableFromInline
    static func endsWithAuthorization(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        zip(bytes, "authorization".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Input that holds no token at all: nothing, white space, or only the words that come before a token.
    public enum Emptiness: Sendable, Equatable {
        /// Not one byte.
        case empty
        /// Only white space (and quotes).
        case blank
        /// Only a scheme or header name with nothing after it (`Bearer `, `Authorization: Bearer`), as written.
        case prefixOnly(String)
    }

    /// Whether `text` holds no token at all, and how: the shape of an unset CI secret or a variable that expanded
    /// to nothing (`"Bearer $TOKEN"` with `TOKEN` unset). Such input deserves one line saying so, not a report of
    /// checks that could not run. Only short input is looked at: a token is far longer than any of these forms.
    public static func emptiness(of text: String) -> Emptiness? {
        if text.isEmpty { return .empty }
        guard text.utf8.count <= 64 else { return nil }
        let candidate = trimmed(text)
        if candidate.isEmpty { return .blank }
        var rest = Substring(candidate)
        for word in ["authorization:", "bearer"] where lowercasedASCII(rest).hasPrefix(word) {
            rest = Substring(trimmed(String(rest.dropFirst(word.count))))
        }
        return rest.isEmpty ? .prefixOnly(candidate) : nil
    }

    /// The general path: the token the search finds, whole.
    static func extractFromSurroundings(_ text: String) throws(JWTAuditError) -> String {
        try find(text).whole()
    }

    /// The wrappings taken off one after the other, for input where the search finds no `eyJ` token.
    static func unwrapped(_ text: String) throws(JWTAuditError) -> String {
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
                try refuseOtherScheme(candidate)
            } else if let value = authorizationValue(inLine: candidate) {
                // A log line with the header in it ("... Authorization: Basic dXNlcjpwYXNz"): its value.
                candidate = value
                try refuseOtherScheme(candidate)
            }
            if lowercasedASCII(Substring(candidate)).hasPrefix("bearer ") || lowercasedASCII(Substring(candidate)).hasPrefix("bearer\t") {
                candidate = trimmed(String(candidate.dropFirst("bearer".count)))
            }
            if let value = queryValue(in: candidate, names: ["access_token", "id_token"]) {
                candidate = value
            }
        }
        candidate = trimmed(candidate)
        if candidate.isEmpty || !candidate.contains(".") { throw noTokenFound }
        return try TokenWhitespace.removingLineWraps(candidate)
    }

    /// The value of an `Authorization:` header inside a line that holds more (a gateway or proxy log line), up to
    /// the end of the line or a closing quote; nil when the line names no such header.
    static func authorizationValue(inLine line: String) -> String? {
        let bytes = Array(line.utf8)
        let name = Array("authorization:".utf8)
        guard bytes.count > name.count else { return nil }
        var index = 0
        while index + name.count <= bytes.count {
            // The header's name, whole: at the start or after a character no header name holds.
            let boundary = index == 0 || !(TokenSearch.isTokenByte(bytes[index - 1]) && bytes[index - 1] != UInt8(ascii: "."))
            if boundary, zip(bytes[index..<(index + name.count)], name).allSatisfy({ ($0 | 0x20) == $1 || $0 == $1 }) {
                var value = bytes[(index + name.count)...].prefix { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != 0x0A && $0 != 0x0D }[...]
                while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
                return trimmed(String(decoding: value, as: UTF8.self))
            }
            index += 1
        }
        return nil
    }

    /// An `Authorization` value with another scheme than Bearer (`Basic dXNlcjpwYXNz`, `Digest ...`, `Negotiate
    /// ...`) holds credentials, not a token: say so, rather than judge its text as an altered token. RFC 9110
    /// §11.4: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`; RFC 6750 §2.1 names the scheme a
    /// bearer token comes with: `Bearer`.
    static func refuseOtherScheme(_ value: String) throws(JWTAuditError) {
        let scheme = value.prefix { $0 != " " && $0 != "\t" }
        guard scheme.count < value.count, !scheme.isEmpty, lowercasedASCII(scheme) != "bearer",
            scheme.unicodeScalars.allSatisfy({ TokenSearch.isTokenByte(UInt8(truncatingIfNeeded: $0.value)) && $0.isASCII && $0 != "." })
        else { return }
        throw JWTAuditError(
            .malformedToken,
            "the Authorization header uses the \(scheme) scheme, not Bearer: no JWT found")
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
