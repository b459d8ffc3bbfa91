/// Text from a token, a provider, a key file or a policy, made safe to write to a terminal.
///
/// DESIGN.md: "Text output escapes control characters in anything that came from a token or a provider (no raw
/// ESC, BEL or newline from untrusted input reaches a terminal); JSON output stays exact." A `kid` or a claim
/// holding `ESC [ ... m`, `ESC ] 0 ; title BEL`, a carriage return or a newline could otherwise recolour or
/// retitle the terminal, or print its own "VALID: every check passed" line under a rejected token's report.
///
/// This is the one escaping function: every text renderer passes every string that did not come from jwtaudit
/// itself through it before placing it in its layout, whose own newlines and colours are added afterwards and so
/// are never escaped. A string is escaped whole: jwtaudit's own words never contain a control character, so a
/// check's detail that quotes a token's value is escaped as one string.
enum TerminalText {
    /// `text` with every character that moves the cursor, starts a terminal control sequence or reorders text
    /// shown visibly: `\n`, `\r`, `\t`, and `\u001b`-style escapes for the other C0 controls, DEL, the C1
    /// controls (U+0080-U+009F: U+009B is a one-byte CSI on some terminals), the line and paragraph separators and
    /// the bidirectional controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: "Trojan Source", CVE-2021-42574).
    /// Everything else, other scripts and emoji included, is kept as it is.
    static func escaped(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
            case _ where isUnsafe(scalar):
                var hex = String(scalar.value, radix: 16)
                while hex.utf8.count < 4 { hex = "0" + hex }
                out.append(contentsOf: #"\u"#.unicodeScalars)
                out.append(contentsOf: hex.unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// One pass over the UTF-8 bytes: printable ASCII (nearly every token, claim and message) needs no copy.
    private static func needsEscaping(_ text: String) -> Bool {
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F {
            if byte < 0x80 { return true }
            return text.unicodeScalars.contains(where: isUnsafe)
        }
        return false
    }
}

extension StandardStreams {
    /// Writes one diagnostic line to standard error, escaped (it quotes file names, URLs, `kid`s and what a
    /// provider sent), with its newline.
    func writeErrorLine(_ line: String) {
        writeError(TerminalText.escaped(line) + "\n")
    }
}
