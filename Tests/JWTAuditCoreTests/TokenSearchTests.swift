import Testing
@testable import JWTAuditCore

/// Issue 17 item 1: a token is found in whatever was pasted around it, by its shape (`TokenSearch`), and line
/// wraps inside it are undone only while it is unfinished (`TokenWhitespace.gap`). The forms are those real tools
/// produce: DevTools "Copy as cURL" (bash and cmd), the DevTools headers pane, PowerShell, log lines, quoted
/// e-mail replies, prose, JSON responses, URLs.
@Suite("Token search in pasted text")
struct TokenSearchTests {
    /// A real-sized token: RS256, a 342-character signature (examples/tokens/certificate-v1.jwt).
    static func token() throws -> String {
        try #require(Fixtures.readFile("examples/tokens/certificate-v1.jwt")).trimmingWhitespace()
    }

    static func other() throws -> String {
        try #require(Fixtures.readFile("examples/tokens/secret-v1.jwt")).trimmingWhitespace()
    }

    /// `text` cut into lines of `width` characters, each line starting with `prefix` (a mail quote, an indent).
    static func wrapped(_ text: String, width: Int, prefix: String = "") -> String {
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(prefix + rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        return lines.joined(separator: "\n")
    }

    static let forms: [(String, @Sendable (String) -> String)] = [
        ("DevTools Copy as cURL (bash)", { "curl 'https://api.example/orders?page=1' \\\n  -H 'accept: application/json' \\\n  -H 'authorization: Bearer \($0)' \\\n  -H 'user-agent: Mozilla/5.0' \\\n  --compressed" }),
        ("Copy as cURL with --header and double quotes", { "curl \"https://api.example/orders\" --header \"Authorization: Bearer \($0)\"" }),
        ("Copy as cURL (cmd)", { "curl ^\"https://api.example/orders^\" ^\n  -H ^\"authorization: Bearer \($0)^\" ^\n  --compressed" }),
        ("prose", { "here it is: \($0), thanks" }),
        ("prose, end of sentence", { "The token was \($0). It fails." }),
        ("DevTools headers pane", { ":authority\napi.example\naccept\n*/*\nauthorization\nBearer \($0)\nuser-agent\nMozilla/5.0" }),
        ("quoted e-mail reply", { "On Monday Bob wrote:\n> It fails with this one:\n> \($0)\n> Any idea?" }),
        ("token: label", { "token: \($0)" }),
        ("PowerShell hashtable", { "Invoke-RestMethod -Uri $uri -Headers @{Authorization=\"Bearer \($0)\"}" }),
        ("log line", { "2026-01-01T00:00:00Z WARN rejected authorization=\"Bearer \($0)\" path=/orders status=401" }),
        ("JSON response", { #"{"token_type":"Bearer","expires_in":3599,"access_token":"\#($0)"}"# }),
        ("URL fragment", { "https://app.example/callback#access_token=\($0)&token_type=Bearer&expires_in=3599" }),
        ("URL query", { "https://app.example/cb?state=1&id_token=\($0)&session_state=x" }),
        ("Markdown code", { "Use `\($0)` to call it." }),
        ("wrapped by a terminal at 80 columns", { wrapped("Authorization: Bearer \($0)", width: 80) }),
        ("wrapped in a quoted reply", { "> Here:\n" + wrapped($0, width: 76, prefix: "> ") + "\n> Thanks" }),
        ("wrapped in a reply to a reply", { ">> Here:\n" + wrapped($0, width: 70, prefix: ">> ") + "\n>>\n> what?" }),
        ("wrapped, then a line of prose", { wrapped($0, width: 64) + "\nThanks" }),
    ]

    @Test(arguments: 0..<forms.count)
    func findsTheTokenIn(_ index: Int) throws {
        let (name, form) = Self.forms[index]
        let token = try Self.token()
        let found = try TokenInput.find(form(token))
        #expect(found.token == token, "\(name)")
        #expect(found.count == 1, "\(name)")
        #expect(found.cut == nil, "\(name)")
    }

    @Test func twoTokensPastedTogetherAreTwoTokensNotOneJWE() throws {
        let (a, b) = (try Self.token(), try Self.other())
        for (separator, secondLine) in [("\n", 2), (" ", 1), ("\n\n", 3), (", ", 1)] {
            let input = "first\n" + a + separator + b
            let found = try TokenInput.find(input)
            #expect(found.count == 2 && found.number == 1 && found.token == a && found.line == 2, "\(separator.debugDescription)")
            let second = try TokenInput.find(input, pick: 2)
            #expect(second.token == b && second.number == 2 && second.line == 1 + secondLine, "\(separator.debugDescription)")
        }
        let error = #expect(throws: JWTAuditError.self) { try TokenInput.find(a + "\n" + b, pick: 3) }
        #expect(error?.reason == "there is no token 3: the input holds 2 tokens")
        #expect(throws: JWTAuditError.self) { try TokenInput.find(a, pick: 2) }
    }

    @Test func aTokenResponseGivesItsAccessTokenWhateverTheOrder() throws {
        let (access, id) = (try Self.token(), try Self.other())
        let found = try TokenInput.find(#"{"id_token":"\#(id)","access_token":"\#(access)"}"#)
        #expect(found.token == access && found.number == 2 && found.count == 2 && found.label == "access_token")
    }

    @Test func aTokenCutShortSaysSo() throws {
        let token = try Self.token()
        for (input, cut) in [("look: " + token.prefix(120) + "...", "..."), (token.prefix(200) + "… (truncated)", "…")] {
            let found = try TokenInput.find(input)
            #expect(found.cut == cut && found.token == String(token.prefix(found.token.count)), "\(cut)")
            let error = #expect(throws: JWTAuditError.self) { try TokenInput.extract(input) }
            #expect(error?.reason.hasPrefix("the token is cut short: it ends in '\(cut)'") == true, "\(String(describing: error))")
        }
        // Three dots make no bare token: the cut is seen whatever the path.
        #expect(!TokenInput.isBareCompact("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0..."))
    }

    @Test(arguments: ["", "hello world", "Bearer", "see eyJhbGciOiJSUzI1NiJ9 for the header", "authorization: Bearer\n"])
    func saysWhenThereIsNoJWT(_ input: String) {
        let error = #expect(throws: JWTAuditError.self) { try TokenInput.find(input) }
        #expect(error?.code == .malformedToken)
        #expect(input.isEmpty || error?.reason.hasPrefix("no JWT (eyJ...) found: paste the token alone") == true, "\(String(describing: error))")
    }

    /// A wrap that cuts a long signature where its first part already has a finished length (171 of RS256's 342
    /// characters decode to 128 bytes, a 1024-bit RSA signature's length) is still a wrap: the whole line after it
    /// brings the signature to a finished length too. A line of prose after a finished token is not.
    @Test func aWrapInsideALongSignatureIsUndoneAndProseAfterIsNot() throws {
        let token = try Self.token()
        let signature = token.split(separator: ".")[2]
        try #require(signature.count == 342)
        let cut = token.count - 171
        let input = String(token.prefix(cut)) + "\n" + String(token.dropFirst(cut)) + "\nThanks\n"
        #expect(try TokenInput.find(input).token == token)
        #expect(try TokenInput.find(token + "\nThanks").token == token)
        #expect(try TokenInput.find(token + "\nxyzzy\n" + "more").token == token)
    }

    /// Base64's own characters inside a token are kept, so the parser names them, not "2 segments".
    @Test(arguments: [
        ("eyJhbGciOiJSUzI1NiJ9.e30=.c2ln", "padding '='"),
        ("eyJhbGciOiJSUzI1NiJ9.e3+0.c2ln", "'+'"),
        ("eyJhbGciOiJSUzI1NiJ9.e3*0.c2ln", "'*'"),
    ])
    func aStrayCharacterInsideATokenIsNamedByTheParser(_ input: String, _ named: String) throws {
        let text = try TokenInput.extract("token: " + input)
        let error = #expect(throws: JWTAuditError.self) { try CompactToken.parse(text) }
        #expect(error?.reason.contains("payload segment") == true && error?.reason.contains(named) == true, "\(String(describing: error))")
    }

    /// The rule's view of a token so far: finished when its last segment decodes to a length its algorithm's
    /// signatures (or a JWE's tags) have.
    @Test func progressKnowsAFinishedSignature() {
        let rs256 = JWSAlgorithm.RS256.signatureLengths
        func progress(_ dots: Int, _ length: Int, _ lengths: [Int]? = rs256) -> TokenWhitespace.Progress {
            TokenWhitespace.Progress(dots: dots, lastSegmentLength: length, signatureLengths: lengths)
        }
        #expect(progress(2, 342).isFinished() == true)
        #expect(progress(2, 341).isFinished() == false)
        #expect(progress(2, 19).isFinished() == false)
        #expect(progress(2, 86, JWSAlgorithm.ES256.signatureLengths).isFinished() == true)
        #expect(progress(2, 43, JWSAlgorithm.HS256.signatureLengths).isFinished() == true)
        #expect(progress(2, 0, [0]).isFinished() == true)
        #expect(progress(4, 22).isFinished() == true)
        #expect(progress(2, 10, nil).isFinished() == nil)
        #expect(progress(1, 10).isFinished() == nil)
        #expect(progress(2, 171).isFinished(adding: 171) == true)
        #expect(progress(2, 342).isFinished(adding: 6) == false)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
