import Testing
@testable import JWTAuditCore

/// Issue 19: the rules about Entra's own claims (appid/azp, appidacr/azpacr, the scp string) judge Entra ID tokens
/// only, and a requirement written as a claim (scp, roles) says what kind of token and client the API takes.
@Suite("Lint rules know the identity provider")
struct PolicyLintIdentityProviderTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let entraRules: Set<String> = ["credential-not-enforced", "client-not-restricted", "scope-without-separator"]

    func findings(_ xml: String) throws -> [PolicyLintFinding] { PolicyLint.lint(try policy(xml)) }
    func ids(_ xml: String) throws -> Set<String> { Set(try findings(xml).map(\.id)) }

    func jwt(_ config: String, claims: String = #"<claim name="scp" separator=","><value>read</value></claim>"#) -> String {
        """
        <validate-jwt header-name="Authorization">
            \(config)
            <audiences><audience>orders-api</audience></audiences>
            <required-claims>\(claims)</required-claims>
        </validate-jwt>
        """
    }

    /// Microsoft's "Simple Google OAuth validate-jwt" snippet, in substance.
    @Test func anotherProvidersMetadataGetsNoEntraRule() throws {
        let google = #"<openid-config url="https://accounts.google.com/.well-known/openid-configuration" />"#
        #expect(try ids(jwt(google)).isDisjoint(with: Self.entraRules))
        let okta = #"<openid-config url="https://dev-123.okta.com/oauth2/default/.well-known/openid-configuration" />"#
        #expect(try ids(jwt(okta)).isDisjoint(with: Self.entraRules))
        let issuerOnly = #"<issuer-signing-keys><key certificate-id="idp" /></issuer-signing-keys><issuers><issuer>https://idp.example.com/</issuer></issuers>"#
        #expect(try ids(jwt(issuerOnly)).isDisjoint(with: Self.entraRules))
    }

    @Test(arguments: [
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration",
        "https://login.microsoftonline.com/tfp/contoso.onmicrosoft.com/b2c_1_signin/v2.0/.well-known/openid-configuration",
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_signin",
    ])
    func azureADB2CMetadataGetsNoEntraRule(url: String) throws {
        let found = try ids(jwt("<openid-config url=\"\(url)\" />", claims: #"<claim name="appid"><value>x</value></claim>"#))
        #expect(found.isDisjoint(with: Self.entraRules.union(["claim-version-mismatch"])), "\(found)")
        #expect(TokenIssuerKind(try #require(try policy(jwt("<openid-config url=\"\(url)\" />")).validations.first)) == .entraB2C)
    }

    /// The validate-jwt reference's customer-tenant (External ID) example: an Entra tenant, so Entra's rules hold.
    @Test func externalIDIsEntra() throws {
        let ciam = "<openid-config url=\"https://contoso.ciamlogin.com/\(Self.tenant)/v2.0/.well-known/openid-configuration\" />"
        let found = try ids(jwt(ciam, claims: #"<claim name="roles"><value>Orders.Read</value></claim>"#))
        #expect(found.contains("credential-not-enforced"))
        #expect(TokenIssuerKind(try #require(try policy(jwt(ciam)).validations.first)) == .entraID)
    }

    @Test func selfIssuedHMACTokensGetNoEntraRule() throws {
        let hmac = #"<issuer-signing-keys><key>{{hmac-key}}</key></issuer-signing-keys>"#
        let found = try ids(jwt(hmac, claims: #"<claim name="scp"><value>read</value></claim>"#))
        #expect(found.isDisjoint(with: Self.entraRules), "\(found)")
        #expect(TokenIssuerKind(try #require(try policy(jwt(hmac)).validations.first)) == .selfIssued)
    }

    @Test func metadataGivenOnlyAsANamedValueIsNotJudgedAsEntra() throws {
        #expect(try ids(jwt(#"<openid-config url="{{openid-config-url}}" />"#)).isDisjoint(with: Self.entraRules))
        // A named value inside an Entra URL leaves the host to read.
        let entra = #"<openid-config url="https://login.microsoftonline.com/{{tenant-id}}/v2.0/.well-known/openid-configuration" />"#
        #expect(try ids(jwt(entra, claims: "")).contains("credential-not-enforced"))
    }

    @Test func validateAzureADTokenIsAlwaysEntra() throws {
        let found = try ids("<validate-azure-ad-token tenant-id='\(Self.tenant)'><audiences><audience>a</audience></audiences></validate-azure-ad-token>")
        #expect(found.isSuperset(of: ["credential-not-enforced", "client-not-restricted"]))
    }

    /// "scp ... Only included for user tokens": a delegated API's clients are mostly public clients, "0".
    @Test func aRequiredScopeMeansUserTokensAndTheCredentialFindingIsInformation() throws {
        let entra = "<openid-config url=\"https://login.microsoftonline.com/\(Self.tenant)/v2.0/.well-known/openid-configuration\" />"
        let finding = try #require(try findings(jwt(entra, claims: #"<claim name="azp"><value>c</value></claim><claim name="scp" separator=" "><value>Orders.Read</value></claim>"#)).first { $0.id == "credential-not-enforced" })
        #expect(finding.severity == .info)
        #expect(finding.message.contains("delegated user tokens") && finding.message.contains("public client"))
        let appOnly = try #require(try findings(jwt(entra, claims: #"<claim name="azp"><value>c</value></claim>"#)).first { $0.id == "credential-not-enforced" })
        #expect(appOnly.severity == .warning)
    }

    @Test func requiredAppRolesRestrictClientsAsInformation() throws {
        let entra = "<openid-config url=\"https://login.microsoftonline.com/\(Self.tenant)/v2.0/.well-known/openid-configuration\" />"
        let finding = try #require(try findings(jwt(entra, claims: #"<claim name="roles" match="any"><value>Orders.Read</value></claim>"#)).first { $0.id == "client-not-restricted" })
        #expect(finding.severity == .info && finding.message.contains("Orders.Read"))
        let unrestricted = try #require(try findings(jwt(entra, claims: #"<claim name="azpacr"><value>2</value></claim>"#)).first { $0.id == "client-not-restricted" })
        #expect(unrestricted.severity == .warning)
        #expect(try !ids(jwt(entra, claims: #"<claim name="azp"><value>c</value></claim><claim name="azpacr"><value>2</value></claim>"#)).contains("client-not-restricted"))
    }

    @Test func anyTenantNeedsEntrasOwnCommonMetadata() throws {
        #expect(try !ids(jwt(#"<openid-config url="https://idp.example.com/common/.well-known/openid-configuration" />"#)).contains("any-tenant-accepted"))
        #expect(try ids(jwt(#"<openid-config url="https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration" />"#)).contains("any-tenant-accepted"))
    }
}
