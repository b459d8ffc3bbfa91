/// The one rule for whitespace inside a pasted token, which every subcommand and `verify --batch` follow (through
/// `TokenInput.extract`).
///
/// A compact token has no whitespace (RFC 7515 §7.1: base64url segments and dots; §2: "with all trailing '='
/// characters omitted ... and without the inclusion of any line breaks, whitespace, or other additional
/// characters"). But people paste tokens that a terminal, an e-mail or an editor wrapped, sometimes with the
/// continuation lines indented. So:
///
/// - whitespace and quotes around the token are removed (`TokenInput`);
/// - a line break (LF, CR or CRLF, one or several) is removed together with the spaces and tabs next to it: that
///   is a line wrap, and unwrapping it gives back the token as issued;
/// - any other whitespace inside the token (a space or tab with no line break next to it, a vertical tab, a form
///   feed, a byte order mark) means the token was altered on its way, and the token is malformed: the error names
///   the character, its position and the segment.
///
/// Silently dropping a space in the middle of a payload would verify a text the user never saw whole.
public enum TokenWhitespace {
    /// `text` (already trimmed) without its line wraps; throws `.malformedToken` for whitespace that is not part of
    /// one.
    public static func removingLineWraps(_ text: String) throws(JWTAuditError) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard isWhitespace(scalar) else {
                out.append(scalar)
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, isWhitespace(scalars[end]) { end += 1 }
            let run = scalars[index..<end]
            let isWrap = run.contains { $0 == "\n" || $0 == "\r" } && run.allSatisfy(isWrapCharacter)
            if !isWrap {
                let offending = run.first { !isWrapCharacter($0) } ?? run.first!
                let position = run.firstIndex { !isWrapCharacter($0) } ?? index
                throw altered(offending, at: position, in: scalars)
            }
            index = end
        }
        return String(out)
    }

    /// Spaces, tabs and line breaks, and the other characters that are whitespace to a reader (vertical tab, form
    /// feed, byte order mark): the ones that may surround a pasted token.
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        isWrapCharacter(scalar) || scalar == "\u{0B}" || scalar == "\u{0C}" || scalar == "\u{FEFF}"
    }

    /// What a line wrap is made of: line breaks and the indentation (spaces, tabs) around them.
    static func isWrapCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func altered(_ scalar: Unicode.Scalar, at position: Int, in scalars: [Unicode.Scalar]) -> JWTAuditError {
        let what: String
        switch scalar {
        case " ": what = "a space"
        case "\t": what = "a tab"
        case "\u{0B}": what = "a vertical tab"
        case "\u{0C}": what = "a form feed"
        case "\u{FEFF}": what = "a byte order mark (U+FEFF)"
        default: what = "whitespace"
        }
        let segment = scalars[..<position].filter { $0 == "." }.count
        return JWTAuditError(
            .malformedToken,
            "the token was altered: \(what) at character \(position + 1), in \(segmentName(segment, dots: scalars.filter { $0 == "." }.count)), "
                + "is inside the token and not part of a line break; only a line wrap (a line break with the spaces around it) is removed from a pasted token")
    }

    /// "the payload (segment 2)", by the token's shape: three segments are a JWS (RFC 7515 §7.1), five a JWE
    /// (RFC 7516 §7.1).
    static func segmentName(_ index: Int, dots: Int) -> String {
        let names: [String]
        switch dots {
        case 2: names = ["the header", "the payload", "the signature"]
        case 4: names = ["the header", "the encrypted key", "the initialization vector", "the ciphertext", "the authentication tag"]
        default: return "segment \(index + 1)"
        }
        return index < names.count ? "\(names[index]) (segment \(index + 1))" : "segment \(index + 1)"
    }
}
