#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 1: an HS256 token signed with the `k` of an `oct` key that sits in a key set (a `--jwks` file, a
/// set given with `--key`, a provider's `jwks_uri`, a policy's `openid-config`) must never verify. A symmetric key
/// is used only when the user named it as a secret (`--secret-file`, `--secret-env`, a policy's
/// `issuer-signing-keys`, or one JWK given with `--key` and an explicit `--alg HS*`). Through the built binary,
/// with the network cases served by the real HTTPS test server.
@Suite("symmetric keys: used only when given explicitly as a secret")
struct SymmetricKeyProvenanceTests {
    /// 32 bytes of "k": the shared secret the attacker knows (it is published in the set as `k`).
    static let secret = [UInt8](repeating: UInt8(ascii: "k"), count: 32)
    static var octJWK: String { #"{"kty":"oct","kid":"hmac-1","k":"\#(Base64URL.encode(secret))"}"# }
    static let expectations = ["--issuer", "me", "--audience", "you", "--at", "2026-01-01T00:10:00Z"]

    static func forgedToken() throws -> String {
        try VerifyCommandTests.hs256(
            header: #"{"alg":"HS256","typ":"JWT","kid":"hmac-1"}"#, payload: #"{"iss":"me","aud":"you","exp":4102444800}"#,
            key: secret)
    }

    /// The examples' RSA set with the `oct` key added: the set a user trusts, with a planted symmetric key.
    static func mixedSet() throws -> String {
        let text = try #require(Support.readFile("examples/keys/jwks.json"))
        let object = try #require(try JSONParser.parse(text).objectValue)
        let keys = try #require(object["keys"]?.arrayValue)
        let oct = try JSONParser.parse(octJWK)
        return JSONWriter.write(.object(JSONObject([("keys", .array(keys + [oct]))])))
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments, environment: environment)
    }

    static func checks(_ result: Support.Result) throws -> [String: JSONObject] {
        let document = try #require(try JSONParser.parse(result.stdout).objectValue, "\(result.stdout)\(result.stderr)")
        var out: [String: JSONObject] = [:]
        for check in document["checks"]?.arrayValue ?? [] {
            if let object = check.objectValue, let id = object["id"]?.stringValue { out[id] = object }
        }
        return out
    }

    @Test func anAllSymmetricSetFromAFileIsRefusedAtLoadWithTheReason() throws {
        let directory = try TemporaryDirectory()
        try directory.write("set.json", #"{"keys":[\#(Self.octJWK)]}"#)
        for option in ["--jwks", "--key"] {
            let result = try run(["verify", try Self.forgedToken(), option, directory.path + "/set.json"] + Self.expectations)
            #expect(result.status == 3, "\(option): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("(kid hmac-1): a symmetric (oct) key in a JWK set is never used"), "\(option): \(result.stderr)")
        }
    }

    @Test func aSymmetricKeyPlantedInATrustedSetIsSkippedAndNamed() throws {
        let directory = try TemporaryDirectory()
        try directory.write("set.json", try Self.mixedSet())
        let set = directory.path + "/set.json"
        for extra in [[], ["--alg", "HS256"]] {
            let result = try run(["verify", try Self.forgedToken(), "--jwks", set, "--json"] + Self.expectations + extra)
            #expect(result.status == 1, "\(extra): \(result.stdout)\(result.stderr)")
            let checks = try Self.checks(result)
            #expect(checks["signature"]?["status"] != .string("pass"))
            let keyDetail = checks["key"]?["detail"]?.stringValue ?? ""
            #expect(keyDetail.contains("a symmetric (oct) key in a JWK set is never used"), "\(extra): \(keyDetail)")
            let notes = try #require(try JSONParser.parse(result.stdout).objectValue?["notes"]?.arrayValue)
            #expect(notes.contains { $0.stringValue?.contains("key not used: \(set) key #3 (kid hmac-1)") == true }, "\(notes)")
        }
        // The rest of the set still works.
        let genuine = try run([
            "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks", set,
        ] + VerifyCommandTests.expectations + VerifyCommandTests.at)
        #expect(genuine.status == 0, "\(genuine.stdout)\(genuine.stderr)")
    }

    @Test func aSymmetricKeyFromAProviderIsNeverUsed() throws {
        let server = try VerifyNetworkTests.entraServer(jwks: try Self.mixedSet())
        let ca = try TestPKI.get().caFile
        let cache = try TemporaryDirectory()
        let viaURL = try run([
            "verify", try Self.forgedToken(), "--jwks", server.url("/common/discovery/keys"), "--cacert", ca, "--no-cache", "--json",
        ] + Self.expectations)
        #expect(viaURL.status == 1, "\(viaURL.stdout)\(viaURL.stderr)")
        #expect(try Self.checks(viaURL)["key"]?["detail"]?.stringValue?.contains("never used") == true)
        let viaMetadata = try run([
            "verify", try Self.forgedToken(), "--openid-config", server.url("/\(VerifyNetworkTests.tenant)/.well-known/openid-configuration"),
            "--cacert", ca, "--cache-dir", cache.path, "--issuer", "me", "--audience", "you", "--at", "2026-01-01T00:10:00Z",
        ])
        #expect(viaMetadata.status == 1, "\(viaMetadata.stdout)\(viaMetadata.stderr)")
        #expect(!viaMetadata.stdout.contains("VALID"))
    }

    @Test func oneJWKGivenWithKeyIsASecretOnlyWithAnExplicitHSAlgorithm() throws {
        let directory = try TemporaryDirectory()
        try directory.write("hmac.jwk", Self.octJWK)
        let key = ["--key", directory.path + "/hmac.jwk"]
        let implicit = try run(["verify", try Self.forgedToken(), "--json"] + key + Self.expectations)
        #expect(implicit.status == 1, "\(implicit.stdout)")
        let algorithm = try Self.checks(implicit)["algorithm"]
        #expect(algorithm?["status"] == .string("fail"))
        #expect(algorithm?["detail"]?.stringValue?.contains("only when --alg HS256 is given too") == true, "\(String(describing: algorithm))")
        let explicit = try run(["verify", try Self.forgedToken()] + key + ["--alg", "HS256"] + Self.expectations)
        #expect(explicit.status == 0, "\(explicit.stdout)\(explicit.stderr)")
        // The same JWK through --jwks is a key set's member, never a secret.
        let asSet = try run(["verify", try Self.forgedToken(), "--jwks", directory.path + "/hmac.jwk", "--alg", "HS256"] + Self.expectations)
        #expect(asSet.status == 3, "\(asSet.stdout)\(asSet.stderr)")
        #expect(asSet.stderr.contains("never used"))
    }

    @Test func aSecretOptionStillVerifiesHMAC() throws {
        let result = try run(
            ["verify", try Self.forgedToken(), "--secret-env", "SHARED"] + Self.expectations,
            environment: ["SHARED": String(decoding: Self.secret, as: UTF8.self)])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func checkPolicyNeverUsesASymmetricKeyFromOpenIDConfigButUsesIssuerSigningKeys() throws {
        let server = try VerifyNetworkTests.entraServer(jwks: try Self.mixedSet())
        let cache = try TemporaryDirectory()
        let token = try Self.forgedToken()
        let (directory, viaMetadata) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="\(server.url("/\(VerifyNetworkTests.tenant)/v2.0/.well-known/openid-configuration"))" />
              <audiences><audience>you</audience></audiences>
              <issuers><issuer>me</issuer></issuers>
            </validate-jwt>
            """)
        _ = directory
        let network = ["--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path, "--at", "2026-01-01T00:10:00Z", "--json"]
        let forged = try PolicyTest.run(["check-policy", "--policy", viaMetadata] + network + [token])
        #expect(forged.status == 1, "\(forged.stdout)\(forged.stderr)")
        let json = try PolicyTest.json(forged)
        #expect(json["accepted"] == .bool(false))
        let notes = (json["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(notes.contains { $0.contains("a symmetric (oct) key in a JWK set is never used") }, "\(notes)")

        // APIM takes symmetric keys from issuer-signing-keys: the same secret written there verifies.
        let (inlineDirectory, inline) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>\(StandardBase64Text.encode(Self.secret))</key></issuer-signing-keys>
              <audiences><audience>you</audience></audiences>
              <issuers><issuer>me</issuer></issuers>
            </validate-jwt>
            """)
        _ = inlineDirectory
        let accepted = try PolicyTest.run(["check-policy", "--policy", inline, "--at", "2026-01-01T00:10:00Z", "--json", token])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
    }
}

/// Standard base64 with padding, for writing a policy's inline key (written out here, not taken from the code
/// under test).
enum StandardBase64Text {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return out
    }
}
