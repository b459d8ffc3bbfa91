/// Finds compact tokens in pasted text by their shape: whatever a person copied around the token (a DevTools
/// "Copy as cURL" command, the headers pane, a PowerShell hashtable, a log line, a quoted e-mail, prose, a JSON
/// response, a URL) is left where it is, and the token is what starts with `eyJ` and runs on in base64url
/// characters and dots.
///
/// Every JWS and JWE header is a JSON object, and a JSON object serialised as JWTs are starts with `{"`, which is
/// `eyJ` in base64url (RFC 7515 §7.1 and RFC 7516 §7.1 put the BASE64URL of the header first). A token starts at
/// an `eyJ` that no base64url character precedes; it goes on over a line break only as `TokenWhitespace.gap`
/// says (a line wrap inside an unfinished token, the quote marks of a reply removed); it ends at any other
/// character. A run of dots (`...`) or an ellipsis (`…`) right after it means the token was cut short, as
/// documentation samples are. A sentence's full stop after the token is not part of it.
struct TokenSearch {
    /// One token found.
    struct Match: Equatable {
        /// The compact token, line wraps removed (and the dots of a cut left off).
        var text: String
        /// The line (1-based) where the token starts.
        var line: Int
        /// `...` or `…` when the token is cut short there.
        var cut: String?
        /// The name the token is given (`access_token` in `"access_token": "eyJ..."` or `access_token=eyJ...`).
        var label: String?
    }

    private let bytes: [UInt8]

    /// The tokens in `text`, in order. Throws `.malformedToken` for a token altered by whitespace inside it.
    static func matches(in text: String) throws(JWTAuditError) -> [Match] {
        try TokenSearch(bytes: Array(text.utf8)).matches()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func matches() throws(JWTAuditError) -> [Match] {
        var found: [Match] = []
        var index = 0
        var line = 1
        var lineCountedTo = 0
        while let start = nextStart(from: index) {
            let (match, end) = try grow(from: start)
            if let match {
                line += lineBreaks(in: lineCountedTo..<start)
                lineCountedTo = start
                found.append(Match(text: match.text, line: line, cut: match.cut, label: label(before: start)))
            }
            index = max(end, start + 1)
        }
        return found
    }

    // MARK: bytes

    /// Base64url characters and the dot.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "a")...UInt8(ascii: "f"):
            return true
        default:
            return false
        }
    }

    /// The next `eyJ` at or after `index` that starts a token: at the start of the text, after a character that
    /// cannot be in a token, or after a percent escape (`Bearer%20eyJ...`).
    private func nextStart(from index: Int) -> Int? {
        var index = index
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "e") && bytes[index + 1] == UInt8(ascii: "y") && bytes[index + 2] == UInt8(ascii: "J") {
                if index == 0 || !Self.isTokenByte(bytes[index - 1])
                    || (index >= 3 && bytes[index - 3] == UInt8(ascii: "%") && Self.isHex(bytes[index - 2]) && Self.isHex(bytes[index - 1]))
                {
                    return index
                }
            }
            index += 1
        }
        return nil
    }

    private func lineBreaks(in range: Range<Int>) -> Int {
        var count = 0
        for index in range {
            if bytes[index] == 0x0A || (bytes[index] == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                count += 1
            }
        }
        return count
    }

    /// Spaces and tabs, then the quote marks of a reply (`>`, `>>`, `> >`) with the spaces after them: what may
    /// start a line that continues a wrapped token.
    private func skippingIndentation(from index: Int) -> Int {
        var index = index
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") || bytes[index] == UInt8(ascii: ">") {
            index += 1
        }
        return index
    }

    // MARK: one token

    /// The token starting at `start`, and where the search goes on. nil for an `eyJ` with no dot after it that is
    /// not cut short either: a word, not a token.
    private func grow(from start: Int) throws(JWTAuditError) -> (match: (text: String, cut: String?)?, end: Int) {
        var token: [UInt8] = []
        var dots = 0
        var lastDot: Int?
        var lengths: [Int]??
        var cut: String?
        var index = start
        scanning: while true {
            while index < bytes.count, Self.isTokenByte(bytes[index]) {
                if bytes[index] == UInt8(ascii: ".") {
                    dots += 1
                    lastDot = token.count
                }
                token.append(bytes[index])
                index += 1
            }
            if token.count >= 3 && token.suffix(3).allSatisfy({ $0 == UInt8(ascii: ".") }) {
                cut = "..."
                while token.last == UInt8(ascii: ".") {
                    token.removeLast()
                    dots -= 1
                }
                break
            }
            if index + 2 < bytes.count && bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA6 {
                cut = "…"
                break
            }
            if index < bytes.count, isInside(
                at: index, dots: dots, lastSegmentLength: token.count - (lastDot.map { $0 + 1 } ?? 0), token: token,
                lengths: &lengths) {
                // A character that does not belong in a token but is inside this one: kept, so that the parser
                // names it (`+`, `/` and `=` are base64's, not base64url's).
                token.append(bytes[index])
                index += 1
                continue
            }
            // The gap: whitespace, line breaks, and the quote marks that start a reply's lines.
            var next = index
            var lineBreaks = 0
            var other: Int?
            gap: while next < bytes.count {
                switch bytes[next] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    next += 1
                case 0x0D, 0x0A:
                    lineBreaks += 1
                    next += bytes[next] == 0x0D && next + 1 < bytes.count && bytes[next + 1] == 0x0A ? 2 : 1
                    next = skippingIndentation(from: next)
                case 0x0B, 0x0C:
                    if other == nil { other = next }
                    next += 1
                case 0xEF where next + 2 < bytes.count && bytes[next + 1] == 0xBB && bytes[next + 2] == 0xBF:
                    if other == nil { other = next }
                    next += 3
                default:
                    break gap
                }
            }
            guard next > index, lineBreaks < 2, next < bytes.count, Self.isTokenByte(bytes[next]) else { break }
            var end = next
            var nextDots = 0
            while end < bytes.count, Self.isTokenByte(bytes[end]) {
                if bytes[end] == UInt8(ascii: ".") { nextDots += 1 }
                end += 1
            }
            let progress = TokenWhitespace.Progress(
                dots: dots, lastSegmentLength: token.count - (lastDot.map { $0 + 1 } ?? 0),
                signatureLengths: Self.signatureLengths(of: token, dots: dots, cached: &lengths))
            let startsToken = end - next >= 3 && bytes[next] == UInt8(ascii: "e") && bytes[next + 1] == UInt8(ascii: "y")
                && bytes[next + 2] == UInt8(ascii: "J")
            switch TokenWhitespace.gap(
                after: progress, lineBreak: lineBreaks == 1, otherWhitespace: other != nil, nextStartsToken: startsToken,
                nextDots: nextDots, nextLength: end - next, nextEndsLine: endsLine(at: end))
            {
            case .wrap:
                index = next
            case .end:
                break scanning
            case .altered:
                let offending = other ?? index
                throw TokenWhitespace.altered(
                    scalar(at: offending), at: characters(in: start..<offending), segment: dots, dots: dots + nextDots)
            }
        }
        // A full stop ending the sentence the token is in: a fourth (or sixth) segment that is empty.
        if cut == nil, token.last == UInt8(ascii: "."), dots == 3 || dots == 5 {
            token.removeLast()
            dots -= 1
        }
        guard dots > 0 || cut != nil else { return (nil, index) }
        return ((String(decoding: token, as: UTF8.self), cut), index)
    }

    /// Whether the character at `index`, right after token characters, is inside the token rather than after it:
    /// one of base64's own `+`, `/` and `=` while the token is unfinished (a token encoded with the wrong alphabet,
    /// or padded), or any other visible character followed by the dots the token still lacks (`e3*0.c2ln`).
    private func isInside(
        at index: Int, dots: Int, lastSegmentLength: Int, token header: [UInt8], lengths: inout [Int]??
    ) -> Bool {
        let byte = bytes[index]
        guard byte > 0x20, byte < 0x7F else { return false }
        if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") {
            let progress = TokenWhitespace.Progress(
                dots: dots, lastSegmentLength: lastSegmentLength,
                signatureLengths: Self.signatureLengths(of: header, dots: dots, cached: &lengths))
            return progress.isFinished() != true
        }
        guard dots < 2 || dots == 3 else { return false }
        var next = index + 1
        while next < bytes.count, Self.isTokenByte(bytes[next]) {
            if bytes[next] == UInt8(ascii: ".") { return true }
            next += 1
        }
        return false
    }

    /// Whether the run of token characters ending at `index` ends its line: the end of the text, a line break or
    /// a closing quote after it (spaces and tabs before a line break do not count).
    private func endsLine(at index: Int) -> Bool {
        var index = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): index += 1
            case 0x0A, 0x0D: return true
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): return true
            default: return false
            }
        }
        return true
    }

    /// The character at byte `index`, one of those a gap holds.
    private func scalar(at index: Int) -> Unicode.Scalar {
        bytes[index] == 0xEF ? "\u{FEFF}" : Unicode.Scalar(bytes[index])
    }

    /// Characters (not bytes) in `range`.
    private func characters(in range: Range<Int>) -> Int {
        var count = 0
        for index in range where bytes[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// What the header of `token` (its text so far) says about the signature's length, read once per token (the
    /// header is whole once there is a dot) and kept in `cached`.
    static func signatureLengths(of token: [UInt8], dots: Int, cached: inout [Int]??) -> [Int]? {
        if cached == nil, dots > 0, let firstDot = token.firstIndex(of: UInt8(ascii: ".")) {
            cached = .some(signatureLengths(header: token[..<firstDot]))
        }
        return cached ?? nil
    }

    /// What `alg` in the header segment says about the signature's length, when the header can be read.
    static func signatureLengths(header: ArraySlice<UInt8>) -> [Int]? {
        guard let decoded = try? Base64URL.decode(bytes: Array(header)),
            let object = try? JSONParser.parse(bytes: decoded).objectValue,
            let alg = object["alg"]?.stringValue
        else { return nil }
        switch JWSAlgorithm.parse(alg) {
        case .known(let algorithm): return algorithm.signatureLengths
        case .unsecured: return [0]
        case .unknown: return nil
        }
    }

    /// The name before the token at `start`: `access_token` in `"access_token": "eyJ`, `access_token=eyJ` or
    /// `access_token: eyJ`, lower-cased.
    private func label(before start: Int) -> String? {
        var index = start - 1
        func skipQuotesAndSpaces() {
            while index >= 0, [UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "'")].contains(bytes[index]) { index -= 1 }
        }
        skipQuotesAndSpaces()
        guard index >= 0, bytes[index] == UInt8(ascii: ":") || bytes[index] == UInt8(ascii: "=") else { return nil }
        index -= 1
        skipQuotesAndSpaces()
        let end = index + 1
        while index >= 0, end - index <= 33, Self.isTokenByte(bytes[index]), bytes[index] != UInt8(ascii: ".") { index -= 1 }
        guard end - (index + 1) > 0, end - (index + 1) <= 32 else { return nil }
        return String(decoding: bytes[(index + 1)..<end], as: UTF8.self).lowercased()
    }
}
