import Testing
@testable import JWTAuditCore

/// The evaluator's own logic: token location, required claims, client restriction, which failure APIM reports
/// first and with what LastError, status and body. Every outcome here comes from the real Verifier (the
/// examples' keys, tokens signed with the examples' tenant key) and the real PolicyEvaluator together.
@Suite("Policy evaluation with APIM semantics")
struct PolicyEvaluatorTests {
    typealias S = ExplainSupport
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let client = "1105ae9f-6be2-42a2-9439-7a17934226ac"

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

    /// The outcome for a token with these claims (and header), signed by the examples' tenant key.
    func evaluate(
        _ policy: ResolvedTokenValidation, _ claims: String, header: String? = nil, issuers: [String]? = nil,
        expressionValues: [String: String] = [:]
    ) throws -> PolicyOutcome {
        var verification = S.verification(for: policy)
        if let issuers { verification.issuers = issuers }
        return try S.policyOutcome(
            try S.signed(payload: claims, header: header), resolved: policy, verification: verification,
            expressionValues: expressionValues)
    }

    @Test func seedAcceptsAV1CertificateToken() throws {
        let outcome = try evaluate(try seed(), v1Certificate)
        #expect(outcome.accepted && outcome.statusCode == 200)
        #expect(outcome.lastError == nil && outcome.verdict.body?.json == nil)
        #expect(outcome.checks.map(\.name) == ["token", "format", "claims", "algorithm", "key", "signature", "expiry", "not-before", "audience", "issuer", "claim:appid", "claim:appidacr"])
        #expect(outcome.checks.allSatisfy { $0.status != .fail })
    }

    @Test func seedRejectsAV1SecretToken() throws {
        let outcome = try evaluate(try seed(), v1Secret)
        #expect(!outcome.accepted && outcome.statusCode == 401)
        #expect(outcome.lastError == PolicyLastError(source: "validate-jwt", reason: .tokenClaimValueNotAllowed, message: "Claim appidacr value of 1 is not allowed. Access denied."))
        #expect(outcome.verdict.body?.json == .object(JSONObject([("statusCode", 401), ("message", "Unauthorized - Failed policy requirements, or token is invalid or missing.")])))
        #expect(outcome.notes.contains { $0.contains("inferred") })
    }

    @Test func seedRejectsAV2TokenForMissingV1Claims() throws {
        let issuers = ["https://sts.windows.net/\(Self.tenant)/", "https://login.microsoftonline.com/\(Self.tenant)/v2.0"]
        let outcome = try evaluate(try seed(), v2Certificate, issuers: issuers)
        #expect(outcome.lastError?.reason == .tokenClaimNotFound)
        #expect(outcome.lastError?.message == "JWT is missing the following claims: appid, appidacr. Access denied.")
    }

    @Test func plainV2TokenFailsTheIssuerFirstAndListsBothFailures() throws {
        let outcome = try evaluate(try seed(), v2Certificate)
        #expect(outcome.lastError?.reason == .tokenIssuerNotAllowed)
        #expect(outcome.lastError?.message.hasPrefix("IDX10205: Issuer validation failed. Issuer: 'https://login.microsoftonline.com/\(Self.tenant)/v2.0'") == true)
        #expect(outcome.lastError?.message.hasSuffix(". Access denied.") == true)
        #expect(outcome.checks.filter { $0.status == .fail }.map(\.name) == ["issuer", "claim:appid", "claim:appidacr"])
        #expect(outcome.notes.contains { $0.contains("TokenIssuerNotAllowed, TokenClaimNotFound") })
    }

    @Test func missingTokenIsTokenNotPresentWithTheDefaultBody() throws {
        let p = try policy(#"<validate-jwt header-name="Authorization" failed-validation-httpcode="403"/>"#).validations[0].resolved()
        let outcome = try PolicyEvaluator.evaluate(p, extraction: .extract(from: PolicyRequest(), for: p), report: nil)
        #expect(outcome.statusCode == 403)
        #expect(outcome.lastError == PolicyLastError(source: "validate-jwt", reason: .tokenNotPresent, message: "JWT not present."))
        #expect(outcome.verdict.body?.json == .object(JSONObject([("statusCode", 403), ("message", "JWT not present.")])))
        #expect(outcome.checks.map(\.name) == ["token"])
    }

    /// Tokens that fail one verifier check each: (what fails, the claims' replacements, a header, the reason).
    static let singleFailures: [(String, [(String, String)], String?, PolicyFailureReason)] = [
        ("key", [], #"{"typ":"JWT","alg":"RS256","kid":"rotated-away"}"#, .tokenSignatureKeyNotFound),
        ("expiry", [(#""exp":1900000000"#, #""exp":1700000000"#)], nil, .tokenExpired),
        ("expiry", [(#","exp":1900000000"#, "")], nil, .jwtInvalid),
        ("not-before", [(#""exp":1900000000"#, #""exp":1900000000,"nbf":1899999999"#)], nil, .jwtInvalid),
        ("audience", [(#""aud":"https://myapi.dewi.red""#, #""aud":"https://graph.microsoft.com""#)], nil, .tokenAudienceNotAllowed),
        ("issuer", [(#""iss":"https://sts.windows.net/\#(tenant)/""#, #""iss":"https://evil.example/""#)], nil, .tokenIssuerNotAllowed),
        ("format", [], #"{"typ":"JWT","alg":"RS256","alg":"RS256"}"#, .jwtInvalid),
    ]

    @Test(arguments: singleFailures.indices)
    func eachVerifierFailureMapsToItsReason(_ index: Int) throws {
        let (id, replacements, header, reason) = Self.singleFailures[index]
        var claims = v1Certificate
        for (old, new) in replacements { claims = claims.replacingOccurrences(old, new) }
        let outcome = try evaluate(try seed(), claims, header: header)
        #expect(outcome.checks.first { $0.name == id }?.status == .fail, "check \(id)")
        #expect(outcome.lastError?.reason == reason, "check \(id): \(outcome.lastError?.message ?? "accepted")")
        #expect(!outcome.accepted)
        let deniedReasons: Set<PolicyFailureReason> = [.tokenSignatureKeyNotFound, .tokenSignatureInvalid, .tokenExpired, .tokenAudienceNotAllowed, .tokenIssuerNotAllowed]
        #expect(outcome.lastError?.message.hasSuffix("Access denied.") == deniedReasons.contains(reason))
        if reason == .jwtInvalid { #expect(outcome.notes.contains { $0.contains("inferred") }) }
    }

    @Test func aTamperedSignatureIsTokenSignatureInvalid() throws {
        let signed = try S.signed(payload: v1Certificate)
        var signature = signed.signature
        signature[0] ^= 0xFF
        let parts = signed.text.split(separator: ".")
        let tampered = try CompactToken.parse("\(parts[0]).\(parts[1]).\(Base64URL.encode(signature))")
        let outcome = try S.policyOutcome(tampered, resolved: try seed())
        #expect(outcome.lastError?.reason == .tokenSignatureInvalid)
        #expect(outcome.lastError?.message.hasPrefix("IDX10511: Signature validation failed. Keys tried: '") == true, "\(outcome.lastError?.message ?? "")")
        #expect(outcome.lastError?.message.hasSuffix("See https://aka.ms/IDX10511 for details. Access denied.") == true)
    }

    @Test func theAPIMPlansOrderDecides() throws {
        // Audience, expiry and the signature all fail: IdentityModel checks the signature first.
        let claims = v1Certificate.replacingOccurrences(#""aud":"https://myapi.dewi.red""#, #""aud":"api://other""#)
            .replacingOccurrences(#""exp":1900000000"#, #""exp":1700000000"#)
        let signed = try S.signed(payload: claims)
        let parts = signed.text.split(separator: ".")
        let tampered = try CompactToken.parse("\(parts[0]).\(parts[1]).\(Base64URL.encode(Array(signed.signature.reversed())))")
        let outcome = try S.policyOutcome(tampered, resolved: try seed())
        #expect(outcome.lastError?.reason == .tokenSignatureInvalid)
        #expect(outcome.checks.filter { $0.status == .fail }.map(\.name).prefix(3) == ["signature", "expiry", "audience"])
    }

    @Test func checksOutsideAPIMsValidationDoNotReject() throws {
        // iat in the future fails jwtaudit's issued-at check, which the gateway does not run.
        let claims = v1Certificate.replacingOccurrences(#""exp":1900000000"#, #""exp":1900000000,"iat":1800000000"#)
        #expect(try evaluate(try seed(), claims).accepted)
    }

    @Test func unsignedTokenIsJwtInvalid() throws {
        let claims = v1Certificate
        let text = Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8)) + "."
        let outcome = try S.policyOutcome(try CompactToken.parse(text), resolved: try seed())
        #expect(outcome.lastError?.reason == .jwtInvalid)
        #expect(outcome.lastError?.message.hasPrefix("IDX10504") == true)
    }

    @Test func schemeMismatchIsJwtInvalidInferred() throws {
        let p = try policy(#"<validate-jwt header-name="Authorization" require-scheme="Bearer"/>"#).validations[0].resolved()
        let extraction = TokenExtraction.extract(from: PolicyRequest(headers: [("Authorization", "DPoP abc.def.ghi")]), for: p)
        let outcome = try PolicyEvaluator.evaluate(p, extraction: extraction, report: nil)
        #expect(outcome.lastError?.reason == .jwtInvalid)
        #expect(outcome.notes.contains { $0.contains("JwtInvalid is inferred") })
        #expect(outcome.verdict.body?.json.objectValue?["message"] == "Invalid JWT.")
    }

    @Test func errorMessageExpressionNeedsAValueOnlyWhenRejecting() throws {
        let xml = #"<validate-jwt header-name="Authorization" failed-validation-error-message="@((string)context.Variables[&quot;m&quot;])"><required-claims><claim name="appidacr"><value>2</value></claim></required-claims></validate-jwt>"#
        let p = try policy(xml).validations[0].resolved()
        #expect(try evaluate(p, v1Certificate).accepted)
        #expect(throws: JWTAuditError.self) { try evaluate(p, v1Secret) }
        let outcome = try evaluate(p, v1Secret, expressionValues: [#"@((string)context.Variables["m"])"#: "custom"])
        #expect(outcome.verdict.body?.json.objectValue?["message"] == "custom")
    }

    @Test func validateAzureADTokenRestrictsTheClient() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("azure-ad-token.xml"), sourceName: "azure-ad-token.xml")
        let p = try doc.validations[0].resolved()
        let accepted = try evaluate(p, v1Certificate)
        #expect(accepted.accepted)
        #expect(accepted.checks.contains { $0.id == .client && $0.status == .pass })
        let other = try evaluate(p, v1Certificate.replacingOccurrences(Self.client, "00000000-0000-0000-0000-000000000001"))
        #expect(other.lastError?.source == "validate-azure-ad-token")
        #expect(other.lastError?.reason == .jwtInvalid)
        #expect(other.checks.first { $0.id == .client }?.detail.contains("inferred") == true)
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
