import Testing
import JWTAuditCore

/// validate-azure-ad-token (issue 16 item 6; research §2): keys and issuer from `tenant-id` (a GUID, a domain, a
/// URL, `common`, `organizations`), the token read from `Authorization` with the Bearer scheme by default,
/// `client-application-ids` against appid (v1.0) or azp (v2.0), `audiences` and `backend-application-ids`
/// against aud, and its own attribute set: validate-jwt's clock-skew, require-* attributes, openid-config,
/// issuer-signing-keys and issuers are not applied.
@Suite("Gateway battery: validate-azure-ad-token")
struct GatewayAzureADTokenTests {
    static let tenant = PolicyTest.tenant
    static let otherTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let apiGUID = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"

    static func policy(
        tenant: String = tenant, attributes: String = "", clients: [String]? = [PolicyTest.client],
        audiences: [String]? = ["https://myapi.dewi.red"], backends: [String]? = nil, more: String = ""
    ) -> String {
        var children = ""
        if let backends { children += "<backend-application-ids>" + backends.map { "<application-id>\($0)</application-id>" }.joined() + "</backend-application-ids>" }
        if let clients { children += "<client-application-ids>" + clients.map { "<application-id>\($0)</application-id>" }.joined() + "</client-application-ids>" }
        if let audiences { children += "<audiences>" + audiences.map { "<audience>\($0)</audience>" }.joined() + "</audiences>" }
        return "<validate-azure-ad-token tenant-id=\"\(tenant)\"\(attributes.isEmpty ? "" : " " + attributes)>\n\(children)\(more)\n</validate-azure-ad-token>"
    }

    /// A v1.0 token of `tenant` (issuer and tid), signed by the examples' tenant key.
    static func from(_ tenant: String, _ more: [GatewayCase.Change] = []) -> GatewayCase.Token {
        .rs256([.string("iss", "https://sts.windows.net/\(tenant)/"), .string("tid", tenant)] + more)
    }

    static let v2 = GatewayCase.Token.rs256(GatewayCase.Change.v2 + [.string("aud", apiGUID)])
    /// A v2.0 token of the consumer tenant (personal Microsoft accounts).
    static let personal = GatewayCase.Token.rs256(GatewayCase.Change.v2 + [
        .string("aud", apiGUID), .string("iss", "https://login.microsoftonline.com/\(EntraTenant.consumersTenantID)/v2.0"),
        .string("tid", EntraTenant.consumersTenantID),
    ])

    static let cases: [GatewayCase] = [
        GatewayCase("tenant GUID: a v1.0 token of the tenant, read from Authorization: Bearer by default", policy: policy(), token: .rs256(), .accepted),
        GatewayCase("tenant GUID: a v2.0 token of the tenant (its client in azp)", policy: policy(audiences: [apiGUID]), token: v2, .accepted),
        GatewayCase("tenant as the login URL of its GUID", policy: policy(tenant: "https://login.microsoftonline.com/" + tenant), token: .rs256(), .accepted),
        GatewayCase("tenant GUID: a token of another tenant is TokenIssuerNotAllowed", policy: policy(), token: from(otherTenant),
                    .rejected(401, "TokenIssuerNotAllowed", message: "https://sts.windows.net/\(otherTenant)/")),
        GatewayCase("no Authorization header is TokenNotPresent", policy: policy(), token: nil, headers: ["Accept: */*"],
                    .rejected(401, "TokenNotPresent", body: "JWT not present.")),
        GatewayCase("a custom header carries the bare token", policy: policy(attributes: #"header-name="X-Token""#), token: .rs256(),
                    headers: ["X-Token: {token}"], .accepted),
        GatewayCase("a custom header's value \"cannot be prefixed with Bearer\"", policy: policy(attributes: #"header-name="X-Token""#), token: .rs256(),
                    headers: ["X-Token: Bearer {token}"], argumentForm: false, .rejected(401, "JwtInvalid")),
        // client-application-ids.
        GatewayCase("client-application-ids: a client that is not listed is refused (JwtInvalid, inferred)", policy: policy(clients: ["00000000-0000-0000-0000-00000000c11e"]),
                    token: .rs256(), .rejected(401, "JwtInvalid", message: "Client application \(PolicyTest.client) is not allowed.")),
        GatewayCase("client-application-ids: a v2.0 token's azp is the client", policy: policy(clients: ["00000000-0000-0000-0000-00000000c11e"], audiences: [apiGUID]),
                    token: v2, .rejected(401, "JwtInvalid", message: "Client application")),
        GatewayCase("client-application-ids: any one listed client is enough", policy: policy(clients: ["00000000-0000-0000-0000-00000000c11e", PolicyTest.client]),
                    token: .rs256(), .accepted),
        GatewayCase("no client-application-ids: any client is accepted", policy: policy(clients: nil), token: .rs256([.string("appid", "someone-else")]), .accepted),
        // audiences and backend-application-ids.
        GatewayCase("audiences: another audience is TokenAudienceNotAllowed", policy: policy(), token: .rs256([.string("aud", "https://other.example")]),
                    .rejected(401, "TokenAudienceNotAllowed")),
        GatewayCase("backend-application-ids: aud as the application's GUID", policy: policy(audiences: nil, backends: [apiGUID]),
                    token: .rs256([.string("aud", apiGUID)]), .accepted),
        GatewayCase("backend-application-ids: aud as api://GUID (inferred)", policy: policy(audiences: nil, backends: [apiGUID]),
                    token: .rs256([.string("aud", "api://" + apiGUID)]), .accepted),
        GatewayCase("backend-application-ids: another application is TokenAudienceNotAllowed", policy: policy(audiences: nil, backends: [apiGUID]),
                    token: .rs256(), .rejected(401, "TokenAudienceNotAllowed")),
        GatewayCase("no audiences and no backend-application-ids: the audience is not checked (inferred)", policy: policy(audiences: nil),
                    token: .rs256([.string("aud", "https://anything.example")]), .accepted),
        // Its own attribute set: validate-jwt's attributes and elements are not applied.
        GatewayCase("clock-skew is not validate-azure-ad-token's: a token that expired an hour ago is refused", policy: policy(attributes: #"clock-skew="7200""#),
                    token: .rs256([.set("exp", String(PolicyTest.atSeconds - 3600))]), .rejected(401, "TokenExpired", message: "IDX10223")),
        GatewayCase("require-expiration-time is not validate-azure-ad-token's: a token without exp is refused", policy: policy(attributes: #"require-expiration-time="false""#),
                    token: .rs256([.remove("exp")]), .rejected(401, "JwtInvalid", message: "IDX10225")),
        GatewayCase("require-signed-tokens is not validate-azure-ad-token's: an unsigned token is refused", policy: policy(attributes: #"require-signed-tokens="false""#),
                    token: .unsigned(), .rejected(401, "JwtInvalid", message: "IDX10504")),
        GatewayCase("<issuers> is not validate-azure-ad-token's: another tenant listed there is still refused", policy: policy(more: "<issuers><issuer>https://sts.windows.net/\(otherTenant)/</issuer></issuers>"),
                    token: from(otherTenant), .rejected(401, "TokenIssuerNotAllowed")),
        GatewayCase("require-scheme is not validate-azure-ad-token's", policy: policy(attributes: #"require-scheme="DPoP""#), token: .rs256(), .accepted),
        // The response and required claims.
        GatewayCase("required-claims: appidacr 2 refuses a client secret", policy: policy(more: #"<required-claims><claim name="appidacr" match="any"><value>2</value></claim></required-claims>"#),
                    token: .example("secret-v1.jwt"), .rejected(401, "TokenClaimValueNotAllowed", message: "Claim appidacr value of 1 is not allowed.")),
        GatewayCase("failed-validation-httpcode and -error-message as for validate-jwt", policy: policy(attributes: #"failed-validation-httpcode="403" failed-validation-error-message="no""#),
                    token: .example("expired-v1.jwt"), .rejected(403, "TokenExpired", body: "no")),
        GatewayCase("tenant-id from a named value", policy: policy(tenant: "{{aad-tenant-id}}"), token: .rs256(),
                    options: ["--named-value", "aad-tenant-id=" + tenant], .accepted),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }

    /// Tenant forms whose metadata is not in the examples' cache: a domain, common, organizations.
    static let otherTenantForms: [GatewayCase] = [
        GatewayCase("tenant domain: its metadata names the tenant's issuer", policy: policy(tenant: "contoso.onmicrosoft.com"), token: .rs256(), .accepted),
        GatewayCase("tenant URL https://contoso.onmicrosoft.com (the doc's example form)", policy: policy(tenant: "https://contoso.onmicrosoft.com"), token: .rs256(), .accepted),
        GatewayCase("tenant domain: a token of another tenant is refused", policy: policy(tenant: "contoso.onmicrosoft.com"), token: from(otherTenant),
                    .rejected(401, "TokenIssuerNotAllowed")),
        GatewayCase("common: a token of any tenant is accepted", policy: policy(tenant: "common"), token: from(otherTenant), .accepted),
        GatewayCase("common as https://login.microsoftonline.com/common", policy: policy(tenant: "https://login.microsoftonline.com/common"), token: from(otherTenant), .accepted),
        GatewayCase("organizations: a token of any organizational tenant is accepted", policy: policy(tenant: "organizations"), token: .rs256(), .accepted),
        GatewayCase("organizations: a v2.0 token of another tenant is accepted", policy: policy(tenant: "organizations", audiences: [apiGUID]),
                    token: .rs256(GatewayCase.Change.v2 + [.string("aud", apiGUID), .string("iss", "https://login.microsoftonline.com/\(otherTenant)/v2.0"), .string("tid", otherTenant)]), .accepted),
        GatewayCase("organizations: a personal Microsoft account's token (the consumer tenant) is refused (inferred)",
                    policy: policy(tenant: "organizations", audiences: [apiGUID]), token: personal, .rejected(401, "TokenIssuerNotAllowed")),
        GatewayCase("common: a personal Microsoft account's token is accepted", policy: policy(tenant: "common", audiences: [apiGUID]),
                    token: personal, .accepted),
        GatewayCase("authentication-endpoint: the metadata comes from that cloud (prefix https:// optional), its issuer accepted",
                    policy: policy(attributes: #"authentication-endpoint="login.microsoftonline.us""#, audiences: [apiGUID]),
                    token: .rs256(GatewayCase.Change.v2 + [.string("aud", apiGUID), .string("iss", "https://login.microsoftonline.us/\(tenant)/v2.0")]),
                    .accepted),
        GatewayCase("authentication-endpoint: a public-cloud token is still the tenant's (inferred)",
                    policy: policy(attributes: #"authentication-endpoint="https://login.microsoftonline.us""#), token: .rs256(), .accepted),
        GatewayCase("common: the issuer must still be the token's own tenant (tid)", policy: policy(tenant: "common"),
                    token: .rs256([.string("iss", "https://sts.windows.net/\(otherTenant)/"), .string("tid", tenant)]), .rejected(401, "TokenIssuerNotAllowed")),
    ]

    @Test(arguments: otherTenantForms)
    func tenantForms(_ gatewayCase: GatewayCase) throws {
        let documents = try PolicyTest.entraMetadata(
            tenant: "contoso.onmicrosoft.com", issuerV1: PolicyTest.v1Issuer, issuerV2: PolicyTest.v2Issuer)
            + PolicyTest.entraMetadata(tenant: "common", issuerV1: "https://sts.windows.net/{tenantid}/", issuerV2: "https://login.microsoftonline.com/{tenantid}/v2.0")
            + PolicyTest.entraMetadata(tenant: "organizations", issuerV1: "https://sts.windows.net/{tenantid}/", issuerV2: "https://login.microsoftonline.com/{tenantid}/v2.0")
            + PolicyTest.entraMetadata(
                tenant: Self.tenant, issuerV1: "https://sts.windows.net/\(Self.tenant)/", issuerV2: "https://login.microsoftonline.us/\(Self.tenant)/v2.0",
                authority: "https://login.microsoftonline.us")
        let cache = try PolicyTest.cache(with: documents)
        try gatewayCase.check(cacheDirectory: cache.path)
    }

    @Test func theLastErrorSourceIsTheElementsName() throws {
        let (directory, path) = try PolicyTest.policy(Self.policy())
        defer { _ = directory }
        let both = try PolicyTest.bothCommands(["--policy", path, "--json", "--request-header", "Accept: */*"] + PolicyTest.offline)
        #expect(both.verdict?["lastError"]?.objectValue?["source"] == .string("validate-azure-ad-token"))
    }

    @Test func aMissingTenantIDIsAMalformedPolicy() throws {
        let (directory, path) = try PolicyTest.policy("<validate-azure-ad-token><audiences><audience>a</audience></audiences></validate-azure-ad-token>")
        defer { _ = directory }
        let both = try PolicyTest.bothCommands(["--policy", path, "--json"] + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(both.checkPolicy.status == 3 && both.explain.status == 3)
        #expect(both.checkPolicy.stderr.contains("no tenant-id"), "\(both.checkPolicy.stderr)")
    }
}
