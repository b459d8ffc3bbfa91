import Testing
@testable import JWTAuditCLI

/// `NAME=VALUE` options are one value kind of the option table: the parser splits them, and refuses a value
/// that is not a pair before any command runs.
@Suite("Parsing: NAME=VALUE options")
struct PairOptionTests {
    func parsed(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(_, let parsed) = try CommandLineParser.parse(arguments) else {
            Issue.record("not a run: \(arguments)")
            return ParsedArguments()
        }
        return parsed
    }

    @Test func theHalvesAreSplitAtTheFirstEquals() throws {
        let a = try parsed(["verify", "--require-claim", "roles=Orders.Read", "--require-claim", "scp=a=b", "t"])
        #expect(a.pairs(.requireClaim).map(\.name) == ["roles", "scp"])
        #expect(a.pairs(.requireClaim).map(\.value) == ["Orders.Read", "a=b"])
        let b = try parsed(["check-policy", "--policy", "p", "--named-value", "{{aud}}=", "--expression-value", "@(a == b)=x"])
        #expect(b.pairs(.namedValue).first?.name == "{{aud}}" && b.pairs(.namedValue).first?.value == "")
        #expect(b.pairs(.expressionValue).first?.name == "@(a == b)")
    }

    @Test(arguments: [
        (["verify", "--require-claim", "roles"], "--require-claim", "roles", "expected NAME=VALUE, such as roles=Orders.Read"),
        (["verify", "--require-claim", "=x"], "--require-claim", "=x", "expected NAME=VALUE, such as roles=Orders.Read"),
        (["check-policy", "--named-value", "=v"], "--named-value", "=v", "expected NAME=VALUE"),
        (["check-policy", "--certificate", "id="], "--certificate", "id=", "expected ID=FILE"),
        (["check-policy", "--certificate=x"], "--certificate", "x", "expected ID=FILE"),
        (["explain", "--expression-value", "x=1"], "--expression-value", "x=1",
         "expected @(expression)=VALUE or @{statements}=VALUE, the expression exactly as in the policy"),
    ])
    func aValueThatIsNotAPairIsAUsageError(_ arguments: [String], _ option: String, _ value: String, _ reason: String) {
        let command = arguments[0]
        #expect(throws: UsageError(.invalidValue(option: option, value: value, reason: reason), command: command), "\(arguments)") {
            try CommandLineParser.parse(arguments)
        }
    }
}
