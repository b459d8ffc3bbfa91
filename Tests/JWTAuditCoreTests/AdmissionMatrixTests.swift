import Testing
@testable import JWTAuditCore

/// The admission matrix in the core: tokens made from the policy's own facts, each kind evaluated by the one
/// policy evaluation with the signature assumed, the metadata's issuer from the provider (a file-backed one over
/// examples/cache) or inferred from the URL.
@Suite("Admission matrix: which client tokens a policy admits")
struct AdmissionMatrixTests {
    static let at: Int64 = 1_780_272_000
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let client = "1105ae9f-6be2-42a2-9439-7a17934226ac"
    static let api = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"

    func matrix(
        _ xml: [UInt8], provider: FileKeyProvider? = nil, expressionValues: [String: String] = [:]
    ) throws -> AdmissionMatrix.Table {
        let document = try PolicyDocument(bytes: xml, sourceName: "policy.xml")
        return try AdmissionMatrix.evaluate(
            document, expressionValues: expressionValues, at: Self.at, authority: nil, keys: KeyResolution(provider: provider))
    }

    func row(_ table: AdmissionMatrix.Table, _ version: TokenVersion, _ client: AdmissionMatrix.Client, _ credential: CredentialKind) throws -> AdmissionMatrix.Row {
        try #require(table.rows.first { $0.kind == AdmissionMatrix.TokenKind(version: version, client: client, credential: credential) })
    }

    func xml(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theSeedPolicyAdmitsV1CertificatesAndRefusesSecretsAndEveryV2Token() throws {
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"))
        #expect(table.rows.count == 10)
        let certificate = try row(table, .v1, .app, .certificate)
        #expect(certificate.admitted && certificate.statusCode == 200 && certificate.lastError == nil && certificate.decidedBy == nil)
        let secret = try row(table, .v1, .app, .secret)
        #expect(!secret.admitted && secret.statusCode == 401)
        #expect(secret.lastError?.reason == .tokenClaimValueNotAllowed && secret.decidedBy == "appidacr")
        #expect(secret.refusedBy == ["appidacr"])
        let v2 = try row(table, .v2, .app, .certificate)
        #expect(!v2.admitted && v2.statusCode == 401)
        // The claim-name trap: once aud and iss are put right, appid and appidacr are missing from v2.0 tokens.
        #expect(v2.refusedBy.contains("appid") && v2.refusedBy.contains("appidacr"), "\(v2.refusedBy)")
        #expect(v2.decidedBy == v2.refusedBy.first)
        #expect(try row(table, .v1, .managedIdentity, .certificate).admitted)
        #expect(try !row(table, .v1, .user, .publicClient).admitted)
    }

    @Test func theTokensAreMadeFromThePolicysTenantAudienceAndClient() throws {
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"))
        let v1 = try row(table, .v1, .app, .secret).claims
        #expect(v1["aud"] == "https://myapi.dewi.red")
        #expect(v1["iss"]?.stringValue == "https://sts.windows.net/\(Self.tenant)/")
        #expect(v1["appid"]?.stringValue == Self.client && v1["appidacr"] == "1" && v1["tid"]?.stringValue == Self.tenant)
        #expect(v1["idtyp"] == "app" && v1["azp"] == nil)
        let v2 = try row(table, .v2, .user, .publicClient).claims
        #expect(v2["iss"]?.stringValue == "https://login.microsoftonline.com/\(Self.tenant)/v2.0")
        #expect(v2["azp"]?.stringValue == Self.client && v2["azpacr"] == "0" && v2["appid"] == nil)
        #expect(v2["idtyp"] == nil && v2["scp"] != nil)
        // The policy names the API only by its URI: a v2.0 aud is a GUID it does not name, and a note says so.
        #expect(v2["aud"]?.stringValue == AdmissionMatrix.Synthesis.placeholderAPI)
        #expect(table.notes.contains { $0.contains("a v2.0 token's aud is always the API's client ID") })
        let identity = try row(table, .v1, .managedIdentity, .certificate).claims
        #expect(identity["xms_mirid"] != nil && identity["appidacr"] == "2")
    }

    @Test func theV2PolicyIsTheMirrorImage() throws {
        let table = try matrix(try examplePolicyBytes("certificate-only-v2.xml"))
        #expect(try row(table, .v2, .app, .certificate).admitted)
        let secret = try row(table, .v2, .app, .secret)
        #expect(!secret.admitted && secret.decidedBy == "azpacr")
        let v1 = try row(table, .v1, .app, .certificate)
        // v1 aud is the GUID the policy lists, so the v2 metadata's issuer refuses it first, then azp/azpacr.
        #expect(!v1.admitted && v1.lastError?.reason == .tokenIssuerNotAllowed && v1.refusedBy == ["iss", "azp", "azpacr"])
    }

    @Test func validateAzureADTokenAcceptsBothIssuersAndChecksTheClientClaimOfEachVersion() throws {
        let table = try matrix(try examplePolicyBytes("azure-ad-token.xml"))
        #expect(try row(table, .v1, .app, .certificate).admitted)
        let v2 = try row(table, .v2, .app, .certificate)
        // aud is the listed GUID and the tenant's v2.0 issuer is accepted: only appidacr (a v1.0 name) is missing.
        #expect(!v2.admitted && v2.lastError?.reason == .tokenClaimNotFound && v2.refusedBy == ["appidacr"])
    }

    @Test func requiredRolesAreCarriedByEveryKindAndScopesOnlyByUserTokens() throws {
        let policy = xml("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>c2VjcmV0</key></issuer-signing-keys>
              <audiences><audience>api://\(Self.api)</audience><audience>\(Self.api)</audience></audiences>
              <required-claims>
                <claim name="roles" match="all"><value>Orders.Read</value><value>Orders.Write</value></claim>
                <claim name="department" match="any"><value>sales</value><value>support</value></claim>
              </required-claims>
            </validate-jwt>
            """)
        let table = try matrix(policy)
        #expect(table.rows.allSatisfy { $0.admitted }, "\(table.rows.map { ($0.kind, $0.refusedBy) })")
        let claims = try row(table, .v1, .app, .secret).claims
        // v1.0 aud "can be the client ID or the resource URI": the first the policy lists; v2.0 aud is the GUID.
        #expect(claims["aud"]?.stringValue == "api://\(Self.api)")
        #expect(try row(table, .v2, .app, .secret).claims["aud"]?.stringValue == Self.api)
        #expect(claims["roles"] == .array(["Orders.Read", "Orders.Write"]) && claims["department"] == "sales")
        #expect(table.notes.contains { $0.contains("placeholder tenant") } && table.notes.contains { $0.contains("allows any client") })

        let scoped = try matrix(xml("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>c2VjcmV0</key></issuer-signing-keys>
              <required-claims><claim name="scp" match="any" separator=" "><value>Orders.Read</value></claim></required-claims>
            </validate-jwt>
            """))
        let app = try row(scoped, .v1, .app, .certificate)
        #expect(!app.admitted && app.lastError?.reason == .tokenClaimNotFound && app.decidedBy == "scp")
        #expect(try row(scoped, .v2, .user, .certificate).admitted)
        #expect(try row(scoped, .v1, .user, .certificate).claims["scp"] == "Orders.Read")
    }

    @Test func anAudienceGivenOnlyAsAnAppIDURIRefusesEveryV2Token() throws {
        let table = try matrix(xml("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>c2VjcmV0</key></issuer-signing-keys>
              <audiences><audience>api://\(Self.api)</audience></audiences>
            </validate-jwt>
            """))
        #expect(table.rows.allSatisfy { $0.admitted == ($0.kind.version == .v1) })
        #expect(table.rows.filter { $0.kind.version == .v2 }.allSatisfy { $0.decidedBy == "aud" && $0.lastError?.reason == .tokenAudienceNotAllowed })
        // The GUID inside the URI is the API's client ID: the v2.0 tokens carry it, and it is still refused.
        #expect(try row(table, .v2, .app, .certificate).claims["aud"]?.stringValue == Self.api)
    }

    @Test func aPolicyWithNoTokenValidationAdmitsEveryKind() throws {
        let table = try matrix(xml("<policies><inbound><rate-limit calls=\"5\" renewal-period=\"60\" /></inbound></policies>"))
        #expect(table.rows.count == AdmissionMatrix.kinds.count && table.rows.allSatisfy { $0.admitted && $0.statusCode == 200 })
        #expect(table.notes.contains { $0.contains("lets every request through") })
    }

    @Test func anExpressionTheValidationNeedsIsUnevaluableUnlessSupplied() throws {
        let policy = xml("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(Self.tenant)/.well-known/openid-configuration" />
              <audiences><audience>@(context.Api.ServiceUrl.Host)</audience></audiences>
            </validate-jwt>
            """)
        do {
            _ = try matrix(policy)
            Issue.record("an audience that is an expression was evaluated without its value")
        } catch let error as JWTAuditError {
            #expect(error.code == .unevaluable && error.reason.contains("@(context.Api.ServiceUrl.Host)"))
        }
        let supplied = try matrix(policy, expressionValues: ["@(context.Api.ServiceUrl.Host)": "https://myapi.dewi.red"])
        #expect(try row(supplied, .v1, .app, .secret).admitted)
        #expect(try row(supplied, .v1, .app, .secret).claims["aud"] == "https://myapi.dewi.red")
    }

    // MARK: metadata issuers

    @Test func theMetadataIssuerComesFromTheProviderAndNoKeyIsAskedFor() throws {
        let provider = try FileKeyProvider()
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"), provider: provider)
        let v1Metadata = "https://login.microsoftonline.com/\(Self.tenant)/.well-known/openid-configuration"
        #expect(!provider.requests.isEmpty && provider.requests.allSatisfy { $0 == "metadata \(v1Metadata)" }, "\(provider.requests)")
        #expect(table.notes.contains { $0.contains("from the cache") })
        #expect(try row(table, .v1, .app, .certificate).admitted)
    }

    @Test func withoutTheMetadataTheIssuerIsInferredFromAnEntraURLAndSaidSo() throws {
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"))
        #expect(table.notes.contains { $0.contains("is inferred from the URL: https://sts.windows.net/\(Self.tenant)/") })
    }

    @Test(arguments: [
        ("https://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration", "https://sts.windows.net/\(tenant)/"),
        ("https://login.microsoftonline.com/\(tenant)/v2.0/.well-known/openid-configuration", "https://login.microsoftonline.com/\(tenant)/v2.0"),
        ("https://login.windows.net/\(tenant.uppercased())/v2.0/.well-known/openid-configuration", "https://login.microsoftonline.com/\(tenant)/v2.0"),
        ("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration", "https://login.microsoftonline.com/{tenantid}/v2.0"),
        ("https://login.microsoftonline.us/\(tenant)/.well-known/openid-configuration", "https://sts.windows.net/\(tenant)/"),
        ("https://login.partner.microsoftonline.cn/\(tenant)/.well-known/openid-configuration", "https://sts.chinacloudapi.cn/\(tenant)/"),
    ])
    func entraMetadataURLsNameTheirIssuer(_ url: String, _ issuer: String) {
        #expect(EntraMetadataEndpoint.inferredIssuer(metadataURL: url) == issuer)
    }

    @Test(arguments: [
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
        "https://idp.example.com/.well-known/openid-configuration",
        "http://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration",
        "https://login.microsoftonline.com/",
    ])
    func otherURLsNameNoIssuerThatFollowsFromThem(_ url: String) {
        #expect(EntraMetadataEndpoint.inferredIssuer(metadataURL: url) == nil)
    }

    @Test func anUnknownIssuerIsNotJudgedAndSaidSo() throws {
        let table = try matrix(xml("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://idp.example.com/.well-known/openid-configuration" />
              <audiences><audience>\(Self.api)</audience></audiences>
            </validate-jwt>
            """))
        #expect(table.notes.contains { $0.contains("is not known") && $0.contains("the issuer is not judged") })
        #expect(table.rows.allSatisfy { $0.admitted })
    }

    // MARK: the assumption is the matrix's alone

    @Test func theMatrixSkipsTheSignatureChecksWithEvidenceAssumed() throws {
        let document = try PolicyDocument(bytes: try examplePolicyBytes("certificate-only-v1.xml"), sourceName: "p.xml")
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"))
        let token = AdmissionMatrix.unsignedToken(try row(table, .v1, .app, .certificate).claims)
        var request = PolicyEvaluationRequest(token: token, request: nil, expressionValues: [:], at: Self.at, authority: nil)
        request.signatures = .assumed
        let evaluation = try PolicyEvaluator.evaluate(document, request, keys: KeyResolution(provider: nil))
        let checks = try #require(evaluation.decisive).outcome.checks.filter { [.algorithm, .key, .signature].contains($0.id) }
        #expect(checks.count == 3)
        for check in checks {
            #expect(check.status == .skip)
            guard case .notRun(.assumed) = check.evidence else {
                Issue.record("\(check.name) is not assumed: \(check.evidence)")
                continue
            }
        }
        #expect(evaluation.accepted)
    }

    @Test func aRealEvaluationNeverAssumes() throws {
        // What anyone outside the core can make says "verified": the request's initializer takes no choice and
        // both public plans check signatures.
        let request = PolicyEvaluationRequest(token: nil, request: nil, expressionValues: [:], at: Self.at, authority: nil)
        #expect(request.signatures == .verified)
        #expect(VerificationPlan.verify.signatures == .verified)
        #expect(VerificationPlan.apim(requireSignedTokens: true).signatures == .verified)
        #expect(VerificationPlan.apim(requireSignedTokens: false).signatures == .verified)

        // The very token the matrix admits is refused by a real evaluation: no key signed it.
        let table = try matrix(try examplePolicyBytes("certificate-only-v1.xml"))
        let token = AdmissionMatrix.unsignedToken(try row(table, .v1, .app, .certificate).claims)
        let document = try PolicyDocument(bytes: try examplePolicyBytes("certificate-only-v1.xml"), sourceName: "p.xml")
        let evaluation = try PolicyEvaluator.evaluate(
            document, PolicyEvaluationRequest(token: token, request: nil, expressionValues: [:], at: Self.at, authority: nil),
            keys: KeyResolution(provider: try FileKeyProvider()))
        #expect(!evaluation.accepted)
        #expect([.tokenSignatureKeyNotFound, .tokenSignatureInvalid].contains(evaluation.lastError?.reason))
        for element in evaluation.elements {
            for check in element.outcome.checks {
                if case .notRun(.assumed) = check.evidence { Issue.record("\(check.name) was assumed in a real evaluation") }
            }
        }
    }
}
