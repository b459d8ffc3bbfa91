import Testing
import TestSupport
@testable import JWTAuditCore

@Suite("Strict, order-preserving JSON")
struct JSONParserTests {
    @Test func keepsMemberOrderAndExactNumbers() throws {
        let value = try JSONParser.parse(#"{"z":1.0,"a":1e3,"m":-0,"big":123456789012345678901234567890}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m", "big"])
        #expect(object["z"]?.numberValue?.text == "1.0")
        #expect(object["a"]?.numberValue?.text == "1e3")
        #expect(object["big"]?.numberValue?.text == "123456789012345678901234567890")
        #expect(JSONWriter.write(value, style: .compact) == #"{"z":1.0,"a":1e3,"m":-0,"big":123456789012345678901234567890}"#)
    }

    @Test func findsDuplicateKeysAndLastOneWins() throws {
        let object = try #require(try JSONParser.parse(#"{"alg":"RS256","kid":"a","alg":"none"}"#).objectValue)
        #expect(object.duplicateKeys == ["alg"])
        #expect(object["alg"] == "none")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/\n\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/\né😀"))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "tru", "\"\\x\"", "\"\u{01}\"", "{\"a\" 1}", "[1] x",
        "\"\\ud800\"", "{'a':1}", "NaN",
    ])
    func rejectsMalformedDocuments(_ text: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.ParseError(kind: .invalidUTF8, offset: 2)) {
            try JSONParser.parse(bytes: [0x22, 0x61, 0xC0, 0xAF, 0x22])
        }
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func deepNestingFailsFastAtTheLimit() {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(throws: JSONParser.ParseError(kind: .tooDeep(64), offset: 64)) {
            try JSONParser.parse(deep, limits: .init(maxDepth: 64, maxBytes: 1 << 20))
        }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
    }

    @Test func sizeAndCountLimits() {
        #expect(throws: JSONParser.ParseError(kind: .tooLarge(10), offset: 0)) {
            try JSONParser.parse("[1,2,3,4,5,6]", limits: .init(maxBytes: 10))
        }
        #expect(throws: JSONParser.ParseError.self) {
            try JSONParser.parse("[1,2,3,4]", limits: .init(maxContainerCount: 3))
        }
    }

    @Test func writerEscapesControlCharacters() {
        #expect(JSONWriter.write(.string("a\u{01}\u{7F}\"")) == #""a\u0001\u007f\"""#)
    }

    /// The ASCII-run scan in strings must stop at every byte that needs attention, wherever it falls in the run.
    @Test func specialBytesAtEveryPositionOfAnASCIIRun() throws {
        let run = Array("abcdefghijklmnopqrstuvwxyz0123".utf8)
        for position in 0...run.count {
            func document(_ inserted: [UInt8]) -> [UInt8] {
                Array("{\"k\":\"".utf8) + run[..<position] + inserted + run[position...] + Array("\"}".utf8)
            }
            let prefix = String(decoding: run[..<position], as: UTF8.self)
            let suffix = String(decoding: run[position...], as: UTF8.self)
            let escaped = try JSONParser.parse(bytes: document(Array(#"\n\u00e9"#.utf8))).objectValue?["k"]
            #expect(escaped == .string(prefix + "\n\u{E9}" + suffix), "escape at \(position)")
            let multibyte = try JSONParser.parse(bytes: document([0xC3, 0xA9])).objectValue?["k"]
            #expect(multibyte == .string(prefix + "\u{E9}" + suffix), "UTF-8 at \(position)")
            let offset = 6 + position
            #expect(throws: JSONParser.ParseError(kind: .syntax("control character in a string"), offset: offset)) {
                try JSONParser.parse(bytes: document([0x09]))
            }
            #expect(throws: JSONParser.ParseError(kind: .invalidUTF8, offset: offset)) {
                try JSONParser.parse(bytes: document([0xFF]))
            }
            #expect(throws: JSONParser.ParseError(kind: .syntax("unterminated string"), offset: 6 + position)) {
                try JSONParser.parse(bytes: Array("{\"k\":\"".utf8) + run[..<position])
            }
        }
    }

    /// Strings are checked with the same Table 3-7 step as every other strict reader (`UTF8Text.sequenceLength`):
    /// a string holding any of `UTF8Cases.leadAndSecondByte` is accepted, as those bytes, exactly when the
    /// standard library's strict validation accepts them, and refused as invalid UTF-8 within them otherwise.
    @Test func stringsAgreeWithTheStandardLibraryOnEveryLeadAndSecondByte() {
        var disagreements: [String] = []
        UTF8Cases.leadAndSecondByte { content, valid in
            let outcome: String
            do throws(JSONParser.ParseError) {
                let value = try JSONParser.parse(bytes: [0x22] + content + [0x22])
                outcome = value == .string(String(decoding: content, as: UTF8.self)) ? "accepted" : "misread"
            } catch {
                outcome = error.kind == .invalidUTF8 && (2...5).contains(error.offset) ? "refused" : "\(error)"
            }
            if outcome != (valid ? "accepted" : "refused"), disagreements.count < 10 {
                disagreements.append("\(UTF8Cases.hex(content)): \(outcome)")
            }
        }
        #expect(disagreements.isEmpty, "disagrees with String(validating:) on \(disagreements)")
    }
}
