import Testing
@testable import JWTAuditCore

/// decode's lifetime findings, verify's checks, the APIM plan's checks and explain's narration ask one
/// `LifetimeRule`, so they agree at every instant: here at the boundaries, one second either side, with and
/// without a clock skew.
@Suite("Lifetime: decode, verify, check-policy and explain agree at the boundaries")
struct LifetimeAgreementTests {
    static let now: Int64 = 1_767_229_000

    /// Every judgement of one token at `now` under `skew`.
    struct Judgements {
        let verify: VerificationReport
        let apim: VerificationReport
        let inspection: TokenInspection
        let explanation: Explanation

        func failed(_ id: CheckID) -> Bool { verify[id]?.status == .fail }
        func apimFailed(_ id: CheckID) -> Bool { apim[id]?.status == .fail }
        func found(_ finding: String) -> Bool { inspection.findings.contains { $0.id == finding } }
        func explained(_ id: CheckID) -> Bool {
            explanation.steps.contains { $0.check == id.rawValue && $0.status == .fail }
                && explanation.token.findings.contains { $0.id == Self.finding[id] }
        }

        static let finding: [CheckID: String] = [.expiry: "expired", .notBefore: "not-yet-valid", .issuedAt: "issued-in-future"]
    }

    static func judge(_ claims: String, skew: Int64) throws -> Judgements {
        var policy = VerificationPolicy()
        policy.anyIssuer = true
        policy.anyAudience = true
        policy.clockSkew = skew
        let token = try Fixtures.token(payload: claims)
        let evaluation = try VerifyEvaluation.evaluate(
            token, policy: policy, keys: .keys(try KeySet.symmetric(secret: Array(repeating: 1, count: 32), source: "k")),
            resolution: KeyResolution(provider: nil), at: now)
        return Judgements(
            verify: evaluation.report,
            apim: Verifier(keys: nil, policy: policy, plan: .apim(requireSignedTokens: true)).verify(token, at: now),
            inspection: TokenInspection.inspect(token, at: now, lifetime: evaluation.lifetime),
            explanation: Explainer.explain(evaluation, of: token))
    }

    static let cases: [(offset: Int64, skew: Int64)] = [(-1, 0), (0, 0), (1, 0), (-1, 60), (0, 60), (1, 60)]

    @Test(arguments: cases)
    func expiryAtTheBoundary(offset: Int64, skew: Int64) throws {
        // exp one second before, at, and one second after the last accepted instant (now - skew).
        let j = try Self.judge(#"{"exp":\#(Self.now - skew + offset)}"#, skew: skew)
        let expired = offset < 0
        #expect(j.failed(.expiry) == expired)
        #expect(j.apimFailed(.expiry) == expired)
        #expect(j.found("expired") == expired)
        #expect(j.explained(.expiry) == expired)
        let exp = try #require(j.inspection.times.first { $0.name == "exp" }?.relative)
        #expect(exp.hasPrefix("expired ") == expired, "\(exp)")
        let paragraph = j.explanation.token.paragraph
        #expect((paragraph.contains("It expired") && !paragraph.contains("still accepted")) == expired, "\(paragraph)")
    }

    @Test(arguments: cases)
    func notBeforeAtTheBoundary(offset: Int64, skew: Int64) throws {
        // nbf one second before, at, and one second after the last accepted instant (now + skew).
        let j = try Self.judge(#"{"nbf":\#(Self.now + skew + offset),"exp":\#(Self.now + 3600)}"#, skew: skew)
        let early = offset > 0
        #expect(j.failed(.notBefore) == early)
        #expect(j.apimFailed(.notBefore) == early)
        #expect(j.found("not-yet-valid") == early)
        #expect(j.explained(.notBefore) == early)
    }

    @Test(arguments: cases)
    func issuedInTheFutureAtTheBoundary(offset: Int64, skew: Int64) throws {
        let j = try Self.judge(#"{"iat":\#(Self.now + skew + offset),"exp":\#(Self.now + 3600)}"#, skew: skew)
        let future = offset > 0
        #expect(j.failed(.issuedAt) == future)
        #expect(j.found("issued-in-future") == future)
        #expect(j.explained(.issuedAt) == future)
    }

    @Test(arguments: [(Int64(-1), false), (0, false), (1, true)])
    func nbfAfterExpMeansNeverValidOnlyWhenItIsLater(offset: Int64, neverValid: Bool) throws {
        let exp = Self.now + 3600
        let j = try Self.judge(#"{"nbf":\#(exp + offset),"exp":\#(exp)}"#, skew: 0)
        #expect(j.found("nbf-after-exp") == neverValid)
        #expect(Self.saysNeverValid(j.verify) == neverValid)
        #expect(Self.saysNeverValid(j.apim) == neverValid)
    }

    static func saysNeverValid(_ report: VerificationReport) -> Bool {
        guard case .time(let evidence)? = report[.notBefore]?.evidence, case .neverValid = evidence.finding else { return false }
        return report[.notBefore]?.status == .fail
    }

    @Test func aHugePolicyClockSkewSaturatesInsteadOfTrapping() {
        let rule = LifetimeRule(clockSkew: .max)
        #expect(!rule.isExpired(exp: NumericDate.earliest, at: NumericDate.latest))
        #expect(!rule.isNotYetValid(nbf: NumericDate.latest, at: NumericDate.earliest))
        #expect(LifetimeRule(clockSkew: -5).clockSkew == 0)
    }
}
