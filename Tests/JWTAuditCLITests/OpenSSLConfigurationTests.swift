#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The executable starts libcrypto with OPENSSL_INIT_NO_ATEXIT and OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS (issue 22,
/// the cold start) and nothing else: the OpenSSL configuration file must still be read, since that is where a
/// system pins FIPS or other providers and default properties. A configuration that allows FIPS implementations
/// only, on a system without the FIPS provider, leaves no RSA implementation: the run says so (exit status 3),
/// where the default configuration verifies the same token. A start-up that skipped the file would verify both.
/// And libcrypto's reasons, which that start leaves unloaded, still reach the user in words.
@Suite("the OpenSSL configuration file applies to every run")
struct OpenSSLConfigurationTests {
    static let arguments = [
        "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"),
        "--key", VerifyCommandTests.path("examples/keys/tenant-signing-public.pem"), "--any-issuer", "--any-audience",
    ] + VerifyCommandTests.at

    @Test func aConfigurationThatAllowsOnlyFIPSImplementationsIsObeyed() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let directory = try TemporaryDirectory()
        let configuration = directory.path + "/fips-only.cnf"
        Support.writeFile(configuration, Array("""
            openssl_conf = openssl_init
            [openssl_init]
            alg_section = evp_properties
            [evp_properties]
            default_properties = fips=yes

            """.utf8))

        let usual = Support.spawn(Support.binaryPath, Self.arguments, environment: ["HOME": "/nonexistent"])
        #expect(usual.status == 0, "\(usual.stdout)\(usual.stderr)")

        let fipsOnly = Support.spawn(
            Support.binaryPath, Self.arguments, environment: ["HOME": "/nonexistent", "OPENSSL_CONF": configuration])
        #expect(fipsOnly.status == 3, "\(fipsOnly.stdout)\(fipsOnly.stderr)")
        #expect(fipsOnly.stdout.isEmpty)
        #expect(fipsOnly.stderr.contains("OpenSSL has no RSA implementation"), "\(fipsOnly.stderr)")
        #expect(fipsOnly.stderr.split(separator: "\n").count == 1, "\(fipsOnly.stderr)")

        // A JWK set with certificates (x5c) needs SHA-1 and SHA-256 for its thumbprints before any RSA: under the
        // same configuration that is a message and exit 3, not a stop on a failed precondition (SIGILL).
        let jwks = Support.spawn(
            Support.binaryPath,
            ["verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks",
             VerifyCommandTests.path("examples/keys/jwks.json"), "--any-issuer", "--any-audience"] + VerifyCommandTests.at,
            environment: ["HOME": "/nonexistent", "OPENSSL_CONF": configuration])
        #expect(jwks.status == 3, "\(jwks.stdout)\(jwks.stderr)")
        #expect(jwks.stdout.isEmpty)
        #expect(jwks.stderr.contains("OpenSSL cannot compute SHA-"), "\(jwks.stderr)")
    }

    /// An EC key whose point is not on its curve is refused with libcrypto's own reason, loaded when the failure is
    /// described: "elliptic curve routines::point is not on curve", not "lib(16)::reason(107)".
    @Test func libcryptoReasonsAreInWordsThoughNotLoadedAtStart() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let directory = try TemporaryDirectory()
        let jwks = directory.path + "/off-curve.json"
        // x = 1, y = 1 is not on P-256.
        let one = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"
        Support.writeFile(jwks, Array(#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"\#(one)","y":"\#(one)"}]}"#.utf8))
        let run = Support.spawn(
            Support.binaryPath,
            ["verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks", jwks, "--any-issuer",
             "--any-audience"] + VerifyCommandTests.at,
            environment: ["HOME": "/nonexistent"])
        #expect(run.status == 3, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("(OpenSSL: error:0800006B:elliptic curve routines::point is not on curve)"), "\(run.stderr)")
        #expect(!run.stderr.contains("reason("), "\(run.stderr)")
    }
}
