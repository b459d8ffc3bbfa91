#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// Issue 13 item 11: a token signed with the wrong key, and so rejected, whose `kid`, `iss` and claims hold ESC
/// sequences, BEL, carriage returns, newlines, a C1 CSI, a bidirectional override and a fake "VALID: every check
/// passed" line. No text output (stdout or stderr) of any subcommand may carry one of those raw; the JSON output
/// keeps the exact values. Through the built binary.
@Suite("text output escapes what the token, the provider and the policy say")
struct TerminalInjectionTests {
    static let payloadText = "\u{1B}[32mx\u{07}\r\nVALID: every check passed\n\u{1B}]0;pwned\u{07}\u{202E}\u{9B}31m"
    static let issuer = VerifyCommandTests.issuer
    static let audience = VerifyCommandTests.audience

    /// RS256 over hostile header and claims, signed by the examples' *other* key: the signature fails.
    static func hostileToken() throws -> String {
        let header = JSONWriter.write(.object(JSONObject([
            ("alg", "RS256"), ("typ", "JWT"), ("kid", .string("k\u{1B}[2J" + payloadText)),
        ])), style: .compact)
        let payload = JSONWriter.write(.object(JSONObject([
            ("aud", .string(audience)), ("iss", .string(issuer + payloadText)), ("exp", .number(JSONNumber(4_102_444_800))),
            ("appid", .string(payloadText)), ("appidacr", .string("2" + payloadText)), ("ver", "1.0"),
            (payloadText, "a claim whose name is hostile"),
        ])), style: .compact)
        return try PolicyTest.sign(header: header, payload: payload, openssl: ["-sign", PolicyTest.otherKey])
    }

    /// Control characters a terminal acts on: everything below space but the layout's own newline, DEL, C1, and
    /// the bidirectional controls.
    static func rawControls(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            scalar != "\n" && TerminalText.isUnsafe(scalar)
        }
    }

    /// jwtaudit's own colours (`TextStyle`): taken out before looking for raw controls, with the token's own
    /// sequences (which would look alike) looked for first.
    static let ownColours = ["\u{1B}[0m", "\u{1B}[1m", "\u{1B}[2m", "\u{1B}[31m", "\u{1B}[32m", "\u{1B}[33m", "\u{1B}[36m"]

    func expectSafe(_ result: Support.Result, _ what: String) {
        for injected in ["\u{1B}[32mx", "\u{1B}[2J", "\u{1B}]0;"] {
            #expect(!result.stdout.contains(injected) && !result.stderr.contains(injected), "\(what): the token's own sequence")
        }
        var stdout = result.stdout
        for colour in Self.ownColours { stdout = stdout.replacing(colour, with: "") }
        #expect(Self.rawControls(stdout).isEmpty, "\(what): raw control characters on stdout")
        #expect(Self.rawControls(result.stderr).isEmpty, "\(what): raw control characters on stderr")
        let lines = (result.stdout + result.stderr).split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("VALID") }, "\(what): the token printed its own verdict line")
    }

    @Test func everySubcommandEscapesTheTokensText() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let directory = try TemporaryDirectory()
        try directory.write("hostile.jwt", try Self.hostileToken())
        let token = directory.path + "/hostile.jwt"
        let keys = ["--jwks", VerifyCommandTests.path("examples/keys/jwks.json"), "--issuer", Self.issuer, "--audience", Self.audience]
        let policy = ["--policy", PolicyTest.example("policies/certificate-only-v1.xml")] + PolicyTest.offline
        let runs: [(String, [String], Int32)] = [
            ("decode", ["decode", token], 0),
            ("verify", ["verify", token] + keys + VerifyCommandTests.at, 1),
            ("check-policy", ["check-policy"] + policy + [token], 1),
            ("explain", ["explain", token] + VerifyCommandTests.at, 0),
            ("explain (verify)", ["explain", token] + keys + VerifyCommandTests.at, 1),
            ("explain (policy)", ["explain"] + policy + [token], 1),
        ]
        for (what, arguments, status) in runs {
            for colour in ["never", "always"] {
                let result = Support.spawn(Support.binaryPath, arguments + ["--color", colour])
                #expect(result.status == status, "\(what): \(result.stderr)")
                expectSafe(result, "\(what) --color \(colour)")
                #expect(result.stdout.contains(#"\u001b[32mx\u0007\r\nVALID"#), "\(what): the value is shown, escaped")
                if colour == "always" {
                    #expect(result.stdout.contains("\u{1B}[1m"), "\(what): jwtaudit's own colours are not escaped")
                }
            }
        }
    }

    @Test func jsonKeepsTheExactValues() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let token = try Self.hostileToken()
        let decode = Support.spawn(Support.binaryPath, ["decode", token, "--json"])
        #expect(decode.status == 0)
        let claims = try #require(try JSONParser.parse(decode.stdout).objectValue?["claims"]?.objectValue)
        #expect(claims["appid"] == .string(Self.payloadText))
        let verify = Support.spawn(Support.binaryPath, [
            "verify", token, "--jwks", VerifyCommandTests.path("examples/keys/jwks.json"), "--issuer", Self.issuer,
            "--audience", Self.audience, "--json",
        ] + VerifyCommandTests.at)
        #expect(verify.status == 1)
        let checks = try #require(try JSONParser.parse(verify.stdout).objectValue?["checks"]?.arrayValue)
        let issuerCheck = try #require(checks.compactMap(\.objectValue).first { $0["id"] == .string("issuer") })
        #expect(issuerCheck["actual"] == .string(Self.issuer + Self.payloadText))
    }

    @Test func errorMessagesEscapeWhatTheyQuote() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let result = Support.spawn(Support.binaryPath, ["decode", "eyJhbGciOiJub25lIn0.\u{1B}]0;pwned\u{07}.x"])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        expectSafe(result, "decode error")
        #expect(result.stderr.hasPrefix("jwtaudit: error: "))
        let usage = Support.spawn(Support.binaryPath, ["decode", "--\u{1B}[31mbogus"])
        #expect(usage.status == 64)
        expectSafe(usage, "usage error")
        #expect(usage.stderr.contains(#"--\u001b[31mbogus"#), "\(usage.stderr)")
    }

    @Test func theEscapingShowsEveryControlVisiblyAndKeepsOtherText() {
        #expect(TerminalText.escaped("plain ASCII, été, 東京, 🙂") == "plain ASCII, été, 東京, 🙂")
        #expect(TerminalText.escaped("a\nb\rc\td\u{1B}[0m\u{07}\u{7F}\u{9B}\u{202E}\u{2066}\u{2028}")
            == #"a\nb\rc\td\u001b[0m\u0007\u007f\u009b\u202e\u2066\u2028"#)
    }
}
