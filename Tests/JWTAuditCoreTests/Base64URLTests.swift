import Testing
@testable import JWTAuditCore

@Suite("Strict base64url (RFC 7515 §2)")
struct Base64URLTests {
    @Test func roundTripsEveryLength() throws {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(try Base64URL.decode(encoded) == bytes, "length \(length)")
        }
    }

    @Test func rejectsPadding() {
        #expect(throws: Base64URL.DecodeError(kind: .padding(offset: 2))) { try Base64URL.decode("YQ==") }
    }

    @Test(arguments: ["a+b_", "ab/c", "ab c", "ab\nc", "ab.c"])
    func rejectsCharactersOutsideTheURLAlphabet(_ text: String) {
        #expect(throws: Base64URL.DecodeError.self) { try Base64URL.decode(text) }
    }

    @Test func rejectsImpossibleLength() {
        #expect(throws: Base64URL.DecodeError(kind: .invalidLength(5))) { try Base64URL.decode("abcde") }
    }

    @Test func rejectsNonCanonicalTrailingBits() throws {
        // "YQ" is the canonical encoding of "a"; "YR" decodes to the same byte with a non-zero pad bit.
        #expect(try Base64URL.decode("YQ") == [0x61])
        #expect(throws: Base64URL.DecodeError(kind: .nonCanonicalTrailingBits)) { try Base64URL.decode("YR") }
        #expect(throws: Base64URL.DecodeError(kind: .nonCanonicalTrailingBits)) { try Base64URL.decode("YWJ") }
    }
}
