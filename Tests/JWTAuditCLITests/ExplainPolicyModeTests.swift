import Testing
@testable import JWTAuditCLI

/// `explain --policy` narrates check-policy's own evaluation: same verdict, same exit status, plus cause and fix.
@Suite("explain with --policy")
struct ExplainPolicyModeTests {
    static let at = "2026-06-01T00:00:00Z"
    static let offline = ["--offline", "--cache-dir", "examples/cache", "--at", at]

    @Test func aSecretTokenAgainstTheCertificateOnlyPolicyIsExplainedWithTheFix() {
        let arguments = ["--policy", "examples/policies/certificate-only-v1.xml"] + Self.offline + ["examples/tokens/secret-v1.jwt"]
        let explained = Support.run(["explain"] + arguments)
        let checked = Support.run(["check-policy"] + arguments)
        #expect(explained.status == 1)
        #expect(explained.status == checked.status)
        #expect(explained.stdout.contains("FAIL  claim:appidacr"))
        #expect(explained.stdout.contains("client secret"))
        #expect(explained.stdout.contains("Add a certificate to the client's app registration"))
        #expect(explained.stdout.contains("rejected: HTTP 401, TokenClaimValueNotAllowed"))
        #expect(explained.stdout.contains("Claim appidacr value of 1 is not allowed."))
        #expect(explained.stderr.isEmpty)
    }

    @Test func aCertificateTokenIsAcceptedAsCheckPolicySays() {
        let arguments = ["--policy", "examples/policies/certificate-only-v1.xml"] + Self.offline + ["examples/tokens/certificate-v1.jwt"]
        let explained = Support.run(["explain", "--json"] + arguments)
        #expect(explained.status == 0)
        #expect(Support.run(["check-policy"] + arguments).status == 0)
        #expect(explained.stdout.contains("\"status\": \"accepted\""))
    }

    @Test func aMissingNamedValueIsExplainedAndExitsThree() {
        let result = Support.run(
            ["explain", "--policy", "examples/policies/apiops/global.xml", "--policy", "examples/policies/apiops/api.xml"]
                + Self.offline + ["examples/tokens/certificate-v1.jwt"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("named value") || result.stdout.contains("named-value"))
    }
}

@Suite("README: the seed scenario")
struct ReadmeSeedScenarioTests {
    /// The README opens with this run; every line it shows (between its "..." cuts) must be real output, in order.
    @Test func theOpeningExplainRunIsTheRealOutput() throws {
        let readme = try #require(Support.readFile("README.md"))
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(
            lines.firstIndex(of: "$ jwtaudit explain --offline --cache-dir examples/cache --at 2026-01-01T00:18:00Z \\"),
            "README has no seed-scenario run")
        let end = try #require(lines[start...].firstIndex(of: "```"))
        let shown = lines[(start + 2)..<end]
        let output = Support.run([
            "explain", "--offline", "--cache-dir", "examples/cache", "--at", "2026-01-01T00:18:00Z",
            "--policy", "examples/policies/certificate-only-v1.xml", "examples/tokens/secret-v1.jwt",
        ])
        #expect(output.status == 1)
        let real = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cursor = real.startIndex
        for line in shown where line != "..." {
            guard let found = real[cursor...].firstIndex(of: line) else {
                Issue.record("README line not in the real output (or out of order): \(line)")
                return
            }
            cursor = found + 1
        }
    }
}
