#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy` with a token, end to end through the built binary, offline against the shipped
/// `examples/cache` (the example tenant's metadata and the examples' JWKS) unless a test says otherwise.
@Suite("check-policy: evaluating a request with APIM semantics")
struct CheckPolicyEvaluationTests {
    static let seed = PolicyTest.example("policies/certificate-only-v1.xml")

    func evaluate(_ policy: String, _ token: String, _ extra: [String] = []) throws -> Support.Result {
        try PolicyTest.run(["check-policy", "--policy", policy, "--json"] + PolicyTest.offline + extra + [token])
    }

    // MARK: the seed policy (issue 5, "Done when")

    @Test(arguments: [
        ("certificate-v1.jwt", 0, nil as String?, nil as String?),
        ("secret-v1.jwt", 1, "TokenClaimValueNotAllowed", "Claim appidacr value of 1 is not allowed. Access denied."),
        ("certificate-v2-v1-issuer.jwt", 1, "TokenClaimNotFound", "JWT is missing the following claims: appid, appidacr. Access denied."),
    ])
    func seedPolicyOnTheExamples(token: String, status: Int32, reason: String?, message: String?) throws {
        let result = try evaluate(Self.seed, PolicyTest.example("tokens/" + token))
        #expect(result.status == status, "\(token): \(result.stderr)")
        let json = try PolicyTest.json(result)
        #expect(json["accepted"] == .bool(status == 0), "\(token)")
        #expect(json["statusCode"]?.numberValue?.int64Value == (status == 0 ? 200 : 401), "\(token)")
        #expect(json["lastError"]?.objectValue?["reason"]?.stringValue == reason, "\(token)")
        #expect(json["lastError"]?.objectValue?["message"]?.stringValue == message, "\(token)")
        if status != 0 {
            #expect(json["lastError"]?.objectValue?["source"] == .string("validate-jwt"))
            #expect(json["body"]?.objectValue?["message"]
                == .string("Unauthorized - Failed policy requirements, or token is invalid or missing."), "the policy's message")
        }
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try evaluate(Self.seed, PolicyTest.example("tokens/secret-v1.jwt"))
        let json = try PolicyTest.json(result)
        #expect(Array(json.keys.prefix(6)) == ["accepted", "statusCode", "body", "lastError", "checks", "findings"])
        #expect(json["accepted"] == false)
        #expect(json["lastError"]?.objectValue?["reason"] == "TokenClaimValueNotAllowed")
        #expect(json["checks"]?.arrayValue?.first?.objectValue?.keys == ["id", "status", "expected", "actual", "detail"])
        #expect(try JSONParser.parse(result.stdout) == .object(json))
    }

    @Test func aPlainV2TokenFailsTheIssuerFirstAndListsTheMissingClaims() throws {
        // A v2.0 token (azp/azpacr, v2 issuer) for the audience the seed policy accepts.
        let token = try PolicyTest.rs256(PolicyTest.claims([
            ("iss", "\"\(PolicyTest.v2Issuer)\""), ("appid", nil), ("appidacr", nil),
            ("azp", "\"\(PolicyTest.client)\""), ("azpacr", "\"2\""), ("ver", "\"2.0\""),
        ]))
        let result = try evaluate(Self.seed, token)
        #expect(result.status == 1, "\(result.stderr)")
        let json = try PolicyTest.json(result)
        #expect(json["lastError"]?.objectValue?["reason"] == .string("TokenIssuerNotAllowed"))
        let failed = (json["checks"]?.arrayValue ?? []).compactMap(\.objectValue)
            .filter { $0["status"] == .string("fail") }.compactMap { $0["id"]?.stringValue }
        #expect(failed == ["issuer", "claim:appid", "claim:appidacr"], "both failures are listed")
        let notes = (json["notes"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "\n")
        #expect(notes.contains("TokenIssuerNotAllowed, TokenClaimNotFound"), "\(notes)")
    }

    @Test func textOutputLeadsWithTheGatewaysAnswer() throws {
        let result = try PolicyTest.run(["check-policy", "--policy", Self.seed] + PolicyTest.offline
            + [PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n"), "\(result.stdout)")
        #expect(result.stdout.contains("  message  Claim appidacr value of 1 is not allowed. Access denied.\n"))
        #expect(result.stdout.contains("  fail  claim:appidacr: match=any is not satisfied (TokenClaimValueNotAllowed)\n        expected  any of 2\n        actual    1\n        fix       "))
        #expect(result.stdout.contains("inferred"))
        #expect(Support.unwrapped(result.stdout).contains("used because of --offline"), "the stale cache is named")
    }

    // MARK: each LastError reason

    @Test func tokenNotPresent() throws {
        let result = try PolicyTest.run(["check-policy", "--policy", Self.seed, "--json", "--request-header", "X-Other: 1"] + PolicyTest.offline)
        #expect(result.status == 1, "\(result.stderr)")
        let json = try PolicyTest.json(result)
        #expect(json["lastError"]?.objectValue?["reason"] == .string("TokenNotPresent"))
        #expect(json["lastError"]?.objectValue?["message"] == .string("JWT not present."))
    }

    @Test func tokenSignatureInvalid() throws {
        // The same claims signed by another key under the tenant key's kid.
        let token = try PolicyTest.rs256(PolicyTest.claims(), key: PolicyTest.otherKey)
        let result = try evaluate(Self.seed, token)
        #expect(result.status == 1)
        #expect(try PolicyTest.reason(result) == "TokenSignatureInvalid")
    }

    @Test func tokenAudienceNotAllowed() throws {
        let result = try evaluate(Self.seed, try PolicyTest.rs256(PolicyTest.claims([("aud", "\"https://other.example\"")])))
        #expect(try PolicyTest.reason(result) == "TokenAudienceNotAllowed")
        #expect(try PolicyTest.json(result)["lastError"]?.objectValue?["message"]?.stringValue?.contains("https://other.example") == true)
    }

    @Test func tokenIssuerNotAllowed() throws {
        let result = try evaluate(Self.seed, try PolicyTest.rs256(PolicyTest.claims([("iss", "\"https://sts.windows.net/00000000-0000-0000-0000-000000000000/\"")])))
        #expect(try PolicyTest.reason(result) == "TokenIssuerNotAllowed")
    }

    @Test func tokenExpired() throws {
        let result = try evaluate(PolicyTest.example("policies/secret-allowed-v1.xml"), PolicyTest.example("tokens/expired-v1.jwt"))
        #expect(result.status == 1)
        #expect(try PolicyTest.reason(result) == "TokenExpired")
    }

    @Test func tokenSignatureKeyNotFound() throws {
        let result = try evaluate(Self.seed, PolicyTest.example("tokens/unknown-kid-v1.jwt"))
        #expect(try PolicyTest.reason(result) == "TokenSignatureKeyNotFound")
        let notes = (try PolicyTest.json(result)["notes"]?.arrayValue ?? []).compactMap(\.stringValue).joined()
        #expect(notes.contains("--offline forbids a refetch"), "\(notes)")
    }

    @Test func tokenClaimNotFoundAndValueNotAllowed() throws {
        let missing = try evaluate(Self.seed, try PolicyTest.rs256(PolicyTest.claims([("appidacr", nil)])))
        #expect(try PolicyTest.reason(missing) == "TokenClaimNotFound")
        let wrong = try evaluate(Self.seed, try PolicyTest.rs256(PolicyTest.claims([("appid", "\"someone-else\"")])))
        #expect(try PolicyTest.json(wrong)["lastError"]?.objectValue?["message"]
            == .string("Claim appid value of someone-else is not allowed. Access denied."))
    }

    @Test func jwtInvalidForANotYetValidToken() throws {
        let result = try evaluate(Self.seed, try PolicyTest.rs256(PolicyTest.claims([("nbf", "4000000000")])))
        #expect(try PolicyTest.reason(result) == "JwtInvalid")
    }

    @Test func jwtInvalidForAMalformedToken() throws {
        // Token-shaped, but the header segment is not base64url JSON.
        let result = try PolicyTest.run(["check-policy", "--policy", Self.seed, "--json", "--request-header",
                                         "Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIxIn0.c2ln"] + PolicyTest.offline)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(try PolicyTest.reason(result) == "JwtInvalid")
    }

    // MARK: defaults

    @Test func defaultStatusAndBodyWithoutACustomMessage() throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let absent = try PolicyTest.json(try PolicyTest.run(["check-policy", "--policy", path, "--json", "--request-header", "Accept: */*"] + PolicyTest.offline))
        #expect(absent["statusCode"]?.numberValue?.int64Value == 401, "failed-validation-httpcode defaults to 401")
        #expect(absent["body"]?.objectValue?["message"] == .string("JWT not present."))
        let expired = try PolicyTest.json(try evaluate(path, PolicyTest.example("tokens/expired-v1.jwt")))
        #expect(expired["body"]?.objectValue?["message"] == .string("Invalid JWT."))
    }

    /// validate-jwt on the example tenant's metadata and audience, with `attribute` added to the element.
    static func tenantPolicy(_ attribute: String) throws -> (directory: TemporaryDirectory, path: String) {
        try PolicyTest.policy("""
            <validate-jwt header-name="Authorization"\(attribute)>
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
            </validate-jwt>
            """)
    }

    @Test(arguments: [("", "JwtInvalid"), (" require-expiration-time=\"false\"", nil)])
    func expirationTimeIsRequiredByDefault(attribute: String, reason: String?) throws {
        let (directory, path) = try Self.tenantPolicy(attribute)
        _ = directory
        let result = try evaluate(path, try PolicyTest.rs256(PolicyTest.claims([("exp", nil)])))
        #expect(try PolicyTest.reason(result) == reason, "\(attribute): \(result.stdout)")
    }

    @Test(arguments: [("", "TokenExpired"), (" clock-skew=\"120\"", nil)])
    func clockSkewDefaultsToZero(attribute: String, reason: String?) throws {
        let (directory, path) = try Self.tenantPolicy(attribute)
        _ = directory
        // Expired one minute before --at.
        let token = try PolicyTest.rs256(PolicyTest.claims([("exp", String(PolicyTest.atSeconds - 60))]))
        #expect(try PolicyTest.reason(try evaluate(path, token)) == reason, "\(attribute)")
    }

    @Test(arguments: [("", "JwtInvalid"), (" require-signed-tokens=\"false\"", nil)])
    func signedTokensAreRequiredByDefault(attribute: String, reason: String?) throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization"\(attribute)>
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
              <issuers><issuer>\(PolicyTest.v1Issuer)</issuer></issuers>
            </validate-jwt>
            """)
        _ = directory
        let unsigned = Base64URL.encode(Array("{\"alg\":\"none\"}".utf8)) + "." + Base64URL.encode(Array(PolicyTest.claims().utf8)) + "."
        let result = try evaluate(path, unsigned)
        #expect(try PolicyTest.reason(result) == reason, "\(attribute): \(result.stdout)")
    }

    @Test func audiencesAndIssuersAreAnyOf() throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>api://first</audience><audience>https://myapi.dewi.red</audience></audiences>
              <issuers><issuer>https://first.example/</issuer><issuer>\(PolicyTest.v1Issuer)</issuer></issuers>
            </validate-jwt>
            """)
        _ = directory
        let result = try evaluate(path, PolicyTest.example("tokens/certificate-v1.jwt"))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    // MARK: required-claims match and separator

    @Test(arguments: [
        ("match=\"all\" separator=\" \"", "<value>Orders.Read</value><value>Orders.Write</value>", "\"Orders.Read Orders.Write\"", nil as String?),
        ("match=\"all\" separator=\" \"", "<value>Orders.Read</value><value>Orders.Admin</value>", "\"Orders.Read Orders.Write\"", "TokenClaimValueNotAllowed"),
        ("match=\"any\" separator=\" \"", "<value>Orders.Admin</value><value>Orders.Write</value>", "\"Orders.Read Orders.Write\"", nil),
        ("", "<value>Orders.Read</value>", "\"Orders.Read Orders.Write\"", "TokenClaimValueNotAllowed"),
        ("separator=\",\"", "<value>b</value>", "\"a,b\"", nil),
        ("", "<value>Orders.Write</value>", "[\"Orders.Read\",\"Orders.Write\"]", nil),
    ])
    func matchAndSeparator(attributes: String, values: String, claim: String, reason: String?) throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
              <required-claims><claim name="scp" \(attributes)>\(values)</claim></required-claims>
            </validate-jwt>
            """)
        _ = directory
        let result = try evaluate(path, try PolicyTest.rs256(PolicyTest.claims([("scp", claim)])))
        #expect(try PolicyTest.reason(result) == reason, "\(attributes) \(values) against \(claim)")
    }

    // MARK: where the token is read

    @Test(arguments: [
        ("header-name=\"Authorization\" require-scheme=\"Bearer\"", "Authorization: Bearer {T}", nil as String?),
        ("header-name=\"Authorization\" require-scheme=\"Bearer\"", "Authorization: Basic {T}", "JwtInvalid"),
        ("header-name=\"Authorization\" require-scheme=\"Bearer\"", "Authorization: {T}", "JwtInvalid"),
        ("header-name=\"Authorization\"", "Authorization: {T}", nil),
        ("header-name=\"X-Token\" require-scheme=\"Bearer\"", "X-Token: {T}", nil),
        ("header-name=\"X-Token\"", "X-Token: Bearer {T}", "JwtInvalid"),
        ("header-name=\"X-Token\"", "Authorization: Bearer {T}", "TokenNotPresent"),
    ])
    func schemeHandling(attributes: String, header: String, reason: String?) throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt \(attributes)>
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let token = try #require(Support.readFile("examples/tokens/certificate-v1.jwt")).trimmed()
        let line = header.replacingToken(with: token)
        let result = try PolicyTest.run(["check-policy", "--policy", path, "--json", "--request-header", line] + PolicyTest.offline)
        #expect(try PolicyTest.reason(result) == reason, "\(attributes) with \(header): \(result.stdout)\(result.stderr)")
    }

    @Test func tokenAndRequestHeaderTogetherIsAUsageError() throws {
        let result = try PolicyTest.run(["check-policy", "--policy", Self.seed, "--request-header", "Authorization: Bearer x",
                                         PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
    }

    // MARK: named values and <base /> composition

    static let apiops = ["global.xml", "api.xml", "operation.xml"].flatMap { ["--policy", PolicyTest.example("policies/apiops/" + $0)] }

    @Test func baseCompositionWithNamedValuesFromAFile() throws {
        let named = ["--named-values", PolicyTest.example("policies/apiops/named-values.json")]
        let accepted = try PolicyTest.run(["check-policy", "--json"] + Self.apiops + named + PolicyTest.offline
            + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        let elements = try PolicyTest.json(accepted)["validations"]?.arrayValue ?? []
        #expect(elements.count == 2, "the global check (through <base />) and the operation's own")
        #expect(elements.first?.objectValue?["file"]?.stringValue?.hasSuffix("global.xml") == true)

        let rejected = try PolicyTest.run(["check-policy", "--json"] + Self.apiops + named + PolicyTest.offline
            + [PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(rejected.status == 1)
        let json = try PolicyTest.json(rejected)
        #expect(json["statusCode"]?.numberValue?.int64Value == 403, "the operation's failed-validation-httpcode")
        #expect(json["lastError"]?.objectValue?["reason"] == .string("TokenClaimValueNotAllowed"))
    }

    @Test func namedValuesFromFlagsOverrideTheFile() throws {
        let result = try PolicyTest.run(["check-policy", "--json"] + Self.apiops
            + ["--named-values", PolicyTest.example("policies/apiops/named-values.json"), "--named-value", "client-app-id=someone-else"]
            + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 1)
        #expect(try PolicyTest.reason(result) == "TokenClaimValueNotAllowed")
        let flagsOnly = try PolicyTest.run(["check-policy"] + Self.apiops
            + ["--named-value", "tenant-id=\(PolicyTest.tenant)", "--named-value", "client-app-id=\(PolicyTest.client)"]
            + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(flagsOnly.status == 0, "\(flagsOnly.stderr)")
    }

    @Test func everyMissingNamedValueIsNamed() throws {
        let result = try PolicyTest.run(["check-policy"] + Self.apiops + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("named values not supplied: tenant-id, client-app-id"), "\(result.stderr)")
    }

    // MARK: issuer-signing-keys and certificates

    @Test func modulusAndExponentKey() throws {
        let jwksText = try #require(Support.readFile("examples/keys/jwks.json"))
        let jwks = try #require(try JSONParser.parse(jwksText).objectValue)
        let kid = try PolicyTest.tenantKid
        let key = try #require(jwks["keys"]?.arrayValue?.compactMap(\.objectValue).first { $0["kid"]?.stringValue == kid })
        let n = try #require(key["n"]?.stringValue), e = try #require(key["e"]?.stringValue)
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key id="not-the-kid" n="\(n)" e="\(e)" /></issuer-signing-keys>
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
              <issuers><issuer>\(PolicyTest.v1Issuer)</issuer></issuers>
            </validate-jwt>
            """)
        _ = directory
        let good = try evaluate(path, PolicyTest.example("tokens/certificate-v1.jwt"))
        #expect(good.status == 0, "no key id matches the kid, so every key is tried: \(good.stdout)")
        // No key has the forged token's kid, so every key is tried and none verifies: the key was not found.
        let forged = try evaluate(path, PolicyTest.example("tokens/unknown-kid-v1.jwt"))
        #expect(try PolicyTest.reason(forged) == "TokenSignatureKeyNotFound")
    }

    @Test func symmetricKey() throws {
        let secretHex = String(repeating: "6b", count: 32)
        let base64 = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="  // 32 bytes of "k"
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>\(base64)</key></issuer-signing-keys>
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let good = try evaluate(path, try PolicyTest.hs256(PolicyTest.claims(), secretHex: secretHex))
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        // No kid: every key is tried and none verifies, IDX10517 (the key was not found).
        let bad = try evaluate(path, try PolicyTest.hs256(PolicyTest.claims(), secretHex: String(repeating: "6c", count: 32)))
        #expect(try PolicyTest.reason(bad) == "TokenSignatureKeyNotFound")
    }

    @Test func certificateIDComesFromTheCertificateOption() throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key certificate-id="tenant-signing" /></issuer-signing-keys>
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let good = try evaluate(path, PolicyTest.example("tokens/certificate-v1.jwt"),
                                ["--certificate", "tenant-signing=" + PolicyTest.example("keys/tenant-signing-cert.pem")])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let missing = try evaluate(path, PolicyTest.example("tokens/certificate-v1.jwt"))
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("--certificate tenant-signing=FILE"), "\(missing.stderr)")
    }

    // MARK: expressions, several elements

    @Test func anUnevaluableExpressionIsNamedAndCanBeSupplied() throws {
        let expression = "@(context.Variables.GetValueOrDefault<string>(\"aud\"))"
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>@(context.Variables.GetValueOrDefault&lt;string&gt;("aud"))</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let token = PolicyTest.example("tokens/certificate-v1.jwt")
        let unsupplied = try evaluate(path, token)
        #expect(unsupplied.status == 3)
        #expect(unsupplied.stderr.contains(expression), "\(unsupplied.stderr)")
        #expect(unsupplied.stdout.isEmpty)
        let supplied = try evaluate(path, token, ["--expression-value", expression + "=https://myapi.dewi.red"])
        #expect(supplied.status == 0, "\(supplied.stderr)")
        let other = try evaluate(path, token, ["--expression-value", expression + "=https://other.example"])
        #expect(try PolicyTest.reason(other) == "TokenAudienceNotAllowed")
    }

    @Test func theElementInTheBranchTakenDecides() throws {
        let (directory, path) = try PolicyTest.policy("""
            <policies><inbound>
              <validate-jwt header-name="Authorization">
                <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
                <audiences><audience>https://myapi.dewi.red</audience></audiences>
              </validate-jwt>
              <choose><when condition="@(true)">
                <validate-jwt header-name="Authorization">
                  <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
                  <audiences><audience>https://elsewhere.example</audience></audiences>
                </validate-jwt>
              </when></choose>
            </inbound></policies>
            """)
        _ = directory
        let result = try evaluate(path, PolicyTest.example("tokens/secret-v1.jwt"))
        #expect(result.status == 1, "\(result.stdout)")
        #expect(try PolicyTest.reason(result) == "TokenAudienceNotAllowed")
        let elements = (try PolicyTest.json(result)["validations"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(elements.map { $0["conditional"] } == [.bool(false), .bool(true)])
        #expect(elements.map { $0["accepted"] } == [.bool(true), .bool(false)])
    }

    @Test func anElementInABranchNotTakenDoesNotRun() throws {
        let (directory, path) = try PolicyTest.policy("""
            <policies><inbound><choose><when condition="@(false)">
              <validate-jwt header-name="Authorization">
                <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
                <audiences><audience>https://elsewhere.example</audience></audiences>
              </validate-jwt>
            </when></choose></inbound></policies>
            """)
        _ = directory
        let result = try evaluate(path, PolicyTest.example("tokens/certificate-v1.jwt"))
        #expect(result.status == 0)
        let json = try PolicyTest.json(result)
        #expect(json["statusCode"]?.numberValue?.int64Value == 200)
        #expect(json["lastError"] == .null)
        #expect(json["validations"]?.arrayValue == [], "nothing ran")
        #expect(json["branches"]?.arrayValue?.first?.objectValue?["taken"] == .null)
    }

    // MARK: keys that cannot be obtained

    @Test func offlineWithNothingCachedExitsTwoNamingTheURL() throws {
        let empty = try TemporaryDirectory()
        let result = try PolicyTest.run(["check-policy", "--policy", Self.seed, "--offline", "--cache-dir", empty.path,
                                         PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration"), "\(result.stderr)")
    }
}

extension String {
    func replacingToken(with token: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "{T}") {
            out += rest[..<range.lowerBound] + token
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
