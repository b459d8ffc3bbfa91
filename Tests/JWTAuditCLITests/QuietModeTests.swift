import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `--quiet` (issue 17, item 2) through the built binary: it drops the report and only the report. Errors reach
/// standard error whatever the flag, a rejection is one line naming the failed checks, and input that holds no
/// token at all (an unset CI secret) is a one-line error (exit 3) rather than a report of checks that could not
/// run.
@Suite("--quiet: errors always, one line for a rejection, empty tokens")
struct QuietModeTests {
    static let issuer = "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"
    static func path(_ relative: String) -> String { Support.packageRoot + "/" + relative }
    static var verifyOptions: [String] {
        ["--jwks", path("examples/keys/jwks.json"), "--issuer", issuer, "--audience", "https://myapi.dewi.red",
         "--require-certificate", "--at", "2026-06-01T00:00:00Z"]
    }
    static var policyOptions: [String] {
        ["--policy", path("examples/policies/certificate-only-v1.xml"), "--offline", "--cache-dir", path("examples/cache"),
         "--at", "2026-06-01T00:00:00Z"]
    }

    func run(_ arguments: [String], stdin: String = "") -> Support.Result {
        Support.spawn(Support.binaryPath, arguments, stdin: Array(stdin.utf8))
    }

    @Test func aRejectedTokenNamesEveryFailedCheckOnOneLine() {
        let result = run(["verify", "-q", Self.path("examples/tokens/expired-v1.jwt")] + Self.verifyOptions)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "jwtaudit: rejected: expiry, credential\n")
    }

    @Test func keysThatCannotBeObtainedAreSaidEvenWhenQuiet() {
        let result = run([
            "verify", "--quiet", Self.path("examples/tokens/secret-v1.jwt"), "--tenant", "3d6e366f-9587-413b-ab6b-0a851b1b91ba",
            "--audience", "https://myapi.dewi.red", "--offline", "--cache-dir", Support.tempDirectory + "/quiet-empty-cache",
        ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys (--offline: no cached OpenID configuration"), "\(result.stderr)")
    }

    @Test func checkPolicyAddsTheGatewaysAnswer() {
        let result = run(["check-policy", "-q"] + Self.policyOptions + [Self.path("examples/tokens/secret-v1.jwt")])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "jwtaudit: rejected: claim:appidacr (401 TokenClaimValueNotAllowed)\n")
        let accepted = run(["check-policy", "-q"] + Self.policyOptions + [Self.path("examples/tokens/certificate-v1.jwt")])
        #expect(accepted.status == 0 && accepted.stdout.isEmpty && accepted.stderr.isEmpty, "\(accepted.stderr)")
    }

    @Test func lintThatFailsSaysWhichRulesOnOneLine() {
        let result = run(["check-policy", "--quiet", "--policy", Self.path("examples/policies/secret-allowed-v1.xml")])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "jwtaudit: lint: 1 finding at or above warning (credential-not-enforced)\n")
        let never = run(["check-policy", "--quiet", "--fail-on", "never", "--policy", Self.path("examples/policies/secret-allowed-v1.xml")])
        #expect(never.status == 0 && never.stdout.isEmpty && never.stderr.isEmpty)
    }

    @Test func explainAndDecodeTakeQuietToo() {
        let explain = run(["explain", "-q"] + Self.policyOptions + [Self.path("examples/tokens/secret-v1.jwt")])
        #expect(explain.status == 1)
        #expect(explain.stdout.isEmpty)
        #expect(explain.stderr == "jwtaudit: rejected: claim:appidacr (401 TokenClaimValueNotAllowed)\n")
        let unevaluable = run([
            "explain", "-q", "--policy", Self.path("examples/policies/apiops/global.xml"), "--policy",
            Self.path("examples/policies/apiops/api.xml"), "--offline", "--cache-dir", Self.path("examples/cache"),
            Self.path("examples/tokens/certificate-v1.jwt"),
        ])
        #expect(unevaluable.status == 3 && unevaluable.stdout.isEmpty)
        // Said once, as check-policy says it.
        #expect(unevaluable.stderr.hasPrefix("jwtaudit: error: cannot read the policy (named value not supplied: tenant-id"), "\(unevaluable.stderr)")
        #expect(unevaluable.stderr.split(separator: "\n").count == 1, "\(unevaluable.stderr)")
        let decode = run(["decode", "-q", Self.path("examples/tokens/secret-v1.jwt")])
        #expect(decode.status == 0 && decode.stdout.isEmpty && decode.stderr.isEmpty)
        let notAToken = run(["decode", "-q", "hello"])
        #expect(notAToken.status == 3 && notAToken.stdout.isEmpty)
        #expect(notAToken.stderr.hasPrefix("jwtaudit: error: cannot decode the token ("))
    }

    @Test(arguments: ["decode", "verify", "check-policy", "explain"])
    func quietWithJSONIsAUsageErrorForEveryCommand(_ command: String) {
        let result = run([command, "--quiet", "--json"] + (command == "check-policy" ? ["--policy", "p.xml"] : []) + ["x"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: '--quiet' and '--json' cannot be used together\n"), "\(result.stderr)")
    }

    @Test func quietWithSARIFIsAUsageError() {
        let result = run(["check-policy", "-q", "--format", "sarif", "--policy", Self.path("examples/policies/weak.xml")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'--quiet' and '--format sarif' cannot be used together"))
    }

    /// An unset secret reaches the tool as an empty argument, as `Bearer ` with nothing after it, or as an empty
    /// standard input: one line that says so, for every command, quiet or not; never a report of skipped checks.
    @Test(arguments: [
        ("", ""), ("Bearer ", ""), ("Authorization: Bearer", ""), ("\"\"", ""), ("  \n", ""), ("-", ""), ("-", " \n\n"),
    ])
    func anEmptyTokenIsOneLineAndExitThree(_ argument: String, _ stdin: String) {
        for command in ["decode", "verify", "explain", "check-policy"] {
            let options: [String] = switch command {
            case "verify": Self.verifyOptions
            case "check-policy": Self.policyOptions
            default: []
            }
            for quiet in [false, true] {
                let result = run([command] + options + (quiet ? ["-q"] : []) + [argument], stdin: stdin)
                let name = "\(command) \(quiet ? "-q " : "")'\(argument)' with stdin '\(stdin)'"
                #expect(result.status == 3, "\(name): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(name)")
                #expect(result.stderr.hasPrefix("jwtaudit: error: no token ("), "\(name): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
                if argument == "-" {
                    #expect(result.stderr.contains("standard input"), "\(name): \(result.stderr)")
                } else {
                    #expect(result.stderr.contains("that variable is empty or unset"), "\(name): \(result.stderr)")
                }
            }
        }
    }

    @Test func anEmptyFileIsNamed() {
        let path = Support.tempDirectory + "/empty-token.txt"
        Support.writeFile(path, [])
        let result = run(["verify"] + Self.verifyOptions + [path])
        #expect(result.status == 3)
        #expect(result.stderr == "jwtaudit: error: no token ('\(path)' is empty)\n")
    }

    @Test func anEmptyBatchArgumentIsAUsageErrorThatSaysWhy() {
        let result = run(["verify", "--batch", ""] + Self.verifyOptions)
        #expect(result.status == 64)
        #expect(result.stderr.contains("an empty argument where a file of tokens was expected"))
    }

    @Test func aBatchWhoseKeysCannotBeObtainedSaysWhyWhenQuiet() throws {
        let token = try #require(Support.readFile("examples/tokens/secret-v1.jwt"))
        let result = run([
            "verify", "--batch", "-q", "--tenant", "3d6e366f-9587-413b-ab6b-0a851b1b91ba", "--audience", "x", "--offline",
            "--cache-dir", Support.tempDirectory + "/quiet-empty-cache",
        ], stdin: token)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys for 1 of 1 token (--offline: no cached"), "\(result.stderr)")
    }
}
