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
///
/// When the token is found inside other text (`TokenSearch`: a curl command, an e-mail, a log line), the same
/// rule decides where it ends (`gap`): a line break (with the spaces, tabs and, in a quoted reply, the `>` marks
/// next to it) is a line wrap only while the token is unfinished, that is while it has fewer segments than a
/// compact token or its last segment is shorter than its algorithm's signature; then what follows is other text,
/// or the next token. Whitespace without a line break inside an unfinished token is still an altered token.
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
        let segment = scalars[..<position].filter { $0 == "." }.count
        return altered(scalar, at: position, segment: segment, dots: scalars.filter { $0 == "." }.count)
    }

    /// The error for `scalar` at character `position` (0-based, counted from the token's first character) of
    /// segment `segment` (0-based) of a token with `dots` dots.
    static func altered(_ scalar: Unicode.Scalar, at position: Int, segment: Int, dots: Int) -> JWTAuditError {
        let what: String
        switch scalar {
        case " ": what = "a space"
        case "\t": what = "a tab"
        case "\u{0B}": what = "a vertical tab"
        case "\u{0C}": what = "a form feed"
        case "\u{FEFF}": what = "a byte order mark (U+FEFF)"
        default: what = "whitespace"
        }
        return JWTAuditError(
            .malformedToken,
            "the token was altered: \(what) at character \(position + 1), in \(segmentName(segment, dots: dots)), "
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

extension TokenWhitespace {
    /// What a gap in pasted text means, with token characters on both sides of it.
    enum Gap: Equatable {
        /// A line wrap inside the token: removed, and the token goes on.
        case wrap
        /// The token ended before the gap; what follows is other text or the next token.
        case end
        /// The gap is inside the token but is no line wrap: the token was altered.
        case altered
    }

    /// The token found so far, as the rule sees it.
    struct Progress {
        /// The dots so far.
        var dots: Int
        /// Characters after the last dot (the whole text when there is no dot).
        var lastSegmentLength: Int
        /// The lengths in bytes a finished signature has, by the header's `alg` (`JWSAlgorithm.signatureLengths`;
        /// `[0]` for `none`); nil when the header does not say.
        var signatureLengths: [Int]?

        /// RFC 7518 §5.2.3-5.2.5: the CBC-HMAC tags are 16, 24 and 32 bytes; §5.3: the GCM tag is 128 bits.
        static let jweTagLengths = [16, 24, 32]

        /// Whether the last segment, `extra` characters longer, has a length a finished one has: nil when that
        /// cannot be known (no `alg` the rule knows, or not three or five segments).
        func isFinished(adding extra: Int = 0) -> Bool? {
            let lengths: [Int]?
            switch dots {
            case 2: lengths = signatureLengths
            case 4: lengths = Self.jweTagLengths
            default: return nil
            }
            guard let lengths else { return nil }
            let characters = lastSegmentLength + extra
            // base64url: 4 characters per 3 bytes, and a length of 4n+1 characters is never whole bytes.
            guard characters % 4 != 1 else { return false }
            return lengths.contains(characters * 3 / 4)
        }
    }

    /// The rule for one gap. `lineBreak`: the gap holds exactly one line break (two are a blank line, which always
    /// ends the token); `otherWhitespace`: it holds whitespace that is neither a space, a tab nor a line break.
    /// `next`: the run of token characters after the gap, with `nextDots` dots; `nextEndsLine`: the run is followed
    /// by the end of its line or a closing quote, as the continuation of a wrapped token is.
    static func gap(
        after token: Progress, lineBreak: Bool, otherWhitespace: Bool, nextStartsToken: Bool, nextDots: Int,
        nextLength: Int, nextEndsLine: Bool
    ) -> Gap {
        let segmentsComplete = token.dots == 2 || token.dots == 4
        // Two tokens pasted one after the other are two tokens, not one five-segment JWE.
        if segmentsComplete && nextStartsToken { return .end }
        if token.dots > 4 { return .end }
        let finished = token.isFinished()
        if !lineBreak || otherWhitespace {
            // A space (or a vertical tab, a byte order mark) inside a token that is not finished, followed by what
            // finishes it: the missing dots, or more of a signature that is too short.
            if !segmentsComplete { return nextDots > 0 ? .altered : .end }
            return finished == false && nextDots == 0 ? .altered : .end
        }
        if !segmentsComplete { return .wrap }
        guard nextDots == 0, nextEndsLine else { return .end }
        switch finished {
        case false?: return .wrap
        // Long signatures may be cut by a wrap where their first part already has a finished length (171 of the
        // 342 characters of RS256): wrap only when the next line brings it to a finished length too.
        case true?: return token.isFinished(adding: nextLength) == true ? .wrap : .end
        // No algorithm to judge by: a next line made only of token characters goes on, as a bare paste always did.
        case nil: return .wrap
        }
    }
}
