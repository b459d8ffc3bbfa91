import JWTAuditCore
import Testing
@testable import JWTAuditCLI

@Suite("JSON Lines records written as bytes")
struct JSONLineWriterTests {
    static func written(_ body: (inout JSONLineWriter) -> Void) -> String {
        var line = JSONLineWriter(capacity: 8)  // small: every test grows it
        body(&line)
        return line.text
    }

    /// The eight-bytes-at-a-time test for "nothing to escape", made as the bytes are copied, must agree with the
    /// byte rule wherever the byte sits: every ASCII byte, at every offset of strings of every length up to three
    /// words (shorter than a word, whole words, and a last word that overlaps the one before).
    @Test func stringsAreEscapedExactlyAsJSONWriterEscapesThemWhereverTheByteSits() {
        for byte in UInt8(0)...0x7F {
            for length in 1...24 {
                for offset in 0..<length {
                    var bytes = Array(repeating: UInt8(ascii: "a"), count: length)
                    bytes[offset] = byte
                    let text = String(decoding: bytes, as: UTF8.self)
                    var expected = ""
                    JSONWriter.writeString(text, into: &expected)
                    #expect(Self.written { $0.string(text) } == expected, "byte \(byte) at \(offset) of \(length)")
                }
            }
        }
        for text in ["", "é", "1234567é", "abcdefgh\u{2028}", "ab\u{7F}",  "tenant ünïcode 😀 tail", "0123456789abcdef\u{7F}", String(repeating: "x", count: 1000)] {
            var expected = ""
            JSONWriter.writeString(text, into: &expected)
            #expect(Self.written { $0.string(text) } == expected)
        }
    }

    @Test(arguments: [0, 7, -7, 9, 10, -10, 99, 100, 1_767_225_600, 999_999_999_999_999_999, 1_000_000_000_000_000_000, Int.max, Int.min])
    func numbersAreWrittenAsSwiftWritesThem(value: Int) {
        #expect(Self.written { $0.number(value) } == String(value))
    }

    /// A reset writer starts again at its first byte; what it held is gone.
    @Test func aResetWriterHoldsOnlyWhatFollows() {
        var line = JSONLineWriter(capacity: 8)
        line.raw("{\"a\":")
        line.string(String(repeating: "long ", count: 40))
        line.reset()
        line.raw("{\"line\":")
        line.number(3)
        line.raw("}")
        #expect(line.text == "{\"line\":3}")
        #expect(line.count == 10)
    }
}
