import Testing
@testable import JWTAuditCore

/// A verifier whose keys could not be obtained (`keysUnavailable`): the checks that need the keys are undecided
/// (skip), never passed and never failed as if no key source had been given; every other check runs and decides
/// as usual, so that explain can tell what the token fails whatever the keys say.
@Suite("Verifier without its keys: undecided, not failed")
struct VerifierWithoutKeysTests {
    typealias S = ExplainSupport
    static let at: Int64 = 1_780_272_000  // 2026-06-01T00:00:00Z

    func statuses(_ report: VerificationReport) -> [String: CheckResult.Status] {
        Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0.status) })
    }

    @Test func theKeyChecksAreUndecidedAndTheRestDecides() throws {
        var policy = S.verifyPolicy(issuers: [], audiences: ["https://myapi.dewi.red"])
        policy.requireCertificate = true
        let report = Verifier(keys: nil, policy: policy, keysUnavailable: true).verify(try Fixtures.example("expired-v1.jwt"), at: Self.at)
        let status = statuses(report)
        for id in ["algorithm", "key", "signature", "issuer"] { #expect(status[id] == .skip, "\(id)") }
        #expect(report[.signature]?.detail == "signature not checked: the keys could not be obtained")
        #expect(report[.issuer]?.detail == "not checked: the accepted issuer comes from the metadata, which could not be obtained")
        #expect(status["expiry"] == .fail && status["credential"] == .fail && status["audience"] == .pass)
        #expect(!report.isValid)
    }

    @Test func withoutTheFlagNoKeysStillFailsAsNoKeySource() throws {
        let policy = S.verifyPolicy(issuers: [], audiences: ["https://myapi.dewi.red"])
        let report = Verifier(keys: nil, policy: policy).verify(try Fixtures.example("certificate-v1.jwt"), at: Self.at)
        #expect(statuses(report)["key"] == .fail)
        #expect(statuses(report)["issuer"] == .fail)
    }

    @Test func anIssuerGivenByTheCallerAndAnAllowListAreStillJudged() throws {
        var policy = S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"])
        policy.allowedAlgorithms = [.ES256]
        let report = Verifier(keys: nil, policy: policy, keysUnavailable: true).verify(try Fixtures.example("certificate-v1.jwt"), at: Self.at)
        #expect(statuses(report)["issuer"] == .pass)
        #expect(statuses(report)["algorithm"] == .fail, "RS256 is outside the caller's own list, keys or not")
    }

    @Test func anUnsignedTokenIsRefusedWhateverTheKeys() throws {
        let header = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8))
        let payload = Base64URL.encode(Array(#"{"aud":"a","iss":"i","exp":4102444800}"#.utf8))
        let token = try CompactToken.parse(header + "." + payload + ".")
        let report = Verifier(keys: nil, policy: S.verifyPolicy(issuers: ["i"], audiences: ["a"]), keysUnavailable: true).verify(token, at: Self.at)
        #expect(statuses(report)["algorithm"] == .fail)
    }

    @Test func theEvaluationSaysWhyAndExplainSaysUndecided() throws {
        let token = try Fixtures.example("secret-v1.jwt")
        let evaluation = VerifyEvaluation.undecided(
            token, policy: S.verifyPolicy(issuers: [], audiences: ["https://myapi.dewi.red"]),
            failure: JWTAuditError(.unavailable, "could not fetch it"), at: Self.at)
        #expect(evaluation.keysFailure?.reason == "could not fetch it")
        let explanation = Explainer.explain(evaluation, of: token)
        #expect(explanation.verdict.status == "undecided" && explanation.verdict.exitCode == 2)
        #expect(explanation.verdict.message == "could not fetch it")
    }
}
