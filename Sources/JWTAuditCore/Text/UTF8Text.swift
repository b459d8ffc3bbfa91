/// The one check behind every policy reader that takes a file as text (XML, Bicep, Terraform, YAML): the file must
/// be UTF-8 in the strict sense of RFC 3629, and hold no control character other than tab and line breaks. A file
/// that is not text is not a policy, and the reader names its first such byte rather than reading on: invalid
/// sequences would otherwise become U+FFFD when a String is made, and a policy would be read that is not the one
/// in the file.
///
/// RFC 3629 section 3: "Implementations of the decoding algorithm above MUST protect against decoding invalid
/// sequences. For instance, a naive implementation may decode the overlong UTF-8 sequence C0 80 into the character
/// U+0000, or the surrogate pair ED A1 8C ED BE B4 into U+233B4." Its syntax (section 4) and Unicode's Table 3-7,
/// "Well-Formed UTF-8 Byte Sequences", leave out overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates
/// (ED A0..BF) and code points past U+10FFFF (F4 90..BF, F5..FF): the JSON parser refuses them too.
enum UTF8Text {
    /// Which characters a reader takes beyond well-formed UTF-8.
    enum Characters {
        /// Any Unicode scalar except control characters other than tab, LF and CR.
        case text
        /// XML 1.0's `Char` production, which also leaves out U+FFFE and U+FFFF ("Char ::= #x9 | #xA | #xD |
        /// [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]").
        case xml
    }

    /// What a reader says of a source that is not text, naming the byte `firstUnreadableByte` found: people fix
    /// a file faster when they know which byte to look for (an editor shows a stray 0xC0 as nothing).
    static func notText(_ byte: UInt8, xml: Bool = false) -> String {
        "not UTF-8 \(xml ? "XML " : "")text (byte 0x\(String(byte, radix: 16, uppercase: true)))"
    }

    /// The offset of the first byte that is not part of readable text: the lead byte of an ill-formed or truncated
    /// sequence, a stray continuation byte, or a refused character; nil when the whole of `bytes` is text.
    static func firstUnreadableByte(_ bytes: [UInt8], characters: Characters = .text) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            var i = 0
            while i < count {
                let b = base[i]
                if b < 0x80 {
                    if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return i }
                    i += 1
                    continue
                }
                guard let length = sequenceLength(base, count: count, at: i) else { return i }
                if characters == .xml, b == 0xEF, base[i + 1] == 0xBF, base[i + 2] >= 0xBE { return i }
                i += length
            }
            return nil
        }
    }

    /// The length of the well-formed sequence that starts at `start` (whose byte is 0x80 or above), or nil when it
    /// is ill-formed or cut short: the one reading of Table 3-7 behind every strict reader, the JSON parser's
    /// included. The lead byte fixes the length and the range of the second byte; later bytes are 80..BF.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafePointer<UInt8>, count: Int, at start: Int) -> Int? {
        let length: Int
        let second: ClosedRange<UInt8>
        switch bytes[start] {
        case 0xC2...0xDF: length = 2; second = 0x80...0xBF
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; second = 0x80...0xBF
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4; second = 0x80...0xBF
        case 0xF4: length = 4; second = 0x80...0x8F
        default: return nil
        }
        guard start + length <= count, second.contains(bytes[start + 1]) else { return nil }
        for k in 2..<length where bytes[start + k] & 0xC0 != 0x80 { return nil }
        return length
    }
}
