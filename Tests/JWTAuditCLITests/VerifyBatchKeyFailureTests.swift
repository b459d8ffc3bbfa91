#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 6: in `verify --batch`, a line whose keys cannot be obtained names the key failure
/// (`"failed": ["key"]` with the reason), counts as undecided, and makes the run exit 2 whatever the other lines
/// say (2 wins over 1, as for a single `verify`). Through the built binary against the HTTPS test server: the v1.0
/// metadata's key set is good, the v2.0 one answers a login page.
@Suite("verify --batch: a token whose keys cannot be obtained is undecided, not malformed")
struct VerifyBatchKeyFailureTests {
    @Test func aKeyFailureIsNamedAndTheRunExitsTwo() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let server = try VerifyNetworkTests.entraServer()
        try server.serve("common/discovery/v2.0/keys", "<html><body>Sign in to continue</body></html>")
        let cache = try TemporaryDirectory()
        let input = try [
            VerifyBatchTests.token("certificate-v1.jwt"), VerifyBatchTests.token("secret-v1.jwt"),
            VerifyBatchTests.token("certificate-v2.jwt"), "not a token",
        ].joined(separator: "\n") + "\n"
        let result = Support.spawn(Support.binaryPath, [
            "verify", "--batch", "--tenant", VerifyNetworkTests.tenant, "--authority", server.base,
            "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path, "--require-certificate",
            "--audience", VerifyNetworkTests.v1Audience, "--audience", VerifyNetworkTests.v2Audience,
        ] + VerifyNetworkTests.at, stdin: Array(input.utf8))
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try #require(try JSONParser.parse(String($0)).objectValue) }
        try #require(lines.count == 4, "\(result.stdout)")
        #expect(lines[0]["valid"] == .bool(true))
        #expect(lines[1]["failed"] == .array(["credential"]))
        #expect(lines[2]["failed"] == .array(["key"]), "\(result.stdout)")
        #expect(lines[2]["credential"] == .string("certificate"))
        let reason = lines[2]["error"]?.stringValue ?? ""
        #expect(reason.contains(server.url("/common/discovery/v2.0/keys")) && reason.contains("Sign in to continue"), "\(reason)")
        #expect(lines[3]["failed"] == .array(["format"]))
        #expect(result.stderr.contains("jwtaudit: 4 tokens: 1 valid, 1 rejected, 1 malformed, 1 undecided (keys unavailable)"), "\(result.stderr)")
        #expect(result.stderr.contains("key 1"), "\(result.stderr)")
    }
}
