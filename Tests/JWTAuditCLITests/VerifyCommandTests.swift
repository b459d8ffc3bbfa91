#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `jwtaudit verify` on the shipped examples: exit codes, usage errors, text, JSON and quiet output.
@Suite("verify: exit codes, usage errors, output")
struct VerifyCommandTests {
    static let issuer = "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"
    static let audience = "https://myapi.dewi.red"
    static let at = ["--at", "2026-01-01T00:10:00Z"]

    static func path(_ relative: String) -> String { Support.packageRoot + "/" + relative }
    static var jwks: [String] { ["--jwks", path("examples/keys/jwks.json")] }
    static var expectations: [String] { ["--issuer", issuer, "--audience", audience] }

    func verify(_ token: String, _ extra: [String], stdin: [UInt8] = [], environment: [String: String] = [:]) -> Support.Result {
        Support.run(["verify", Self.path("examples/tokens/" + token)] + extra, stdin: stdin, environment: environment)
    }

    // MARK: Exit codes

    @Test func aCertificateTokenIsValid() {
        let result = verify("certificate-v1.jwt", Self.jwks + Self.expectations + ["--require-certificate"] + Self.at)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        // The answer first; the passed checks on one line, in order.
        #expect(result.stdout.hasPrefix("VALID: every check passed\n"))
        #expect(Support.unwrapped(result.stdout).contains("pass  format, claims, algorithm, key, signature, expiry, not-before, issued-at, issuer, audience, tenant, credential "))
        #expect(Support.unwrapped(result.stdout).contains("thumbprint zJodRfgOc31wRNKL7cRjnvSmhpakIr3evEvzNYjHXCA"))
        // No pointer to explain when there is nothing to explain.
        #expect(!result.stdout.contains("jwtaudit explain"))
    }

    @Test func aSecretTokenIsRejectedOnTheCredentialCheckWithExpectedAndActual() {
        let result = verify("secret-v1.jwt", Self.jwks + Self.expectations + ["--require-certificate"] + Self.at)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("REJECTED: 1 check failed (credential)\n\nChecks\n  fail  credential: the client authenticated with a client secret\n"))
        #expect(result.stdout.contains("\n        expected  certificate (appidacr = \"2\")\n        actual    secret (appidacr = \"1\")\n        fix       Add a certificate"))
        // The last line points to explain.
        #expect(Support.unwrapped(result.stdout).hasSuffix("'jwtaudit explain' with the same options tells what the token is and the cause of each failure."))
    }

    @Test func anExpiredTokenIsRejectedAndTheClockIsPrinted() {
        let result = verify("expired-v1.jwt", Self.jwks + Self.expectations + ["--at", "2026-01-01T02:00:00Z"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("  fail  expiry"))
        #expect(result.stdout.contains("judged at 2026-01-01T02:00:00Z, clock skew 0 s"))
        let skewed = verify("expired-v1.jwt", Self.jwks + Self.expectations + ["--at", "2026-01-01T01:00:30Z", "--clock-skew", "60"])
        #expect(skewed.status == 0, "\(skewed.stdout)")
    }

    @Test func notATokenExitsThreeWithTheFormatCheckFailed() {
        let result = Support.run(["verify", "not-a-token-at-all"] + Self.jwks + Self.expectations + ["--json"])
        #expect(result.status == 3)
        #expect(result.stdout.contains(#""id": "format",\#n      "status": "fail""#))
        #expect(result.stdout.contains(#""valid": false"#))
    }

    @Test func aMalformedKeyFileExitsThreeWithNothingOnStdout() throws {
        let directory = try TemporaryDirectory()
        try directory.write("bad.json", #"{"keys":[{"kty":"RSA","n":"!!"}"#)
        let result = verify("certificate-v1.jwt", ["--jwks", directory.path + "/bad.json"] + Self.expectations + Self.at)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: cannot use the keys ("))
    }

    @Test func aMissingKeyFileExitsThree() {
        let result = verify("certificate-v1.jwt", ["--key", "/nonexistent/key.pem"] + Self.expectations + Self.at)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("/nonexistent/key.pem"))
    }

    @Test func anOfflineCacheMissExitsTwoNamingTheURL() throws {
        let cache = try TemporaryDirectory()
        let result = verify(
            "certificate-v1.jwt",
            ["--jwks", "https://login.example.invalid/keys", "--offline", "--cache-dir", cache.path] + Self.expectations + Self.at)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: cannot obtain the keys ("))
        #expect(result.stderr.contains("https://login.example.invalid/keys"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    // MARK: Usage errors

    static let usageCases: [(String, [String], String)] = [
        ("no key source", ["--issuer", "i", "--audience", "a"], "no key source"),
        ("two key sources", ["--key", "k.pem", "--jwks", "j.json", "--issuer", "i", "--audience", "a"], "--key and --jwks are two key sources"),
        ("secret file and env", ["--secret-file", "s", "--secret-env", "S", "--issuer", "i", "--audience", "a"], "two key sources"),
        ("no audience", ["--key", "k.pem", "--issuer", "i"], "a token issued for another API would pass"),
        ("local keys, no issuer", ["--key", "k.pem", "--audience", "a"], "missing --issuer"),
        ("audience and any-audience", ["--key", "k.pem", "--any-issuer", "--audience", "a", "--any-audience"], "exclude each other"),
        ("require-claim without =", ["--key", "k.pem", "--any-issuer", "--any-audience", "--require-claim", "roles"], "expected NAME=VALUE"),
        ("require-claim without a name", ["--key", "k.pem", "--any-issuer", "--any-audience", "--require-claim", "=x"], "expected NAME=VALUE"),
        ("clock skew not a number", ["--key", "k.pem", "--any-issuer", "--any-audience", "--clock-skew", "5m"], "'--clock-skew'"),
        ("clock skew negative", ["--key", "k.pem", "--any-issuer", "--any-audience", "--clock-skew", "-1"], "'--clock-skew'"),
        ("jobs zero", ["--batch", "--key", "k.pem", "--any-issuer", "--any-audience", "--jobs", "0"], "'--jobs'"),
        ("jobs without batch", ["--key", "k.pem", "--any-issuer", "--any-audience", "--jobs", "2"], "--jobs applies to --batch only"),
        ("timeout not a number", ["--tenant", "common", "--any-audience", "--timeout", "ten"], "'--timeout'"),
        ("bad --at", ["--key", "k.pem", "--any-issuer", "--any-audience", "--at", "yesterday"], "'--at'"),
        ("quiet and json", ["--key", "k.pem", "--any-issuer", "--any-audience", "--quiet", "--json"], "'--quiet' and '--json' cannot be used together"),
        ("two tokens without --batch", ["a.jwt", "b.jwt", "--key", "k.pem", "--any-issuer", "--any-audience"], "unexpected argument 'b.jwt'"),
        ("a tenant that is no tenant", ["--tenant", "not a/tenant", "--any-audience"], "'--tenant'"),
        ("plain http key set", ["--jwks", "http://127.0.0.1:9/keys", "--any-issuer", "--any-audience"], "plain HTTP"),
        ("batch with a token argument", ["--batch", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "--key", "k.pem", "--any-issuer", "--any-audience"], "--batch reads tokens from files or standard input"),
    ]

    @Test(arguments: usageCases)
    func usageErrorsExit64WithTheUsageLine(_ name: String, _ arguments: [String], _ message: String) {
        let result = Support.run(["verify"] + arguments, stdin: Array("x".utf8))
        #expect(result.status == 64, "\(name)")
        #expect(result.stdout.isEmpty, "\(name)")
        #expect(result.stderr.hasPrefix("jwtaudit: error: "), "\(name): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
        #expect(result.stderr.contains("Usage: jwtaudit verify"), "\(name)")
        #expect(result.stderr.hasSuffix("See 'jwtaudit verify --help'.\n"), "\(name)")
    }

    @Test func usageErrorsArePrintedEvenWithQuiet() {
        let result = Support.run(["verify", "--quiet", "--key", "k.pem", "--any-issuer"], stdin: Array("x".utf8))
        #expect(result.status == 64)
        #expect(result.stderr.contains("--any-audience"))
    }

    // MARK: JSON, quiet, colour

    @Test func jsonHasTheDocumentedShape() throws {
        let result = verify("secret-v2.jwt", Self.jwks + ["--any-issuer", "--audience", "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77", "--require-certificate", "--json"] + Self.at)
        #expect(result.status == 1)
        let document = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(document.members.map(\.key) == ["valid", "checks", "credential", "key", "notes", "clockSkew", "at"])
        #expect(document["valid"] == .bool(false))
        let checks = try #require(document["checks"]?.arrayValue)
        let ids = checks.compactMap { $0.objectValue?["id"]?.stringValue }
        #expect(ids == CheckID.verifierChecks.map(\.rawValue))
        for check in checks {
            let object = try #require(check.objectValue)
            #expect(object.members.map(\.key) == ["id", "status", "expected", "actual", "detail"])
            #expect(["pass", "fail", "warn", "skip"].contains(object["status"]?.stringValue ?? ""))
        }
        let credential = try #require(document["credential"]?.objectValue)
        #expect(credential.members.map(\.key) == ["kind", "claim", "value", "tokenVersion", "notes"])
        #expect(credential["kind"] == .string("secret"))
        #expect(credential["claim"] == .string("azpacr"))
        let key = try #require(document["key"]?.objectValue)
        #expect(key.members.map(\.key) == ["kid", "summary", "thumbprint", "source"])
        #expect(key["kid"] == .string("9Wh64EM5eR56Me2_zr_PkWvJ2vQ"))
        #expect(key["thumbprint"] == .string("zJodRfgOc31wRNKL7cRjnvSmhpakIr3evEvzNYjHXCA"))
        let failed = checks.filter { $0.objectValue?["status"] == .string("fail") }
        #expect(failed.compactMap { $0.objectValue?["id"]?.stringValue } == ["credential"])
    }

    @Test func anUnverifiedTokenHasANullKey() throws {
        let result = verify("unknown-kid-v1.jwt", Self.jwks + Self.expectations + ["--json"] + Self.at)
        #expect(result.status == 1)
        let document = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(document["key"] == .null)
        #expect(document["valid"] == .bool(false))
    }

    @Test func anHMACKeyNeverShowsItsSecretNorItsThumbprint() throws {
        let secret = "an example shared secret of 32+ bytes, never printed"
        let token = try Self.hs256(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: #"{"iss":"me","aud":"you","exp":4102444800}"#, key: Array(secret.utf8))
        let environment = ["JWT_SECRET": secret]
        for extra in [["--json"], []] {
            let result = Support.run(
                ["verify", token, "--secret-env", "JWT_SECRET", "--issuer", "me", "--audience", "you"] + extra + Self.at,
                environment: environment)
            #expect(result.status == 0, "\(result.stdout)")
            #expect(!result.stdout.contains(secret))
            #expect(!result.stdout.contains(Base64URL.encode(Array(secret.utf8))))
            let thumbprint = Base64URL.encode(try OpenSSLCLI.sha256(Array(#"{"k":"\#(Base64URL.encode(Array(secret.utf8)))","kty":"oct"}"#.utf8)))
            #expect(!result.stdout.contains(thumbprint))
            #expect(result.stdout.contains("HMAC secret of \(secret.utf8.count) bytes"))
        }
    }

    @Test func quietDropsTheReportButNotWhyItFailed() {
        let valid = verify("certificate-v1.jwt", Self.jwks + Self.expectations + ["--quiet"] + Self.at)
        #expect(valid.status == 0)
        #expect(valid.stdout.isEmpty && valid.stderr.isEmpty)
        let rejected = verify("secret-v1.jwt", Self.jwks + Self.expectations + ["-q", "--require-certificate"] + Self.at)
        #expect(rejected.status == 1)
        #expect(rejected.stdout.isEmpty)
        #expect(rejected.stderr == "jwtaudit: rejected: credential\n")
        let missing = verify("certificate-v1.jwt", ["--key", "/nonexistent.pem", "-q"] + Self.expectations + Self.at)
        #expect(missing.status == 3)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.hasPrefix("jwtaudit: error: cannot use the keys ("), "\(missing.stderr)")
    }

    @Test func coloursFollowTheTerminalNoColorAndTheOption() {
        let arguments = ["verify", Self.path("examples/tokens/secret-v1.jwt")] + Self.jwks + Self.expectations + ["--require-certificate"] + Self.at
        let terminal = Support.run(arguments, stdoutIsTerminal: true)
        #expect(terminal.stdout.contains("\u{1B}[31mfail\u{1B}[0m"))
        let noColor = Support.run(arguments, stdoutIsTerminal: true, environment: ["NO_COLOR": "1"])
        #expect(!noColor.stdout.contains("\u{1B}["))
        #expect(noColor.stdout.contains("  fail  credential"))
        let forced = Support.run(arguments + ["--color", "always"], environment: ["NO_COLOR": "1"])
        #expect(forced.stdout.contains("\u{1B}[32mpass\u{1B}[0m"))
    }

    @Test func theTokenMayComeOnStandardInputAsABearerHeader() throws {
        let token = try #require(Support.readFile("examples/tokens/certificate-v1.jwt"))
        let result = Support.run(
            ["verify", "-"] + Self.jwks + Self.expectations + Self.at,
            stdin: Array("Authorization: Bearer \(token)".utf8))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func evaluateGivesTheReportWithoutPrinting() throws {
        let token = try #require(Support.readFile("examples/tokens/secret-v1.jwt"))
        let parsed = try #require({
            if case .run(_, let parsed) = try CommandLineParser.parse(["verify"] + Self.jwks + Self.expectations + ["--require-certificate"]) {
                return parsed
            }
            return nil
        }())
        let evaluation = try VerifyCommand.evaluate(
            configuration: try VerifyConfiguration.make(parsed, now: Support.now), environment: [:], tokenText: token)
        #expect(evaluation.report.failedChecks.map(\.name) == ["credential"])
        #expect(evaluation.exitStatus == .rejected)
        #expect(evaluation.at == Support.now)
    }

    // MARK: Helpers

    /// A compact HS256 JWS signed with `key`, computed by the openssl CLI (not by the code under test).
    static func hs256(header: String, payload: String, key: [UInt8]) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(try OpenSSLCLI.hmacSHA256(key: key, message: Array(input.utf8)))
    }
}

/// The openssl command-line tool, for values the code under test must not compute for itself.
enum OpenSSLCLI {
    static func hmacSHA256(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        Support.writeFile(directory.path + "/message", message)
        let hexKey = key.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let status = try Subprocess.run(
            ["sh", "-c", "openssl dgst -sha256 -mac HMAC -macopt hexkey:\(hexKey) -binary < '\(directory.path)/message' > '\(directory.path)/tag'"])
        guard status == 0, let tag = Support.readBytes(directory.path + "/tag"), tag.count == 32 else {
            throw Subprocess.Failure(description: "openssl dgst failed")
        }
        return tag
    }

    static func sha256(_ message: [UInt8]) throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        Support.writeFile(directory.path + "/message", message)
        let status = try Subprocess.run(
            ["sh", "-c", "openssl dgst -sha256 -binary < '\(directory.path)/message' > '\(directory.path)/digest'"])
        guard status == 0, let digest = Support.readBytes(directory.path + "/digest"), digest.count == 32 else {
            throw Subprocess.Failure(description: "openssl dgst failed")
        }
        return digest
    }

    /// Signs `message` with the PEM private key at `keyPath` (`-sha256`; with `rawECDSA`, converted to r||s).
    static func sign(keyPath: String, message: [UInt8], digest: String = "sha256") throws -> [UInt8] {
        let directory = try TemporaryDirectory()
        Support.writeFile(directory.path + "/message", message)
        let status = try Subprocess.run(
            ["openssl", "dgst", "-\(digest)", "-sign", keyPath, "-out", directory.path + "/signature", directory.path + "/message"])
        guard status == 0, let signature = Support.readBytes(directory.path + "/signature") else {
            throw Subprocess.Failure(description: "openssl dgst -sign failed")
        }
        return signature
    }

}
