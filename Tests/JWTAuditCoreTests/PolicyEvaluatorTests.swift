import Testing
@testable import JWTAuditCore

/// The evaluator's own logic: token location, required claims, client restriction, which failure APIM reports
/// first and with what LastError, status and body. Signature, lifetime, audience and issuer verdicts are inputs
/// (the shared verifier computes them), so here they are given as the verifier's `CheckResult` values.
@Suite("Policy evaluation with APIM semantics")
struct PolicyEvaluatorTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let client = "1105ae9f-6be2-42a2-9439-7a17934226ac"

    func token(_ claims: String, header: String = #"{"alg":"RS256","typ":"JWT","kid":"k1"}"#) throws -> CompactToken {
        let text = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8)) + "."
            + Base64URL.encode([1, 2, 3])
        return try CompactToken.parse(text)
    }

    var v1Certificate: String {
        #"{"aud":"https://myapi.dewi.red","iss":"https://sts.windows.net/\#(Self.tenant)/","exp":1900000000,"appid":"\#(Self.client)","appidacr":"2","ver":"1.0"}"#
    }
    var v1Secret: String { v1Certificate.replacingAppidacr("1") }
    var v2Certificate: String {
        #"{"aud":"https://myapi.dewi.red","iss":"https://login.microsoftonline.com/\#(Self.tenant)/v2.0","exp":1900000000,"azp":"\#(Self.client)","azpacr":"2","ver":"2.0"}"#
    }

    func seed() throws -> ResolvedTokenValidation {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("certificate-only-v1.xml"), sourceName: "certificate-only-v1.xml")
        return try doc.validations[0].resolved()
    }

    func passing(_ ids: [String] = ["format", "key", "signature", "expiry", "not-before", "audience", "issuer"]) -> [CheckResult] {
        ids.map { CheckResult(id: $0, status: .pass, detail: "ok") }
    }

    func evaluate(_ policy: ResolvedTokenValidation, _ claims: String, verifier: [CheckResult]? = nil,
                  expressionValues: [String: String] = [:]) throws -> PolicyOutcome {
        let t = try token(claims)
        let request = PolicyRequest.carrying(t.text, for: policy)
        return try PolicyEvaluator.evaluate(
            policy, extraction: .extract(from: request, for: policy), token: t, verifierChecks: verifier ?? passing(),
            expressionValues: expressionValues)
    }

    @Test func seedAcceptsAV1CertificateToken() throws {
        let outcome = try evaluate(try seed(), v1Certificate)
        #expect(outcome.accepted && outcome.statusCode == 200)
        #expect(outcome.lastError == nil && outcome.body == nil)
        #expect(outcome.checks.map(\.id) == ["token", "format", "key", "signature", "expiry", "not-before", "audience", "issuer", "claim:appid", "claim:appidacr"])
        #expect(outcome.checks.allSatisfy { $0.status == .pass })
    }

    @Test func seedRejectsAV1SecretToken() throws {
        let outcome = try evaluate(try seed(), v1Secret)
        #expect(!outcome.accepted && outcome.statusCode == 401)
        #expect(outcome.lastError == PolicyLastError(source: "validate-jwt", reason: .tokenClaimValueNotAllowed, message: "Claim appidacr value of 1 is not allowed. Access denied."))
        #expect(outcome.body == .object(JSONObject([("statusCode", 401), ("message", "Unauthorized - Failed policy requirements, or token is invalid or missing.")])))
        #expect(outcome.notes.contains { $0.contains("inferred") })
    }

    @Test func seedRejectsAV2TokenForMissingV1Claims() throws {
        let outcome = try evaluate(try seed(), v2Certificate)
        #expect(outcome.lastError?.reason == .tokenClaimNotFound)
        #expect(outcome.lastError?.message == "JWT is missing the following claims: appid, appidacr. Access denied.")
    }

    @Test func plainV2TokenFailsTheIssuerFirstAndListsBothFailures() throws {
        var verifier = passing(["format", "key", "signature", "expiry", "not-before", "audience"])
        verifier.append(CheckResult(
            id: "issuer", status: .fail, expected: "https://sts.windows.net/\(Self.tenant)/",
            actual: "https://login.microsoftonline.com/\(Self.tenant)/v2.0", detail: "issuer not accepted"))
        let outcome = try evaluate(try seed(), v2Certificate, verifier: verifier)
        #expect(outcome.lastError?.reason == .tokenIssuerNotAllowed)
        #expect(outcome.lastError?.message.hasPrefix("IDX10205: Issuer validation failed. Issuer: 'https://login.microsoftonline.com/\(Self.tenant)/v2.0'") == true)
        #expect(outcome.lastError?.message.hasSuffix(". Access denied.") == true)
        #expect(outcome.checks.filter { $0.status == .fail }.map(\.id) == ["issuer", "claim:appid", "claim:appidacr"])
        #expect(outcome.notes.contains { $0.contains("TokenIssuerNotAllowed, TokenClaimNotFound") })
    }

    @Test func missingTokenIsTokenNotPresentWithTheDefaultBody() throws {
        let p = try policy(#"<validate-jwt header-name="Authorization" failed-validation-httpcode="403"/>"#).validations[0].resolved()
        let outcome = try PolicyEvaluator.evaluate(p, extraction: .extract(from: PolicyRequest(), for: p), token: nil, verifierChecks: [])
        #expect(outcome.statusCode == 403)
        #expect(outcome.lastError == PolicyLastError(source: "validate-jwt", reason: .tokenNotPresent, message: "JWT not present."))
        #expect(outcome.body == .object(JSONObject([("statusCode", 403), ("message", "JWT not present.")])))
        #expect(outcome.checks.map(\.id) == ["token"])
    }

    @Test(arguments: [
        ("key", nil as String?, PolicyFailureReason.tokenSignatureKeyNotFound),
        ("signature", nil, .tokenSignatureInvalid),
        ("expiry", "1700000000", .tokenExpired),
        ("expiry", nil, .jwtInvalid),
        ("not-before", "1999999999", .jwtInvalid),
        ("audience", "https://graph.microsoft.com", .tokenAudienceNotAllowed),
        ("issuer", "https://evil.example/", .tokenIssuerNotAllowed),
        ("format", nil, .jwtInvalid),
    ])
    func eachVerifierFailureMapsToItsReason(id: String, actual: String?, reason: PolicyFailureReason) throws {
        let verifier = passing().map { $0.id == id ? CheckResult(id: id, status: .fail, actual: actual, detail: "failed") : $0 }
        let outcome = try evaluate(try seed(), v1Certificate, verifier: verifier)
        #expect(outcome.lastError?.reason == reason, "check \(id) actual \(actual ?? "nil")")
        #expect(!outcome.accepted)
        let deniedReasons: Set<PolicyFailureReason> = [.tokenSignatureKeyNotFound, .tokenSignatureInvalid, .tokenExpired, .tokenAudienceNotAllowed, .tokenIssuerNotAllowed]
        #expect(outcome.lastError?.message.hasSuffix("Access denied.") == deniedReasons.contains(reason))
        if reason == .jwtInvalid { #expect(outcome.notes.contains { $0.contains("inferred") }) }
    }

    @Test func theInferredOrderDecidesNotTheInputOrder() throws {
        let verifier = [
            CheckResult(id: "audience", status: .fail, actual: "other", detail: "x"),
            CheckResult(id: "expiry", status: .fail, actual: "1", detail: "x"),
            CheckResult(id: "signature", status: .fail, detail: "x"),
        ]
        let outcome = try evaluate(try seed(), v1Secret, verifier: verifier)
        #expect(outcome.lastError?.reason == .tokenSignatureInvalid)
        #expect(outcome.checks.map(\.id).prefix(4) == ["token", "signature", "expiry", "audience"])
    }

    @Test func warningsAndSkipsDoNotReject() throws {
        let verifier = passing() + [CheckResult(id: "issued-at", status: .fail, detail: "iat in the future"), CheckResult(id: "tenant", status: .warn, detail: "w")]
        #expect(try evaluate(try seed(), v1Certificate, verifier: verifier).accepted)
    }

    @Test func unsignedTokenIsJwtInvalid() throws {
        let t = try token(v1Certificate, header: #"{"alg":"none"}"#)
        let p = try seed()
        let outcome = try PolicyEvaluator.evaluate(
            p, extraction: .token(t.text, note: nil), token: t,
            verifierChecks: [CheckResult(id: "algorithm", status: .fail, actual: "none", detail: "none is never valid")])
        #expect(outcome.lastError?.reason == .jwtInvalid)
        #expect(outcome.lastError?.message.hasPrefix("IDX10504") == true)
    }

    @Test func schemeMismatchIsJwtInvalidInferred() throws {
        let p = try policy(#"<validate-jwt header-name="Authorization" require-scheme="Bearer"/>"#).validations[0].resolved()
        let extraction = TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "DPoP abc.def.ghi")]), for: p)
        let outcome = try PolicyEvaluator.evaluate(p, extraction: extraction, token: nil, verifierChecks: [])
        #expect(outcome.lastError?.reason == .jwtInvalid)
        #expect(outcome.notes.contains { $0.contains("JwtInvalid is inferred") })
        #expect(outcome.body?.objectValue?["message"] == "Invalid JWT.")
    }

    @Test func errorMessageExpressionNeedsAValueOnlyWhenRejecting() throws {
        let xml = #"<validate-jwt header-name="Authorization" failed-validation-error-message="@((string)context.Variables[&quot;m&quot;])"><required-claims><claim name="appidacr"><value>2</value></claim></required-claims></validate-jwt>"#
        let p = try policy(xml).validations[0].resolved()
        #expect(try evaluate(p, v1Certificate).accepted)
        #expect(throws: JWTAuditError.self) { try evaluate(p, v1Secret) }
        let outcome = try evaluate(p, v1Secret, expressionValues: [#"@((string)context.Variables["m"])"#: "custom"])
        #expect(outcome.body?.objectValue?["message"] == "custom")
    }

    @Test func validateAzureADTokenRestrictsTheClient() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("azure-ad-token.xml"), sourceName: "azure-ad-token.xml")
        let p = try doc.validations[0].resolved()
        let accepted = try evaluate(p, v1Certificate)
        #expect(accepted.accepted)
        #expect(accepted.checks.contains { $0.id == "client" && $0.status == .pass })
        let other = try evaluate(p, v1Certificate.replacingOccurrences(Self.client, "00000000-0000-0000-0000-000000000001"))
        #expect(other.lastError?.source == "validate-azure-ad-token")
        #expect(other.lastError?.reason == .jwtInvalid)
        #expect(other.checks.first { $0.id == "client" }?.detail.contains("inferred") == true)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let outcome = try evaluate(try seed(), v1Secret)
        let object = try #require(outcome.jsonValue.objectValue)
        #expect(Array(object.keys.prefix(6)) == ["accepted", "statusCode", "body", "lastError", "checks", "findings"])
        #expect(object["accepted"] == false)
        #expect(object["lastError"]?.objectValue?["reason"] == "TokenClaimValueNotAllowed")
        #expect(object["checks"]?.arrayValue?.first?.objectValue?.keys == ["id", "status", "expected", "actual", "detail"])
        #expect(try JSONParser.parse(JSONWriter.write(outcome.jsonValue)) == outcome.jsonValue)
    }
}

extension String {
    func replacingAppidacr(_ value: String) -> String { replacingOccurrences(#""appidacr":"2""#, #""appidacr":"\#(value)""#) }

    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while !rest.isEmpty {
            if rest.hasPrefix(target) {
                out += replacement
                rest = rest.dropFirst(target.count)
            } else {
                out.append(rest.removeFirst())
            }
        }
        return out
    }
}
