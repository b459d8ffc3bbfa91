import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// `jwtaudit explain` as a command: modes, exit codes, JSON shape, wrapping and colour.
@Suite("explain command")
struct ExplainCommandTests {
    static let at = "2026-01-01T00:56:40Z"

    @Test func aTokenAloneIsExplainedAndExitsZero() {
        let result = Support.run(["explain", "--at", Self.at, "examples/tokens/secret-v1.jwt"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        // The answer first: nothing was verified.
        #expect(result.stdout.hasPrefix("DECODED: nothing was verified\n  message  the signature and the claims were not verified:"))
        #expect(result.stdout.contains("\nWhat this token is\n"))
        #expect(result.stdout.contains("client secret (appidacr \"1\")"))
        // The glossary only when asked for; a line says how to get it.
        #expect(!result.stdout.contains("\nClaims\n"))
        #expect(result.stdout.hasSuffix("\n--glossary explains each of the token's 17 claims.\n"))
        let glossary = Support.run(["explain", "--glossary", "--at", Self.at, "examples/tokens/secret-v1.jwt"])
        #expect(glossary.stdout.contains("\nClaims\n  aud       https://myapi.dewi.red\n"))
        #expect(!glossary.stdout.contains("--glossary explains"))
    }

    @Test func theTextIsTheCoreRenderingAtTheGivenWidth() throws {
        let text = try #require(Support.readFile("examples/tokens/managed-identity-v1.jwt"))
        let token = try CompactToken.parse(try TokenInput.extract(text))
        let expected = ExplanationText.render(
            Explainer.explain(TokenInspection.inspect(token, at: 1_767_229_000)),
            layout: TextLayout(width: 100, escape: TerminalText.escaped))
        let result = Support.run(["explain", "--at", Self.at, "-"], stdin: Array(text.utf8), environment: ["COLUMNS": "100"])
        #expect(result.status == 0)
        #expect(result.stdout == expected)
        let narrow = Support.run(["explain", "--at", Self.at, "-"], stdin: Array(text.utf8), environment: ["COLUMNS": "60"])
        #expect(narrow.stdout != expected)
        #expect(narrow.stdout.split(separator: "\n").filter { $0.count > 60 && $0.split(separator: " ").allSatisfy { $0.count <= 40 } }.isEmpty)
    }

    @Test func policyModeJSONHasTheDocumentedShape() throws {
        let result = Support.run([
            "explain", "--json", "--at", Self.at, "--offline", "--cache-dir", "examples/cache",
            "--policy", "examples/policies/certificate-only-v1.xml", "examples/tokens/secret-v1.jwt",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let object = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(Array(object.keys.prefix(4)) == ["verdict", "status", "exitCode", "token"])
        #expect(object.keys.contains("steps") && object.keys.contains("glossary"))
        let step = try #require(object["steps"]?.arrayValue?.last?.objectValue)
        // The check record of verify and check-policy, with explain's prose added.
        #expect(step.keys == ["id", "status", "expected", "actual", "detail", "explanation", "fix"])
        #expect(step["id"] == "claim:appidacr" && step["detail"] == "match=any is not satisfied (TokenClaimValueNotAllowed)")
        #expect(object["verdict"]?.objectValue?.keys == ["accepted", "statusCode", "body", "lastError"], "check-policy's verdict")
        #expect(object["status"] == "rejected" && object["exitCode"] == 1)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = Support.run(["explain", "--json", "--at", Self.at, "examples/tokens/managed-identity-v1.jwt"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(object.keys == ["verdict", "status", "exitCode", "token", "evaluator", "steps", "glossary"])
        #expect(object["verdict"]?.objectValue?.keys == ["status", "httpStatus", "reason", "message", "body", "exitCode"])
        #expect(object["verdict"]?.objectValue?["status"] == "decoded")
        #expect(object["token"]?.objectValue?.keys == ["paragraph", "facts", "findings"])
        #expect(object["token"]?.objectValue?["facts"]?.objectValue?["credential"]?.stringValue?.hasPrefix("managed identity") == true)
        #expect(object["steps"] == .array([]))
        let first = try #require(object["glossary"]?.arrayValue?.first?.objectValue)
        #expect(first.keys == ["claim", "value", "meaning"])
        #expect(first["claim"] == "aud")
    }

    @Test func colourOnlyWhenAsked() {
        let plain = Support.run(["explain", "--at", Self.at, "examples/tokens/secret-v1.jwt"], stdoutIsTerminal: true, environment: ["NO_COLOR": "1"])
        #expect(!plain.stdout.contains("\u{1B}["))
        let coloured = Support.run(["explain", "--color", "always", "--at", Self.at, "examples/tokens/secret-v1.jwt"])
        #expect(coloured.stdout.contains("\u{1B}[1mWhat this token is\u{1B}[0m"))
        #expect(coloured.stdout.hasPrefix("\u{1B}[2m\u{1B}[1mDECODED:\u{1B}[0m\u{1B}[0m nothing was verified"))
    }

    @Test(arguments: [
        ["explain", "not-a-token"],
        ["explain", "examples/tokens/missing.jwt"],
        ["explain", "@/nonexistent/file"],
    ])
    func badInputExitsThreeWithNothingOnStdout(_ arguments: [String]) {
        let result = Support.run(arguments)
        #expect(result.status == 3, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: "))
    }

    @Test func usageErrorsExit64() {
        #expect(Support.run(["explain", "--at", "yesterday", "examples/tokens/secret-v1.jwt"]).status == 64)
        #expect(Support.run(["explain", "--bogus", "examples/tokens/secret-v1.jwt"]).status == 64)
        #expect(Support.run(["explain"], stdinIsTerminal: true).status == 64)
    }

    @Test func theModeFollowsTheOptions() throws {
        func mode(_ arguments: [String]) throws -> ExplainCommand.Mode {
            guard case .run(_, let parsed) = try CommandLineParser.parse(["explain"] + arguments + ["t"]) else {
                Issue.record("not a run")
                return .token
            }
            return ExplainCommand.mode(parsed)
        }
        #expect(try mode([]) == .token)
        #expect(try mode(["--json", "--at", "0", "--color", "never"]) == .token)
        #expect(try mode(["--jwks", "examples/keys/jwks.json", "--any-audience"]) == .verify)
        #expect(try mode(["--require-certificate"]) == .verify)
        #expect(try mode(["--offline"]) == .verify)
        #expect(try mode(["--decryption-key", "k.pem"]) == .token, "decode's options choose no mode")
        #expect(try mode(["--decryption-key", "k.pem", "--policy", "p.xml"]) == .policy)
        #expect(try mode(["--request-header", "X: 1"]) == .policy)
    }

    @Test func aTokenAloneInsideAJWEIsDescribedWithTheDecryptionKey() {
        let result = Support.run([
            "explain", "--at", Self.at, "--decryption-key", "examples/keys/api-encryption.pem",
            "examples/tokens/encrypted-certificate-v1.jwe",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("The client authenticated with a certificate (appidacr \"2\")"), "\(result.stdout)")
        let without = Support.run(["explain", "--at", Self.at, "examples/tokens/encrypted-certificate-v1.jwe"])
        #expect(without.stdout.contains("An encrypted token (JWE)"), "\(without.stdout)")
    }

    @Test func theVerifyModeNarratesVerifysReportWithTheSameExitStatus() {
        let options = [
            "--jwks", "examples/keys/jwks.json", "--issuer", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/",
            "--audience", "https://myapi.dewi.red", "--require-certificate", "--at", Self.at,
        ]
        let explained = Support.run(["explain"] + options + ["examples/tokens/secret-v1.jwt"])
        #expect(explained.status == 1)
        #expect(explained.status == Support.run(["verify"] + options + ["examples/tokens/secret-v1.jwt"]).status)
        #expect(explained.stdout.contains("Steps, in the order the verifier runs them"))
        #expect(explained.stdout.hasPrefix("REJECTED: 1 check failed (credential)\n"))
        #expect(explained.stdout.contains("  fail  credential (step 13 of 13): the client authenticated with a client\n        secret\n"))
        #expect(explained.stdout.contains("Add a certificate"))
        let valid = Support.run(["explain"] + options + ["examples/tokens/certificate-v1.jwt"])
        #expect(valid.status == 0)
    }

    @Test func theVerifyModeKeepsVerifysUsageRules() {
        let result = Support.run(["explain", "--jwks", "examples/keys/jwks.json", "--any-audience", "examples/tokens/secret-v1.jwt"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("missing --issuer"))
        #expect(result.stderr.contains("See 'jwtaudit explain --help'."))
    }
}
