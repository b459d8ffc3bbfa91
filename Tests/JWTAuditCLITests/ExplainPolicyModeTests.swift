import Testing
@testable import JWTAuditCLI

/// `explain --policy` narrates check-policy's own evaluation: same verdict, same exit status, plus cause and fix.
@Suite("explain with --policy")
struct ExplainPolicyModeTests {
    static let at = "2026-06-01T00:00:00Z"
    static let offline = ["--offline", "--cache-dir", "examples/cache", "--at", at]

    @Test func aSecretTokenAgainstTheCertificateOnlyPolicyIsExplainedWithTheFix() throws {
        let arguments = ["--policy", "examples/policies/certificate-only-v1.xml"] + Self.offline + ["examples/tokens/secret-v1.jwt"]
        let explained = Support.run(["explain"] + arguments)
        let checked = Support.run(["check-policy"] + arguments)
        #expect(explained.status == 1)
        #expect(explained.status == checked.status)
        // The answer first, then the failed step with its cause and fix, before anything else.
        #expect(explained.stdout.hasPrefix("REJECTED: HTTP 401, TokenClaimValueNotAllowed\n  message  Claim appidacr value of 1 is not allowed."))
        let failure = try #require(explained.stdout.firstRange(of: "  fail  claim:appidacr (step 12 of 12)"))
        let token = try #require(explained.stdout.firstRange(of: "What this token is"))
        #expect(failure.lowerBound < token.lowerBound)
        let unwrapped = Support.unwrapped(explained.stdout)
        #expect(unwrapped.contains("cause     The token's appidacr is \"1\": the client (1105ae9f-6be2-42a2-9439-7a17934226ac) authenticated to Entra with a client secret"))
        #expect(unwrapped.contains("fix       Add a certificate to the client's app registration"))
        // check-policy shows the same failure with the same fix, and points to explain.
        #expect(checked.stdout.contains("  fail  claim:appidacr: match=any is not satisfied (TokenClaimValueNotAllowed)"))
        #expect(Support.unwrapped(checked.stdout).contains("fix       Add a certificate to the client's app registration"))
        #expect(Support.unwrapped(checked.stdout).hasSuffix("'jwtaudit explain' with the same options tells what the token is and the cause of each failure."))
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
