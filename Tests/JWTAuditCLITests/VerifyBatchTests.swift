#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `verify --batch` through the built binary: order, malformed and blank lines, the summary, exit codes, a closed
/// standard output and SIGINT.
@Suite("verify --batch end to end")
struct VerifyBatchTests {
    static var keyArguments: [String] {
        ["--jwks", VerifyCommandTests.path("examples/keys/jwks.json"), "--issuer", VerifyCommandTests.issuer,
         "--audience", VerifyCommandTests.audience, "--require-certificate", "--at", "2026-01-01T02:00:00Z"]
    }

    /// Who an example token is, as a batch line says it after `credential`: its client, version, audience,
    /// expiry and kid.
    static func identity(exp: Int = 4_102_444_800) -> String {
        #","client":"1105ae9f-6be2-42a2-9439-7a17934226ac","tokenVersion":"1.0","aud":"https://myapi.dewi.red","exp":\#(exp),"kid":"9Wh64EM5eR56Me2_zr_PkWvJ2vQ""#
    }
    /// A line that is not a token: no identity at all.
    static let noIdentity = #","client":null,"tokenVersion":null,"aud":null,"exp":null,"kid":null"#
    static let secretReason = #""credential":"the client authenticated with a client secret (expected certificate (appidacr = \"2\"); found secret (appidacr = \"1\"))""#
    static let validCertificate = #"{"line":1,"valid":true,"failed":[],"credential":"certificate""# + identity() + #","reasons":{}}"#

    static func token(_ name: String) throws -> String {
        let text = try #require(Support.readFile("examples/tokens/" + name))
        return text.trimmingWhitespace
    }

    func run(_ input: String, _ extra: [String] = []) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, ["verify", "--batch"] + Self.keyArguments + extra, stdin: Array(input.utf8))
    }

    /// A mixed input of `count` tokens: certificate (valid), secret (credential), expired (expiry, credential).
    static func mixedInput(count: Int) throws -> (text: String, valid: [Bool]) {
        let names = ["certificate-v1.jwt", "secret-v1.jwt", "expired-v1.jwt", "managed-identity-v1.jwt"]
        let tokens = try names.map(token)
        var lines: [String] = []
        var valid: [Bool] = []
        for index in 0..<count {
            let pick = (index * 7 + index / 3) % names.count
            lines.append(tokens[pick])
            valid.append(pick == 0 || pick == 3)
        }
        return (lines.joined(separator: "\n") + "\n", valid)
    }

    @Test(arguments: [1, 4])
    func outputKeepsInputOrder(jobs: Int) throws {
        let (input, valid) = try Self.mixedInput(count: 700)
        let result = try run(input, ["--jobs", String(jobs)])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 700)
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONParser.parse(line).objectValue)
            #expect(object["line"]?.numberValue?.text == String(index + 1), "line \(index + 1): \(line)")
            #expect(object["valid"] == .bool(valid[index]), "line \(index + 1): \(line)")
        }
        #expect(result.stderr.contains("jwtaudit: 700 tokens: \(valid.filter { $0 }.count) valid, \(valid.filter { !$0 }.count) rejected, 0 malformed"))
    }

    @Test func malformedAndBlankLinesAndTheSummary() throws {
        let certificate = try Self.token("certificate-v1.jwt")
        let secret = try Self.token("secret-v1.jwt")
        let expired = try Self.token("expired-v1.jwt")
        let input = [certificate, "", "   ", "not a token", secret, expired, "\r"].joined(separator: "\n") + "\n"
        let result = try run(input)
        #expect(result.status == 1)
        let noJWT = "no JWT (eyJ...) found: paste the token alone; a JWT is base64url segments separated by dots, header.payload.signature, its header starting with eyJ"
        #expect(result.stdout == [
            Self.validCertificate,
            #"{"line":4,"valid":false,"failed":["format"],"credential":"unknown""# + Self.noIdentity
                + #","reasons":{"format":"\#(noJWT)"},"error":"\#(noJWT)"}"#,
            #"{"line":5,"valid":false,"failed":["credential"],"credential":"secret""# + Self.identity() + #","reasons":{"# + Self.secretReason + "}}",
            #"{"line":6,"valid":false,"failed":["expiry","credential"],"credential":"secret""# + Self.identity(exp: 1_767_229_200)
                + #","reasons":{"expiry":"expired 1 h ago (expected not after 2026-01-01T01:00:00Z (clock skew 0 s); found now 2026-01-01T02:00:00Z)","#
                + Self.secretReason + "}}",
        ].joined(separator: "\n") + "\n", "\(result.stdout)")
        #expect(result.stderr == """
            jwtaudit: 4 tokens: 1 valid, 2 rejected, 1 malformed
            jwtaudit: failed checks: credential 2, expiry 1, format 1

            """)
    }

    /// Each line answers "who?": the client (azp in a v2.0 token), the version, the audience, the expiry and the
    /// kid, read from the token; and why each failed check failed.
    @Test func eachLineSaysWhoTheTokenIsAndWhyItFailed() throws {
        let result = Support.spawn(Support.binaryPath, [
            "verify", "--batch", "--jwks", VerifyCommandTests.path("examples/keys/jwks.json"), "--any-issuer",
            "--audience", "api://other", "--at", "2026-01-01T02:00:00Z",
        ], stdin: Array((try Self.token("certificate-v2.jwt") + "\n").utf8))
        #expect(result.status == 1)
        let line = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(line.keys == ["line", "valid", "failed", "credential", "client", "tokenVersion", "aud", "exp", "kid", "reasons"])
        #expect(line["client"] == "1105ae9f-6be2-42a2-9439-7a17934226ac" && line["tokenVersion"] == "2.0")
        #expect(line["aud"] == "c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77" && line["exp"]?.numberValue?.text == "4102444800")
        #expect(line["kid"] == "9Wh64EM5eR56Me2_zr_PkWvJ2vQ")
        #expect(line["failed"] == .array(["audience"]))
        #expect(line["reasons"]?.objectValue?["audience"] == "the token is meant for another audience (expected api://other; found c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77)")
    }

    @Test func aLineOverTheLimitIsReportedAndTheRunGoesOn() throws {
        let certificate = try Self.token("certificate-v1.jwt")
        let huge = String(repeating: "A", count: 300_000)
        let result = try run([huge, certificate].joined(separator: "\n"))
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0].contains(#""line":1,"valid":false"#))
        #expect(lines[0].contains("over the 262144-byte limit"))
        #expect(lines[1] == Self.validCertificate.replacing(#""line":1"#, with: #""line":2"#))
    }

    @Test func everyTokenValidExitsZeroAndFilesAreReadInOrder() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", try Self.token("certificate-v1.jwt") + "\n")
        try directory.write("b.txt", try Self.token("managed-identity-v1.jwt") + "\n\n")
        let result = Support.spawn(
            Support.binaryPath, ["verify", "--batch", directory.path + "/a.txt", directory.path + "/b.txt"] + Self.keyArguments)
        #expect(result.status == 0, "\(result.stderr)")
        // Line numbers run on across the files, as if they were concatenated.
        #expect(result.stdout == """
            \(Self.validCertificate)
            {"line":2,"valid":true,"failed":[],"credential":"certificate"\(Self.identity()),"reasons":{}}

            """)
        #expect(result.stderr == "jwtaudit: 2 tokens: 2 valid, 0 rejected, 0 malformed\n")
    }

    @Test func anInputWithoutTokensExitsThree() throws {
        let result = try run("\n  \n\n")
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no tokens in the input"))
    }

    @Test func aMissingInputFileExitsThree() throws {
        let result = Support.spawn(Support.binaryPath, ["verify", "--batch", "/nonexistent/tokens.txt"] + Self.keyArguments)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("/nonexistent/tokens.txt"))
    }

    @Test func quietPrintsOnlyOneLineNamingTheRejections() throws {
        let result = try run(try Self.token("secret-v1.jwt") + "\n" + (try Self.token("certificate-v1.jwt")) + "\n", ["--quiet"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "jwtaudit: rejected: 1 of 2 tokens (credential 1)\n")
        let valid = try run(try Self.token("certificate-v1.jwt") + "\n", ["--quiet"])
        #expect(valid.status == 0 && valid.stdout.isEmpty && valid.stderr.isEmpty)
    }

    @Test func aClosedStandardOutputEndsTheRunQuietlyWithSuccess() throws {
        let (input, _) = try Self.mixedInput(count: 5000)
        let directory = try TemporaryDirectory()
        try directory.write("tokens.txt", input)
        let command = ([Support.binaryPath, "verify", "--batch"] + Self.keyArguments).map { "'\($0)'" }.joined(separator: " ")
        let result = Support.spawn(
            "/bin/bash", ["-c", "set -o pipefail; \(command) < '\(directory.path)/tokens.txt' | head -n 1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stderr.isEmpty)
    }

    @Test func sigintPrintsTheSummarySoFarAndExits130() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let directory = try TemporaryDirectory()
        let child = try Subprocess.start(
            [Support.binaryPath, "verify", "--batch", "--jobs", "1"] + Self.keyArguments, stderrPath: directory.path + "/stderr")
        let certificate = try Self.token("certificate-v1.jwt")
        // One chunk (128 lines with one job) is verified and written while standard input stays open.
        let chunk = Array(String(repeating: certificate + "\n", count: 128).utf8)
        var written = 0
        while written < chunk.count {
            let count = chunk[written...].withUnsafeBytes { Glibc.write(child.stdinFD, $0.baseAddress, $0.count) }
            try #require(count > 0)
            written += count
        }
        var lines = 0
        while lines < 128, child.readLine(timeoutMilliseconds: 60_000) != nil { lines += 1 }
        #expect(lines == 128)
        kill(child.pid, SIGINT)
        // Never hang the suite: if the child has not stopped within 30 s, kill it (and fail below).
        var waited = 0
        var raw: Int32 = 0
        while waitpid(child.pid, &raw, WNOHANG) == 0 && waited < 300 {
            usleep(100_000)
            waited += 1
        }
        if waited == 300 { kill(child.pid, SIGKILL) }
        let status = waited == 300 ? child.wait() : ((raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f))
        close(child.stdinFD)
        close(child.stdoutFD)
        #expect(status == 130)
        let stderr = directory.read("stderr") ?? ""
        #expect(stderr.contains("jwtaudit: 128 tokens: 128 valid, 0 rejected, 0 malformed"), "\(stderr)")
        #expect(stderr.contains("interrupted"))
    }
}

extension String {
    var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
