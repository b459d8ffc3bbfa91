import Testing
import JWTAuditCore

/// Signing keys as the gateway finds them (issue 16 item 8; research §1.4, §1.7, §8 step 5): `openid-config`
/// metadata, `issuer-signing-keys` as RSA n/e, Base64 symmetric keys and uploaded certificates; keys chosen by
/// `kid`, every key tried when none has it ("If no keys match the claim, API Management will attempt each
/// specified key"), and the reason the library's outcome gives: a key with the kid that does not verify is
/// TokenSignatureInvalid (IDX10511); no key with the kid, or no kid, and none verifies is
/// TokenSignatureKeyNotFound (IDX10503, IDX10517); no key at all is IDX10500.
@Suite("Gateway battery: signing keys and the signature")
struct GatewayKeyTests {
    static let tenantKid = "9Wh64EM5eR56Me2_zr_PkWvJ2vQ"
    static let secretHex = String(repeating: "6b", count: 32)
    static let secretBase64 = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="  // 32 bytes of "k"
    /// The tenant key's RSA modulus and exponent, from the examples' JWKS.
    static let tenantModulusAndExponent: (n: String, e: String) = {
        let jwks = Support.readFile("examples/keys/jwks.json").flatMap { try? JSONParser.parse($0).objectValue }
        let key = jwks?["keys"]?.arrayValue?.compactMap(\.objectValue).first { $0["kid"]?.stringValue == tenantKid }
        return (key?["n"]?.stringValue ?? "", key?["e"]?.stringValue ?? "")
    }()

    /// validate-jwt with only `keys` (issuer-signing-keys) and the example tenant's v1 issuer.
    static func inline(_ keys: String, _ attributes: String = "") -> String {
        """
        <validate-jwt header-name="Authorization"\(attributes.isEmpty ? "" : " " + attributes)>
          <issuer-signing-keys>\(keys)</issuer-signing-keys>
          <audiences><audience>https://myapi.dewi.red</audience></audiences>
          <issuers><issuer>\(PolicyTest.v1Issuer)</issuer></issuers>
        </validate-jwt>
        """
    }

    static func rsaKey(id: String?) -> String {
        let (n, e) = tenantModulusAndExponent
        return "<key\(id.map { " id=\"\($0)\"" } ?? "") n=\"\(n)\" e=\"\(e)\" />"
    }

    static let metadata = PolicyTest.tenantJWT()
    static let certificate = ["--certificate", "tenant-signing=" + PolicyTest.example("keys/tenant-signing-cert.pem")]

    static let cases: [GatewayCase] = [
        // openid-config: "Signing keys and issuer come from it."
        GatewayCase("openid-config: the metadata key with the token's kid verifies it", policy: metadata, token: .rs256(), .accepted),
        GatewayCase("openid-config: a key has the kid but the signature does not verify: TokenSignatureInvalid (IDX10511)", policy: metadata,
                    token: .rs256(otherKey: true), .rejected(401, "TokenSignatureInvalid", message: "IDX10511: Signature validation failed. Keys tried: '\(tenantKid)'")),
        GatewayCase("openid-config: no key has the token's kid: TokenSignatureKeyNotFound (IDX10503), naming the kid", policy: metadata,
                    token: .example("unknown-kid-v1.jwt"),
                    .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10503: Signature validation failed. The token's kid is: 'Aqg7LdGSLModiT3AFkDGPzespP4', but did not match any keys")),
        GatewayCase("openid-config: a token without kid is tried against every key", policy: metadata, token: .rs256NoKid(), .accepted),
        GatewayCase("openid-config: a token without kid that no key verifies: TokenSignatureKeyNotFound (IDX10517)", policy: metadata,
                    token: .rs256NoKid(otherKey: true), .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10517: Signature validation failed. The token's kid is missing.")),
        GatewayCase("openid-config: HS256 against the metadata's RSA keys verifies with none of them", policy: metadata,
                    token: .hs256(secretHex: secretHex), .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10517")),
        GatewayCase("a Microsoft Graph token is meant for Graph's audience, not the API's", policy: metadata,
                    token: .example("graph-v1.jwt"), .rejected(401, "TokenAudienceNotAllowed", message: "Audiences: 'https://graph.microsoft.com'")),
        // issuer-signing-keys: n and e.
        GatewayCase("issuer-signing-keys n/e whose id is the kid verifies", policy: inline(rsaKey(id: tenantKid)), token: .rs256(), .accepted),
        GatewayCase("issuer-signing-keys n/e whose id is not the kid: every key is tried, and it verifies", policy: inline(rsaKey(id: "another-id")),
                    token: .rs256(), .accepted),
        GatewayCase("issuer-signing-keys n/e without id verifies a token with a kid", policy: inline(rsaKey(id: nil)), token: .rs256(), .accepted),
        GatewayCase("issuer-signing-keys: the key with the kid does not verify: TokenSignatureInvalid, matched in TokenValidationParameters",
                    policy: inline(rsaKey(id: tenantKid)), token: .rs256(otherKey: true),
                    .rejected(401, "TokenSignatureInvalid", message: "Matched key was in 'TokenValidationParameters'")),
        GatewayCase("issuer-signing-keys: no key has the kid and none verifies: TokenSignatureKeyNotFound", policy: inline(rsaKey(id: "another-id")),
                    token: .rs256(otherKey: true), .rejected(401, "TokenSignatureKeyNotFound", message: "The token's kid is: '\(tenantKid)'")),
        GatewayCase("issuer-signing-keys: several keys are each tried until one succeeds (rollover)",
                    policy: inline("<key>\(secretBase64)</key>" + rsaKey(id: "old")), token: .rs256(), .accepted),
        // issuer-signing-keys: Base64 symmetric ("the key must be provided inline within the policy in the
        // Base64-encoded form").
        GatewayCase("issuer-signing-keys Base64 symmetric key verifies HS256", policy: inline("<key>\(secretBase64)</key>"),
                    token: .hs256(secretHex: secretHex), .accepted),
        GatewayCase("issuer-signing-keys Base64 symmetric key: another secret, no kid: TokenSignatureKeyNotFound (IDX10517)",
                    policy: inline("<key>\(secretBase64)</key>"), token: .hs256(secretHex: String(repeating: "6c", count: 32)),
                    .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10517")),
        GatewayCase("issuer-signing-keys Base64 symmetric key with the token's kid: another secret is TokenSignatureInvalid",
                    policy: inline(#"<key id="hmac-1">\#(secretBase64)</key>"#), token: .hs256(secretHex: String(repeating: "6c", count: 32), kid: "hmac-1"),
                    .rejected(401, "TokenSignatureInvalid", message: "IDX10511")),
        GatewayCase("an HS256 token is not verified with an RSA key of the policy", policy: inline(rsaKey(id: nil)),
                    token: .hs256(secretHex: secretHex), .rejected(401, "TokenSignatureKeyNotFound")),
        // issuer-signing-keys: certificate-id ("a certificate entity uploaded to API Management").
        GatewayCase("issuer-signing-keys certificate-id, the certificate given with --certificate, verifies",
                    policy: inline(#"<key certificate-id="tenant-signing" />"#), token: .rs256(), options: certificate, .accepted),
        GatewayCase("issuer-signing-keys certificate-id with no certificate given cannot be evaluated",
                    policy: inline(#"<key certificate-id="tenant-signing" />"#), token: .rs256(), .cannotEvaluate(["tenant-signing", "--certificate"])),
        // No keys; unsigned tokens.
        GatewayCase("no openid-config and no issuer-signing-keys: no key at all (IDX10500)", policy: """
                    <validate-jwt header-name="Authorization"><audiences><audience>https://myapi.dewi.red</audience></audiences></validate-jwt>
                    """, token: .rs256(), .rejected(401, "TokenSignatureKeyNotFound", message: "IDX10500")),
        GatewayCase("an unsigned token (alg none) is JwtInvalid (IDX10504): require-signed-tokens defaults to true", policy: metadata,
                    token: .unsigned(), .rejected(401, "JwtInvalid", message: "IDX10504")),
        GatewayCase("require-signed-tokens=\"false\" lets an unsigned token through", policy: PolicyTest.tenantJWT(#"require-signed-tokens="false""#),
                    token: .unsigned(), .accepted),
        // Order: the library validates the lifetime, audience and issuer before it reports a missing key.
        GatewayCase("an unknown kid and an expired token: TokenExpired answers first", policy: metadata,
                    token: .rs256([.set("exp", String(PolicyTest.atSeconds - 60))], kid: "Aqg7LdGSLModiT3AFkDGPzespP4"), .rejected(401, "TokenExpired")),
        GatewayCase("an unknown kid and another audience: TokenAudienceNotAllowed answers first", policy: metadata,
                    token: .rs256([.string("aud", "https://other.example")], kid: "Aqg7LdGSLModiT3AFkDGPzespP4"), .rejected(401, "TokenAudienceNotAllowed")),
        GatewayCase("a bad signature and another audience: the signature answers first", policy: metadata,
                    token: .rs256([.string("aud", "https://other.example")], otherKey: true), .rejected(401, "TokenSignatureInvalid")),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }
}
