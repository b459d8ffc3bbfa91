#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `check-policy --batch` (issue 20): a dry run of the seed policy over examples/traffic/gateway.log, a month of
/// requests from several callers (v1.0 and v2.0; certificate, secret and public client; three lines that hold no
/// token), through the built binary. Its verdicts must be the ones single `check-policy` runs give, line by line,
/// and its `--summary` must count them exactly.
@Suite("check-policy --batch: a dry run over traffic equals single runs")
struct PolicyDryRunTests {
    static let policy = ["--policy", VerifyCommandTests.path("examples/policies/certificate-only-v1.xml"), "--offline",
                         "--cache-dir", VerifyCommandTests.path("examples/cache")]
    static let traffic = VerifyCommandTests.path("examples/traffic/gateway.log")

    static var lines: [String] {
        (Support.readFile("examples/traffic/gateway.log") ?? "").split(separator: "\n").map(String.init)
    }

    func run(_ arguments: [String], stdin: String = "") throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments, stdin: Array(stdin.utf8))
    }

    func objects(_ stdout: String) throws -> [JSONObject] {
        try stdout.split(separator: "\n").map { try #require(try JSONParser.parse(String($0)).objectValue) }
    }

    @Test(arguments: [["--at", "iat"], ["--at", "2026-01-01T00:00:00Z"]])
    func everyLineGetsTheVerdictOfASingleRun(_ at: [String]) throws {
        let batch = try run(["check-policy", "--batch", "--jobs", "2"] + Self.policy + at + [Self.traffic])
        let verdicts = try objects(batch.stdout)
        try #require(verdicts.count == Self.lines.count, "\(batch.stdout)\n\(batch.stderr)")
        for (index, line) in Self.lines.enumerated() {
            let verdict = verdicts[index]
            #expect(verdict["line"]?.numberValue?.text == String(index + 1))
            let single = try run(["check-policy", "--json"] + Self.policy + at + [line])
            if let error = verdict["error"]?.stringValue {
                // A line with no token: the single run cannot read one either, and says the same.
                #expect(single.status == 3, "line \(index + 1): \(single.stderr)")
                #expect(single.stdout.isEmpty)
                #expect(single.stderr.contains(TerminalText.escaped(error)), "line \(index + 1): \(single.stderr) vs \(error)")
                #expect(verdict["accepted"] == .bool(false) && verdict["statusCode"] == .null && verdict["client"] == .null)
                continue
            }
            let document = try #require(try JSONParser.parse(single.stdout).objectValue, "line \(index + 1): \(single.stderr)")
            for member in ["accepted", "statusCode", "lastError"] {
                #expect(verdict[member] == document[member], "line \(index + 1), \(member)")
            }
            #expect(single.status == (verdict["accepted"] == .bool(true) ? 0 : 1))
            if at == ["--at", "iat"] {
                #expect(verdict["at"] == document["at"] && document["atFrom"] == .string("iat"), "line \(index + 1)")
            } else {
                #expect(verdict["at"] == nil)
            }
        }
        #expect(batch.status == 1)
        #expect(batch.stderr.hasPrefix("jwtaudit: 18 lines: "), "\(batch.stderr)")
    }

    @Test func theSummaryCountsEachCallerExactly() throws {
        let options = ["--at", "iat", Self.traffic]
        let lines = try objects(try run(["check-policy", "--batch"] + Self.policy + options).stdout)
        let summary = try run(["check-policy", "--batch", "--summary", "--json"] + Self.policy + options)
        #expect(summary.status == 1)
        #expect(summary.stderr.isEmpty, "\(summary.stderr)")
        let document = try #require(try JSONParser.parse(summary.stdout).objectValue)
        let groups = (document["groups"]?.arrayValue ?? []).compactMap { $0.objectValue }
        // Recount from the lines: who sent each, admitted or not, and why.
        var expected: [String: (tokens: Int, admitted: Int, reasons: [String: Int])] = [:]
        for line in lines {
            let malformed = line["error"] != nil && line["client"] == .null
            let key = ["tenant", "client", "tokenVersion"].map { line[$0]?.stringValue ?? "-" }.joined(separator: " ")
                + " " + (malformed ? "malformed" : line["credential"]?.stringValue ?? "-")
            var entry = expected[key] ?? (0, 0, [:])
            entry.tokens += 1
            if line["accepted"] == .bool(true) { entry.admitted += 1 }
            if let reason = line["lastError"]?.objectValue?["reason"]?.stringValue {
                entry.reasons[reason, default: 0] += 1
            } else if malformed {
                entry.reasons["malformed", default: 0] += 1
            }
            expected[key] = entry
        }
        #expect(groups.count == expected.count)
        for group in groups {
            let key = ["tenant", "client", "tokenVersion", "credential"].map { group[$0]?.stringValue ?? "-" }.joined(separator: " ")
            let entry = try #require(expected[key], "\(key)")
            #expect(group["tokens"]?.numberValue?.text == String(entry.tokens), "\(key)")
            #expect(group["admitted"]?.numberValue?.text == String(entry.admitted), "\(key)")
            #expect(group["refused"]?.numberValue?.text == String(entry.tokens - entry.admitted), "\(key)")
            let reasons = try #require(group["reasons"]?.objectValue)
            #expect(reasons.members.count == entry.reasons.count, "\(key)")
            for (reason, count) in entry.reasons { #expect(reasons[reason]?.numberValue?.text == String(count), "\(key) \(reason)") }
        }
        // The callers that would break come first; the lines with no token last.
        let refused = groups.map { Int($0["refused"]?.numberValue?.text ?? "") ?? -1 }
        #expect(Array(refused.dropLast()) == refused.dropLast().sorted(by: >))
        #expect(groups.last?["credential"] == .string("malformed") && groups.last?["tokens"]?.numberValue?.text == "3")
        let totals = try #require(document["totals"]?.objectValue)
        #expect(totals["lines"]?.numberValue?.text == "18" && totals["malformed"]?.numberValue?.text == "3")
        #expect(totals["admitted"]?.numberValue?.text == String(lines.filter { $0["accepted"] == .bool(true) }.count))
    }

    @Test func atIatAdmitsLastMonthsCertificateTokenThatNowHasExpired() throws {
        let line = try #require(Self.lines.first)  // the orders service, with its certificate, on 2025-12-01
        let then = try run(["check-policy", "--json"] + Self.policy + ["--at", "iat", line])
        #expect(then.status == 0, "\(then.stderr)")
        let admitted = try #require(try JSONParser.parse(then.stdout).objectValue)
        #expect(admitted["accepted"] == .bool(true) && admitted["at"] == .string("2025-12-01T08:00:00Z"))
        let now = try run(["check-policy", "--json"] + Self.policy + ["--at", "2026-01-15T00:00:00Z", line])
        #expect(now.status == 1)
        let refused = try #require(try JSONParser.parse(now.stdout).objectValue)
        #expect(refused["lastError"]?.objectValue?["reason"] == .string("TokenExpired"))
        // The text report says how it was judged.
        let text = try run(["check-policy"] + Self.policy + ["--at", "iat", line])
        #expect(Support.unwrapped(text.stdout).contains("its iat, 2025-12-01T08:00:00Z (--at iat: an expiry since then"), "\(text.stdout)")
    }

    /// A token without iat has no instant of its own under --at iat: one token is bad input, a batch line is refused
    /// with the reason, and the run goes on.
    @Test func aTokenWithoutIatIsRefusedSayingSo() throws {
        let token = Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)) + "."
            + Base64URL.encode(Array(#"{"aud":"https://myapi.dewi.red","appid":"x","appidacr":"2","ver":"1.0"}"#.utf8)) + ".c2ln"
        let single = try run(["check-policy"] + Self.policy + ["--at", "iat", token])
        #expect(single.status == 3 && single.stdout.isEmpty)
        #expect(single.stderr.contains("cannot judge the token as of its iat (--at iat cannot judge this token as of its issue time: the token has no iat claim"), "\(single.stderr)")
        let batch = try run(["check-policy", "--batch"] + Self.policy + ["--at", "iat"], stdin: token + "\n" + Self.lines[0] + "\n")
        let verdicts = try objects(batch.stdout)
        try #require(verdicts.count == 2)
        #expect(verdicts[0]["accepted"] == .bool(false) && verdicts[0]["statusCode"] == .null)
        #expect(verdicts[0]["error"]?.stringValue?.contains("the token has no iat claim") == true)
        #expect(verdicts[1]["accepted"] == .bool(true))
        #expect(batch.status == 1)
        for command in [["decode"], ["verify", "--jwks", VerifyCommandTests.path("examples/keys/jwks.json"), "--any-issuer", "--any-audience"]] {
            let result = try run(command + ["--at", "iat", token])
            #expect(result.status == 3 && result.stderr.contains("the token has no iat claim"), "\(command): \(result.stderr)")
        }
    }

    @Test func noLineWithATokenIsBadInputAndSummaryNeedsBatch() throws {
        let none = try run(["check-policy", "--batch"] + Self.policy, stdin: "GET /health -\nhello\n")
        #expect(none.status == 3)
        #expect(none.stderr.contains("jwtaudit: error: no tokens in the input (none of its 2 lines held one)"), "\(none.stderr)")
        let summary = try run(["check-policy", "--summary"] + Self.policy + [Self.lines[0]])
        #expect(summary.status == 64 && summary.stderr.contains("--summary summarizes a --batch run"))
        let jobs = try run(["decode", "--jobs", "2", Self.lines[0]])
        #expect(jobs.status == 64 && jobs.stderr.contains("--jobs applies to --batch only"))
    }

    /// A gateway log line whose Authorization header carries Basic credentials holds no token: batch and single
    /// runs say which scheme it uses, not that a token was altered by the spaces of the log line around it.
    @Test func aLogLineWithBasicCredentialsSaysItsSchemeIsNotBearer() throws {
        let line = try #require(Self.lines.first { $0.contains("Authorization: Basic ") })
        let said = "the Authorization header uses the Basic scheme, not Bearer: no JWT found"
        let batch = try run(["check-policy", "--batch"] + Self.policy, stdin: line + "\n" + Self.lines[0] + "\n")
        let verdicts = try objects(batch.stdout)
        try #require(verdicts.count == 2, "\(batch.stderr)")
        #expect(verdicts[0]["error"] == .string(said) && verdicts[0]["statusCode"] == .null)
        #expect(verdicts[1]["error"] == nil)
        for command in [["check-policy"] + Self.policy, ["decode"]] {
            let single = try run(command + [line])
            #expect(single.status == 3 && single.stdout.isEmpty)
            #expect(single.stderr.contains("(\(said))") && !single.stderr.contains("altered"), "\(command): \(single.stderr)")
        }
    }

    /// Bytes that are not text (random binary in a log, a NUL) are "not text" in every batch, as the same bytes
    /// given alone are: never decoded with replacement characters into something a later stage judges as a token
    /// (check-policy --batch once answered such a line with the gateway's 401 JwtInvalid). The class: invalid
    /// UTF-8 anywhere, and NUL bytes.
    @Test(arguments: [[UInt8](Array("ab.".utf8) + [0xFF, 0xFE] + Array("cd.ef".utf8)), [UInt8](Array("ab.c".utf8) + [0] + Array("d.ef".utf8))])
    func aLineThatIsNotTextIsNotATokenInAnyBatch(_ bad: [UInt8]) throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let input = bad + [0x0A] + Array(Self.lines[0].utf8) + [0x0A]
        let verify = ["verify", "--batch", "--key", VerifyCommandTests.path("examples/keys/tenant-signing-public.pem"), "--any-issuer",
                      "--any-audience"]
        for command in [["check-policy", "--batch"] + Self.policy, ["decode", "--batch"], verify] {
            let batch = Support.spawn(Support.binaryPath, command, stdin: input)
            let verdicts = try objects(batch.stdout)
            try #require(verdicts.count == 2, "\(command): \(batch.stderr)")
            guard case .string(let said)? = verdicts[0]["error"] ?? verdicts[0]["reason"] else {
                Issue.record("\(command): line 1 says why it is not a token: \(batch.stdout)")
                continue
            }
            #expect(said.hasPrefix("the line is not text: "), "\(command): \(said)")
            #expect(verdicts[0]["statusCode"] == nil || verdicts[0]["statusCode"] == .null, "\(command): \(batch.stdout)")
            let single = Support.spawn(Support.binaryPath, command.filter { $0 != "--batch" } + ["-"], stdin: bad)
            #expect(single.status == 3 && single.stdout.isEmpty, "\(command): \(single.stderr)")
            #expect(single.stderr.contains("standard input is not text: "), "\(command): \(single.stderr)")
        }
    }
}
