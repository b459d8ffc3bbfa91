import Testing
@testable import JWTAuditCLI
import JWTAuditCore

@Suite("decode output")
struct DecodeOutputTests {
    static func example(_ name: String) throws -> String {
        try #require(Support.readFile("examples/tokens/" + name), "examples/tokens/\(name) is missing")
    }

    static func json(_ arguments: [String], stdin: [UInt8] = []) throws -> JSONObject {
        let result = Support.run(["decode", "--json"] + arguments, stdin: stdin)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONParser.parse(result.stdout).objectValue)
    }

    @Test func jsonHasDesignsShapeInOrder() throws {
        let out = try Self.json([try Self.example("secret-v1.jwt")])
        #expect(out.keys == ["header", "claims", "signature", "credential", "binding", "times", "findings"])
        #expect(out["credential"]?.objectValue?.keys == ["kind", "claim", "value", "tokenVersion", "notes"])
        #expect(out["findings"]?.arrayValue?.first?.objectValue?.keys == ["id", "severity", "message"])
        #expect(out["signature"]?.objectValue?["verified"] == .bool(false))
        #expect(out["signature"]?.objectValue?["bytes"] == .number(JSONNumber(256)))
    }

    @Test func headerAndClaimsKeepTheTokensOrderAndExactValues() throws {
        let header = #"{"zeta":1,"alg":"RS256","kid":"k\u00e9","typ":"JWT"}"#
        let payload = #"{"z":1.50e9,"exp":1.0E10,"a":[1,2.50,"x"],"n":null,"u":"\ud83d\ude00","iat":1767225600.0}"#
        let token = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + ".c2ln"
        let out = try Self.json([token])
        #expect(out["header"] == .object(try #require(try JSONParser.parse(header).objectValue)))
        #expect(out["claims"] == .object(try #require(try JSONParser.parse(payload).objectValue)))
        let text = Support.run(["decode", "--json", token]).stdout
        #expect(text.contains(#""z": 1.50e9"#))
        #expect(text.contains(#""exp": 1.0E10"#))
        #expect(text.contains(#""iat": 1767225600.0"#))
        #expect(out["times"]?.objectValue?["exp"]?.objectValue?["value"] == .number(JSONNumber(text: "1.0E10")))
    }

    @Test(arguments: [
        ("certificate-v1.jwt", "certificate", "appidacr", "2", "1.0"),
        ("secret-v1.jwt", "secret", "appidacr", "1", "1.0"),
        ("public-client-v1.jwt", "public-client", "appidacr", "0", "1.0"),
        ("certificate-v2.jwt", "certificate", "azpacr", "2", "2.0"),
        ("secret-v2.jwt", "secret", "azpacr", "1", "2.0"),
        ("public-client-v2.jwt", "public-client", "azpacr", "0", "2.0"),
        ("managed-identity-v1.jwt", "certificate", "appidacr", "2", "1.0"),
        ("id-token-v2.jwt", "unknown", nil, nil, "2.0"),
    ] as [(String, String, String?, String?, String)])
    func credentialInJSON(_ file: String, _ kind: String, _ claim: String?, _ value: String?, _ version: String) throws {
        let credential = try #require(try Self.json(["examples/tokens/" + file])["credential"]?.objectValue)
        #expect(credential["kind"] == .string(kind), "examples/tokens/\(file)")
        #expect(credential["claim"] == (claim.map(JSONValue.string) ?? .null), "examples/tokens/\(file)")
        #expect(credential["value"] == (value.map(JSONValue.string) ?? .null), "examples/tokens/\(file)")
        #expect(credential["tokenVersion"] == .string(version), "examples/tokens/\(file)")
    }

    @Test func atMovesTheClock() throws {
        let path = "examples/tokens/expired-v1.jwt"
        let before = try Self.json(["--at", "2026-01-01T00:30:00Z", path])
        let after = try Self.json(["--at", "1767240000", path])
        let ids = { (o: JSONObject) in o["findings"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [] }
        #expect(!ids(before).contains("expired"))
        #expect(ids(after).contains("expired"))
        #expect(after["times"]?.objectValue?["exp"]?.objectValue?["relative"] == .string("expired 3 h ago"))
    }

    @Test func textShowsSectionsTimesAndTheVerdict() throws {
        let result = Support.run(["decode", "--at", "2026-01-01T00:18:00Z", "examples/tokens/expired-v1.jwt"])
        #expect(result.status == 0)
        for expected in [
            "Header\n", "Claims\n", "Signature\n", "Summary\n", "2026-01-01T01:00:00Z (in 42 min)",
            "credential  client secret (appidacr \"1\", token version 1.0)", "decode does not verify the signature",
            "key id     9Wh64EM5eR56Me2_zr_PkWvJ2vQ",
        ] {
            #expect(result.stdout.contains(expected), "text output lacks \(expected)")
        }
        #expect(result.stderr.isEmpty)
    }

    @Test func jweShowsItsProtectedHeader() throws {
        let header = Base64URL.encode(Array(#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc1"}"#.utf8))
        let result = Support.run(["decode", "\(header).YQ.YQ.YQ.YQ"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Header (JWE, protected)"))
        #expect(result.stdout.contains("the payload is encrypted"))
    }

    /// (stdout is a terminal, NO_COLOR, --color, expect colour)
    @Test(arguments: [
        (true, nil, nil, true), (false, nil, nil, false), (true, "1", nil, false), (true, "", nil, true),
        (false, nil, "always", true), (true, nil, "never", false), (true, "1", "always", true),
        (true, nil, "auto", true), (false, nil, "auto", false),
    ] as [(Bool, String?, String?, Bool)])
    func colourRules(_ terminal: Bool, _ noColor: String?, _ choice: String?, _ coloured: Bool) throws {
        var arguments = ["decode", "examples/tokens/secret-v1.jwt"]
        if let choice { arguments += ["--color", choice] }
        var environment: [String: String] = [:]
        if let noColor { environment["NO_COLOR"] = noColor }
        let result = Support.run(arguments, stdoutIsTerminal: terminal, environment: environment)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\u{1B}[") == coloured, "terminal \(terminal), NO_COLOR \(noColor ?? "unset"), --color \(choice ?? "unset")")
    }

    @Test func jsonIsNeverColoured() {
        let result = Support.run(["decode", "--json", "--color", "always", "examples/tokens/secret-v1.jwt"], stdoutIsTerminal: true)
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test func inputForms() throws {
        let token = try Self.example("secret-v2.jwt").split(separator: "\n")[0]
        let forms: [(String, [String], [UInt8])] = [
            ("argument", [String(token)], []),
            ("@FILE", ["@" + Support.packageRoot + "/examples/tokens/secret-v2.jwt"], []),
            ("FILE", [Support.packageRoot + "/examples/tokens/secret-v2.jwt"], []),
            ("- (stdin)", ["-"], Array(token.utf8)),
            ("no argument, stdin not a terminal", [], Array("Authorization: Bearer \(token)\n".utf8)),
            ("token response on stdin", ["-"], Array(#"{"access_token":"\#(token)","token_type":"Bearer"}"#.utf8)),
        ]
        for (name, arguments, stdin) in forms {
            let result = Support.run(["decode", "--json"] + arguments, stdin: stdin)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains(#""kind": "secret""#), "\(name)")
        }
    }

    @Test func noArgumentWithATerminalIsAUsageError() {
        let result = Support.run(["decode"], stdinIsTerminal: true)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("jwtaudit: error: missing token"))
        #expect(result.stderr.hasSuffix("See 'jwtaudit decode --help'.\n"))
    }

    @Test func coreErrorCodesMapToExitStatuses() {
        for code in JWTAuditError.Code.allCases {
            #expect(ExitStatus(code) == (code == .unavailable ? .undecided : .badInput), "\(code)")
        }
    }
}
