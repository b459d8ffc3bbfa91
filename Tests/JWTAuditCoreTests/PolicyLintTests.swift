import Testing
@testable import JWTAuditCore

@Suite("Policy lint rules")
struct PolicyLintTests {
    static let v1Metadata = "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration"
    static let v2Metadata = "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/v2.0/.well-known/openid-configuration"
    static let certificateClaims = #"<claim name="appid" match="any"><value>1105ae9f-6be2-42a2-9439-7a17934226ac</value></claim><claim name="appidacr" match="any"><value>2</value></claim>"#

    /// A validate-jwt that no rule objects to, with pieces replaceable per test.
    func jwt(attributes: String = #"header-name="Authorization""#,
             metadata: String = v1Metadata,
             before: String = "",
             audiences: String = "<audiences><audience>https://myapi.dewi.red</audience></audiences>",
             issuers: String = "",
             claims: String = certificateClaims) -> String {
        "<validate-jwt \(attributes)>\n<openid-config url=\"\(metadata)\" />\n\(before)\(audiences)\(issuers)\n<required-claims>\(claims)</required-claims>\n</validate-jwt>"
    }

    func ids(_ xml: String) throws -> [String] {
        PolicyLint.lint(try policy(xml)).map(\.id)
    }

    func fires(_ id: String, _ xml: String) throws -> Bool { try ids(xml).contains(id) }

    @Test func baselineAndShippedGoodExamplesAreClean() throws {
        #expect(try ids(jwt()) == [])
        for name in ["certificate-only-v1.xml", "certificate-only-v2.xml", "azure-ad-token.xml"] {
            let doc = try PolicyDocument(bytes: try examplePolicyBytes(name), sourceName: name)
            #expect(PolicyLint.lint(doc).map(\.id) == [], "examples/policies/\(name)")
        }
    }

    @Test func credentialNotEnforced() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("secret-allowed-v1.xml"), sourceName: "secret-allowed-v1.xml")
        let findings = PolicyLint.lint(doc)
        #expect(findings.map(\.id) == ["credential-not-enforced"])
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.source == "secret-allowed-v1.xml")
        #expect(findings.first?.message.contains("client secret") == true)
        #expect(try fires("credential-not-enforced", jwt(claims: #"<claim name="appid"><value>x</value></claim><claim name="appidacr" match="any"><value>1</value><value>2</value></claim>"#)))
        #expect(try !fires("credential-not-enforced", jwt(claims: #"<claim name="appid"><value>x</value></claim><claim name="appidacr"><value>{{required-acr}}</value></claim>"#)),
                "an unresolved named value is unknown, not a weakness")
        #expect(try !fires("credential-not-enforced", jwt(metadata: Self.v2Metadata, claims: #"<claim name="azp"><value>x</value></claim><claim name="azpacr"><value>2</value></claim>"#)))
    }

    @Test func claimVersionMismatch() throws {
        let v1Names = jwt(metadata: Self.v2Metadata)
        let finding = try #require(PolicyLint.lint(try policy(v1Names)).first { $0.id == "claim-version-mismatch" })
        #expect(finding.severity == .error && finding.line == 4)
        #expect(finding.message.contains("TokenClaimNotFound"))
        #expect(try fires("claim-version-mismatch", jwt(claims: #"<claim name="azp"><value>x</value></claim><claim name="azpacr"><value>2</value></claim>"#)))
        #expect(try !fires("claim-version-mismatch", jwt()))
        // Explicit issuers of both versions accept both token versions: no mismatch.
        #expect(try !fires("claim-version-mismatch", jwt(metadata: Self.v2Metadata, issuers: "<issuers><issuer>https://sts.windows.net/t/</issuer><issuer>https://login.microsoftonline.com/t/v2.0</issuer></issuers>")))
        // v2 metadata with an explicit v1 issuer (a Microsoft include does this) accepts v1 tokens.
        #expect(try !fires("claim-version-mismatch", jwt(metadata: Self.v2Metadata, issuers: "<issuers><issuer>https://sts.windows.net/t/</issuer></issuers>")))
    }

    /// Issue 13 item 10: every Entra authority jwtaudit knows, national clouds included, in metadata and issuers.
    @Test(arguments: EntraAuthority.loginHosts + ["contoso.ciamlogin.com"])
    func claimVersionMismatchAtEveryEntraAuthority(host: String) throws {
        let v2 = "https://\(host)/3d6e366f-9587-413b-ab6b-0a851b1b91ba/v2.0/.well-known/openid-configuration"
        #expect(try fires("claim-version-mismatch", jwt(metadata: v2)), "\(host)")
        let v1 = "https://\(host)/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration"
        #expect(try fires("claim-version-mismatch", jwt(metadata: v1, claims: #"<claim name="azp"><value>x</value></claim><claim name="azpacr"><value>2</value></claim>"#)), "\(host)")
        #expect(try !fires("claim-version-mismatch", jwt(metadata: v1)), "\(host)")
    }

    @Test func claimVersionMismatchNeedsAnEntraHostNotAnEntraLookingPath() throws {
        #expect(try !fires("claim-version-mismatch", jwt(metadata: "https://idp.example/login.microsoftonline.com/t/v2.0/.well-known/openid-configuration")))
        #expect(try fires("claim-version-mismatch", jwt(metadata: Self.v2Metadata, issuers: "<issuers><issuer>https://login.microsoftonline.us/t/v2.0</issuer></issuers>")))
    }

    @Test func clientNotRestricted() throws {
        #expect(try fires("client-not-restricted", jwt(claims: #"<claim name="appidacr"><value>2</value></claim>"#)))
        #expect(try !fires("client-not-restricted", jwt()))
        #expect(try fires("client-not-restricted", "<validate-azure-ad-token tenant-id='t'><audiences><audience>a</audience></audiences></validate-azure-ad-token>"))
        #expect(try !fires("client-not-restricted", "<validate-azure-ad-token tenant-id='t'><client-application-ids><application-id>c</application-id></client-application-ids></validate-azure-ad-token>"))
    }

    @Test func audienceNotChecked() throws {
        #expect(try fires("audience-not-checked", jwt(audiences: "")))
        #expect(try fires("audience-not-checked", jwt(audiences: "<audiences></audiences>")))
        #expect(try !fires("audience-not-checked", jwt()))
        #expect(try fires("audience-not-checked", "<validate-azure-ad-token tenant-id='t'/>"))
        #expect(try !fires("audience-not-checked", "<validate-azure-ad-token tenant-id='t'><backend-application-ids><application-id>b</application-id></backend-application-ids></validate-azure-ad-token>"))
    }

    @Test func unsignedExpirationAndSkew() throws {
        #expect(try fires("unsigned-tokens-allowed", jwt(attributes: #"header-name="Authorization" require-signed-tokens="false""#)))
        #expect(try !fires("unsigned-tokens-allowed", jwt(attributes: #"header-name="Authorization" require-signed-tokens="true""#)))
        #expect(try fires("expiration-not-required", jwt(attributes: #"header-name="Authorization" require-expiration-time="False""#)))
        #expect(try !fires("expiration-not-required", jwt()))
        #expect(try fires("clock-skew-too-large", jwt(attributes: #"header-name="Authorization" clock-skew="301""#)))
        #expect(try !fires("clock-skew-too-large", jwt(attributes: #"header-name="Authorization" clock-skew="300""#)))
    }

    @Test func insecureMetadataURL() throws {
        let finding = try #require(PolicyLint.lint(try policy(jwt(metadata: "http://login.microsoftonline.com/t/.well-known/openid-configuration"))).first { $0.id == "insecure-metadata-url" })
        #expect(finding.line == 2 && finding.severity == .error)
        #expect(try !fires("insecure-metadata-url", jwt()))
    }

    @Test func anyTenantAccepted() throws {
        let organizations = "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
        let v2Claims = #"<claim name="azp"><value>x</value></claim><claim name="azpacr"><value>2</value></claim>"#
        #expect(try fires("any-tenant-accepted", jwt(metadata: organizations, claims: v2Claims)))
        #expect(try fires("any-tenant-accepted", jwt(metadata: "https://login.microsoftonline.com/common/.well-known/openid-configuration")))
        #expect(try !fires("any-tenant-accepted", jwt(metadata: organizations, issuers: "<issuers><issuer>https://login.microsoftonline.com/t/v2.0</issuer></issuers>", claims: v2Claims)))
        #expect(try !fires("any-tenant-accepted", jwt(metadata: organizations, claims: v2Claims + #"<claim name="tid"><value>t</value></claim>"#)))
        #expect(try !fires("any-tenant-accepted", jwt()))
        #expect(try fires("any-tenant-accepted", "<validate-azure-ad-token tenant-id='organizations'/>"))
        #expect(try !fires("any-tenant-accepted", "<validate-azure-ad-token tenant-id='3d6e366f-9587-413b-ab6b-0a851b1b91ba'/>"))
    }

    @Test func inlineSymmetricKey() throws {
        let inline = jwt(before: "<issuer-signing-keys><key>c2VjcmV0</key></issuer-signing-keys>")
        let finding = try #require(PolicyLint.lint(try policy(inline)).first { $0.id == "inline-symmetric-key" })
        #expect(finding.line == 3)
        #expect(try !fires("inline-symmetric-key", jwt(before: "<issuer-signing-keys><key>{{signing-key}}</key></issuer-signing-keys>")))
        #expect(try !fires("inline-symmetric-key", jwt(before: #"<issuer-signing-keys><key n="0vx7" e="AQAB"/><key certificate-id="c"/></issuer-signing-keys>"#)))
    }

    @Test func elementOrder() throws {
        let outOfOrder = "<validate-jwt header-name=\"Authorization\">\n<audiences><audience>a</audience></audiences>\n<openid-config url=\"\(Self.v1Metadata)\" />\n<required-claims>\(Self.certificateClaims)</required-claims>\n</validate-jwt>"
        let finding = try #require(PolicyLint.lint(try policy(outOfOrder)).first { $0.id == "element-order" })
        #expect(finding.line == 3)
        #expect(finding.message.contains("openid-config, issuer-signing-keys, decryption-keys, audiences, issuers, required-claims"))
        #expect(try !fires("element-order", jwt(before: "<issuer-signing-keys><key certificate-id='c'/></issuer-signing-keys><decryption-keys><key certificate-id='d'/></decryption-keys>")))
        #expect(try fires("element-order", "<validate-azure-ad-token tenant-id='t'><audiences><audience>a</audience></audiences><client-application-ids><application-id>c</application-id></client-application-ids></validate-azure-ad-token>"))
    }

    @Test func scopeWithoutSeparator() throws {
        #expect(try fires("scope-without-separator", jwt(claims: Self.certificateClaims + #"<claim name="scp"><value>read</value></claim>"#)))
        #expect(try fires("scope-without-separator", jwt(claims: Self.certificateClaims + #"<claim name="scp" separator=","><value>read</value></claim>"#)))
        #expect(try !fires("scope-without-separator", jwt(claims: Self.certificateClaims + #"<claim name="scp" separator=" "><value>read</value></claim>"#)))
    }

    @Test func schemeIgnored() throws {
        #expect(try fires("scheme-ignored", jwt(attributes: #"header-name="X-Token" require-scheme="Bearer""#)))
        #expect(try fires("scheme-ignored", jwt(attributes: #"query-parameter-name="t" require-scheme="Bearer""#)))
        #expect(try !fires("scheme-ignored", jwt(attributes: #"header-name="authorization" require-scheme="Bearer""#)))
        #expect(try !fires("scheme-ignored", jwt(attributes: #"header-name="X-Token""#)))
    }

    @Test func unevaluableExpression() throws {
        let finding = try #require(PolicyLint.lint(try policy(jwt(audiences: "<audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences>"))).first { $0.id == "unevaluable-expression" })
        #expect(finding.severity == .info)
        #expect(finding.message.contains("@(context.Request.OriginalUrl.Host)"))
        #expect(try !fires("unevaluable-expression", jwt()))
    }

    @Test func validationOutsideInbound() throws {
        #expect(try fires("validation-outside-inbound", "<policies><outbound>\(jwt())</outbound></policies>"))
        #expect(try fires("validation-outside-inbound", "<policies><on-error>\(jwt())</on-error></policies>"))
        #expect(try !fires("validation-outside-inbound", "<policies><inbound>\(jwt())</inbound></policies>"))
    }

    @Test func weakExampleFiresManyRules() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("weak.xml"), sourceName: "weak.xml")
        let found = Set(PolicyLint.lint(doc).map(\.id))
        let expected: Set<String> = [
            "validation-outside-inbound", "credential-not-enforced", "client-not-restricted", "audience-not-checked",
            "unsigned-tokens-allowed", "expiration-not-required", "clock-skew-too-large", "insecure-metadata-url",
            "any-tenant-accepted", "inline-symmetric-key", "element-order", "scope-without-separator", "scheme-ignored",
            "unevaluable-expression",
        ]
        #expect(found == expected, "weak.xml: missing \(expected.subtracting(found)), extra \(found.subtracting(expected))")
    }

    @Test func failOn() throws {
        let doc = try PolicyDocument(bytes: try examplePolicyBytes("secret-allowed-v1.xml"), sourceName: "secret-allowed-v1.xml")
        let findings = PolicyLint.lint(doc)
        #expect(PolicyLint.fails(findings, failOn: .warning))
        #expect(PolicyLint.fails(findings, failOn: .info))
        #expect(!PolicyLint.fails(findings, failOn: .error))
        #expect(!PolicyLint.fails(findings, failOn: nil))
    }

    @Test func everyRuleIdIsUniqueAndKnown() {
        let ids = PolicyLint.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count == 35)
    }
}
