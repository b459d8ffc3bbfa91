import Testing
@testable import JWTAuditCore

/// Issue 17 item 1: Microsoft's published sample tokens ("the keys are changed and personal information is
/// removed, which prevents token validation", Entra access token reference) have a signature segment cut
/// mid-way, 19 characters whose last one leaves non-zero bits, and a v1 issuer whose tenant was cut too, so it
/// differs from `tid`. `decode` reads such a token (`CompactToken.parseForReading`) and says what is wrong as
/// findings; `parse`, which verification uses, still refuses it. The token here is built the same way (the
/// samples themselves were checked by hand).
@Suite("Documentation samples: read, never verified")
struct DocumentationSampleTests {
    static let header = #"{"typ":"JWT","alg":"RS256","x5t":"qJ8rK3wVb1ZyT5mN0pL2sD4fG6h","kid":"qJ8rK3wVb1ZyT5mN0pL2sD4fG6h"}"#
    static let payload = #"{"aud":"api://orders","iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b9/","iat":1537233106,"nbf":1537233106,"exp":1537237006,"appid":"75dbe77f-10a3-4e59-85fd-8c127544f17c","appidacr":"0","scp":"user_impersonation","tid":"3d6e366f-9587-413b-ab6b-0a851b1b91ba","ver":"1.0"}"#
    /// 19 characters, as the samples' signatures: 14 bytes and two bits left over, not zero.
    static let cutSignature = "Xq2LmPz8TnRvKw4sYbd"

    static var sample: String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "." + cutSignature
    }

    @Test func verificationRefusesTheSample() {
        let error = #expect(throws: JWTAuditError.self) { try CompactToken.parse(Self.sample) }
        #expect(error?.reason.contains("signature segment") == true && error?.reason.contains("non-canonical") == true,
            "\(String(describing: error))")
    }

    @Test func readingShowsHeaderAndClaimsAndFindsTheSignatureAndTheIssuer() throws {
        let text = "    ```\n    \(Self.sample)\n    ```\n"
        let reading = try CompactToken.parseForReading(try TokenInput.find(text))
        let token = reading.token
        #expect(token.header["alg"] == .string("RS256"))
        #expect(token.claims?["tid"] == .string("3d6e366f-9587-413b-ab6b-0a851b1b91ba"))
        #expect(token.signature.isEmpty)
        #expect(reading.signatureProblem?.contains("non-canonical") == true)
        let findings = TokenInspection.inspect(token, at: 1_537_234_000, signatureProblem: reading.signatureProblem).findings
        let unreadable = try #require(findings.first { $0.id == "signature-unreadable" })
        #expect(unreadable.severity == .error && unreadable.message.contains("verify refuses the token"))
        let mismatch = try #require(findings.first { $0.id == "issuer-tenant-mismatch" })
        #expect(mismatch.message.contains("3d6e366f-9587-413b-ab6b-0a851b1b9 but tid is 3d6e366f-9587-413b-ab6b-0a851b1b91ba"))
    }

    @Test func aTokenCutInItsSignatureIsReadAndOneCutBeforeItIsNot() throws {
        let whole = try #require(Fixtures.readFile("examples/tokens/certificate-v1.jwt")).split(separator: "\n")[0]
        let inSignature = String(whole.prefix(whole.count - 100)) + "..."
        let reading = try CompactToken.parseForReading(try TokenInput.find(inSignature))
        #expect(reading.token.claims?["appidacr"] == .string("2"))
        #expect(reading.signatureProblem?.hasPrefix("the token is cut short") == true, "\(String(describing: reading.signatureProblem))")
        let inspection = TokenInspection.inspect(reading.token, at: 0, signatureProblem: reading.signatureProblem)
        #expect(inspection.findings.contains { $0.id == "signature-unreadable" })
        #expect(!TokenInspection.inspect(reading.token, at: 0).findings.contains { $0.id == "signature-unreadable" })

        let payloadEnd = whole.lastIndex(of: ".")!
        let inPayload = String(whole[..<whole.index(payloadEnd, offsetBy: -40)]) + "…"
        let error = #expect(throws: JWTAuditError.self) { try CompactToken.parseForReading(try TokenInput.find(inPayload)) }
        #expect(error?.reason.hasPrefix("the token is cut short: it ends in '…'") == true, "\(String(describing: error))")
    }

    @Test func aWholeTokenReadsWithoutASignatureProblem() throws {
        let whole = try #require(Fixtures.readFile("examples/tokens/certificate-v1.jwt"))
        let reading = try CompactToken.parseForReading(try TokenInput.find(whole))
        #expect(reading.signatureProblem == nil && reading.token.signature.count == 256)
    }
}
