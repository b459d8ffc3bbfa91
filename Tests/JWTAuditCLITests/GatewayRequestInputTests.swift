import Testing
import JWTAuditCore

/// Where the gateway reads the token and what it makes of what it finds there (issue 16 items 1 and 3; research
/// §1.3): missing, empty, another scheme, not a JWT, `Bearer` spellings, custom headers, query parameters,
/// `token-value`, encrypted tokens. Each case runs through check-policy and explain, with the token argument
/// and with `--request-header`, and both must give the documented verdict.
@Suite("Gateway battery: the request and where the token is read")
struct GatewayRequestInputTests {
    static let authorization = PolicyTest.tenantJWT()
    static let bearerRequired = PolicyTest.tenantJWT(#"require-scheme="Bearer""#)
    static let customHeader = PolicyTest.tenantJWT(header: #"header-name="X-Api-Token""#)
    static let customHeaderWithScheme = PolicyTest.tenantJWT(#"require-scheme="Bearer""#, header: #"header-name="X-Api-Token""#)
    static let queryParameter = PolicyTest.tenantJWT(header: #"query-parameter-name="access_token""#)
    static let tokenExpression = #"@(context.Request.Headers.GetValueOrDefault(&quot;X-Token&quot;,&quot;&quot;))"#
    static let tokenExpressionText = #"@(context.Request.Headers.GetValueOrDefault("X-Token",""))"#
    static let tokenValue = PolicyTest.tenantJWT(header: "token-value=\"\(tokenExpression)\"")
    static let good = GatewayCase.Token.rs256()

    static let cases: [GatewayCase] = [
        // TokenNotPresent: "JSON Web Token (JWT) is missing in request" - "JWT not present."
        GatewayCase("a request without the Authorization header is TokenNotPresent", policy: authorization, token: nil,
                    headers: ["Accept: application/json"], .rejected(401, "TokenNotPresent", message: "JWT not present.", body: "JWT not present.")),
        GatewayCase("an empty Authorization header is TokenNotPresent", policy: authorization, token: nil,
                    headers: ["Authorization:"], .rejected(401, "TokenNotPresent", body: "JWT not present.")),
        GatewayCase("Authorization: Bearer with nothing after it is TokenNotPresent", policy: authorization, token: nil,
                    headers: ["Authorization: Bearer"], .rejected(401, "TokenNotPresent")),
        GatewayCase("the token in another header than the one the policy reads is TokenNotPresent", policy: customHeader, token: good,
                    headers: ["Authorization: Bearer {token}"], argumentForm: false, .rejected(401, "TokenNotPresent")),
        // Schemes.
        GatewayCase("a Basic credential without require-scheme is read as the token and is JwtInvalid", policy: authorization, token: nil,
                    headers: ["Authorization: Basic dXNlcjpwYXNzd29yZA=="], .rejected(401, "JwtInvalid", body: "Invalid JWT.")),
        GatewayCase("a Basic credential with require-scheme=Bearer is refused for its scheme (JwtInvalid, inferred)", policy: bearerRequired,
                    token: nil, headers: ["Authorization: Basic dXNlcjpwYXNzd29yZA=="],
                    .rejected(401, "JwtInvalid", message: "required scheme Bearer")),
        GatewayCase("a DPoP-bound token with require-scheme=Bearer is refused for its scheme", policy: bearerRequired, token: good,
                    headers: ["Authorization: DPoP {token}"], argumentForm: false, .rejected(401, "JwtInvalid", message: "required scheme Bearer")),
        GatewayCase("a bare token with require-scheme=Bearer lacks the scheme", policy: bearerRequired, token: good,
                    headers: ["Authorization: {token}"], argumentForm: false, .rejected(401, "JwtInvalid", message: "required scheme Bearer")),
        GatewayCase("require-scheme=Bearer with the Bearer scheme is accepted", policy: bearerRequired, token: good, .accepted),
        GatewayCase("the scheme is matched without regard to case (bearer)", policy: bearerRequired, token: good,
                    headers: ["Authorization: bearer {token}"], argumentForm: false, .accepted),
        GatewayCase("the scheme is matched without regard to case (BEARER)", policy: authorization, token: good,
                    headers: ["Authorization: BEARER {token}"], argumentForm: false, .accepted),
        GatewayCase("several spaces after Bearer are white space, not part of the token", policy: authorization, token: good,
                    headers: ["Authorization: Bearer   {token}"], argumentForm: false, .accepted),
        GatewayCase("a bare token in Authorization without require-scheme is read as the token", policy: authorization, token: good,
                    headers: ["Authorization: {token}"], argumentForm: false, .accepted),
        GatewayCase("header names are case-insensitive", policy: authorization, token: good,
                    headers: ["authorization: Bearer {token}"], argumentForm: false, .accepted),
        // Not a JWT.
        GatewayCase("a bearer value that is not a JWT is JwtInvalid", policy: authorization, token: .text("not-a-jwt"),
                    headers: ["Authorization: Bearer not-a-jwt"], argumentForm: false, .rejected(401, "JwtInvalid", body: "Invalid JWT.")),
        GatewayCase("a token whose header is not base64url JSON is JwtInvalid", policy: authorization, token: nil,
                    headers: ["Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIxIn0.c2ln"], .rejected(401, "JwtInvalid")),
        // Custom headers: "When using a custom header (header-name), the configured required scheme (require-scheme)
        // will be ignored."
        GatewayCase("a custom header carries the bare token", policy: customHeader, token: good,
                    headers: ["X-Api-Token: {token}"], .accepted),
        GatewayCase("a custom header's Bearer prefix is not removed, so the value is not a JWT", policy: customHeader, token: good,
                    headers: ["X-Api-Token: Bearer {token}"], argumentForm: false, .rejected(401, "JwtInvalid")),
        GatewayCase("require-scheme is ignored for a custom header", policy: customHeaderWithScheme, token: good,
                    headers: ["X-Api-Token: {token}"], .accepted),
        GatewayCase("a missing custom header is TokenNotPresent", policy: customHeader, token: nil,
                    headers: ["X-Other: 1"], .rejected(401, "TokenNotPresent")),
        // Query parameters (the token argument is placed in the query; --request-header sends none).
        GatewayCase("a query parameter carries the token", policy: queryParameter, token: good, headers: [], .accepted),
        GatewayCase("a request without the query parameter is TokenNotPresent", policy: queryParameter, token: nil,
                    headers: ["Authorization: Bearer x"], .rejected(401, "TokenNotPresent")),
        // token-value (item 3): the expression's value, given with --expression-value, is the token.
        GatewayCase("token-value: the value given for the expression is the token", policy: tokenValue, token: good,
                    headers: ["X-Token: {token}"], options: ["--expression-value", tokenExpressionText + "={token}"], .accepted),
        GatewayCase("token-value: an expired token given for the expression is refused", policy: tokenValue,
                    token: .rs256([.set("exp", String(PolicyTest.atSeconds - 3600))]), headers: ["X-Token: {token}"],
                    options: ["--expression-value", tokenExpressionText + "={token}"], .rejected(401, "TokenExpired")),
        GatewayCase("token-value: a value with the Bearer prefix is not a JWT (\"You must not return Bearer\")", policy: tokenValue,
                    token: good, headers: ["X-Token: {token}"], options: ["--expression-value", tokenExpressionText + "=Bearer {token}"],
                    .rejected(401, "JwtInvalid")),
        GatewayCase("token-value: an empty value is TokenNotPresent", policy: tokenValue, token: good,
                    headers: ["X-Token: {token}"], options: ["--expression-value", tokenExpressionText + "="], .rejected(401, "TokenNotPresent")),
        GatewayCase("token-value: without the expression's value the policy cannot be evaluated", policy: tokenValue, token: good,
                    headers: ["X-Token: {token}"], argumentForm: false,
                    .cannotEvaluate([tokenExpressionText, "token-value", "--expression-value"])),
        // Encrypted tokens: decryption inside the policy (decryption-keys).
        GatewayCase("a JWE and no decryption-keys: the gateway cannot decrypt it (IDX10609, JwtInvalid inferred)", policy: authorization,
                    token: .example("encrypted-certificate-v1.jwe"), .rejected(401, "JwtInvalid", message: "IDX10609")),
        GatewayCase("a JWE opened with the policy's decryption certificate is judged by the token inside", policy: PolicyTest.tenantJWT(
                    "", #"<decryption-keys><key certificate-id="api-encryption" /></decryption-keys>"#),
                    token: .example("encrypted-certificate-v1.jwe"),
                    options: ["--decryption-key", PolicyTest.example("keys/api-encryption.pem")], .accepted),
        GatewayCase("a JWE that the decryption key does not open is a decryption failure (IDX10603)", policy: PolicyTest.tenantJWT(
                    "", #"<decryption-keys><key certificate-id="api-encryption" /></decryption-keys>"#),
                    token: .example("encrypted-certificate-v1.jwe"),
                    options: ["--decryption-key", PolicyTest.example("keys/other-signing-key.pem")], .rejected(401, "JwtInvalid", message: "IDX10603")),
        GatewayCase("a JWE for a decryption certificate held by APIM and not given cannot be decided", policy: PolicyTest.tenantJWT(
                    "", #"<decryption-keys><key certificate-id="api-encryption" /></decryption-keys>"#),
                    token: .example("encrypted-certificate-v1.jwe"), .cannotDecide(["api-encryption", "--decryption-key"])),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }

    /// Item 3: a token given only as the token-value expression's value is evaluated, not linted, by both.
    @Test func aTokenGivenOnlyAsTheTokenValueIsEvaluatedByBothCommands() throws {
        let (directory, path) = try PolicyTest.policy(Self.tokenValue)
        defer { _ = directory }
        for (token, reason) in [(try Self.good.make(), nil as String?), (try PolicyTest.rs256(PolicyTest.claims([("aud", "\"x\"")])), "TokenAudienceNotAllowed")] {
            let both = try PolicyTest.bothCommands(
                ["--policy", path, "--json", "--expression-value", Self.tokenExpressionText + "=" + token] + PolicyTest.offline)
            #expect(both.checkPolicy.status == (reason == nil ? 0 : 1), "\(both.checkPolicy.stderr)\(both.checkPolicy.stdout)")
            #expect(both.explain.status == both.checkPolicy.status)
            #expect(both.verdict?["lastError"]?.objectValue?["reason"]?.stringValue == reason)
            #expect(try PolicyTest.json(both.checkPolicy)["findings"] != nil, "an evaluation, not lint")
        }
    }

    /// Item 1: explain narrates a request given only as headers, with cause and fix, as check-policy answers it.
    @Test(arguments: [
        ("X-Other: 1", "TokenNotPresent", "Send the access token there"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "JwtInvalid", "Send 'Authorization: Bearer <token>'"),
        ("Authorization: Bearer not-a-jwt", "JwtInvalid", "compact token"),
    ])
    func explainNarratesAHeaderOnlyRequest(_ header: String, _ reason: String, _ said: String) throws {
        let policy = header.hasPrefix("Authorization: Basic") ? Self.bearerRequired : Self.authorization
        let (directory, path) = try PolicyTest.policy(policy)
        defer { _ = directory }
        let text = try PolicyTest.run(["explain", "--policy", path, "--request-header", header] + PolicyTest.offline)
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stderr.isEmpty)
        #expect(text.stdout.contains("No token to describe"), "\(text.stdout)")
        #expect(text.stdout.contains("\n  fail  ") && Support.unwrapped(text.stdout).contains("cause     "), "a failing step with its cause")
        #expect(Support.unwrapped(text.stdout).contains(said), "\(text.stdout)")
        #expect(text.stdout.hasPrefix("REJECTED: HTTP 401, \(reason)\n"), "\(text.stdout)")
    }

    @Test func aTokenArgumentAndRequestHeadersTogetherAreAUsageErrorForBoth() throws {
        let (directory, path) = try PolicyTest.policy(Self.authorization)
        defer { _ = directory }
        for command in ["check-policy", "explain"] {
            let result = try PolicyTest.run([command, "--policy", path, "--request-header", "X: 1", PolicyTest.example("tokens/certificate-v1.jwt")] + PolicyTest.offline)
            #expect(result.status == 64, "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }
}
