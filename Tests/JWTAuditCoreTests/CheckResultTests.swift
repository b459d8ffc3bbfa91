import Testing
@testable import JWTAuditCore

/// A check result holds facts; `CheckText` alone writes what people read, the same way for every renderer.
@Suite("Check results: evidence, and the text written from it")
struct CheckResultTests {
    static let at: Int64 = 1_767_229_000

    func expiry(exp: Int64, skew: Int64) throws -> CheckResult {
        var policy = VerificationPolicy()
        policy.anyIssuer = true
        policy.anyAudience = true
        policy.clockSkew = skew
        let token = try Fixtures.token(payload: #"{"exp":\#(exp)}"#)
        return try #require(Verifier(keys: nil, policy: policy).verify(token, at: Self.at)[.expiry])
    }

    @Test func theExpiryCheckRecordsTheInstantsAndTheRuleItCompared() throws {
        let result = try expiry(exp: Self.at - 60, skew: 120)
        guard case .time(let evidence) = result.evidence, case .value(let exp) = evidence.finding else {
            Issue.record("expiry evidence is \(result.evidence)")
            return
        }
        #expect(exp == Self.at - 60 && evidence.now == Self.at && evidence.rule.clockSkew == 120)
        #expect(result.status == .pass)
    }

    @Test func theTextSaysWhatTheEvidenceHolds() throws {
        let text = try expiry(exp: Self.at - 3600, skew: 0).text
        #expect(text.expected == "not after 2025-12-31T23:56:40Z (clock skew 0 s)")
        #expect(text.actual == "now 2026-01-01T00:56:40Z")
        #expect(text.detail == "expired 1 h ago")
    }

    @Test func aTokenPastItsExpButWithinTheSkewIsNotSaidToExpireInTheFuture() throws {
        #expect(try expiry(exp: Self.at - 60, skew: 120).detail == "expired 1 min ago, within the clock skew")
        #expect(try expiry(exp: Self.at + 60, skew: 120).detail == "expires in 1 min")
    }

    @Test func resultsAreEqualWhenWhatAReaderSeesIsEqual() throws {
        #expect(try expiry(exp: Self.at + 60, skew: 0) == expiry(exp: Self.at + 60, skew: 0))
        #expect(try expiry(exp: Self.at + 60, skew: 0) != expiry(exp: Self.at + 61, skew: 0))
    }

    @Test func aClaimCheckIsNamedAfterItsClaim() {
        let result = CheckResult(.claim, .fail, .claim(ClaimEvidence(required: "Orders.Read", found: nil)), claim: "roles")
        #expect(result.name == "claim:roles")
        #expect(result.detail == "the token has no roles claim")
        #expect(CheckResult(.notBefore, .skip, .notRun(.notAToken)).name == "not-before")
    }
}
