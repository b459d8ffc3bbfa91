import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 17, item 7: with no network, `explain` does not end in one line. It shows the token and every check that
/// needs no key (the signature marked not checked), says the verdict is undecided (exit 2, as verify and
/// check-policy exit), and names the cached copy `--offline` would use, with its date. The provider here is a
/// port nothing listens on (connection refused at once), never a mock of the fetcher.
@Suite("explain without network: undecided, with every key-free check")
struct UndecidedExplainTests {
    static let metadataURL = "https://127.0.0.1:1/tenant/.well-known/openid-configuration"
    static let jwksURL = "https://127.0.0.1:1/tenant/discovery/keys"
    static let at = "2026-06-01T00:00:00Z"
    static func path(_ relative: String) -> String { Support.packageRoot + "/" + relative }

    /// The certificate-only policy, its metadata at the unreachable URL.
    static func policy(in directory: TemporaryDirectory) throws -> String {
        let seed = try #require(Support.readFile("examples/policies/certificate-only-v1.xml"))
        let text = seed.replacing(
            "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration",
            with: metadataURL)
        let file = directory.path + "/policy.xml"
        Support.writeFile(file, Array(text.utf8))
        return file
    }

    /// A cache holding stale copies of the metadata (pointing at the unreachable key set) and of the examples'
    /// key set, fetched at 2026-01-01T00:00:00Z.
    static func seededCache(in directory: TemporaryDirectory) throws -> String {
        let cache = DiskCache(directory: directory.path + "/cache")
        let metadata = #"{"issuer":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","jwks_uri":"\#(jwksURL)"}"#
        try cache.write(.init(url: metadataURL, content: Array(metadata.utf8), fetchedAt: 1_767_225_600, lifetime: 3600))
        let jwks = try #require(Support.readBytes("examples/keys/jwks.json"))
        try cache.write(.init(url: jwksURL, content: jwks, fetchedAt: 1_767_225_600, lifetime: 3600))
        return directory.path + "/cache"
    }

    func run(_ arguments: [String]) -> Support.Result { Support.spawn(Support.binaryPath, arguments) }

    @Test func thePolicyVerdictIsUndecidedAndTheKeyFreeChecksAreShown() throws {
        let directory = try TemporaryDirectory()
        let result = run([
            "explain", "--policy", try Self.policy(in: directory), "--cache-dir", directory.path + "/empty", "--at", Self.at,
            Self.path("examples/tokens/secret-v1.jwt"),
        ])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let text = Support.unwrapped(result.stdout)
        #expect(result.stdout.hasPrefix("UNDECIDED: the keys could not be obtained, so the signature was not checked;"))
        // What fails whatever the keys say is said in the verdict and shown in full.
        #expect(text.contains("whatever the keys say, the token fails claim:appidacr"))
        #expect(text.contains("message  could not fetch \(Self.metadataURL)"))
        #expect(result.stdout.contains("  fail  claim:appidacr (step 12 of 12)"))
        #expect(text.contains("pass  token, format, claims, algorithm, expiry, not-before, audience, claim:appid"))
        #expect(text.contains("skip  key, signature: signature not checked: the keys could not be obtained"))
        #expect(text.contains("skip  issuer: not checked: the accepted issuer comes from the metadata, which could not be obtained"))
        #expect(result.stdout.contains("\nWhat this token is\n"))
        #expect(!result.stdout.contains("hint"), "nothing is cached: no --offline to suggest")
    }

    @Test func aCachedCopyIsNamedWithItsDateAndOfflineThenDecides() throws {
        let directory = try TemporaryDirectory()
        let policy = try Self.policy(in: directory)
        let cache = try Self.seededCache(in: directory)
        let arguments = ["explain", "--policy", policy, "--cache-dir", cache, "--at", Self.at, Self.path("examples/tokens/secret-v1.jwt")]
        let undecided = run(arguments)
        #expect(undecided.status == 2)
        #expect(Support.unwrapped(undecided.stdout).contains(
            "hint     add --offline to use the cached copy of \(Self.metadataURL) from 2026-01-01T00:00:00Z (in \(cache))"),
            "\(undecided.stdout)")
        let json = try #require(try JSONParser.parse(run(["explain", "--json"] + arguments.dropFirst()).stdout).objectValue)
        // The gateway's verdict is unknown (null); the status says why, and the hint what would decide it.
        #expect(json["verdict"] == .null && json["status"] == "undecided" && json["exitCode"] == 2)
        #expect(json["hint"]?.stringValue?.hasPrefix("add --offline to use the cached copy") == true)
        // The hint holds: offline, the cached keys decide.
        let offline = run(["explain", "--offline"] + arguments.dropFirst())
        #expect(offline.status == 1, "\(offline.stdout)\(offline.stderr)")
        #expect(offline.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n"))
        #expect(Support.unwrapped(offline.stdout).contains("from the cache is stale (fetched at 2026-01-01T00:00:00Z); used because of --offline"),
                "explain shows the stale-cache notes")
    }

    @Test func verifysOptionsGiveTheSameUndecidedExplanation() throws {
        let directory = try TemporaryDirectory()
        let result = run([
            "explain", "--openid-config", Self.metadataURL, "--audience", "https://myapi.dewi.red", "--require-certificate",
            "--cache-dir", try Self.seededCache(in: directory), "--at", Self.at, Self.path("examples/tokens/expired-v1.jwt"),
        ])
        #expect(result.status == 2, "\(result.stderr)")
        let text = Support.unwrapped(result.stdout)
        #expect(text.hasPrefix("UNDECIDED: the keys could not be obtained, so the signature was not checked; whatever the keys say, the token fails expiry, credential"))
        #expect(text.contains("skip  algorithm, key, signature: signature not checked: the keys could not be obtained"))
        #expect(text.contains("skip  issuer: not checked: the accepted issuer comes from the metadata"))
        #expect(text.contains("hint     add --offline to use the cached copy of \(Self.metadataURL) from 2026-01-01T00:00:00Z"))
        let quiet = run(["explain", "-q", "--openid-config", Self.metadataURL, "--any-audience", "--cache-dir", directory.path + "/x", Self.path("examples/tokens/secret-v1.jwt")])
        #expect(quiet.status == 2 && quiet.stdout.isEmpty)
        #expect(quiet.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys (could not fetch \(Self.metadataURL)"), "\(quiet.stderr)")
    }

    @Test func verifyAndCheckPolicyStillSayItInOneLine() throws {
        let directory = try TemporaryDirectory()
        let verify = run(["verify", "--openid-config", Self.metadataURL, "--any-audience", "--cache-dir", directory.path + "/c", Self.path("examples/tokens/secret-v1.jwt")])
        #expect(verify.status == 2 && verify.stdout.isEmpty)
        #expect(verify.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys (could not fetch"))
        let check = run(["check-policy", "--policy", try Self.policy(in: directory), "--cache-dir", directory.path + "/c", Self.path("examples/tokens/secret-v1.jwt")])
        #expect(check.status == 2 && check.stdout.isEmpty, "\(check.stdout)")
        #expect(check.stderr.hasPrefix("jwtaudit: error: cannot evaluate the policy ("), "\(check.stderr)")
    }
}
