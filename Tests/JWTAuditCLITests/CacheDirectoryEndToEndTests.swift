#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 13 item 2, through the built binary against the HTTPS test server: a relative `--cache-dir` is made
/// where the user is (0700), not at the filesystem root.
@Suite("cache directory: relative paths, and entries that are not regular files")
struct CacheDirectoryEndToEndTests {
    static func tenantArguments(_ server: TestServer) throws -> [String] {
        ["--tenant", VerifyNetworkTests.tenant, "--authority", server.base, "--cacert", try TestPKI.get().caFile,
         "--audience", VerifyNetworkTests.v1Audience] + VerifyCommandTests.at
    }

    static let token = VerifyCommandTests.path("examples/tokens/certificate-v1.jwt")

    /// The binary run from `directory` (a shell `cd`s there first).
    static func run(in directory: String, _ arguments: [String]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let quoted = ([Support.binaryPath] + arguments).map { "'" + $0.replacing("'", with: "'\\''") + "'" }
        return Support.spawn("/bin/sh", ["-c", "cd '\(directory)' && exec " + quoted.joined(separator: " ")])
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode : nil
    }

    @Test func aRelativeCacheDirectoryIsMadeInTheWorkingDirectory() throws {
        let server = try VerifyNetworkTests.entraServer()
        let work = try TemporaryDirectory()
        let online = try Self.run(in: work.path, ["verify", Self.token, "--cache-dir", "newrel/x"] + (try Self.tenantArguments(server)))
        #expect(online.status == 0, "\(online.stdout)\(online.stderr)")
        for directory in ["newrel", "newrel/x"] {
            let mode = try #require(Self.mode(work.path + "/" + directory), "\(directory) was not made in the working directory")
            #expect(mode & S_IFMT == S_IFDIR && mode & 0o777 == 0o700, "\(directory): \(String(mode, radix: 8))")
        }
        #expect(!online.stdout.contains("not cached"), "\(online.stdout)")
        let offline = try Self.run(in: work.path, ["verify", Self.token, "--cache-dir", "newrel/x", "--offline"] + (try Self.tenantArguments(server)))
        #expect(offline.status == 0, "the cache written is the cache read: \(offline.stdout)\(offline.stderr)")
        #expect(server.fetchCount("/common/discovery/keys") == 1)
    }

    @Test func anEmptyCacheDirectoryIsAUsageError() throws {
        let result = Support.spawn(Support.binaryPath, ["verify", Self.token, "--cache-dir", "", "--jwks", "https://127.0.0.1:9/k", "--any-issuer", "--any-audience"])
        #expect(result.status == 64, "\(result.stderr)")
    }
}
