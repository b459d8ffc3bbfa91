/// The text check the template readers (Bicep, HCL, YAML) share before they tokenize: a file that is not UTF-8,
/// or holds control characters other than tab and line breaks, is not a template, and the first such byte is named.
enum SourceText {
    /// The offset of the first byte that is not part of UTF-8 text (a bad or truncated sequence, or a control
    /// character other than tab, LF and CR), or nil when the whole file is text.
    static func firstUnreadableByte(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return i }
                i += 1
                continue
            }
            let length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0
            guard length > 0, i + length <= bytes.count else { return i }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
