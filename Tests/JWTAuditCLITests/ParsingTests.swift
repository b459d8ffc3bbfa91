import Testing
@testable import JWTAuditCLI

@Suite("Command-line parsing")
struct ParsingTests {
    func parsed(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(_, let parsed) = try CommandLineParser.parse(arguments) else {
            throw UsageError(.missingSubcommand, command: "")
        }
        return parsed
    }

    @Test func longShortEqualsAndSeparateValues() throws {
        let a = try parsed(["decode", "--json", "--at=2026-01-01T00:00:00Z", "--color", "never", "tok"])
        #expect(a.has(.json))
        #expect(a.last(.at) == "2026-01-01T00:00:00Z")
        #expect(a.last(.color) == "never")
        #expect(a.positionals == ["tok"])
    }

    @Test func lastOccurrenceWins() throws {
        let a = try parsed(["decode", "--at", "1", "--at=2", "x"])
        #expect(a.last(.at) == "2")
        #expect(a.all(.at) == ["1", "2"])
    }

    @Test func dashIsStandardInputAndDoubleDashEndsOptions() throws {
        #expect(try parsed(["decode", "-"]).positionals == ["-"])
        #expect(try parsed(["decode", "--", "--json"]).positionals == ["--json"])
        #expect(try !parsed(["decode", "--", "--json"]).has(.json))
    }

    @Test func valuesMayStartWithADash() throws {
        #expect(try parsed(["decode", "--at", "-5", "x"]).last(.at) == "-5")
    }

    @Test(arguments: [
        (["decode", "--help"], "decode"), (["decode", "-h"], "decode"), (["help", "decode"], "decode"),
        (["--help"], ""), (["-h"], ""), (["help"], ""), (["decode", "tok", "--help"], "decode"),
    ])
    func helpForms(_ arguments: [String], _ command: String) throws {
        #expect(try CommandLineParser.parse(arguments) == .help(command: command), "\(arguments)")
    }

    @Test func versionAndGenerator() throws {
        #expect(try CommandLineParser.parse(["--version"]) == .version)
        for command in OptionTable.commands.map(\.name) {
            #expect(try CommandLineParser.parse([command, "--version"]) == .version, "\(command) --version")
        }
        #expect(try CommandLineParser.parse(["verify", "--version", "--alg", "HS256", "token"]) == .version)
        #expect(try CommandLineParser.parse(["decode", "--version", "--help"]) == .help(command: "decode"))
        #expect(try CommandLineParser.parse(["__generate", "zsh"]) == .generate("zsh"))
    }

    @Test(arguments: [
        ([], UsageError.Kind.missingSubcommand, ""),
        (["frobnicate"], .unknownSubcommand("frobnicate"), ""),
        (["--bogus"], .unknownOption("--bogus"), ""),
        (["--version=1"], .unexpectedValue(option: "--version"), ""),
        (["decode", "--bogus"], .unknownOption("--bogus"), "decode"),
        (["decode", "-x"], .unknownOption("-x"), "decode"),
        (["decode", "--at"], .missingValue(option: "--at"), "decode"),
        (["decode", "--json=yes"], .unexpectedValue(option: "--json"), "decode"),
        (["decode", "--color", "sometimes"], .invalidChoice(option: "--color", value: "sometimes", choices: ["auto", "always", "never"]), "decode"),
        (["decode", "a", "b"], .unexpectedArgument("b"), "decode"),
        (["help", "frobnicate"], .unknownSubcommand("frobnicate"), "help"),
        (["verify", "--version=1"], .unexpectedValue(option: "--version"), "verify"),
        (["__generate", "tcsh"], .invalidChoice(option: "__generate", value: "tcsh", choices: ["man", "bash", "zsh", "fish", "lint-rules"]), ""),
    ] as [([String], UsageError.Kind, String)])
    func usageErrors(_ arguments: [String], _ kind: UsageError.Kind, _ command: String) {
        #expect(throws: UsageError(kind, command: command), "\(arguments)") { try CommandLineParser.parse(arguments) }
    }

    @Test func usageErrorRendersThreeLines() {
        let rendered = UsageError(.unknownOption("--bogus"), command: "decode").rendered
        #expect(rendered == """
            jwtaudit: error: unknown option '--bogus'
            Usage: jwtaudit decode [<options>] [<token>]
            See 'jwtaudit decode --help'.

            """)
    }
}
