#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 4: `^C` during `verify --batch` while a fetch is stalled must not wait for the fetch's timeout:
/// the fetch is abandoned at once, the summary of what was judged is printed, and the exit status is 130. The
/// built binary against the real HTTPS test server, whose v2.0 key set never answers (`/slow/600`), with
/// `--timeout 600`; SIGINT is sent once the server has seen the stalled request.
@Suite("verify --batch: an interrupt stops a stalled fetch at once")
struct VerifyBatchInterruptTests {
    @Test func sigintDuringAStalledFetchExits130WithTheSummarySoFar() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let server = try VerifyNetworkTests.entraServer()
        let tenant = VerifyNetworkTests.tenant
        try server.serve("\(tenant)/v2.0/.well-known/openid-configuration",
            #"{"issuer":"https://login.microsoftonline.com/\#(tenant)/v2.0","jwks_uri":"{{BASE}}/slow/600"}"#)
        let cache = try TemporaryDirectory()
        let input = try [VerifyBatchTests.token("certificate-v1.jwt"), VerifyBatchTests.token("certificate-v2.jwt")]
            .joined(separator: "\n") + "\n"
        let batch = try RunningBinary([
            "verify", "--batch", "--jobs", "1", "--tenant", tenant, "--authority", server.base,
            "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path, "--timeout", "600",
            "--audience", VerifyNetworkTests.v1Audience, "--audience", VerifyNetworkTests.v2Audience,
        ] + VerifyNetworkTests.at, stdin: Array(input.utf8))

        let stalled = RunningBinary.eventually(within: 60) { server.fetchCount("/slow/600") == 1 }
        try #require(stalled, "the batch never reached the stalled key set: \(server.requests)")
        batch.interrupt()
        let result = try #require(batch.waitForExit(within: 60), "the batch waited for the stalled fetch after SIGINT")
        #expect(result.status == 130, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix(#"{"line":1,"valid":true,"failed":[],"credential":"certificate","#), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(result.stderr.contains("jwtaudit: 1 token: 1 valid, 0 rejected, 0 malformed"), "\(result.stderr)")
        #expect(result.stderr.contains("jwtaudit: interrupted"), "\(result.stderr)")
    }
}
