import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// Issue 19: the README's lint section lists every rule id with what it catches and what it does not claim,
/// generated from `PolicyLint.rules` (`jwtaudit __generate lint-rules`), so a rule cannot exist undocumented.
@Suite("Lint rule table drift")
struct LintRuleTableDriftTests {
    @Test func readmeHoldsTheGeneratedTable() throws {
        let readme = try #require(Support.readFile("README.md"))
        #expect(readme.contains(LintRuleTableRenderer.render()),
                "README.md's lint rule table is out of date: replace it with the output of `swift run jwtaudit __generate lint-rules`")
    }

    @Test func everyRuleSaysWhatItCatches() {
        for rule in PolicyLint.rules {
            #expect(!rule.catches.isEmpty, "\(rule.id) has no example of what it catches")
            #expect(!rule.catches.contains("\n") && !rule.doesNotClaim.contains("\n"), "\(rule.id): one line each")
        }
        let table = LintRuleTableRenderer.render()
        for rule in PolicyLint.rules { #expect(table.contains("| `\(rule.id)` |"), "\(rule.id) is missing from the table") }
    }

    @Test func theGeneratorPrintsTheTable() {
        let result = Support.run(["__generate", "lint-rules"])
        #expect(result.status == 0 && result.stdout == LintRuleTableRenderer.render() && result.stderr.isEmpty)
    }
}
