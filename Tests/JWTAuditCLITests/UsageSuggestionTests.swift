#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI

/// Issue 17 items 5 and 6 through the built binary: a mistyped subcommand or option gets the closest name; bare
/// `jwtaudit` lists the subcommands (on standard error, exit 64, as a usage error); an option given where a value
/// was expected is refused instead of being swallowed as the value.
@Suite("Usage: suggestions and options taken for values")
struct UsageSuggestionTests {
    func run(_ arguments: [String]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments)
    }

    func firstLine(_ result: Support.Result) -> String { result.stderr.split(separator: "\n").first.map(String.init) ?? "" }

    @Test(arguments: [
        (["verfy"], "jwtaudit: error: unknown subcommand 'verfy' (did you mean 'verify'?)"),
        (["explian", "x"], "jwtaudit: error: unknown subcommand 'explian' (did you mean 'explain'?)"),
        (["check-polcy"], "jwtaudit: error: unknown subcommand 'check-polcy' (did you mean 'check-policy'?)"),
        (["verify", "tok", "--audiance", "x"], "jwtaudit: error: unknown option '--audiance' (did you mean '--audience'?)"),
        (["verify", "--requre-certificate"], "jwtaudit: error: unknown option '--requre-certificate' (did you mean '--require-certificate'?)"),
        (["decode", "--jsno"], "jwtaudit: error: unknown option '--jsno' (did you mean '--json'?)"),
        (["verify", "--aud", "x"], "jwtaudit: error: unknown option '--aud' (did you mean '--audience'?)"),
        (["decode", "--jwks", "k.json"], "jwtaudit: error: unknown option '--jwks' (verify and explain take it, not decode)"),
        (["--json", "decode"], "jwtaudit: error: unknown option '--json' (options come after the subcommand: jwtaudit decode --json ...)"),
        (["eyJhbGciOiJSUzI1NiJ9.e30.c2ln"], "jwtaudit: error: unknown subcommand 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' (a token or a file comes after a subcommand: jwtaudit decode TOKEN)"),
        (["frobnicate"], "jwtaudit: error: unknown subcommand 'frobnicate'"),
    ] as [([String], String)])
    func aTypoGetsTheClosestName(_ arguments: [String], _ message: String) throws {
        let result = try run(arguments)
        #expect(result.status == 64 && result.stdout.isEmpty, "\(arguments)")
        #expect(firstLine(result) == message, "\(arguments): \(result.stderr)")
    }

    @Test func bareJwtauditListsTheSubcommandsOnStandardError() throws {
        let result = try run([])
        #expect(result.status == 64 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: missing subcommand (choose one of those below)\nUsage: jwtaudit <subcommand> [<options>]\n\nSUBCOMMANDS:\n"))
        for command in OptionTable.commands { #expect(result.stderr.contains("\n  \(command.name) "), "\(command.name)") }
        #expect(result.stderr.hasSuffix("\nSee 'jwtaudit --help'.\n"))
    }

    @Test func anOptionWhereAValueWasExpectedIsRefused() throws {
        let token = VerifyCommandTests.path("examples/tokens/secret-v1.jwt")
        let eaten = try run(["verify", token, "--jwks", VerifyCommandTests.path("examples/keys/jwks.json"),
                             "--issuer", VerifyCommandTests.issuer, "--audience", "--require-certificate"] + VerifyCommandTests.at)
        #expect(eaten.status == 64 && eaten.stdout.isEmpty)
        #expect(firstLine(eaten) == "jwtaudit: error: '--audience' needs a value (AUD), but the next argument '--require-certificate' is an option; give the value after --audience, or write --audience=--require-certificate if that is the value")
        #expect(firstLine(try run(["verify", token, "--at", "--json"])).hasPrefix("jwtaudit: error: '--at' needs a value (TIME), but the next argument '--json' is an option"))
        #expect(firstLine(try run(["decode", "--color", "--at=1", token])).hasPrefix("jwtaudit: error: '--color' needs a value (WHEN), but the next argument '--at=1' is an option"))
        #expect(firstLine(try run(["verify", token, "--jobs", "-q"])).hasPrefix("jwtaudit: error: '--jobs' needs a value (N), but the next argument '-q' is an option"))
        #expect(firstLine(try run(["decode", "--at"])) == "jwtaudit: error: missing value for '--at' (expected TIME)")
        #expect(firstLine(try run(["decode", "--at", "--", token])).hasPrefix("jwtaudit: error: '--at' needs a value (TIME), but the next argument '--' is an option"))
    }

    @Test func aValueThatLooksLikeAnOptionIsAcceptedWithEquals() throws {
        let parsed = try CommandLineParser.parse(["verify", "t", "--audience=--require-certificate", "--any-issuer", "--key", "k"])
        guard case .run(_, let arguments) = parsed else { Issue.record("not a run"); return }
        #expect(arguments.last(.audience) == "--require-certificate")
        #expect(!arguments.has(.requireCertificate))
        // A value that only starts with a dash is a value.
        guard case .run(_, let negative) = try CommandLineParser.parse(["decode", "--at", "-5", "x"]) else { return }
        #expect(negative.last(.at) == "-5")
    }

    @Test func theSuggestionDistanceCountsATranspositionAsOneEdit() {
        #expect(Suggestion.distance(Array("explian"), Array("explain")) == 1)
        #expect(Suggestion.distance(Array("verfy"), Array("verify")) == 1)
        #expect(Suggestion.distance(Array("decode"), Array("verify")) > 2)
        #expect(Suggestion.closest(to: "--jsn", among: ["--json", "--jwks"]) == "--json")
        #expect(Suggestion.closest(to: "--re", among: ["--require-claim", "--require-certificate"]) == nil)
        // A long paste where a name was expected is not compared cell by cell, and matches nothing.
        #expect(Suggestion.closest(to: String(repeating: "a", count: 100_000), among: ["verify", "decode"]) == nil)
    }
}
