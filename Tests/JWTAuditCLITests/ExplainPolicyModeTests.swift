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
