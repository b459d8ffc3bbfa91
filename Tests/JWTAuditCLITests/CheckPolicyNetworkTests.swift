#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy` fetching `openid-config` metadata and JWKS from a real HTTPS server on 127.0.0.1 (test CA
/// made at test time), through the disk cache, and `validate-azure-ad-token` discovering its tenant's
/// metadata at `--authority`.
@Suite("check-policy: openid-config and tenant metadata over HTTPS")
struct CheckPolicyNetworkTests {
    static let tenant = PolicyTest.tenant

    /// A server laid out like login.microsoftonline.com for the example tenant, publishing the examples' JWKS.
    static func server() throws -> TestServer {
        let server = try TestServer()
        let t = tenant
        let jwks = try #require(Support.readFile("examples/keys/jwks.json"))
        try server.serve("\(t)/.well-known/openid-configuration",
            #"{"jwks_uri":"{{BASE}}/\#(t)/discovery/keys","issuer":"https://sts.windows.net/\#(t)/"}"#)
        try server.serve("\(t)/v2.0/.well-known/openid-configuration",
            #"{"jwks_uri":"{{BASE}}/\#(t)/discovery/v2.0/keys","issuer":"https://login.microsoftonline.com/\#(t)/v2.0"}"#)
        try server.serve("\(t)/discovery/keys", jwks)
        try server.serve("\(t)/discovery/v2.0/keys", jwks)
        return server
    }

    func network(_ server: TestServer, cache: TemporaryDirectory) throws -> [String] {
        ["--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path + "/jwtaudit", "--at", PolicyTest.at, "--json"]
    }

    func seedPolicy(_ server: TestServer) throws -> (TemporaryDirectory, String) {
        let text = try #require(Support.readFile("examples/policies/certificate-only-v1.xml"))
        return try PolicyTest.policy(text.replacing("https://login.microsoftonline.com", with: server.base))
    }

    @Test func openIDConfigIsFetchedOnceThenServedFromTheCache() throws {
        let server = try Self.server()
        let cache = try TemporaryDirectory()
        let (directory, policy) = try seedPolicy(server)
        _ = directory
        let first = try PolicyTest.run(["check-policy", "--policy", policy] + network(server, cache: cache)
            + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let second = try PolicyTest.run(["check-policy", "--policy", policy] + network(server, cache: cache)
            + [PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(try PolicyTest.reason(second) == "TokenClaimValueNotAllowed")
        let offline = try PolicyTest.run(["check-policy", "--policy", policy, "--offline"] + network(server, cache: cache)
            + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(offline.status == 0)
        #expect(server.fetchCount("/\(Self.tenant)/.well-known/openid-configuration") == 1)
        #expect(server.fetchCount("/\(Self.tenant)/discovery/keys") == 1)
    }

    @Test func anUntrustedServerCannotDecide() throws {
        let server = try Self.server()
        let cache = try TemporaryDirectory()
        let (directory, policy) = try seedPolicy(server)
        _ = directory
        let result = try PolicyTest.run(["check-policy", "--policy", policy, "--cache-dir", cache.path, "--at", PolicyTest.at,
                                         PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 2, "no --cacert: the test CA is not trusted: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(server.base))
    }

    @Test func anUnknownKidRefetchesTheKeySetOnceThenIsRateLimited() throws {
        let server = try Self.server()
        let cache = try TemporaryDirectory()
        let (directory, policy) = try seedPolicy(server)
        _ = directory
        let token = PolicyTest.example("tokens/unknown-kid-v1.jwt")
        let first = try PolicyTest.run(["check-policy", "--policy", policy] + network(server, cache: cache) + [token])
        #expect(try PolicyTest.reason(first) == "TokenSignatureKeyNotFound")
        #expect(server.fetchCount("/\(Self.tenant)/discovery/keys") == 2, "fetched, then refetched once for the unknown kid")
        let second = try PolicyTest.run(["check-policy", "--policy", policy] + network(server, cache: cache) + [token])
        #expect(try PolicyTest.reason(second) == "TokenSignatureKeyNotFound")
        #expect(server.fetchCount("/\(Self.tenant)/discovery/keys") == 2, "not again within five minutes")
        let notes = (try PolicyTest.json(second)["notes"]?.arrayValue ?? []).compactMap(\.stringValue).joined()
        #expect(notes.contains("at most once per 5 min"), "\(notes)")
    }

    @Test func azureADTokenDiscoversTheTenantsMetadataByTokenVersion() throws {
        let server = try Self.server()
        let cache = try TemporaryDirectory()
        let policy = PolicyTest.example("policies/azure-ad-token.xml")
        let options = ["--authority", server.base] + (try network(server, cache: cache))
        let v1 = try PolicyTest.run(["check-policy", "--policy", policy] + options + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(v1.status == 0, "\(v1.stdout)\(v1.stderr)")
        let secret = try PolicyTest.run(["check-policy", "--policy", policy] + options + [PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(try PolicyTest.reason(secret) == "TokenClaimValueNotAllowed")
        #expect(try PolicyTest.json(secret)["lastError"]?.objectValue?["source"] == .string("validate-azure-ad-token"))
        #expect(server.fetchCount("/\(Self.tenant)/v2.0/.well-known/openid-configuration") == 0)

        // A v2.0 token: the v2.0 metadata is used; the policy's appidacr claim is a v1 name (TokenClaimNotFound).
        let v2 = try PolicyTest.run(["check-policy", "--policy", policy] + options + [PolicyTest.example("tokens/certificate-v2.jwt")])
        #expect(server.fetchCount("/\(Self.tenant)/v2.0/.well-known/openid-configuration") == 1)
        let json = try PolicyTest.json(v2)
        #expect(json["lastError"]?.objectValue?["reason"] == .string("TokenClaimNotFound"), "\(v2.stdout)")
        let checks = (json["checks"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(checks.first { $0["id"] == .string("client") }?["status"] == .string("pass"), "azp is the v2 client claim")
        #expect(checks.first { $0["id"] == .string("issuer") }?["status"] == .string("pass"))
    }

    @Test func azureADTokenFromAnotherClientIsRefused() throws {
        let server = try Self.server()
        let cache = try TemporaryDirectory()
        let token = try PolicyTest.rs256(PolicyTest.claims([("appid", "\"00000000-0000-0000-0000-00000000c1e7\"")]))
        let result = try PolicyTest.run(["check-policy", "--policy", PolicyTest.example("policies/azure-ad-token.xml"),
                                         "--authority", server.base] + network(server, cache: cache) + [token])
        #expect(result.status == 1)
        let checks = (try PolicyTest.json(result)["checks"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(checks.first { $0["id"] == .string("client") }?["status"] == .string("fail"))
    }
}
