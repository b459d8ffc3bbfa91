import Glibc
import Testing
import JWTAuditCore

/// Issue 17, items 4 and 8, through the built binary on a pseudo-terminal of a given size (`TIOCGWINSZ`, no
/// `COLUMNS`): every text report wraps to the terminal's width without breaking a word, prose stays near 100
/// columns on a wide terminal, and explain goes through `$PAGER` on a terminal only.
@Suite("terminal width and pager, on a pseudo-terminal")
struct TerminalLayoutEndToEndTests {
    static let at = "2026-06-01T00:00:00Z"
    static func path(_ relative: String) -> String { Support.packageRoot + "/" + relative }
    static var policy: [String] {
        ["--policy", path("examples/policies/certificate-only-v1.xml"), "--offline", "--cache-dir", path("examples/cache"), "--at", at]
    }
    static var verifying: [String] {
        ["--jwks", path("examples/keys/jwks.json"), "--issuer", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/",
         "--audience", "https://myapi.dewi.red", "--require-certificate", "--at", at]
    }
    static var commands: [(String, [String])] {
        [
            ("decode", ["decode", "--at", at, path("examples/tokens/managed-identity-v1.jwt")]),
            ("verify", ["verify"] + verifying + [path("examples/tokens/expired-v1.jwt")]),
            ("check-policy", ["check-policy"] + policy + [path("examples/tokens/secret-v1.jwt")]),
            ("explain", ["explain", "--glossary"] + policy + [path("examples/tokens/secret-v1.jwt")]),
        ]
    }
    /// No colour (its escape sequences would count as columns), and no pager (the text is read whole).
    static let plain = ["NO_COLOR": "1", "PAGER": "cat"]

    /// A line wider than `columns` is one that holds a word too long for any line (a URL, a thumbprint, a JSON
    /// value): it stands whole after the line's indentation and label rather than being cut.
    static func overflowIsAnUnbreakableWord(_ line: Substring, columns: Int) -> Bool {
        let words = line.split(separator: " ")
        return words.count <= 3 && words.contains { $0.count > columns / 2 }
    }

    @Test(arguments: [0, 1, 2, 3])
    func atSixtyColumnsNoWordIsBroken(_ index: Int) throws {
        let (name, arguments) = Self.commands[index]
        let result = try PseudoTerminal.run(arguments, environment: Self.plain, columns: 60)
        #expect(result.status == (name == "decode" ? 0 : 1), "\(name): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count > 10, "\(name)")
        for line in lines where line.count > 60 {
            #expect(Self.overflowIsAnUnbreakableWord(line, columns: 60), "\(name) at 60 columns: \(line)")
        }
    }

    @Test(arguments: [0, 1, 2, 3])
    func atTwoHundredColumnsProseStaysNearAHundred(_ index: Int) throws {
        let (name, arguments) = Self.commands[index]
        let wide = try PseudoTerminal.run(arguments, environment: Self.plain, columns: 200)
        let narrow = try PseudoTerminal.run(arguments, environment: Self.plain, columns: 60)
        let lines = wide.stdout.split(separator: "\n")
        for line in lines where line.count > TextLayout.proseColumns {
            #expect(Self.overflowIsAnUnbreakableWord(line, columns: TextLayout.proseColumns), "\(name) at 200 columns: \(line)")
        }
        // The width was read from the terminal: the wide run uses more than 80 columns, and needs fewer lines.
        #expect(lines.contains { $0.count > 80 && !Self.overflowIsAnUnbreakableWord($0, columns: 100) }, "\(name)")
        #expect(lines.count < narrow.stdout.split(separator: "\n").count, "\(name)")
    }

    @Test func columnsWinsOverTheTerminalsWidth() throws {
        let (_, arguments) = Self.commands[1]
        let fromEnvironment = try PseudoTerminal.run(arguments, environment: Self.plain.merging(["COLUMNS": "60"]) { $1 }, columns: 200)
        let fromTerminal = try PseudoTerminal.run(arguments, environment: Self.plain, columns: 60)
        #expect(fromEnvironment.stdout == fromTerminal.stdout)
    }

    // MARK: pager

    static var searchPath: String { getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin" }
    static var explainSecret: [String] { ["explain"] + policy + [path("examples/tokens/secret-v1.jwt")] }

    @Test func explainGoesThroughThePagerOnATerminal() throws {
        let environment = ["NO_COLOR": "1", "PATH": Self.searchPath, "PAGER": "sed 's/^/|/'"]
        let result = try PseudoTerminal.run(Self.explainSecret, environment: environment, columns: 100)
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "|REJECTED: HTTP 401, TokenClaimValueNotAllowed")
        #expect(lines.count > 20 && lines.allSatisfy { $0.hasPrefix("|") }, "\(result.stdout)")
    }

    @Test func thePagerGetsLessOptionsAsGitGivesThem() throws {
        let show = #"printf 'LESS=%s LV=%s\n' "$LESS" "$LV"; cat >/dev/null"#
        let unset = try PseudoTerminal.run(Self.explainSecret, environment: ["PATH": Self.searchPath, "PAGER": show], columns: 100)
        #expect(unset.stdout == "LESS=FRX LV=-c\n")
        let own = try PseudoTerminal.run(
            Self.explainSecret, environment: ["PATH": Self.searchPath, "PAGER": show, "LESS": "-S"], columns: 100)
        #expect(own.stdout == "LESS=-S LV=-c\n")
    }

    @Test(arguments: [["PAGER": ""], ["PAGER": "cat"], ["PAGER": "  cat "], ["PAGER": "sed 's/^/|/'", "TERM": "dumb"]])
    func noPagerWhenAskedOrOnADumbTerminal(_ settings: [String: String]) throws {
        let environment = settings.merging(["NO_COLOR": "1", "PATH": Self.searchPath]) { $1 }
        let result = try PseudoTerminal.run(Self.explainSecret, environment: environment, columns: 100)
        #expect(result.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n"), "\(settings): \(result.stdout)")
    }

    @Test func neverAPagerWhenTheOutputIsNotATerminal() throws {
        let result = Support.spawn(
            Support.binaryPath, Self.explainSecret, environment: ["PATH": Self.searchPath, "PAGER": "sed 's/^/|/'"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n"))
        #expect(!result.stdout.contains("|"))
    }

    @Test func aPagerThatCannotRunLeavesTheTextOnTheTerminal() throws {
        let result = try PseudoTerminal.run(
            Self.explainSecret, environment: ["NO_COLOR": "1", "PATH": Self.searchPath, "PAGER": "/nonexistent/pager"], columns: 100)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n"), "\(result.stdout)")
        #expect(result.stdout.contains("\nWhat this token is\n"))
    }
}
