import Testing
@testable import JWTAuditCore

/// A whole policy document evaluated in the core, as check-policy and explain --policy do: the real key
/// resolution (a file-backed provider over examples/cache), the real verifier under the APIM plan and the real
/// evaluator, together.
@Suite("Policy evaluation of a whole document, with a file-backed key provider")
struct PolicyEvaluationTests {
    static let at: Int64 = 1_767_229_000
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let v1Metadata = "https://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration"
    static let v2Metadata = "https://login.microsoftonline.com/\(tenant)/v2.0/.well-known/openid-configuration"

    func evaluate(
        _ xml: [UInt8], _ token: String, provider: FileKeyProvider? = nil, expressionValues: [String: String] = [:]
    ) throws -> PolicyEvaluation {
        let document = try PolicyDocument(bytes: xml, sourceName: "policy.xml")
        let request = PolicyEvaluationRequest(
            token: token, request: nil, expressionValues: expressionValues, at: Self.at, authority: nil)
        return try PolicyEvaluator.evaluate(document, request, keys: KeyResolution(provider: try provider ?? FileKeyProvider()))
    }

    func example(_ name: String) throws -> String { try Fixtures.example(name).text }

    @Test(arguments: [("certificate-v1.jwt", true, nil as PolicyFailureReason?),
                      ("secret-v1.jwt", false, .tokenClaimValueNotAllowed),
                      ("certificate-v2-v1-issuer.jwt", false, .tokenClaimNotFound),
                      ("unknown-kid-v1.jwt", false, .tokenSignatureKeyNotFound)])
    func theSeedPolicyOnTheExamples(_ file: String, _ accepted: Bool, _ reason: PolicyFailureReason?) throws {
        let evaluation = try evaluate(try examplePolicyBytes("certificate-only-v1.xml"), try example(file))
        #expect(evaluation.accepted == accepted, "\(file): \(evaluation.lastError?.message ?? "")")
        #expect(evaluation.lastError?.reason == reason, "\(file)")
        #expect(evaluation.statusCode == (accepted ? 200 : 401))
        let issuer = try #require(evaluation.decisive?.outcome.checks.first { $0.id == .issuer })
        #expect(issuer.detail.hasSuffix("(issuer from \(Self.v1Metadata))"), "the metadata's issuer: \(issuer.detail)")
        #expect(try #require(evaluation.decisive).outcome.checks.map(\.id).prefix(10)
            == [.token, .format, .claims, .algorithm, .key, .signature, .expiry, .notBefore, .audience, .issuer])
    }

    @Test(arguments: [("certificate-v1.jwt", v1Metadata), ("certificate-v2.jwt", v2Metadata)])
    func validateAzureADTokenReadsTheMetadataOfTheTokensVersion(_ file: String, _ metadata: String) throws {
        let provider = try FileKeyProvider()
        let evaluation = try evaluate(try examplePolicyBytes("azure-ad-token.xml"), try example(file), provider: provider)
        #expect(provider.requests.first == "metadata \(metadata)", "\(provider.requests)")
        #expect(evaluation.decisive?.outcome.checks.first { $0.id == .signature }?.status == .pass)
        #expect(evaluation.decisive?.outcome.checks.contains { $0.id == .client && $0.status == .pass } == true)
    }

    @Test func anUnknownKidIsRefetchedAndSaid() throws {
        let provider = try FileKeyProvider()
        let evaluation = try evaluate(
            try examplePolicyBytes("certificate-only-v1.xml"), try example("unknown-kid-v1.jwt"), provider: provider)
        #expect(provider.requests.filter { $0.hasPrefix("refetch ") }.count == 1)
        #expect(evaluation.allNotes.contains { $0.contains("was not in the cached JWKS; refetched") }, "\(evaluation.allNotes)")
    }

    @Test func theBranchTakenDecidesAndNothingRunsAfterARejection() throws {
        let seed = String(decoding: try examplePolicyBytes("certificate-only-v1.xml"), as: UTF8.self)
        let open = #"<validate-jwt header-name="Authorization"><openid-config url="\#(Self.v1Metadata)" /><audiences><audience>https://myapi.dewi.red</audience></audiences></validate-jwt>"#
        let xml = """
            <policies><inbound>
            <choose><when condition="@(false)">\(open)</when><otherwise>\(open)</otherwise></choose>
            \(open)
            <choose><when condition="@(true)">\(seed)</when></choose>
            \(open)
            </inbound></policies>
            """
        let evaluation = try evaluate(Array(xml.utf8), try example("secret-v1.jwt"))
        #expect(evaluation.elements.map(\.policy.placement.line) == [2, 3, 4])
        #expect(evaluation.elements.map(\.conditional) == [true, false, true])
        #expect(evaluation.elements.map(\.outcome.accepted) == [true, true, false])
        #expect(evaluation.decisions.map(\.branch) == [.otherwise, .when(position: 1, line: 4)])
        #expect(!evaluation.accepted && evaluation.lastError?.reason == .tokenClaimValueNotAllowed)
        #expect(evaluation.notes.contains { $0.contains("line 2 does not run: it is in a <choose> branch") })
        #expect(evaluation.notes.contains { $0.hasSuffix("does not run: the gateway stops at the first element that rejects the request.") })
    }

    @Test func aFalseBranchLetsTheRequestThrough() throws {
        let seed = String(decoding: try examplePolicyBytes("certificate-only-v1.xml"), as: UTF8.self)
        let xml = #"<policies><inbound><choose><when condition="@(false)">\#(seed)</when></choose></inbound></policies>"#
        let evaluation = try evaluate(Array(xml.utf8), try example("secret-v1.jwt"))
        #expect(evaluation.decisive == nil)
        #expect(evaluation.accepted && evaluation.statusCode == 200 && evaluation.lastError == nil)
    }

    @Test func aConditionNobodySuppliedIsNamed() throws {
        let seed = String(decoding: try examplePolicyBytes("certificate-only-v1.xml"), as: UTF8.self)
        let condition = #"@(context.Request.Headers.GetValueOrDefault("X-Mobile","") == "1")"#
        let xml = #"<policies><inbound><choose><when condition='\#(condition)'>\#(seed)</when></choose></inbound></policies>"#
        var caught: JWTAuditError?
        do { _ = try evaluate(Array(xml.utf8), try example("secret-v1.jwt")) } catch let error as JWTAuditError { caught = error }
        #expect(caught?.code == .unevaluable)
        #expect(caught?.reason.contains(condition) == true, "\(caught?.reason ?? "")")
        let supplied = try evaluate(Array(xml.utf8), try example("secret-v1.jwt"), expressionValues: [condition: "True"])
        #expect(supplied.decisions.first?.conditions.first?.supplied == true)
        #expect(!supplied.accepted)
    }

    @Test func requireSignedTokensFalseIsARuleOfTheAPIMPlan() throws {
        let claims = try Fixtures.example("certificate-v1.jwt").payloadBytes
        let unsigned = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + Base64URL.encode(claims) + "."
        let xml = #"<validate-jwt header-name="Authorization" require-signed-tokens="false"><audiences><audience>https://myapi.dewi.red</audience></audiences></validate-jwt>"#
        let evaluation = try evaluate(Array(xml.utf8), unsigned)
        let checks = try #require(evaluation.decisive).outcome.checks
        for id in [CheckID.algorithm, .key, .signature] {
            let check = try #require(checks.first { $0.id == id })
            #expect(check.status == .warn, "\(id)")
            #expect(check.detail.contains("require-signed-tokens=\"false\""), "\(id): \(check.detail)")
            guard case .unsignedAccepted = check.evidence else {
                Issue.record("\(id) keeps what it found under .unsignedAccepted")
                continue
            }
        }
        #expect(evaluation.accepted)
        let signed = try evaluate(Array(xml.replacingOccurrences(#" require-signed-tokens="false""#, "").utf8), unsigned)
        #expect(signed.lastError?.reason == .jwtInvalid && signed.lastError?.message.hasPrefix("IDX10504") == true)
    }

    @Test func aPolicyCertificateComesFromTheProvider() throws {
        let xml = #"<validate-jwt header-name="Authorization"><issuer-signing-keys><key certificate-id="tenant-signing" /></issuer-signing-keys><audiences><audience>https://myapi.dewi.red</audience></audiences></validate-jwt>"#
        let provider = try FileKeyProvider(certificates: ["tenant-signing": "examples/keys/tenant-signing-cert.pem"])
        let evaluation = try evaluate(Array(xml.utf8), try example("certificate-v1.jwt"), provider: provider)
        #expect(provider.requests == ["certificate tenant-signing"])
        #expect(evaluation.accepted, "\(evaluation.lastError?.message ?? "")")
        #expect(throws: JWTAuditError.self) { try evaluate(Array(xml.utf8), try example("certificate-v1.jwt")) }
    }

    @Test func anElementThatCannotBeEvaluatedIsNamed() throws {
        let xml = #"<validate-jwt header-name="Authorization" clock-skew="@(30)"/>"#
        var caught: JWTAuditError?
        do { _ = try evaluate(Array(xml.utf8), try example("certificate-v1.jwt")) } catch let error as JWTAuditError { caught = error }
        let error = try #require(caught)
        #expect(error.code == .unevaluable)
        #expect(error.reason.hasPrefix("validate-jwt at policy.xml line 1: clock-skew"), "\(error.reason)")
    }

    @Test func aHugePolicyClockSkewIsJudgedNotTrapped() throws {
        let xml = #"<validate-jwt header-name="Authorization" clock-skew="9223372036854775807"><openid-config url="\#(Self.v1Metadata)" /><audiences><audience>https://myapi.dewi.red</audience></audiences></validate-jwt>"#
        let evaluation = try evaluate(Array(xml.utf8), try example("expired-v1.jwt"))
        #expect(evaluation.decisive?.outcome.checks.first { $0.id == .expiry }?.status == .pass)
    }
}
