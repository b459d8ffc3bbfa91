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
}
