import Testing
@testable import JWTAuditCore

@Suite("Token input forms")
struct TokenInputTests {
    static let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"
    static let wrapped = "eyJhbGciOi\nJSUzI1NiJ9.eyJp\r\nc3MiOiJ4In0.c2ln"

    @Test(arguments: [
        ("bare", jwt),
        ("surrounding white space", "  \n\(jwt)\n\t"),
        ("double quotes", "\"\(jwt)\""),
        ("single quotes", "'\(jwt)'"),
        ("Bearer", "Bearer \(jwt)"),
        ("bearer lowercase", "bearer \(jwt)"),
        ("Authorization line", "Authorization: Bearer \(jwt)"),
        ("authorization lowercase", "authorization: bearer \(jwt)"),
        ("curl -v header dump", "> GET /orders HTTP/1.1\n> Host: api\n> Authorization: Bearer \(jwt)\n> Accept: */*"),
        ("token response", #"{"token_type":"Bearer","expires_in":3599,"access_token":"\#(jwt)"}"#),
        ("token response with id_token only", #"{"id_token":"\#(jwt)"}"#),
        ("URL fragment", "https://app.example/callback#access_token=\(jwt)&token_type=Bearer&expires_in=3599"),
        ("URL query id_token", "https://app.example/cb?state=1&id_token=\(jwt)"),
        ("percent-encoded", "https://app.example/cb#access_token=\(jwt.replacingDots())"),
        ("line breaks inside", wrapped),
        ("indented continuation lines", "    eyJhbGciOiJSUzI1NiJ9.ey \n    Jpc3MiOiJ4In0\t\r\n\t.c2ln"),
        ("byte order mark", "\u{FEFF}\(jwt)\r\n"),
    ] as [(String, String)])
    func extractsTheToken(_ form: String, _ input: String) throws {
        #expect(try TokenInput.extract(input) == Self.jwt, "form: \(form)")
    }

    /// TokenWhitespace's rule: only a line wrap (a line break with the spaces and tabs around it) is removed; any
    /// other whitespace inside the token means it was altered, and the error says where.
    @Test(arguments: [
        ("a space in the payload", "eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi OiJ4In0.c2ln", "a space at character 30, in the payload (segment 2)"),
        ("a tab in the header", "eyJhbGci\tOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln", "a tab at character 9, in the header (segment 1)"),
        ("a space in the signature", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2 ln", "a space at character 40, in the signature (segment 3)"),
        ("a space before a dot", "eyJhbGciOiJSUzI1NiJ9 .eyJpc3MiOiJ4In0.c2ln", "in the header (segment 1)"),
        ("a vertical tab next to a line break", "eyJhbGciOiJSUzI1NiJ9.eyJp\n\u{0B}c3MiOiJ4In0.c2ln", "a vertical tab at character 27"),
        ("a byte order mark inside", "eyJhbGciOiJSUzI1NiJ9.eyJp\u{FEFF}c3MiOiJ4In0.c2ln", "a byte order mark"),
        ("in a token response", #"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0. c2ln"}"#, "in the signature (segment 3)"),
        ("five segments", "a.b.c.d e.f", "in the ciphertext (segment 4)"),
    ] as [(String, String, String)])
    func whitespaceInsideATokenIsAnAlteredToken(_ what: String, _ input: String, _ reason: String) {
        let error = #expect(throws: JWTAuditError.self, "\(what)") { try TokenInput.extract(input) }
        #expect(error?.code == .malformedToken)
        #expect(error?.reason.contains("the token was altered") == true && error?.reason.contains(reason) == true,
            "\(what): \(String(describing: error))")
    }

    @Test func prefersTheAccessTokenInAResponse() throws {
        let response = #"{"id_token":"a.b.c","access_token":"\#(Self.jwt)"}"#
        #expect(try TokenInput.extract(response) == Self.jwt)
    }

    @Test(arguments: ["", "   \n", "hello world", #"{"token_type":"Bearer"}"#, "{not json", "[1,2]", "Bearer"])
    func saysWhenThereIsNoToken(_ input: String) {
        #expect(throws: JWTAuditError.self, "input: \(input)") { try TokenInput.extract(input) }
    }

    @Test func deeplyNestedResponseIsRefusedAsALimit() {
        let deep = "{\"a\":" + String(repeating: "[", count: 200_000)
        do {
            _ = try TokenInput.extract(deep)
            Issue.record("a 200,000-deep document was accepted")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }
}

extension String {
    fileprivate func replacingDots() -> String { split(separator: ".", omittingEmptySubsequences: false).joined(separator: "%2E") }
}
