#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 13 items 2 and 3, through the built binary against the HTTPS test server: a relative `--cache-dir` is
/// made where the user is (0700), not at the filesystem root; a FIFO (or anything but a regular file of this user)
/// where an entry should be is ignored with a note and the document fetched again, and never blocks the run.
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

    @Test func aFIFOInTheCacheIsIgnoredWithANoteAndNeverBlocks() throws {
        let server = try VerifyNetworkTests.entraServer()
        let cache = try TemporaryDirectory()
        let arguments = ["verify", Self.token, "--cache-dir", cache.path, "--json"] + (try Self.tenantArguments(server))
        let first = Support.spawn(Support.binaryPath, arguments)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let entry = try #require(DiskCache(directory: cache.path).path(for: server.url("/common/discovery/keys")))
        func plantFIFO() throws {
            try #require(unlink(entry) == 0 && mkfifo(entry, 0o600) == 0, "cannot make a FIFO at \(entry)")
        }

        try plantFIFO()
        let online = try RunningBinary(arguments)
        let refetched = try #require(online.waitForExit(within: 60), "verify blocked on a FIFO in the cache")
        #expect(refetched.status == 0, "\(refetched.stdout)\(refetched.stderr)")
        let notes = (try JSONParser.parse(refetched.stdout).objectValue?["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(notes.contains { $0.contains("cache entry \(entry) ignored: it is a FIFO, not a regular file") }, "\(notes)")
        #expect(server.fetchCount("/common/discovery/keys") == 2, "fetched again")
        #expect((Self.mode(entry) ?? 0) & S_IFMT == S_IFREG, "the refetch replaced the FIFO with a real entry")

        try plantFIFO()
        let offline = try RunningBinary(arguments + ["--offline"])
        let undecided = try #require(offline.waitForExit(within: 60), "--offline blocked on a FIFO in the cache")
        #expect(undecided.status == 2, "\(undecided.stdout)\(undecided.stderr)")
        #expect(undecided.stdout.isEmpty)
        #expect(undecided.stderr.contains("it is a FIFO, not a regular file"), "\(undecided.stderr)")
    }
}
