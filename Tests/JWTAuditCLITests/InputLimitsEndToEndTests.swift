#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// The input limits as a user meets them: through the built binary, exit 3, one `jwtaudit: error:` line that
/// names the limit, nothing on stdout.
@Suite("Input limits through the binary")
struct InputLimitsEndToEndTests {
    func decode(_ arguments: [String], stdin: [UInt8] = []) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, ["decode", "--at", "2026-01-01T00:00:00Z"] + arguments, stdin: stdin)
    }

    func expectLimit(_ result: Support.Result, _ message: String, _ what: String) {
        #expect(result.status == 3, "\(what): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(what): partial stdout")
        #expect(result.stderr.hasPrefix("jwtaudit: error: "), "\(what): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(what): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(what): \(result.stderr)")
    }

    static func token(payload: String) -> String {
        Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + ".c2ln"
    }

    /// The longest token of at most `length` bytes (a payload padded with a long claim): base64url grows in
    /// steps of 4 characters per 3 bytes, so it is within 3 bytes of `length`.
    static func token(upTo length: Int) -> String {
        var padding = (length * 3) / 4
        var candidate = token(payload: #"{"pad":""# + String(repeating: "x", count: padding) + #""}"#)
        while candidate.utf8.count > length {
            padding -= 1
            candidate = token(payload: #"{"pad":""# + String(repeating: "x", count: padding) + #""}"#)
        }
        return candidate
    }

    @Test func tokenAtThe256KiBLimitDecodesAndOneByteMoreExits3() throws {
        let limit = 256 * 1024
        // A base64url payload grows in steps of 4 bytes per 3, so the largest token at or below the limit is
        // within 3 bytes of it; pad the input with trailing white space to exactly the limit.
        let fitting = Self.token(upTo: limit)
        #expect(fitting.utf8.count <= limit && fitting.utf8.count > limit - 4)
        let atLimit = Array(fitting.utf8) + Array(repeating: UInt8(ascii: "\n"), count: limit - fitting.utf8.count)
        let ok = try decode(["-"], stdin: atLimit)
        #expect(ok.status == 0, "256 KiB exactly: \(ok.stderr)")
        let over = try decode(["-"], stdin: atLimit + [UInt8(ascii: "\n")])
        expectLimit(over, "larger than 262144 bytes, the limit for token text", "stdin 256 KiB + 1")

        let path = Support.tempDirectory + "/big-token.txt"
        Support.writeFile(path, atLimit + [UInt8(ascii: "\n")])
        expectLimit(try decode(["@" + path]), "'\(path)' is larger than 262144 bytes", "@file 256 KiB + 1")
        expectLimit(try decode([path]), "'\(path)' is larger than 262144 bytes", "file argument 256 KiB + 1")
        // Linux refuses a single argv string over 128 KiB (MAX_ARG_STRLEN, E2BIG), so the argument path is
        // run in-process: the same CLI entry point the binary's main calls.
        let argument = String(repeating: "A", count: limit + 1)
        expectLimit(Support.run(["decode", argument]), "the argument is larger than 262144 bytes", "argument 256 KiB + 1")
    }

    @Test func claimsNestedDeeperThan64Exit3() throws {
        let deep = #"{"a":"# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"
        expectLimit(try decode([Self.token(payload: deep)]), "the payload: nested deeper than 64 levels", "payload 65 deep")
        let fine = #"{"a":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"
        #expect(try decode([Self.token(payload: fine)]).status == 0, "64 deep is allowed")
    }

    @Test func moreThan10000ClaimsExit3() throws {
        let wide = "{" + (0..<10_001).map { "\"c\($0)\":0" }.joined(separator: ",") + "}"
        expectLimit(try decode(["-"], stdin: Array(Self.token(payload: wide).utf8)), "more than 10000 members", "10,001 claims")
    }

    @Test func tokenResponseNestedDeeperThan64Exit3() throws {
        let response = #"{"access_token":"a.b.c","x":"# + String(repeating: "{\"y\":", count: 65) + "1" + String(repeating: "}", count: 65) + "}"
        expectLimit(try decode(["-"], stdin: Array(response.utf8)), "nested deeper than 64 levels", "token response 65 deep")
    }

    /// Files the commands read whole (keys, JWK sets, named values, policies) are refused past their limit,
    /// never cut short into a misleading syntax error.
    @Test func oversizeKeyNamedValueAndPolicyFilesExit3() throws {
        let big = Support.tempDirectory + "/oversize-\(getpid()).json"
        Support.writeFile(big, [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 1))
        defer { unlink(big) }
        let token = Support.packageRoot + "/examples/tokens/certificate-v1.jwt"
        let key = Support.spawn(Support.binaryPath, ["verify", "--key", big, "--any-issuer", "--any-audience", token])
        expectLimit(key, "larger than 1024 KiB", "verify --key")
        let jwks = Support.spawn(Support.binaryPath, ["verify", "--jwks", big, "--any-issuer", "--any-audience", token])
        expectLimit(jwks, "larger than 1024 KiB", "verify --jwks")
        let named = Support.spawn(Support.binaryPath, [
            "check-policy", "--policy", Support.packageRoot + "/examples/policies/apiops/global.xml",
            "--named-values", big, "--offline", token,
        ])
        expectLimit(named, "larger than 1024 KiB", "check-policy --named-values")
        let policy = Support.spawn(Support.binaryPath, ["check-policy", "--policy", big])
        #expect(policy.status == 3, "check-policy --policy: \(policy.stderr)")
        #expect(policy.stdout.isEmpty)
    }
}
