import Testing
@testable import JWTAuditCore

@Suite("Compact serialization")
struct CompactTokenTests {
    static let header = Base64URL.encode(Array(#"{"alg":"RS256","kid":"k1"}"#.utf8))
    static let payload = Base64URL.encode(Array(#"{"iss":"x","aud":"y"}"#.utf8))

    @Test func splitsAJWSAndKeepsTheSigningInput() throws {
        let text = "\(Self.header).\(Self.payload).c2ln"
        let token = try CompactToken.parse(text)
        #expect(token.kind == .jws)
        #expect(token.algorithm == "RS256")
        #expect(token.keyID == "k1")
        #expect(token.signingInput == Array("\(Self.header).\(Self.payload)".utf8))
        #expect(token.signature == Array("sig".utf8))
        #expect(token.claims?.keys == ["iss", "aud"])
    }

    @Test func recognisesAJWE() throws {
        let jweHeader = Base64URL.encode(Array(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#.utf8))
        let token = try CompactToken.parse("\(jweHeader).YQ.YQ.YQ.YQ")
        #expect(token.kind == .jwe)
        #expect(token.claims == nil)
    }

    @Test(arguments: ["a.b", "a.b.c.d", "a.b.c.d.e.f", ""])
    func rejectsWrongSegmentCounts(_ text: String) {
        #expect(throws: JWTAuditError.self) { try CompactToken.parse(text) }
    }

    @Test func namesTheSegmentWithBadBase64() {
        do {
            _ = try CompactToken.parse("\(Self.header).\(Self.payload)==.c2ln")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .malformedToken)
            #expect(error.reason.contains("payload segment"))
        }
    }

    /// The signature is decoded into the token after the claims are read; a signature segment that is not strict
    /// base64url is still what is reported, before a payload over a limit, and the limit when the signature is fine.
    @Test func aBadSignatureSegmentIsReportedBeforeAPayloadOverALimit() {
        let deep = Base64URL.encode(Array(("{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}").utf8))
        for (signature, code, reason) in [
            ("ab$c", JWTAuditError.Code.malformedToken, "signature segment (segment 3, starting at character"),
            ("abcde", .malformedToken, "signature segment (segment 3, starting at character"),
            ("c2ln", .limitExceeded, "the payload: nested deeper than 64 levels"),
        ] {
            do {
                _ = try CompactToken.parse("\(Self.header).\(deep).\(signature)")
                Issue.record("\(signature): expected an error")
            } catch {
                #expect(error.code == code, "\(signature)")
                #expect(error.reason.hasPrefix(reason), "\(signature): \(error.reason)")
            }
        }
    }

    @Test func aPayloadThatIsNotJSONIsNotAFormatError() throws {
        let token = try CompactToken.parse("\(Self.header).\(Base64URL.encode(Array("Payload".utf8))).c2ln")
        #expect(token.claims == nil)
        #expect(token.claimsProblem != nil)
    }

    @Test func refusesOversizeTokens() {
        let big = String(repeating: "a", count: 300 * 1024)
        #expect(throws: JWTAuditError.self) { try CompactToken.parse("\(big).\(big).\(big)") }
    }
}
