#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `verify` with keys found over the network, through the built binary against a real HTTPS server on 127.0.0.1
/// serving a folder laid out like login.microsoftonline.com (test CA made at test time, no mock of the fetcher).
@Suite("verify over the network: discovery, cache, offline, failures")
struct VerifyNetworkTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let otherTenant = "9188040d-6c67-4c5b-b112-36a304b66dad"
    static let v1Audience = "https://myapi.dewi.red"
    static let v2Audience = "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"
    static let at = ["--at", "2026-01-01T00:10:00Z"]

    static func exampleJWKS() throws -> String { try #require(Support.readFile("examples/keys/jwks.json")) }

    /// v1 and v2 metadata for the tenant, another tenant's metadata over the same keys, `organizations` with the
    /// templated issuer, and the examples' JWKS.
    static func entraServer(jwks: String? = nil) throws -> TestServer {
        let server = try TestServer()
        let keys = try jwks ?? exampleJWKS()
        for t in [tenant, otherTenant] {
            try server.serve("\(t)/.well-known/openid-configuration",
                #"{"issuer":"https://sts.windows.net/\#(t)/","jwks_uri":"{{BASE}}/common/discovery/keys"}"#)
            try server.serve("\(t)/v2.0/.well-known/openid-configuration",
                #"{"issuer":"https://login.microsoftonline.com/\#(t)/v2.0","jwks_uri":"{{BASE}}/common/discovery/v2.0/keys"}"#)
        }
        try server.serve("organizations/v2.0/.well-known/openid-configuration",
            #"{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","jwks_uri":"{{BASE}}/common/discovery/v2.0/keys"}"#)
        try server.serve("common/discovery/keys", keys)
        try server.serve("common/discovery/v2.0/keys", keys)
        return server
    }

    func verify(_ token: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let path = token.hasPrefix("/") ? token : VerifyCommandTests.path("examples/tokens/" + token)
        return Support.spawn(Support.binaryPath, ["verify", path] + arguments + Self.at, environment: environment)
    }

    func tenantArguments(_ server: TestServer, _ cache: TemporaryDirectory, tenant: String = Self.tenant) throws -> [String] {
        ["--tenant", tenant, "--authority", server.base, "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path + "/cache"]
    }

    @Test func v1AndV2TokensThroughTheTenantsMetadata() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let v1 = try verify("certificate-v1.jwt", try tenantArguments(server, cache) + ["--audience", Self.v1Audience, "--require-certificate"])
        #expect(v1.status == 0, "\(v1.stdout)\(v1.stderr)")
        #expect(Support.unwrapped(v1.stdout).contains("issuer from \(server.base)/\(Self.tenant)/.well-known/openid-configuration"))
        let v2 = try verify("certificate-v2.jwt", try tenantArguments(server, cache) + ["--audience", Self.v2Audience, "--require-certificate"])
        #expect(v2.status == 0, "\(v2.stdout)\(v2.stderr)")
        #expect(Support.unwrapped(v2.stdout).contains("issuer from \(server.base)/\(Self.tenant)/v2.0/.well-known/openid-configuration"))
        #expect(server.fetchCount("/\(Self.tenant)/.well-known/openid-configuration") == 1)
        #expect(server.fetchCount("/\(Self.tenant)/v2.0/.well-known/openid-configuration") == 1)
    }

    @Test func aTokenFromAnotherTenantFailsTheIssuerCheck() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let result = try verify(
            "certificate-v1.jwt", try tenantArguments(server, cache, tenant: Self.otherTenant) + ["--audience", Self.v1Audience, "--json"])
        #expect(result.status == 1)
        let document = try #require(try JSONParser.parse(result.stdout).objectValue)
        let failed = document["checks"]?.arrayValue?.filter { $0.objectValue?["status"] == .string("fail") }
            .compactMap { $0.objectValue?["id"]?.stringValue }
        #expect(failed?.contains("issuer") == true, "\(result.stdout)")
        #expect(failed?.contains("signature") == false)
    }

    @Test func anyOpenIDProviderAndAJWKSURL() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let ca = try TestPKI.get().caFile
        let config = try verify("certificate-v1.jwt", [
            "--openid-config", server.url("/\(Self.tenant)/.well-known/openid-configuration"), "--cacert", ca,
            "--cache-dir", cache.path, "--audience", Self.v1Audience,
        ])
        #expect(config.status == 0, "\(config.stdout)\(config.stderr)")
        let jwks = try verify("certificate-v1.jwt", [
            "--jwks", server.url("/common/discovery/keys"), "--cacert", ca, "--no-cache",
            "--issuer", "https://sts.windows.net/\(Self.tenant)/", "--audience", Self.v1Audience,
        ])
        #expect(jwks.status == 0, "\(jwks.stdout)\(jwks.stderr)")
        let noIssuer = try verify("certificate-v1.jwt", ["--jwks", server.url("/common/discovery/keys"), "--cacert", ca, "--audience", "x"])
        #expect(noIssuer.status == 64, "a JWKS URL says nothing about the issuer")
    }

    @Test func multiTenantMetadataAcceptsAnyTenantAndSaysSo() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let result = try verify(
            "certificate-v2.jwt", try tenantArguments(server, cache, tenant: "organizations") + ["--audience", Self.v2Audience, "--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let document = try #require(try JSONParser.parse(result.stdout).objectValue)
        let notes = document["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("a token from any tenant passes") }, "\(notes)")
    }

    @Test func theSecondRunUsesTheCacheAndOfflineWorksFromIt() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let arguments = try tenantArguments(server, cache) + ["--audience", Self.v1Audience]
        #expect(try verify("certificate-v1.jwt", arguments).status == 0)
        #expect(try verify("certificate-v1.jwt", arguments).status == 0)
        #expect(server.fetchCount("/\(Self.tenant)/.well-known/openid-configuration") == 1)
        #expect(server.fetchCount("/common/discovery/keys") == 1)
        server.stop()
        let offline = try verify("certificate-v1.jwt", arguments + ["--offline"])
        #expect(offline.status == 0, "\(offline.stderr)")

        // Cache permissions: directory 0700, files 0600.
        var info = stat()
        #expect(stat(cache.path + "/cache", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        let listing = try #require(opendir(cache.path + "/cache"))
        defer { closedir(listing) }
        var files = 0
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            var fileInfo = stat()
            #expect(stat(cache.path + "/cache/" + name, &fileInfo) == 0)
            #expect(fileInfo.st_mode & 0o777 == 0o600, "\(name)")
            files += 1
        }
        #expect(files >= 2)
    }

    @Test func offlineWithoutACacheExitsTwoNamingTheURL() throws {
        let cache = try TemporaryDirectory()
        let result = try verify("certificate-v1.jwt", [
            "--tenant", Self.tenant, "--authority", "https://127.0.0.1:9", "--cache-dir", cache.path, "--offline",
            "--audience", Self.v1Audience,
        ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("https://127.0.0.1:9/\(Self.tenant)/.well-known/openid-configuration"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aServerThatIsDownExitsTwo() throws {
        let server = try TestServer()
        let base = server.base
        server.stop()
        let cache = try TemporaryDirectory()
        let result = try verify("certificate-v1.jwt", [
            "--tenant", Self.tenant, "--authority", base, "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path,
            "--audience", Self.v1Audience, "--timeout", "5",
        ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys ("))
    }

    @Test func anUntrustedCertificateExitsTwoAndSuggestsCacert() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let result = try verify("certificate-v1.jwt", [
            "--tenant", Self.tenant, "--authority", server.base, "--cache-dir", cache.path, "--audience", Self.v1Audience,
        ], environment: ["SSL_CERT_FILE": try TestPKI.get().otherCAFile])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("TLS/certificate"), "\(result.stderr)")
        #expect(result.stderr.contains("--cacert"))
    }

    @Test func plainHTTPIsAUsageErrorUnlessAllowedOnLoopback() throws {
        let server = try TestServer(.plainHTTP)
        try server.serve("jwks.json", try Self.exampleJWKS())
        let url = server.url("/jwks.json")
        let base = ["--jwks", url, "--no-cache", "--issuer", "https://sts.windows.net/\(Self.tenant)/", "--audience", Self.v1Audience]
        let refused = try verify("certificate-v1.jwt", base)
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("plain HTTP"))
        #expect(server.fetchCount("/jwks.json") == 0)
        let allowed = try verify("certificate-v1.jwt", base + ["--allow-http"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(server.fetchCount("/jwks.json") == 1)
        let notLoopback = try verify("certificate-v1.jwt", ["--jwks", "http://keys.example/jwks.json", "--allow-http", "--any-issuer", "--any-audience"])
        #expect(notLoopback.status == 64)
    }

    @Test func aBodyThatIsNotJSONIsTheProvidersFailureExitTwo() throws {
        let server = try Self.entraServer()
        let result = try verify("certificate-v1.jwt", [
            "--jwks", server.url("/not-json"), "--cacert", try TestPKI.get().caFile, "--no-cache", "--any-issuer",
            "--audience", Self.v1Audience,
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(server.url("/not-json")))
    }

    @Test func aRotatedKeyIsPickedUpByTheKidRefetch() throws {
        // First run: the provider publishes only the current key (the second in examples/keys/jwks.json).
        let full = try #require(try JSONParser.parse(try Self.exampleJWKS()).objectValue)
        let keys = try #require(full["keys"]?.arrayValue)
        try #require(keys.count == 2)
        let server = try Self.entraServer(jwks: JSONWriter.write(.object(JSONObject([("keys", .array([keys[1]]))]))))
        let cache = try TemporaryDirectory()
        let arguments = try tenantArguments(server, cache) + ["--audience", Self.v1Audience]
        #expect(try verify("certificate-v1.jwt", arguments).status == 0)

        // Then it rotates: a new key (the rollover key) signs the next token, and the JWKS now lists it.
        try server.serve("common/discovery/keys", try Self.exampleJWKS())
        let rolloverKid = try #require(keys[0].objectValue?["kid"]?.stringValue)
        let token = try Self.resign(
            "certificate-v1.jwt", kid: rolloverKid, keyPath: VerifyCommandTests.path("examples/keys/rollover-signing-key.pem"))
        let directory = try TemporaryDirectory()
        try directory.write("rotated.jwt", token)
        let result = try verify(directory.path + "/rotated.jwt", arguments + ["--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("was not in the cached JWKS; refetched"))
        #expect(server.fetchCount("/common/discovery/keys") == 2)
    }

    @Test func jkuAndX5uHeadersAreNeverFetched() throws {
        let server = try Self.entraServer()
        try server.serve("attacker/jwks.json", try Self.exampleJWKS())
        for member in ["jku", "x5u"] {
            let token = try Self.resign(
                "certificate-v1.jwt", kid: "attacker", keyPath: VerifyCommandTests.path("examples/keys/other-signing-key.pem"),
                extraHeader: #","\#(member)":"\#(server.url("/attacker/jwks.json"))""#)
            let result = Support.spawn(Support.binaryPath, [
                "verify", token, "--key", VerifyCommandTests.path("examples/keys/tenant-signing-public.pem"),
                "--any-issuer", "--audience", Self.v1Audience, "--json",
            ] + Self.at)
            #expect(result.status == 1, "\(member)")
            #expect(result.stdout.contains(#""id": "signature",\#n      "status": "fail""#), "\(member): \(result.stdout)")
        }
        #expect(server.requests.isEmpty, "\(server.requests)")
    }

    /// The payload of an example token under a new header, signed RS256 by `keyPath` with the openssl CLI.
    static func resign(_ example: String, kid: String, keyPath: String, extraHeader: String = "") throws -> String {
        let original = try VerifyBatchTests.token(example)
        let payload = original.split(separator: ".")[1]
        let header = Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT","kid":"\#(kid)"\#(extraHeader)}"#.utf8))
        let input = header + "." + payload
        return input + "." + Base64URL.encode(try OpenSSLCLI.sign(keyPath: keyPath, message: Array(input.utf8)))
    }
}
