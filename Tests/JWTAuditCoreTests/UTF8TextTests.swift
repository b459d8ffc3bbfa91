import Testing
import TestSupport
@testable import JWTAuditCore

/// The one UTF-8 text check the policy readers share, against every boundary of Unicode's Table 3-7
/// ("Well-Formed UTF-8 Byte Sequences"): the first and last sequence each row allows, and the sequence just
/// outside it, which must be refused at its lead byte.
@Suite("UTF-8 text check")
struct UTF8TextTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        /// The offset the check must name, or nil when the input is text.
        let firstUnreadable: Int?
        var testDescription: String { name }

        init(_ name: String, _ bytes: [UInt8], _ firstUnreadable: Int?) {
            self.name = name
            self.bytes = bytes
            self.firstUnreadable = firstUnreadable
        }
    }

    static let a = UInt8(ascii: "a")

    static let vectors: [Vector] = [
        Vector("empty input", [], nil),
        Vector("ASCII with tab, LF and CR", Array("a\tb\nc\r\n".utf8), nil),
        Vector("DEL (7F) is text", [0x7F], nil),
        Vector("NUL", [a, 0x00], 1),
        Vector("ESC", [a, a, 0x1B], 2),
        Vector("C2 80 (U+0080, first two-byte)", [0xC2, 0x80], nil),
        Vector("DF BF (U+07FF, last two-byte)", [0xDF, 0xBF], nil),
        Vector("C0 80 (overlong NUL)", [a, 0xC0, 0x80], 1),
        Vector("C1 BF (overlong U+007F)", [0xC1, 0xBF], 0),
        Vector("C2 7F (second byte not a continuation)", [0xC2, 0x7F], 0),
        Vector("C2 C0 (second byte past BF)", [0xC2, 0xC0], 0),
        Vector("E0 A0 80 (U+0800, first three-byte)", [0xE0, 0xA0, 0x80], nil),
        Vector("E0 9F BF (overlong U+07FF)", [a, 0xE0, 0x9F, 0xBF], 1),
        Vector("E0 80 80 (overlong NUL)", [0xE0, 0x80, 0x80], 0),
        Vector("E1 80 80 (U+1000)", [0xE1, 0x80, 0x80], nil),
        Vector("EC BF BF (U+CFFF)", [0xEC, 0xBF, 0xBF], nil),
        Vector("ED 80 80 (U+D000)", [0xED, 0x80, 0x80], nil),
        Vector("ED 9F BF (U+D7FF, last before the surrogates)", [0xED, 0x9F, 0xBF], nil),
        Vector("ED A0 80 (surrogate U+D800)", [a, 0xED, 0xA0, 0x80], 1),
        Vector("ED BF BF (surrogate U+DFFF)", [0xED, 0xBF, 0xBF], 0),
        Vector("ED A0 80 ED B0 80 (a UTF-16 pair written as CESU-8)", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], 0),
        Vector("EE 80 80 (U+E000, first after the surrogates)", [0xEE, 0x80, 0x80], nil),
        Vector("EF BF BD (U+FFFD)", [0xEF, 0xBF, 0xBD], nil),
        Vector("EF BF BF (U+FFFF, a noncharacter, still UTF-8)", [0xEF, 0xBF, 0xBF], nil),
        Vector("E1 80 41 (third byte not a continuation)", [0xE1, 0x80, 0x41], 0),
        Vector("F0 90 80 80 (U+10000, first four-byte)", [0xF0, 0x90, 0x80, 0x80], nil),
        Vector("F0 8F BF BF (overlong U+FFFF)", [a, 0xF0, 0x8F, 0xBF, 0xBF], 1),
        Vector("F0 80 80 80 (overlong NUL)", [0xF0, 0x80, 0x80, 0x80], 0),
        Vector("F1 80 80 80 (U+40000)", [0xF1, 0x80, 0x80, 0x80], nil),
        Vector("F3 BF BF BF (U+FFFFF)", [0xF3, 0xBF, 0xBF, 0xBF], nil),
        Vector("F4 80 80 80 (U+100000)", [0xF4, 0x80, 0x80, 0x80], nil),
        Vector("F4 8F BF BF (U+10FFFF, the last code point)", [0xF4, 0x8F, 0xBF, 0xBF], nil),
        Vector("F4 90 80 80 (U+110000, past the last code point)", [a, 0xF4, 0x90, 0x80, 0x80], 1),
        Vector("F4 BF BF BF (past the last code point)", [0xF4, 0xBF, 0xBF, 0xBF], 0),
        Vector("F1 80 80 41 (fourth byte not a continuation)", [0xF1, 0x80, 0x80, 0x41], 0),
        Vector("F5 80 80 80", [0xF5, 0x80, 0x80, 0x80], 0),
        Vector("F7 BF BF BF (U+1FFFFF in the old four-byte form)", [0xF7, 0xBF, 0xBF, 0xBF], 0),
        Vector("F8 88 80 80 80 (five-byte form)", [0xF8, 0x88, 0x80, 0x80, 0x80], 0),
        Vector("FC 84 80 80 80 80 (six-byte form)", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], 0),
        Vector("FE", [a, 0xFE], 1),
        Vector("FF", [0xFF], 0),
        Vector("C2 truncated at the end", [a, 0xC2], 1),
        Vector("E0 A0 truncated at the end", [a, a, 0xE0, 0xA0], 2),
        Vector("E1 truncated at the end", [0xE1], 0),
        Vector("F0 90 80 truncated at the end", [a, 0xF0, 0x90, 0x80], 1),
        Vector("F4 8F BF truncated at the end", [0xF4, 0x8F, 0xBF], 0),
        Vector("lone continuation 80", [0x80], 0),
        Vector("lone continuation BF after ASCII", [a, a, 0xBF], 2),
        Vector("continuation after a complete two-byte sequence", [0xC2, 0x80, 0x80], 2),
        Vector("continuation after a complete four-byte sequence", [0xF0, 0x90, 0x80, 0x80, 0xBF], 4),
        Vector("the first of two bad bytes", [0xC3, 0xA9, 0xE0, 0x80, 0x80, 0xFF], 2),
    ]

    @Test(arguments: vectors)
    func namesTheFirstByteThatIsNotText(vector: Vector) {
        let found = UTF8Text.firstUnreadableByte(vector.bytes)
        #expect(found == vector.firstUnreadable, "\(vector.name): expected \(vector.firstUnreadable.map(String.init) ?? "text"), found \(found.map(String.init) ?? "text")")
    }

    @Test(arguments: [
        Vector("EF BF BE (U+FFFE)", [a, 0xEF, 0xBF, 0xBE], 1),
        Vector("EF BF BF (U+FFFF)", [0xEF, 0xBF, 0xBF], 0),
        Vector("EF BF BD (U+FFFD)", [0xEF, 0xBF, 0xBD], nil),
        Vector("EF BE BF (U+FFBF)", [0xEF, 0xBE, 0xBF], nil),
        Vector("F4 8F BF BF (U+10FFFF)", [0xF4, 0x8F, 0xBF, 0xBF], nil),
    ])
    func xmlAlsoRefusesUFFFEAndUFFFF(vector: Vector) {
        let found = UTF8Text.firstUnreadableByte(vector.bytes, characters: .xml)
        #expect(found == vector.firstUnreadable, "\(vector.name): expected \(vector.firstUnreadable.map(String.init) ?? "text"), found \(found.map(String.init) ?? "text")")
    }

    /// The check refuses exactly what the standard library's validation refuses.
    @Test func agreesWithTheStandardLibraryOnEveryLeadAndSecondByte() {
        var disagreements: [String] = []
        UTF8Cases.leadAndSecondByte { bytes, valid in
            if valid != (UTF8Text.firstUnreadableByte(bytes) == nil), disagreements.count < 10 {
                disagreements.append(UTF8Cases.hex(bytes))
            }
        }
        #expect(disagreements.isEmpty, "disagrees with String(validating:) on \(disagreements)")
    }
}
