import Testing
import JWTAuditCore

/// Every row of Microsoft's LastError table for validate-jwt (api-management-error-handling-policies, ms.date
/// 04/22/2026), the reasons Microsoft leaves to "Other validation failures" (JwtInvalid, inferred), and the
/// documented defaults of the response: `failed-validation-httpcode` (401) and `failed-validation-error-message`
/// ("JWT not present." for a missing token; "Invalid JWT." observed for others).
@Suite("Gateway battery: the LastError reasons and the response")
struct GatewayReasonTableTests {
    static let seed = Support.readFile("examples/policies/certificate-only-v1.xml") ?? ""
    static let plain = PolicyTest.tenantJWT()

    static let table: [GatewayCase] = [
        GatewayCase("TokenNotPresent: JWT is missing in request", policy: plain, token: nil, headers: ["X-Other: 1"],
                    .rejected(401, "TokenNotPresent", message: "JWT not present.")),
        GatewayCase("TokenSignatureInvalid: signature validation failed", policy: plain, token: .rs256(otherKey: true),
                    .rejected(401, "TokenSignatureInvalid", message: "Signature validation failed. Keys tried:")),
        GatewayCase("TokenAudienceNotAllowed: invalid audience", policy: plain, token: .rs256([.string("aud", "https://other.example")]),
                    .rejected(401, "TokenAudienceNotAllowed", message: "IDX10214: Audience validation failed. Audiences: 'https://other.example'. Did not match: validationParameters.ValidAudience: 'null' or validationParameters.ValidAudiences: 'https://myapi.dewi.red'. Access denied.")),
        GatewayCase("TokenIssuerNotAllowed: invalid issuer", policy: plain,
                    token: .rs256([.string("iss", "https://sts.windows.net/00000000-0000-0000-0000-000000000000/")]),
                    .rejected(401, "TokenIssuerNotAllowed", message: "IDX10205: Issuer validation failed. Issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/'. Did not match: validationParameters.ValidIssuer: 'null' or validationParameters.ValidIssuers: '\(PolicyTest.v1Issuer)'")),
        GatewayCase("TokenExpired: token expired", policy: plain, token: .example("expired-v1.jwt"),
                    .rejected(401, "TokenExpired", message: "IDX10223")),
        GatewayCase("TokenSignatureKeyNotFound: signature key wasn't resolved by ID", policy: plain, token: .example("unknown-kid-v1.jwt"),
                    .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10503")),
        GatewayCase("TokenClaimNotFound: required claims are missing from token", policy: seed, token: .example("certificate-v2-v1-issuer.jwt"),
                    .rejected(401, "TokenClaimNotFound", message: "JWT is missing the following claims: appid, appidacr. Access denied.")),
        GatewayCase("TokenClaimValueNotAllowed: claim values mismatch", policy: seed, token: .example("secret-v1.jwt"),
                    .rejected(401, "TokenClaimValueNotAllowed", message: "Claim appidacr value of 1 is not allowed. Access denied.")),
        GatewayCase("JwtInvalid: other validation failures (a malformed token)", policy: plain, token: nil,
                    headers: ["Authorization: Bearer a.b"], .rejected(401, "JwtInvalid")),
    ]

    static let response: [GatewayCase] = [
        GatewayCase("failed-validation-httpcode defaults to 401 and the body to \"Invalid JWT.\"", policy: plain, token: .example("expired-v1.jwt"),
                    .rejected(401, "TokenExpired", body: "Invalid JWT.")),
        GatewayCase("the default body for a missing token is \"JWT not present.\"", policy: plain, token: nil, headers: ["Accept: */*"],
                    .rejected(401, "TokenNotPresent", body: "JWT not present.")),
        GatewayCase("failed-validation-httpcode sets the status and the body's statusCode", policy: PolicyTest.tenantJWT(#"failed-validation-httpcode="403""#),
                    token: .example("expired-v1.jwt"), .rejected(403, "TokenExpired")),
        GatewayCase("failed-validation-error-message replaces the body's message", policy: PolicyTest.tenantJWT(#"failed-validation-error-message="Unauthorized. Access token is missing or invalid.""#),
                    token: nil, headers: ["Accept: */*"], .rejected(401, "TokenNotPresent", message: "JWT not present.", body: "Unauthorized. Access token is missing or invalid.")),
        GatewayCase("failed-validation-error-message as an expression takes the value given for it",
                    policy: PolicyTest.tenantJWT(#"failed-validation-error-message="@(&quot;denied &quot; + context.RequestId)""#),
                    token: .example("expired-v1.jwt"), options: ["--expression-value", #"@("denied " + context.RequestId)=denied 42"#],
                    .rejected(401, "TokenExpired", body: "denied 42")),
        GatewayCase("an error-message expression is not needed when the request is accepted",
                    policy: PolicyTest.tenantJWT(#"failed-validation-error-message="@(&quot;denied &quot; + context.RequestId)""#),
                    token: .example("certificate-v1.jwt"), .accepted),
        GatewayCase("failed-validation-httpcode as an expression takes the value given for it", policy: PolicyTest.tenantJWT(#"failed-validation-httpcode="@(418)""#),
                    token: .example("expired-v1.jwt"), options: ["--expression-value", "@(418)=418"], .rejected(418, "TokenExpired")),
        // Audiences and issuers: present, absent, several.
        GatewayCase("several audiences: any one of them is enough", policy: PolicyTest.tenantJWT("", "").replacing(
                    "<audience>https://myapi.dewi.red</audience>", with: "<audience>api://other</audience><audience>https://myapi.dewi.red</audience>"),
                    token: .rs256(), .accepted),
        GatewayCase("no <audiences>: the audience is not validated (inferred)", policy: """
                    <validate-jwt header-name="Authorization"><openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" /></validate-jwt>
                    """, token: .rs256([.string("aud", "https://anything.example")]), .accepted),
        GatewayCase("an audience given as an expression is taken from --expression-value", policy: PolicyTest.tenantJWT("", "").replacing(
                    "<audience>https://myapi.dewi.red</audience>", with: "<audience>@(context.Request.OriginalUrl.Host)</audience>"),
                    token: .rs256([.string("aud", "myapi.dewi.red")]), options: ["--expression-value", "@(context.Request.OriginalUrl.Host)=myapi.dewi.red"], .accepted),
        GatewayCase("no <issuers>: the openid-config metadata's issuer is required", policy: plain,
                    token: .rs256([.string("iss", PolicyTest.v2Issuer)]), .rejected(401, "TokenIssuerNotAllowed")),
        GatewayCase("<issuers> lists the accepted issuers, any one of them", policy: PolicyTest.tenantJWT("", "<issuers><issuer>\(PolicyTest.v1Issuer)</issuer><issuer>\(PolicyTest.v2Issuer)</issuer></issuers>"),
                    token: .rs256(GatewayCase.Change.v2), .accepted),
        GatewayCase("no <issuers> and no openid-config: the issuer is not validated (inferred)", policy: GatewayKeyTests.inline(GatewayKeyTests.rsaKey(id: nil)).replacing(
                    "<issuers><issuer>\(PolicyTest.v1Issuer)</issuer></issuers>", with: ""), token: .rs256([.string("iss", "https://anyone.example/")]), .accepted),
        // v1.0 and v2.0 metadata.
        GatewayCase("v2.0 metadata accepts a v2.0 token", policy: PolicyTest.tenantJWT().replacing("/.well-known/", with: "/v2.0/.well-known/"),
                    token: .rs256(GatewayCase.Change.v2), .accepted),
        GatewayCase("v1.0 metadata refuses a v2.0 token's issuer (IDX10205)", policy: plain, token: .rs256(GatewayCase.Change.v2),
                    .rejected(401, "TokenIssuerNotAllowed", message: "IDX10205")),
        GatewayCase("v2.0 metadata refuses a v1.0 token's issuer", policy: PolicyTest.tenantJWT().replacing("/.well-known/", with: "/v2.0/.well-known/"),
                    token: .rs256(), .rejected(401, "TokenIssuerNotAllowed")),
        // Several elements: they run in order, and the first that refuses answers.
        GatewayCase("two elements: the first refuses and answers", policy: "<policies><inbound>\(GatewayChooseTests.refusing(403))\n\(GatewayChooseTests.refusing(418))</inbound></policies>",
                    token: .rs256(), .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("two elements: the first accepts, the second refuses and answers", policy: "<policies><inbound>\(plain)\n\(GatewayChooseTests.refusing(418))</inbound></policies>",
                    token: .rs256(), .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("two elements that both accept let the request through", policy: "<policies><inbound>\(plain)\n\(plain)</inbound></policies>",
                    token: .rs256(), .accepted),
    ]

    @Test(arguments: table)
    func everyRowOfTheReasonTable(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }

    @Test(arguments: response)
    func theResponseAndTheElementsSettings(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }
}
