import Testing
@testable import JWTAuditCore

/// Issue 19: Entra issuers and token versions that no token satisfies (error), and metadata whose version differs
/// from every listed issuer's (information: explicit issuers are honoured, Microsoft's own sample does it).
@Suite("Lint: issuer forms and token versions")
struct PolicyLintIssuerVersionTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let v2 = "https://login.microsoftonline.com/\(tenant)/v2.0/.well-known/openid-configuration"
    static let v1 = "https://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration"

    func findings(_ xml: String) throws -> [PolicyLintFinding] {
        PolicyLint.lint(try policy(xml)).filter { $0.id == "issuer-version-mismatch" }
    }

    func jwt(metadata: String? = v2, issuers: [String] = [], claims: String = "") -> String {
        let config = metadata.map { "<openid-config url=\"\($0)\" />" } ?? "<issuer-signing-keys><key certificate-id=\"c\" /></issuer-signing-keys>"
        let list = issuers.isEmpty ? "" : "<issuers>\n" + issuers.map { "<issuer>\($0)</issuer>\n" }.joined() + "</issuers>"
        return "<validate-jwt header-name=\"Authorization\">\n\(config)\n<audiences><audience>a</audience></audiences>\n\(list)\n<required-claims><claim name=\"azp\"><value>c</value></claim>\(claims)</required-claims>\n</validate-jwt>"
    }

    @Test(arguments: [
        "https://sts.windows.net/\(tenant)/v2.0",
        "https://sts.windows.net/\(tenant)",
        "https://login.microsoftonline.com/\(tenant)/v2.0/",
        "https://login.microsoftonline.com/\(tenant)/",
        "http://sts.windows.net/\(tenant)/",
    ])
    func anIssuerFormEntraNeverWritesIsFoundOnItsLine(issuer: String) throws {
        let found = try findings(jwt(issuers: ["https://login.microsoftonline.com/\(Self.tenant)/v2.0", issuer]))
        let finding = try #require(found.first)
        #expect(found.count == 1 && finding.severity == .error && finding.line == 6, "\(found)")
        #expect(finding.message.contains("no token matches it") && !finding.message.contains("nothing can pass"))
        let alone = try #require(try findings(jwt(metadata: nil, issuers: [issuer])).first)
        #expect(alone.message.contains("nothing can pass"))
    }

    @Test func issuersEntraWritesAreFine() throws {
        #expect(try findings(jwt(issuers: ["https://sts.windows.net/\(Self.tenant)/", "https://login.microsoftonline.com/\(Self.tenant)/v2.0"])).isEmpty)
        #expect(try findings(jwt(issuers: ["https://login.microsoftonline.us/{{tenant-id}}/v2.0"])).isEmpty)
        #expect(try findings(jwt(metadata: "https://contoso.ciamlogin.com/\(Self.tenant)/v2.0/.well-known/openid-configuration", issuers: ["https://\(Self.tenant).ciamlogin.com/\(Self.tenant)/v2.0"])).isEmpty)
    }

    @Test func aRequiredVersionOrIssuerOfTheOtherVersionLetsNothingThrough() throws {
        let ver = try #require(try findings(jwt(metadata: Self.v1, claims: #"<claim name="ver"><value>2.0</value></claim>"#)).first)
        #expect(ver.severity == .error && ver.message.contains("nothing can pass"))
        #expect(try findings(jwt(metadata: Self.v2, claims: #"<claim name="ver"><value>2.0</value></claim>"#)).isEmpty)
        let iss = try #require(try findings(jwt(metadata: Self.v2, claims: "<claim name=\"iss\"><value>https://sts.windows.net/\(Self.tenant)/</value></claim>")).first)
        #expect(iss.severity == .error)
        // Issuers of both versions listed: either token passes the issuer check.
        #expect(try findings(jwt(metadata: Self.v1, issuers: ["https://sts.windows.net/\(Self.tenant)/", "https://login.microsoftonline.com/\(Self.tenant)/v2.0"], claims: #"<claim name="ver"><value>2.0</value></claim>"#)).isEmpty)
    }

    /// Microsoft's include `api-management-configure-validate-jwt.md`: v2.0 metadata, a v1.0 issuer. azure-docs pull
    /// request #110081 added the issuer "as they are actually required for this to work".
    @Test func metadataOfTheOtherVersionThanEveryListedIssuerIsInformation() throws {
        let found = try findings(jwt(metadata: Self.v2, issuers: ["https://sts.windows.net/\(Self.tenant)/"]))
        let finding = try #require(found.first)
        #expect(found.count == 1 && finding.severity == .info && finding.line == 5)
        #expect(try findings(jwt(metadata: Self.v1, issuers: ["https://login.microsoftonline.com/\(Self.tenant)/v2.0"])).first?.severity == .info)
        #expect(try findings(jwt(metadata: Self.v1, issuers: ["https://sts.windows.net/\(Self.tenant)/", "https://login.microsoftonline.com/\(Self.tenant)/v2.0"])).isEmpty)
    }

    @Test func otherProvidersIssuersAreTheirOwn() throws {
        #expect(try findings(jwt(metadata: "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration", issuers: ["https://login.microsoftonline.com/\(Self.tenant)/v2.0/"])).isEmpty)
    }
}
