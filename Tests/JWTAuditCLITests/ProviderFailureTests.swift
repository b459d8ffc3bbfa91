#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 5: a provider that answers with an HTML login page, truncated JSON, an empty body, JSON without
/// `keys` or `issuer`, or a key set with no usable key has failed, and jwtaudit could not decide: exit 2, one line on
/// standard error with the URL, the HTTP status, the content type and the first bytes; nothing on stdout. Through
/// the built binary against the real HTTPS test server.
@Suite("provider failures: exit 2 with what the provider answered")
struct ProviderFailureTests {
    static let unusable: [(file: String, body: String, excerpt: String)] = [
        ("truncated.json", #"{"keys":[{"kty":"RSA","kid":"k1","n":"#, #"{"keys":[{"kty":"RSA","kid":"k1","n":"#),
        ("empty.json", "", "empty body"),
        ("no-keys.json", #"{"items":[]}"#, #"{"items":[]}"#),
    ]

    func run(_ arguments: [String]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments + VerifyCommandTests.at, environment: ["HOME": "/nonexistent"])
    }

    func expectProviderFailure(_ result: Support.Result, url: String, _ said: [String], _ what: String) {
        #expect(result.status == 2, "\(what): \(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(what)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
        for text in [url] + said { #expect(result.stderr.contains(text), "\(what): \(text) in \(result.stderr)") }
    }

    @Test func aJWKSURLThatAnswersSomethingElse() throws {
        let server = try VerifyNetworkTests.entraServer()
        for (file, body, _) in Self.unusable { try server.serve(file, body) }
        let ca = try TestPKI.get().caFile
        let cases = Self.unusable.map { ("/" + $0.file, ["HTTP 200", "Content-Type application/json", $0.excerpt]) }
            + [("/not-json", ["HTTP 200", "Content-Type text/html", #""<html><body>Sign in</body></html>""#])]
        for (path, said) in cases {
            let result = try run([
                "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks", server.url(path),
                "--cacert", ca, "--no-cache", "--any-issuer", "--audience", VerifyNetworkTests.v1Audience,
            ])
            expectProviderFailure(result, url: server.url(path), said, path)
        }
    }

    @Test func metadataThatIsNotMetadata() throws {
        let server = try VerifyNetworkTests.entraServer()
        try server.serve("no-issuer/.well-known/openid-configuration", #"{"jwks_uri":"{{BASE}}/common/discovery/keys"}"#)
        let ca = try TestPKI.get().caFile
        for (path, said) in [
            ("/no-issuer/.well-known/openid-configuration", ["has no 'issuer'", "HTTP 200"]),
            ("/not-json", ["Content-Type text/html", "Sign in"]),
            ("/status/404", ["HTTP 404", "Content-Type application/json", #"{"error":"status 404"}"#]),
        ] {
            let result = try run([
                "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--openid-config", server.url(path),
                "--cacert", ca, "--no-cache", "--audience", VerifyNetworkTests.v1Audience,
            ])
            expectProviderFailure(result, url: server.url(path), said, path)
        }
    }

    @Test func aTenantWhoseKeySetHoldsNoUsableKey() throws {
        let server = try VerifyNetworkTests.entraServer(jwks: #"{"keys":[{"kty":"RSA","kid":"k","n":"","e":"AQAB"}]}"#)
        let cache = try TemporaryDirectory()
        let result = try run([
            "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--tenant", VerifyNetworkTests.tenant,
            "--authority", server.base, "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path,
            "--audience", VerifyNetworkTests.v1Audience,
        ])
        expectProviderFailure(result, url: server.url("/common/discovery/keys"), ["no usable signature key", "\"n\" is empty"], "no usable key")
    }

    @Test func checkPolicyWithAnOpenIDConfigThatAnswersALoginPage() throws {
        let server = try VerifyNetworkTests.entraServer()
        let (directory, policy) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="\(server.url("/not-json"))" />
              <audiences><audience>\(VerifyNetworkTests.v1Audience)</audience></audiences>
            </validate-jwt>
            """)
        _ = directory
        let cache = try TemporaryDirectory()
        let result = try run([
            "check-policy", "--policy", policy, "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path,
            VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"),
        ])
        expectProviderFailure(result, url: server.url("/not-json"), ["Content-Type text/html", "Sign in"], "check-policy")
    }
}
