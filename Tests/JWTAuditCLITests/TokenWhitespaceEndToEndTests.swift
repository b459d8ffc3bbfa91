#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 9: one whitespace rule for every subcommand and for `verify --batch` (`TokenWhitespace`). A
/// line-wrapped paste is unwrapped and verifies; a space inside a segment that is not part of a line wrap means
/// the token was altered: exit 3 (a batch line: `failed: ["format"]` with the reason), naming the segment. As an
/// argument and on standard input, through the built binary.
@Suite("whitespace inside a token: a line wrap is undone, anything else is an altered token")
struct TokenWhitespaceEndToEndTests {
    static func token() throws -> String { try #require(Support.readFile("examples/tokens/certificate-v1.jwt")).trimmed() }

    /// A space in the middle of the payload, with no line break near it.
    static func altered() throws -> String {
        let parts = try token().split(separator: ".").map(String.init)
        let payload = parts[1]
        let middle = payload.index(payload.startIndex, offsetBy: payload.count / 2)
        return parts[0] + "." + payload[..<middle] + " " + payload[middle...] + "." + parts[2]
    }

    /// The token wrapped every 60 characters, continuation lines indented, as a terminal or a mail shows it.
    static func wrapped() throws -> String {
        var out = ""
        var line = ""
        for character in try token() {
            line.append(character)
            if line.count == 60 {
                out += line + " \n    "
                line = ""
            }
        }
        return "  " + out + line + "\n"
    }

    static let keys = ["--jwks", VerifyCommandTests.path("examples/keys/jwks.json")] + VerifyCommandTests.expectations + VerifyCommandTests.at
    static let policy = ["--policy", PolicyTest.example("policies/certificate-only-v1.xml")] + PolicyTest.offline

    /// Each subcommand with the token as its argument, and with `-` (standard input).
    static let commands: [(name: String, before: [String], after: [String])] = [
        ("decode", ["decode"], []),
        ("verify", ["verify"], keys),
        ("check-policy", ["check-policy"] + policy, []),
        ("explain", ["explain"], VerifyCommandTests.at),
        ("explain (verify)", ["explain"], keys),
    ]

    @Test func anAlteredTokenExitsThreeInEverySubcommand() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let altered = try Self.altered()
        for (name, before, after) in Self.commands {
            for viaStdin in [false, true] {
                let arguments = before + [viaStdin ? "-" : altered] + after
                let result = Support.spawn(Support.binaryPath, arguments, stdin: viaStdin ? Array(altered.utf8) : [])
                let how = "\(name)\(viaStdin ? " (stdin)" : "")"
                #expect(result.status == 3, "\(how): \(result.stdout)\(result.stderr)")
                let said = Support.unwrapped(result.stdout) + result.stderr
                #expect(said.contains("the token was altered: a space at character"), "\(how): \(said)")
                #expect(said.contains("in the payload (segment 2)"), "\(how): \(said)")
                if name != "verify" { #expect(result.stdout.isEmpty, "\(how): partial stdout") }
            }
        }
    }

    @Test func aWrappedPasteIsUnwrappedInEverySubcommand() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let wrapped = try Self.wrapped()
        for (name, before, after) in Self.commands {
            let result = Support.spawn(Support.binaryPath, before + ["-"] + after, stdin: Array(wrapped.utf8))
            #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
        }
    }

    @Test func aBatchLineFollowsTheSameRule() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let input = try Self.token() + "\n" + (try Self.altered()) + "\n  \"" + (try Self.token()) + "\"  \n"
        let result = Support.spawn(Support.binaryPath, ["verify", "--batch"] + Self.keys, stdin: Array(input.utf8))
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map { try #require(try JSONParser.parse(String($0)).objectValue) }
        try #require(lines.count == 3, "\(result.stdout)")
        #expect(lines[0]["valid"] == .bool(true))
        #expect(lines[1]["failed"] == .array(["format"]))
        #expect(lines[1]["error"]?.stringValue?.contains("the token was altered") == true, "\(result.stdout)")
        #expect(lines[2]["valid"] == .bool(true), "surrounding whitespace and quotes are removed")
    }
}
