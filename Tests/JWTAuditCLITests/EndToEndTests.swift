#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// Runs the built binary (`.build/debug/jwtaudit`, built before `swift test` runs the tests) and checks exit
/// status, stdout and stderr. Hostile inputs must exit 3 with a message and nothing on stdout.
@Suite("jwtaudit binary end to end")
struct EndToEndTests {
    func run(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, arguments, stdin: stdin, environment: environment)
    }

    @Test func decodesAnExampleWithExitZero() throws {
        let result = try run(["decode", "--at", "2026-01-01T00:00:00Z", Support.packageRoot + "/examples/tokens/certificate-v1.jwt"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("credential  certificate (appidacr \"2\", token version 1.0)"))
        #expect(!result.stdout.contains("\u{1B}["), "a pipe is not a terminal: no colour")
        #expect(result.stderr.isEmpty)
    }

    @Test func decodesJSONFromStandardInput() throws {
        let token = try #require(Support.readFile("examples/tokens/public-client-v2.jwt"))
        let result = try run(["decode", "--json"], stdin: Array(token.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONParser.parse(result.stdout).objectValue)
        #expect(json["credential"]?.objectValue?["kind"] == .string("public-client"))
    }

    @Test func help() throws {
        let help = try run(["decode", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: "))
    }

    @Test(arguments: [
        (["decode", "--bogus"], "unknown option '--bogus'", "decode"),
        (["decode", "--color", "pink", "x"], "invalid value 'pink' for '--color'", "decode"),
        (["decode", "--at", "soon", "x"], "invalid value 'soon' for '--at'", "decode"),
        (["decode", "--at"], "missing value for '--at'", "decode"),
        (["verify-everything"], "unknown subcommand 'verify-everything'", ""),
    ] as [([String], String, String)])
    func usageErrorsExit64(_ arguments: [String], _ message: String, _ command: String) throws {
        let result = try run(arguments)
        #expect(result.status == 64, "\(arguments)")
        #expect(result.stdout.isEmpty, "\(arguments)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("jwtaudit: error: \(message)") == true, "\(result.stderr)")
        #expect(lines.dropFirst().first?.hasPrefix("Usage: jwtaudit") == true)
        #expect(lines.last == (command.isEmpty ? "See 'jwtaudit --help'." : "See 'jwtaudit \(command) --help'.")[...])
    }

    /// Hostile inputs, by name (the bytes are made on demand: an 8 MB argument would be described in full).
    enum Hostile: String, CaseIterable, Sendable {
        case notAToken = "not a token", badBase64 = "bad base64", badBase64Character = "bad base64 character"
        case headerNotJSON = "header not JSON", headerNotObject = "header JSON but not an object"
        case binaryGarbage = "binary garbage", nulBytes = "NUL bytes", eightMegabytes = "8 MB paste"
        case nested200k = "JSON nested 200,000 deep", deepHeader = "header nested 150,000 deep", empty
        case twoSegments = "two segments"

        var stdin: [UInt8] {
            switch self {
            case .notAToken: return Array("hello world\n".utf8)
            case .badBase64: return Array("eyJhbGciOiJSUzI1NiJ9.e30=.c2ln".utf8)
            case .badBase64Character: return Array("eyJhbGciOiJSUzI1NiJ9.e3*0.c2ln".utf8)
            case .headerNotJSON: return Array("aGVsbG8.e30.c2ln".utf8)
            case .headerNotObject: return Array("WzFd.e30.c2ln".utf8)
            case .binaryGarbage: return (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            case .nulBytes: return Array("eyJ\u{0}.e30.c2ln".utf8)
            case .eightMegabytes: return Array(repeating: UInt8(ascii: "A"), count: 8 << 20)
            case .nested200k: return Array(("{\"access_token\":" + String(repeating: "[", count: 200_000)).utf8)
            case .deepHeader:
                return Array((Base64URL.encode(Array(repeating: UInt8(ascii: "["), count: 150_000)) + ".e30.c2ln").utf8)
            case .empty: return []
            case .twoSegments: return Array("eyJhbGciOiJSUzI1NiJ9.e30".utf8)
            }
        }

        var message: String {
            switch self {
            case .notAToken: return "no JWT (eyJ...) found: paste the token alone"
            case .badBase64, .badBase64Character: return "payload segment"
            case .headerNotJSON: return "the header is not valid JSON"
            case .headerNotObject: return "not a JSON object"
            case .binaryGarbage: return "not text"
            case .nulBytes: return "NUL"
            case .eightMegabytes: return "larger than 262144 bytes"
            case .nested200k, .deepHeader: return "nested deeper"
            case .empty: return "empty"
            case .twoSegments: return "3 segments"
            }
        }
    }

    @Test(arguments: Hostile.allCases)
    func hostileInputExits3(_ input: Hostile) throws {
        let name = input.rawValue
        let message = input.message
        let result = try run(["decode", "-"], stdin: input.stdin)
        #expect(result.status == 3, "\(name): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(name): partial stdout")
        #expect(result.stderr.hasPrefix("jwtaudit: error: "), "\(name): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
    }

    @Test func unreadableFileExits3() throws {
        let result = try run(["decode", "@/nonexistent/token.txt"])
        #expect(result.status == 3)
        #expect(result.stderr == "jwtaudit: error: cannot read the token (cannot open '/nonexistent/token.txt' (No such file or directory))\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func mistypedFileNameIsNamed() throws {
        let result = try run(["decode", "examples/tokens/no-such.jwt"])
        #expect(result.status == 3)
        #expect(result.stderr == "jwtaudit: error: cannot read the token ('examples/tokens/no-such.jwt' is not a readable file, nor a token)\n")
    }

    @Test func noColorEnvironmentIsHonouredEvenWhenForcedAuto() throws {
        let always = try run(["decode", "--color", "always", Support.packageRoot + "/examples/tokens/secret-v1.jwt"], environment: ["NO_COLOR": "1"])
        #expect(always.stdout.contains("\u{1B}["), "--color always overrides NO_COLOR")
        let auto = try run(["decode", Support.packageRoot + "/examples/tokens/secret-v1.jwt"], environment: ["NO_COLOR": "1"])
        #expect(!auto.stdout.contains("\u{1B}["))
    }
}
