import Testing
@testable import JWTAuditCore

/// `TokenInput.extract` returns a bare compact token as it is, without the general unwrapping: it must give exactly
/// what the general path gives, for bare tokens and for everything that only looks like one.
@Suite("Token input: the bare-token fast path agrees with the general path")
struct TokenInputFastPathTests {
    static let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"

    func general(_ text: String) -> Result<String, JWTAuditError> {
        do throws(JWTAuditError) { return .success(try TokenInput.extractFromSurroundings(text)) } catch {
            return .failure(error)
        }
    }

    func extracted(_ text: String) -> Result<String, JWTAuditError> {
        do throws(JWTAuditError) { return .success(try TokenInput.extract(text)) } catch { return .failure(error) }
    }

    @Test(arguments: [
        jwt, "a.b", ".", "..", "a.", ".a", "a.b.c.d.e", "-_.-_", "abc", "", "Bearer", "bearer.x",
        "access_token=a.b", "a.b=", "a b.c", "\"a.b\"", "{\"access_token\":\"a.b\"}", "a.b\n", "\u{FEFF}a.b",
        "authorization:a.b", "a+b.c", "a/b.c", "a.bé", "a.b%2E",
    ])
    func sameResultAsTheGeneralPath(_ input: String) {
        let expected = general(input)
        let got = extracted(input)
        switch (got, expected) {
        case (.success(let a), .success(let b)): #expect(a == b, "input \(input.debugDescription)")
        case (.failure(let a), .failure(let b)):
            #expect(a.reason == b.reason && a.code == b.code, "input \(input.debugDescription)")
        default: Issue.record("input \(input.debugDescription): \(got) vs \(expected)")
        }
    }

    @Test func onlyBareTokensTakeTheFastPath() {
        #expect(TokenInput.isBareCompact(Self.jwt))
        #expect(TokenInput.isBareCompact("a.b"))
        for input in ["", "abc", "Bearer \(Self.jwt)", " \(Self.jwt)", "\(Self.jwt)\n", "\"\(Self.jwt)\"", "#access_token=\(Self.jwt)", "a.bé"] {
            #expect(!TokenInput.isBareCompact(input), "input \(input.debugDescription)")
        }
    }

    /// Log text a batch refuses without the search: wherever `cannotHoldToken` says so, the general path (the
    /// search, then every unwrapping) ends in the same refusal. Handpicked lines, then 5,000 lines drawn from an
    /// alphabet of the characters the unwrapping looks at, by a fixed-seed generator.
    @Test func textThatCannotHoldATokenIsRefusedAsTheGeneralPathRefusesIt() throws {
        var inputs = [
            "GET /api/orders HTTP/1 200", "Bearer abc", "Authorization: Bearer xyz", "access_token=abc&x=y",
            "#id_token=abc", "'abc'", "\"abc\"", "> authorization: bearer q", "a\tb", "eyI eyK ey J",
        ]
        let alphabet = Array("abeyJ AZ09-_=:;&#?'\"\t>/+".unicodeScalars)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let words = ["access_token=", "id_token=", "Bearer ", "authorization: ", "ey", "J"]
        for _ in 0..<5_000 {
            var line = ""
            for _ in 0..<(1 + next() % 12) {
                if next() % 4 == 0 { line += words[next() % words.count] } else {
                    line.unicodeScalars.append(alphabet[next() % alphabet.count])
                }
            }
            inputs.append(line)
        }
        var refused = 0
        for input in inputs where TokenInput.cannotHoldToken(input) {
            refused += 1
            #expect(try TokenSearch.matches(in: input).isEmpty, "input \(input.debugDescription)")
            #expect(throws: TokenInput.noTokenFound, "input \(input.debugDescription)") { try TokenInput.unwrapped(input) }
            #expect(throws: TokenInput.noTokenFound) { try TokenInput.find(input) }
        }
        #expect(refused > 1_000)
    }

    @Test func textThatMightHoldATokenTakesTheGeneralPath() {
        for input in [
            "a.b", "a%2Eb", "{\"access_token\":\"a\\u002eb\"}", "eyJhbGciOi JIUzI1NiJ9", "\"\"", "''", "\u{FEFF}abc",
            "eyJabc\u{2026}", "a\rb", "", "   ", "a\\b", "GET /x Authorization: Basic dXNlcjpwYXNz", "AUTHORIZATION:Negotiate abc",
        ] {
            #expect(!TokenInput.cannotHoldToken(input), "input \(input.debugDescription)")
        }
    }
}
