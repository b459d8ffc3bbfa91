import Testing
@testable import JWTAuditCore

/// Issue 19: a required aud claim checks the audience; an accepted audience of Microsoft Graph or the retired Azure
/// AD Graph is another resource's; an App ID URI alone cannot match a v2.0 token.
@Suite("Lint: audiences")
struct PolicyLintAudienceTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let v2 = "https://login.microsoftonline.com/\(tenant)/v2.0/.well-known/openid-configuration"
    static let v1 = "https://login.microsoftonline.com/\(tenant)/.well-known/openid-configuration"
    static let clientID = "1105ae9f-6be2-42a2-9439-7a17934226ac"

    func findings(_ xml: String) throws -> [PolicyLintFinding] { PolicyLint.lint(try policy(xml)) }
    func ids(_ xml: String) throws -> [String] { try findings(xml).map(\.id) }

    func jwt(metadata: String = v2, issuers: String = "", audiences: String, claims: String = "") -> String {
        "<validate-jwt header-name=\"Authorization\">\n<openid-config url=\"\(metadata)\" />\n\(audiences)\n\(issuers)\n<required-claims><claim name=\"azp\"><value>c</value></claim><claim name=\"azpacr\"><value>2</value></claim>\(claims)</required-claims>\n</validate-jwt>"
    }

    /// The azure-docs issue #12552 policy: the audience is required as a claim, with no <audiences>.
    @Test func aRequiredAudClaimChecksTheAudience() throws {
        #expect(try !ids(jwt(audiences: "", claims: "<claim name=\"aud\"><value>\(Self.clientID)</value></claim>")).contains("audience-not-checked"))
        #expect(try ids(jwt(audiences: "", claims: "<claim name=\"aud\" />")).contains("audience-not-checked"))
        #expect(try !ids("<validate-azure-ad-token tenant-id='t'><client-application-ids><application-id>c</application-id></client-application-ids><required-claims><claim name='aud'><value>\(Self.clientID)</value></claim></required-claims></validate-azure-ad-token>").contains("audience-not-checked"))
    }

    @Test(arguments: ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000", "https://graph.windows.net", "https://graph.windows.net/", "00000002-0000-0000-c000-000000000000"])
    func anotherResourcesAudienceIsFoundOnItsLine(audience: String) throws {
        let xml = jwt(audiences: "<audiences>\n<audience>\(Self.clientID)</audience>\n<audience>\(audience)</audience>\n</audiences>")
        let finding = try #require(try findings(xml).first { $0.id == "foreign-audience" })
        #expect(finding.line == 5 && finding.severity == .error)
        #expect(finding.message.contains(audience))
        #expect(finding.message.contains(audience.contains("windows") || audience.hasPrefix("00000002") ? "retired" : "Microsoft Graph"))
        #expect(try ids(jwt(audiences: "", claims: "<claim name=\"aud\"><value>\(audience)</value></claim>")).contains("foreign-audience"))
    }

    @Test func ownAudiencesAreNotForeign() throws {
        #expect(try !ids(jwt(audiences: "<audiences><audience>\(Self.clientID)</audience><audience>https://graph.microsoft.com.contoso.com</audience></audiences>")).contains("foreign-audience"))
    }

    /// Microsoft: "In v2.0 tokens, this value is always the client ID of the API."
    @Test func anAppIDURIAloneOnV2MetadataCannotMatch() throws {
        let only = jwt(audiences: "<audiences>\n<audience>api://orders</audience>\n</audiences>")
        let finding = try #require(try findings(only).first { $0.id == "app-id-uri-audience-on-v2" })
        #expect(finding.line == 4 && finding.severity == .error)
        #expect(finding.message.contains("TokenAudienceNotAllowed"))
        #expect(try !ids(jwt(audiences: "<audiences><audience>api://orders</audience><audience>\(Self.clientID)</audience></audiences>")).contains("app-id-uri-audience-on-v2"))
        #expect(try !ids(jwt(metadata: Self.v1, audiences: "<audiences><audience>api://orders</audience></audiences>")).contains("app-id-uri-audience-on-v2"))
        // v2.0 metadata with an explicit v1.0 issuer takes v1.0 tokens, whose aud can be the App ID URI.
        #expect(try !ids(jwt(issuers: "<issuers><issuer>https://sts.windows.net/\(Self.tenant)/</issuer></issuers>", audiences: "<audiences><audience>api://orders</audience></audiences>")).contains("app-id-uri-audience-on-v2"))
        // A placeholder or named value may be the client id.
        #expect(try !ids(jwt(audiences: "<audiences><audience>api://orders</audience><audience>{{orders-client-id}}</audience></audiences>")).contains("app-id-uri-audience-on-v2"))
        #expect(try !ids(jwt(audiences: "<audiences><audience>api://{client-id}</audience></audiences>")).contains("app-id-uri-audience-on-v2"))
        #expect(try ids(jwt(audiences: "", claims: "<claim name=\"aud\"><value>api://orders</value></claim>")).contains("app-id-uri-audience-on-v2"))
    }

    /// Whoever holds an HMAC key mints the tokens: a missing audience lets through only what the same key signs
    /// for other services (the policy-snippets "Pre-authorize requests" sample).
    @Test func selfIssuedTokensWithoutAudienceAreAWarning() throws {
        let hmac = "<validate-jwt header-name=\"Authorization\"><issuer-signing-keys><key>{{signing-key}}</key></issuer-signing-keys></validate-jwt>"
        let finding = try #require(try findings(hmac).first { $0.id == "audience-not-checked" })
        #expect(finding.severity == .warning && finding.message.contains("same key"))
        let google = "<validate-jwt header-name=\"Authorization\"><openid-config url=\"https://accounts.google.com/.well-known/openid-configuration\" /></validate-jwt>"
        #expect(try findings(google).first { $0.id == "audience-not-checked" }?.severity == .error)
    }

    /// Microsoft: "If a client application ID isn't provided, one or more audience claims should be specified."
    @Test func validateAzureADTokenWithClientIDsOnlyIsInformation() throws {
        let clients = "<validate-azure-ad-token tenant-id='t'><client-application-ids><application-id>c</application-id></client-application-ids></validate-azure-ad-token>"
        #expect(try findings(clients).first { $0.id == "audience-not-checked" }?.severity == .info)
        #expect(try findings("<validate-azure-ad-token tenant-id='t' />").first { $0.id == "audience-not-checked" }?.severity == .error)
    }
}
