import Glibc
import Testing
@testable import JWTAuditCore

/// Inputs for the explain tests, built the way the commands build them: a report from the real Verifier with
/// the examples' keys, an outcome from the real PolicyEvaluator over the real verifier's checks.
enum ExplainSupport {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let v1Issuer = "https://sts.windows.net/\(tenant)/"
    static let v2Issuer = "https://login.microsoftonline.com/\(tenant)/v2.0"
    static let apiGUID = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"
    /// 2026-01-01T00:56:40Z: after the examples' iat/nbf, before the expired example's exp.
    static let at: Int64 = 1_767_229_000

    static func keys() throws -> KeySet {
        let bytes = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/jwks.json"))
        return try KeySet.loadJWKS(bytes, source: "examples/keys/jwks.json")
    }

    static func verifyPolicy(issuers: [String], audiences: [String], _ configure: (inout VerificationPolicy) -> Void = { _ in }) -> VerificationPolicy {
        var policy = VerificationPolicy()
        policy.issuers = issuers
        policy.audiences = audiences
        configure(&policy)
        return policy
    }

    static func explainVerify(_ token: CompactToken, policy: VerificationPolicy, at: Int64 = at) throws -> Explanation {
        let evaluation = try VerifyEvaluation.evaluate(
            token, policy: policy, keys: .keys(try keys()), resolution: KeyResolution(provider: nil), at: at)
        return Explainer.explain(evaluation, of: token)
    }

    /// The metadata issuer an `openid-config` URL stands for (the examples' tenant): v2.0 metadata advertises
    /// the v2 issuer, v1.0 metadata the sts.windows.net one. The examples' JWKS stands in for its keys.
    static func metadataIssuer(_ url: String) -> String { url.contains("/v2.0/") ? v2Issuer : v1Issuer }

    static func explainPolicy(_ token: CompactToken, policyFile: String, at: Int64 = at) throws -> Explanation {
        let document = try PolicyDocument(bytes: try examplePolicyBytes(policyFile), sourceName: policyFile)
        return try explainPolicy(token, validation: document.validations[0], at: at)
    }

    /// One element's evaluation, narrated: the examples' keys stand in for its metadata's (see `verification`).
    static func explainPolicy(_ token: CompactToken, validation: TokenValidationPolicy, at: Int64 = at) throws -> Explanation {
        let resolved = try validation.resolved()
        let (outcome, report) = try policyElement(token, resolved: resolved, at: at)
        let element = PolicyEvaluation.Element(
            policy: validation, resolved: resolved, outcome: outcome, report: report, path: [], keyNotes: [])
        let evaluation = PolicyEvaluation(
            elements: [element], decisions: [], verdict: outcome.verdict, findings: [], notes: [], at: at)
        return Explainer.explain(evaluation)
    }

    /// What the verifier is asked for one policy element, with the examples' JWKS standing in for the keys of
    /// its metadata: the policy's issuers, else its metadata's; its audiences; its skew and exp requirement.
    static func verification(for resolved: ResolvedTokenValidation) -> VerificationPolicy {
        var verification = VerificationPolicy()
        if let issuers = resolved.acceptedIssuers {
            verification.issuers = issuers
        } else if resolved.openIDConfigURLs.isEmpty {
            verification.anyIssuer = true
        } else {
            verification.issuers = resolved.openIDConfigURLs.map(metadataIssuer)
        }
        if let audiences = resolved.acceptedAudiences { verification.audiences = audiences } else { verification.anyAudience = true }
        verification.clockSkew = Int64(resolved.clockSkewSeconds)
        verification.requireExpiry = resolved.requireExpirationTime
        return verification
    }

    /// One policy element's outcome for `token`, placed where the element reads it, through the real Verifier
    /// (the examples' keys) and the real PolicyEvaluator.
    static func policyOutcome(
        _ token: CompactToken, resolved: ResolvedTokenValidation, verification: VerificationPolicy? = nil,
        expressionValues: [String: String] = [:], at: Int64 = at
    ) throws -> PolicyOutcome {
        try policyElement(token, resolved: resolved, verification: verification, expressionValues: expressionValues, at: at).outcome
    }

    static func policyElement(
        _ token: CompactToken, resolved: ResolvedTokenValidation, verification: VerificationPolicy? = nil,
        expressionValues: [String: String] = [:], at: Int64 = at
    ) throws -> (outcome: PolicyOutcome, report: VerificationReport) {
        let plan = VerificationPlan.apim(requireSignedTokens: resolved.requireSignedTokens)
        let verifier = Verifier(keys: try keys(), policy: verification ?? self.verification(for: resolved), plan: plan)
        let report = verifier.verify(token, at: at)
        let outcome = try PolicyEvaluator.evaluate(
            resolved, extraction: .extract(from: PolicyRequest.carrying(token.text, for: resolved), for: resolved),
            report: report, expressionValues: expressionValues)
        return (outcome, report)
    }

    /// A token with the given claims, signed RS256 by the examples' tenant key with its kid (so that the
    /// signature verifies and the step under test is the only failure).
    static func signed(payload: String, header: String? = nil) throws -> CompactToken {
        let kid = try Fixtures.example("certificate-v1.jwt").keyID ?? ""
        let header = header ?? #"{"typ":"JWT","alg":"RS256","kid":"\#(kid)","x5t":"\#(kid)"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let factory = OpenSSLKeyFactory()
        let key = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/tenant-signing-key.pem"))
        CryptoTestSupport.writeFile(factory.path("tenant.key"), key)
        let signature = try factory.sign("tenant", Array(input.utf8), digest: "sha256")
        return try CompactToken.parse(input + "." + Base64URL.encode(signature))
    }

    /// The examples' v1 certificate token's claims with some replaced (JSON text, order kept).
    static func v1Claims(_ replacements: [(String, String)]) throws -> String {
        let token = try Fixtures.example("certificate-v1.jwt")
        var text = String(decoding: token.payloadBytes, as: UTF8.self)
        for (old, new) in replacements {
            text = text.replacingOccurrences(old, new)
        }
        return text
    }

    // MARK: Golden files

    static let goldenDirectory = Fixtures.packageRoot + "/Tests/JWTAuditCoreTests/Golden/"

    /// Compares the rendered text (80 columns, no colour; the claims glossary only when asked, as explain does)
    /// with `Golden/<name>.txt`. With
    /// JWTAUDIT_UPDATE_GOLDEN=1 in the environment the file is (re)written instead, for review in the diff.
    static func expectGolden(
        _ explanation: Explanation, _ name: String, glossary: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let text = ExplanationText.render(explanation, layout: TextLayout(width: 80, escape: { $0 }), glossary: glossary)
        let path = goldenDirectory + name + ".txt"
        if let update = getenv("JWTAUDIT_UPDATE_GOLDEN"), String(cString: update) == "1" {
            CryptoTestSupport.writeFile(path, Array(text.utf8))
            return
        }
        guard let bytes = CryptoTestSupport.readFile(path) else {
            Issue.record("golden file \(name).txt is missing (run with JWTAUDIT_UPDATE_GOLDEN=1)", sourceLocation: sourceLocation)
            return
        }
        let golden = String(decoding: bytes, as: UTF8.self)
        if golden != text {
            let a = golden.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record(
                "golden \(name).txt differs at line \(line + 1):\n  golden: \(line < a.count ? String(a[line]) : "(end)")\n  actual: \(line < b.count ? String(b[line]) : "(end)")",
                sourceLocation: sourceLocation)
        }
    }
}
