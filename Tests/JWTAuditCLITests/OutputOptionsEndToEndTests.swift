#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 17 item 11, through the built binary: `--at` takes a date alone, colour stays off on a `TERM=dumb`
/// terminal, `--json` never silently overrides another `--format`, and decode shows times in the local zone too
/// when `TZ` asks (JSON stays UTC).
@Suite("Output options: --at dates, TERM=dumb, --json with --format, TZ")
struct OutputOptionsEndToEndTests {
    static let token = VerifyCommandTests.path("examples/tokens/certificate-v1.jwt")

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments, environment: environment)
    }

    @Test func aDateAloneIsMidnightUTC() throws {
        let date = try run(["decode", "--json", "--at", "2026-01-02", Self.token])
        let instant = try run(["decode", "--json", "--at", "2026-01-02T00:00:00Z", Self.token])
        #expect(date.status == 0 && date.stdout == instant.stdout, "\(date.stderr)")
        let verify = try run(["verify", Self.token] + VerifyCommandTests.jwks + VerifyCommandTests.expectations + ["--at", "2026-01-01", "--json"])
        #expect(try JSONParser.parse(verify.stdout).objectValue?["at"] == .string("2026-01-01T00:00:00Z"), "\(verify.stdout)")
        let bad = try run(["decode", "--at", "2026-02-30", Self.token])
        #expect(bad.status == 64 && bad.stderr.contains("nor a date such as 2026-01-01"), "\(bad.stderr)")
    }

    @Test func aDumbTerminalGetsNoColourUnlessAsked() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let arguments = ["decode", "--at", "2026-01-01", Self.token]
        let coloured = try PseudoTerminal.run(arguments, environment: ["TERM": "xterm-256color"])
        #expect(coloured.status == 0 && coloured.stdout.contains("\u{1B}["), "a terminal gets colour")
        let dumb = try PseudoTerminal.run(arguments, environment: ["TERM": "dumb"])
        #expect(dumb.status == 0 && !dumb.stdout.contains("\u{1B}") && dumb.stdout.contains("Header"), "\(dumb.stdout)")
        let forced = try PseudoTerminal.run(["decode", "--color", "always"] + arguments.dropFirst(), environment: ["TERM": "dumb"])
        #expect(forced.stdout.contains("\u{1B}["), "--color always wins")
    }

    @Test(arguments: ["sarif", "text"])
    func jsonWithAnotherFormatIsAUsageError(_ format: String) throws {
        let lint = try run(["check-policy", "--policy", PolicyTest.example("policies/weak.xml"), "--json", "--format", format])
        #expect(lint.status == 64 && lint.stdout.isEmpty)
        #expect(lint.stderr.hasPrefix("jwtaudit: error: '--json' and '--format \(format)' cannot be used together"), "\(lint.stderr)")
        let same = try run(["check-policy", "--policy", PolicyTest.example("policies/weak.xml"), "--json", "--format", "json", "--fail-on", "never"])
        #expect(same.status == 0 && same.stdout.hasPrefix("{"), "\(same.stderr)")
    }

    /// A POSIX TZ value ("JST-9": nine hours east of UTC), which needs no time zone database.
    @Test func decodeShowsLocalTimeWhenTZIsSetAndJSONStaysUTC() throws {
        let arguments = ["decode", "--at", "2026-01-01T00:10:00Z", Self.token]
        let local = try run(arguments, environment: ["TZ": "JST-9"])
        // Wrapped at 80 columns: the relative time, whole, goes to the next line, under the value.
        #expect(local.stdout.contains("  iat       1767225600  2026-01-01T00:00:00Z = 2026-01-01 09:00:00 JST\n            (10 min ago)\n"), "\(local.stdout)")
        let plain = try run(arguments)
        #expect(!plain.stdout.contains(" = 2026-01-01"), "no TZ, no local time")
        let json = try run(["decode", "--json"] + arguments.dropFirst(), environment: ["TZ": "JST-9"])
        #expect(!json.stdout.contains("JST") && json.stdout.contains("\"utc\": \"2026-01-01T00:00:00Z\""), "\(json.stdout)")
    }
}
