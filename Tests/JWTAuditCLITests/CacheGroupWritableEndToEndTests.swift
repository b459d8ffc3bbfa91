#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 17 item 3 through the built binary. A `git clone` under umask 002 (Debian's and Ubuntu's default for
/// desktop sessions) leaves the example cache's directory 0775 and its entries 0664, group the user's own: the
/// README's offline runs must still work where that group is private (`PrivateGroup`), and an entry refused says
/// why and how to fix it, instead of "no cached OpenID configuration".
@Suite("Cache entries writable by group or others")
struct CacheGroupWritableEndToEndTests {
    /// README: "Would the gateway accept this token? (No: 401 TokenClaimValueNotAllowed ...)".
    static func readmeRun(cache: String) -> [String] {
        ["check-policy", "--policy", PolicyTest.example("policies/certificate-only-v1.xml"),
         PolicyTest.example("tokens/secret-v1.jwt"), "--offline", "--cache-dir", cache, "--at", PolicyTest.at]
    }

    /// examples/cache copied as a clone under `umask` would write it (directory 0777 and files 0666, less the mask).
    static func clonedCache(umask mask: mode_t) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try #require(try Subprocess.run(["cp", "-R", Support.packageRoot + "/examples/cache", directory.path + "/cache"]) == 0)
        try #require(try Subprocess.run(["sh", "-c", "chmod \(String(0o666 & ~mask, radix: 8)) \"$0\"/cache/*.entry", directory.path]) == 0)
        chmod(directory.path + "/cache", 0o777 & ~mask)
        return directory
    }

    @Test func theReadmeRunWorksAfterACloneUnderUmask002WhenTheGroupIsPrivate() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let clone = try Self.clonedCache(umask: 0o002)
        let result = Support.spawn(Support.binaryPath, Self.readmeRun(cache: clone.path + "/cache"))
        if let refusal = PrivateGroupCheck.refusal(group: getegid()) {
            // Not a private group on this machine: refused, saying why and how to fix it.
            #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("is not used: cache entry") && result.stderr.contains(refusal.description), "\(result.stderr)")
        } else {
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("401") && result.stdout.contains("TokenClaimValueNotAllowed"), "\(result.stdout)")
        }
    }

    @Test func anEntryWritableByOthersIsRefusedWithTheFixAndTheFixWorks() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let clone = try Self.clonedCache(umask: 0o000)
        let cache = clone.path + "/cache"
        let refused = Support.spawn(Support.binaryPath, Self.readmeRun(cache: cache))
        #expect(refused.status == 2 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("--offline: the cached OpenID configuration for https://login.microsoftonline.com/"), "\(refused.stderr)")
        #expect(refused.stderr.contains(".entry ignored: it is writable by others (fix with: chmod go-w \(cache)/"), "\(refused.stderr)")
        #expect(refused.stderr.contains("or chmod -R go-w \(cache) for the whole cache))"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("no cached"), "an entry is there: it is not 'no cached' metadata")

        try #require(try Subprocess.run(["chmod", "-R", "go-w", cache]) == 0)
        let fixed = Support.spawn(Support.binaryPath, Self.readmeRun(cache: cache))
        #expect(fixed.status == 1 && fixed.stdout.contains("TokenClaimValueNotAllowed"), "\(fixed.stdout)\(fixed.stderr)")
    }

    /// A group that is not the user's own: as root any group id will do; otherwise one of the user's other groups,
    /// when there is one.
    @Test func anEntryWritableByAnotherGroupIsRefusedNamingIt() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(groups.count), &groups)
        let foreign: gid_t? = geteuid() == 0 ? 54_321 : groups.prefix(Int(max(0, count))).first { $0 != getegid() }
        guard let foreign else { return }
        let clone = try Self.clonedCache(umask: 0o002)
        let cache = clone.path + "/cache"
        try #require(try Subprocess.run(["sh", "-c", "chgrp \(foreign) \"$0\"/*.entry", cache]) == 0)
        let result = Support.spawn(Support.binaryPath, Self.readmeRun(cache: cache))
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        let refusal = try #require(PrivateGroupCheck.refusal(group: foreign))
        #expect(result.stderr.contains("ignored: it is writable by \(refusal.description) (fix with: chmod go-w"), "\(result.stderr)")
    }
}
