import Testing
@testable import JWTAuditCore

/// explain's text for the cases people hit (issue 6), against golden files rendered at 80 columns. Every input
/// goes through the real Verifier or PolicyEvaluator, and every time is fixed (`at`), so the files do not age.
/// Each test also asserts the facts the narration must state, so a golden file regenerated carelessly still
/// fails when the words that matter are gone.
@Suite("explain: golden output")
struct ExplainGoldenTests {
    typealias S = ExplainSupport

    func failing(_ explanation: Explanation, _ id: String) throws -> Explanation.Step {
        try #require(explanation.steps.first { $0.check == id && $0.status == .fail }, "no failing \(id) step")
    }

    @Test func seedSecretTokenAgainstTheCertificateOnlyPolicy() throws {
        let e = try S.explainPolicy(try Fixtures.example("secret-v1.jwt"), policyFile: "certificate-only-v1.xml")
        S.expectGolden(e, "policy-secret-v1-certificate-only-v1")
        #expect(e.verdict == .init(
            status: "rejected", httpStatus: 401, reason: "TokenClaimValueNotAllowed",
            message: "Claim appidacr value of 1 is not allowed. Access denied.",
            body: "Unauthorized - Failed policy requirements, or token is invalid or missing.", exitCode: 1,
            policy: .rejected(
                status: 401, message: "Unauthorized - Failed policy requirements, or token is invalid or missing.",
                lastError: PolicyLastError(
                    source: "validate-jwt", reason: .tokenClaimValueNotAllowed,
                    message: "Claim appidacr value of 1 is not allowed. Access denied."))))
        let step = try failing(e, "claim:appidacr")
        #expect(step.explanation.contains("appidacr is \"1\"") && step.explanation.contains("client secret"))
        let fix = try #require(step.fix)
        #expect(fix.contains("Add a certificate") && fix.contains("client assertion") && fix.contains("remove the secret"))
        #expect(e.steps.map(\.check) == ["token", "format", "claims", "algorithm", "key", "signature", "expiry", "not-before", "audience", "issuer", "claim:appid", "claim:appidacr"])
    }

    @Test func v1ClaimNamesInThePolicyAgainstAV2Token() throws {
        let e = try S.explainPolicy(try Fixtures.example("certificate-v2-v1-issuer.jwt"), policyFile: "certificate-only-v1.xml")
        S.expectGolden(e, "policy-v2-token-v1-claim-names")
        #expect(e.verdict.reason == "TokenClaimNotFound")
        let step = try failing(e, "claim:appidacr")
        #expect(step.explanation.contains("appidacr") && step.explanation.contains("azpacr") && step.explanation.contains("v2.0 token"))
        #expect(step.fix?.contains("require azpacr") == true && step.fix?.contains("requestedAccessTokenVersion") == true)
        #expect(try failing(e, "claim:appid").explanation.contains("carries azp instead"))
    }

    @Test func v2ClaimNamesAndV2MetadataAgainstAV1Token() throws {
        let e = try S.explainPolicy(try Fixtures.example("certificate-v1.jwt"), policyFile: "certificate-only-v2.xml")
        S.expectGolden(e, "policy-v1-token-v2-policy")
        let issuer = try failing(e, "issuer")
        #expect(issuer.explanation.contains("v1.0 issuer form") && issuer.explanation.contains("v2.0 form"))
        #expect(issuer.fix?.contains("list both issuers") == true)
        let claim = try failing(e, "claim:azpacr")
        #expect(claim.explanation.contains("carries appidacr instead"))
        #expect(claim.fix?.contains("requestedAccessTokenVersion to 2") == true)
    }

    @Test func v1IssuerAgainstAV2Token() throws {
        let policy = S.verifyPolicy(issuers: [S.v1Issuer], audiences: [S.apiGUID])
        let e = try S.explainVerify(try Fixtures.example("certificate-v2.jwt"), policy: policy)
        S.expectGolden(e, "verify-v2-token-v1-issuer")
        #expect(e.verdict.status == "rejected" && e.verdict.reason == "issuer" && e.verdict.exitCode == 1)
        let step = try failing(e, "issuer")
        #expect(step.explanation.contains("sts.windows.net") && step.explanation.contains("login.microsoftonline.com"))
        #expect(step.fix?.contains("/v2.0/.well-known/openid-configuration") == true)
    }

    @Test func audienceAppIDURIAgainstGUID() throws {
        let token = try S.signed(payload: try S.v1Claims([(#""aud":"https://myapi.dewi.red""#, #""aud":"api://\#(S.apiGUID)""#)]))
        let e = try S.explainVerify(token, policy: S.verifyPolicy(issuers: [S.v1Issuer], audiences: [S.apiGUID]))
        S.expectGolden(e, "verify-audience-app-id-uri")
        #expect(e.steps.filter { $0.status == .fail }.map(\.check) == ["audience"])
        let step = try failing(e, "audience")
        #expect(step.explanation.contains("same application is named two ways"))
        #expect(step.fix?.contains("api://\(S.apiGUID)") == true)
    }

    @Test func audienceTrailingSlash() throws {
        let token = try S.signed(payload: try S.v1Claims([(#""aud":"https://myapi.dewi.red""#, #""aud":"https://myapi.dewi.red/""#)]))
        let e = try S.explainVerify(token, policy: S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"]))
        S.expectGolden(e, "verify-audience-trailing-slash")
        #expect(try failing(e, "audience").explanation.contains("Only a trailing slash differs"))
    }

    @Test func graphTokenWithANonce() throws {
        // Graph signs over a transformed header, so a standard verifier sees a bad signature: simulated by
        // altering the example's signature.
        let original = try Fixtures.example("graph-v1.jwt")
        let parts = original.text.split(separator: ".")
        var signature = original.signature
        signature[0] ^= 0xFF
        let token = try CompactToken.parse("\(parts[0]).\(parts[1]).\(Base64URL.encode(signature))")
        let e = try S.explainVerify(token, policy: S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"]))
        S.expectGolden(e, "verify-graph-token")
        let step = try failing(e, "signature")
        #expect(step.explanation.contains("nonce") && step.explanation.contains("no one but Graph"))
        #expect(step.fix?.contains("token for your own API") == true)
        #expect(try failing(e, "audience").explanation.contains("asked for a Graph scope"))
    }

    @Test func expiredWithTheSkewAndHowFarOff() throws {
        let policy = S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"]) { $0.clockSkew = 300 }
        let e = try S.explainVerify(try Fixtures.example("expired-v1.jwt"), policy: policy, at: 1_767_240_000)
        S.expectGolden(e, "verify-expired")
        let step = try failing(e, "expiry")
        #expect(step.explanation.contains("2026-01-01T01:00:00Z") && step.explanation.contains("300 s") && step.explanation.contains("3 h"))
        #expect(step.explanation.contains("at least 10800 s"))
    }

    @Test func notYetValidWithTheSkewAndHowFarOff() throws {
        let policy = S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"]) { $0.clockSkew = 60 }
        let e = try S.explainVerify(try Fixtures.example("certificate-v1.jwt"), policy: policy, at: 1_767_225_000)
        S.expectGolden(e, "verify-not-yet-valid")
        let step = try failing(e, "not-before")
        #expect(step.explanation.contains("10 min") && step.explanation.contains("60 s") && step.explanation.contains("600 s"))
    }

    @Test func unknownKidNamesTheMetadataThePolicyPointsAt() throws {
        let e = try S.explainPolicy(try Fixtures.example("unknown-kid-v1.jwt"), policyFile: "certificate-only-v1.xml")
        S.expectGolden(e, "policy-unknown-kid")
        #expect(e.verdict.reason == "TokenSignatureKeyNotFound")
        let step = try failing(e, "key")
        #expect(step.explanation.contains("https://login.microsoftonline.com/\(S.tenant)/.well-known/openid-configuration"))
        #expect(step.explanation.contains("rotates") && step.fix?.contains("5 minutes") == true)
    }

    @Test func secretTokenAgainstRequireCertificate() throws {
        let policy = S.verifyPolicy(issuers: [S.v2Issuer], audiences: [S.apiGUID]) { $0.requireCertificate = true }
        let e = try S.explainVerify(try Fixtures.example("secret-v2.jwt"), policy: policy)
        S.expectGolden(e, "verify-secret-v2-require-certificate")
        let step = try failing(e, "credential")
        #expect(step.explanation.contains("azpacr is \"1\""))
        #expect(step.fix?.contains("client assertion") == true)
    }

    @Test func missingNamedValueIsExplainedAndExitsThree() throws {
        let xml = #"<validate-jwt header-name="Authorization"><audiences><audience>{{api-audience}}</audience></audiences></validate-jwt>"#
        var caught: JWTAuditError?
        do {
            _ = try PolicyDocument(bytes: Array(xml.utf8), sourceName: "p.xml", namedValues: [:])
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.code == .unevaluable)
        let token = try Fixtures.example("secret-v1.jwt")
        let e = Explainer.explain(TokenInspection.inspect(token, at: S.at), unevaluable: error, policySource: "p.xml")
        S.expectGolden(e, "policy-missing-named-value")
        #expect(e.verdict.exitCode == 3 && e.verdict.status == "cannot-evaluate")
        #expect(e.steps.first?.actual?.contains("api-audience") == true)
        #expect(e.steps.first?.fix?.contains("--named-value") == true)
    }

    @Test func unevaluableExpressionIsExplained() throws {
        let xml = #"<validate-jwt header-name="Authorization" failed-validation-error-message="@((string)context.Variables[&quot;m&quot;])"><required-claims><claim name="appidacr"><value>2</value></claim></required-claims></validate-jwt>"#
        let validation = try policy(xml).validations[0]
        let token = try Fixtures.example("secret-v1.jwt")
        var caught: JWTAuditError?
        do { _ = try S.explainPolicy(token, validation: validation) } catch let error as JWTAuditError { caught = error }
        let error = try #require(caught)
        let e = Explainer.explain(TokenInspection.inspect(token, at: S.at), unevaluable: error, policySource: "p.xml")
        #expect(e.verdict.reason == "expression not evaluable")
        #expect(e.steps.first?.explanation.contains("cannot run offline") == true)
    }

    @Test(arguments: ["managed-identity-v1", "public-client-v1", "id-token-v2", "certificate-v2"])
    func tokenAlone(_ name: String) throws {
        let token = try Fixtures.example(name + ".jwt")
        let e = Explainer.explain(TokenInspection.inspect(token, at: S.at))
        S.expectGolden(e, "token-\(name)", glossary: true)
        #expect(e.verdict.status == "decoded" && e.verdict.exitCode == 0 && e.steps.isEmpty)
    }

    @Test func tokenAloneSaysWhatTheTokenIs() throws {
        func facts(_ name: String) throws -> [String: String] {
            let e = Explainer.explain(TokenInspection.inspect(try Fixtures.example(name), at: S.at))
            return Dictionary(uniqueKeysWithValues: e.token.facts.map { ($0.label, $0.value) })
        }
        #expect(try facts("managed-identity-v1.jwt")["credential"]?.hasPrefix("managed identity") == true)
        #expect(try facts("public-client-v2.jwt")["flow"]?.hasPrefix("delegated") == true)
        #expect(try facts("certificate-v2.jwt")["version"]?.contains("requestedAccessTokenVersion to 2") == true)
        #expect(try facts("secret-v1.jwt")["flow"]?.contains("service principal") == true)
        #expect(try facts("id-token-v2.jwt")["type"]?.hasPrefix("ID token") == true)
        #expect(try facts("expired-v1.jwt")["lifetime"]?.contains("expires 2026-01-01T01:00:00Z (in 3 min") == true)
    }

    @Test func textWrapsToTheWidthGivenAndProseStopsNearAHundredColumns() throws {
        let e = try S.explainPolicy(try Fixtures.example("secret-v1.jwt"), policyFile: "certificate-only-v1.xml")
        for width in [60, 80, 120, 200] {
            let limit = min(width, TextLayout.proseColumns)
            let lines = ExplanationText.render(e, layout: TextLayout(width: width, escape: { $0 }), glossary: true).split(separator: "\n")
            // Only unbreakable words (URLs, GUIDs) may overflow, alone on their line after the indentation.
            for line in lines where line.unicodeScalars.count > limit {
                #expect(line.split(separator: " ").contains { $0.count > limit / 2 }, "width \(width): \(line)")
            }
            if width > 100 { #expect(lines.contains { $0.count > 90 }, "width \(width): the text does not use the width") }
        }
    }
}
