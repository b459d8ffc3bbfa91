#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 17 item 1 through the built binary: what people paste (a DevTools curl command, the headers pane, a
/// PowerShell hashtable, a log line, a quoted reply, prose) is read by every subcommand and by `verify --batch`;
/// two tokens are two tokens, with a note saying which was taken and `--pick N` to take another; a token cut
/// short says so; a documentation sample decodes, with findings, and verify refuses it.
@Suite("Pasted text, end to end")
struct PasteExtractionEndToEndTests {
    static func token(_ name: String = "certificate-v1.jwt") throws -> String {
        try #require(Support.readFile("examples/tokens/" + name)).split(separator: "\n")[0].description
    }

    static let verifyArguments = VerifyCommandTests.jwks + VerifyCommandTests.expectations + VerifyCommandTests.at

    static let pastes: [(String, @Sendable (String) -> String)] = [
        ("Copy as cURL", { "curl 'https://myapi.dewi.red/orders' \\\n  -H 'accept: */*' \\\n  -H 'authorization: Bearer \($0)' \\\n  --compressed\n" }),
        ("headers pane", { "accept\n*/*\nauthorization\nBearer \($0)\nuser-agent\ncurl/8.5.0\n" }),
        ("PowerShell", { "Invoke-RestMethod $uri -Headers @{Authorization=\"Bearer \($0)\"}\n" }),
        ("log line", { "2026-01-01T00:09:59Z WARN 401 authorization=\"Bearer \($0)\" route=/orders\n" }),
        ("quoted reply", { ">> it fails with\n>> \($0)\n>> any idea?\n" }),
        ("prose", { "here it is: \($0), thanks\n" }),
    ]

    @Test(arguments: 0..<pastes.count)
    func everySubcommandReadsAPaste(_ index: Int) throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let (name, paste) = Self.pastes[index]
        let input = Array(paste(try Self.token()).utf8)
        let decode = Support.spawn(Support.binaryPath, ["decode", "--json", "-"], stdin: input)
        #expect(decode.status == 0 && decode.stderr.isEmpty, "\(name): \(decode.stderr)")
        let claims = try JSONParser.parse(decode.stdout).objectValue?["claims"]?.objectValue
        #expect(claims?["appidacr"] == .string("2"), "\(name)")
        let verify = Support.spawn(Support.binaryPath, ["verify", "-"] + Self.verifyArguments, stdin: input)
        #expect(verify.status == 0, "\(name): \(verify.stdout)\(verify.stderr)")
        let policy = Support.spawn(
            Support.binaryPath,
            ["check-policy", "--policy", PolicyTest.example("policies/certificate-only-v1.xml"), "-"] + PolicyTest.offline,
            stdin: input)
        #expect(policy.status == 0, "\(name): \(policy.stdout)\(policy.stderr)")
        let explain = Support.spawn(Support.binaryPath, ["explain", "-"] + VerifyCommandTests.at, stdin: input)
        #expect(explain.status == 0, "\(name): \(explain.stderr)")
    }

    @Test func twoTokensAreTwoWithANoteAndPickTakesTheOther() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let input = Array("tokens:\n\(try Self.token())\n\(try Self.token("secret-v1.jwt"))\n".utf8)
        let first = Support.spawn(Support.binaryPath, ["decode", "--json", "-"], stdin: input)
        #expect(first.status == 0)
        #expect(first.stderr == "jwtaudit: note: the input holds 2 tokens; using token 1 (line 2); --pick 2 takes the other\n")
        #expect(try JSONParser.parse(first.stdout).objectValue?["claims"]?.objectValue?["appidacr"] == .string("2"))

        let second = Support.spawn(Support.binaryPath, ["decode", "--json", "--pick", "2", "-"], stdin: input)
        #expect(second.stderr == "jwtaudit: note: the input holds 2 tokens; using token 2 (line 3); --pick 1 takes the other\n")
        #expect(try JSONParser.parse(second.stdout).objectValue?["claims"]?.objectValue?["appidacr"] == .string("1"))

        // verify judges the token picked: the secret one fails --require-certificate.
        let verify = Support.spawn(
            Support.binaryPath, ["verify", "--pick", "2", "--require-certificate", "-"] + Self.verifyArguments, stdin: input)
        #expect(verify.status == 1 && verify.stdout.contains("fail  credential"), "\(verify.stdout)")
        let explain = Support.spawn(
            Support.binaryPath, ["explain", "--pick", "2", "--require-certificate", "--json", "-"] + Self.verifyArguments,
            stdin: input)
        #expect(explain.status == 1, "\(explain.stdout)\(explain.stderr)")

        let none = Support.spawn(Support.binaryPath, ["decode", "--pick", "3", "-"], stdin: input)
        #expect(none.status == 3 && none.stdout.isEmpty)
        #expect(none.stderr == "jwtaudit: error: cannot decode the token (there is no token 3: the input holds 2 tokens)\n")
        let bad = Support.spawn(Support.binaryPath, ["decode", "--pick", "0", "-"], stdin: input)
        #expect(bad.status == 64 && bad.stderr.hasPrefix("jwtaudit: error: invalid value '0' for '--pick'"), "\(bad.stderr)")
    }

    @Test func noTokenAndACutTokenSaySo() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let nothing = Support.spawn(Support.binaryPath, ["decode", "-"], stdin: Array("please check my token\n".utf8))
        #expect(nothing.status == 3 && nothing.stdout.isEmpty)
        #expect(nothing.stderr.hasPrefix("jwtaudit: error: cannot decode the token (no JWT (eyJ...) found: paste the token alone;"))
        let cut = Array("the log shows \(try Self.token().prefix(60))... and more\n".utf8)
        let result = Support.spawn(Support.binaryPath, ["verify", "-"] + Self.verifyArguments, stdin: cut)
        #expect(result.status == 3, "\(result.stdout)")
        #expect(result.stdout.contains("the token is cut short: it ends in '...'"), "\(result.stdout)")
    }

    /// A sample built as Microsoft's documentation samples are (`DocumentationSampleTests`), pasted from a
    /// Markdown code block: decode shows it, with the unreadable signature and the issuer/tid mismatch as findings;
    /// verify refuses it as bad input.
    @Test func aDocumentationSampleDecodesAndVerifyRefusesIt() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let header = Base64URL.encode(Array(#"{"typ":"JWT","alg":"RS256","kid":"qJ8rK3wVb1ZyT5mN0pL2sD4fG6h"}"#.utf8))
        let payload = Base64URL.encode(Array(#"{"aud":"api://orders","iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b9/","exp":1537237006,"appidacr":"0","tid":"3d6e366f-9587-413b-ab6b-0a851b1b91ba","ver":"1.0"}"#.utf8))
        let markdown = Array("- v1.0 sample:\n\n    ```\n    \(header).\(payload).Xq2LmPz8TnRvKw4sYbd\n    ```\n".utf8)

        let text = Support.spawn(Support.binaryPath, ["decode", "-", "--at", "2018-09-18T00:00:00Z"], stdin: markdown)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("length     unreadable: the segment is not a whole signature (see findings)"), "\(text.stdout)")
        #expect(Support.unwrapped(text.stdout).contains("error signature-unreadable: signature segment (segment 3"), "\(text.stdout)")
        #expect(Support.unwrapped(text.stdout).contains("error issuer-tenant-mismatch: iss names tenant 3d6e366f-9587-413b-ab6b-0a851b1b9 but tid is"))

        let json = Support.spawn(Support.binaryPath, ["decode", "--json", "-", "--at", "2018-09-18T00:00:00Z"], stdin: markdown)
        let document = try #require(try JSONParser.parse(json.stdout).objectValue)
        #expect(document["signature"]?.objectValue?["bytes"] == .null)
        #expect(document["claims"]?.objectValue?["ver"] == .string("1.0"))
        let ids = document["findings"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        #expect(ids.contains("signature-unreadable") && ids.contains("issuer-tenant-mismatch"), "\(ids)")

        let verify = Support.spawn(
            Support.binaryPath, ["verify", "-", "--any-issuer", "--any-audience", "--at", "2018-09-18T00:00:00Z"] + VerifyCommandTests.jwks,
            stdin: markdown)
        #expect(verify.status == 3, "\(verify.stdout)")
        #expect(verify.stdout.contains("fail  format") && verify.stdout.contains("non-canonical"), "\(verify.stdout)")
    }

    @Test func aBatchLineIsReadTheSameWayAndSeveralTokensOnALineAreCounted() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let (certificate, secret) = (try Self.token(), try Self.token("secret-v1.jwt"))
        let input = [
            certificate,
            "2026-01-01 WARN authorization=\"Bearer \(certificate)\" path=/orders",
            "\(certificate) \(secret)",
            "\(secret) \(certificate)",
        ].joined(separator: "\n") + "\n"
        let result = Support.spawn(
            Support.binaryPath, ["verify", "--batch", "--require-certificate"] + Self.verifyArguments, stdin: Array(input.utf8))
        #expect(result.status == 1)
        let valid = result.stdout.split(separator: "\n").map { $0.contains("\"valid\":true") }
        #expect(valid == [true, true, true, false], "\(result.stdout)")
        #expect(result.stderr.contains("jwtaudit: note: 2 lines hold more than one token; the first of each was verified (--pick N takes the Nth)"), "\(result.stderr)")

        let second = Support.spawn(
            Support.binaryPath, ["verify", "--batch", "--pick", "2", "--require-certificate"] + Self.verifyArguments,
            stdin: Array(input.utf8))
        let picked = second.stdout.split(separator: "\n")
        #expect(picked.count == 4, "\(second.stdout)")
        #expect(picked.map { $0.contains("\"valid\":true") } == [false, false, false, true], "\(second.stdout)")
        #expect(picked.first?.contains("there is no token 2: the input holds one token") == true, "\(second.stdout)")
    }
}
