import Testing
@testable import JWTAuditCore

/// An `Authorization` header with another scheme than Bearer carries credentials, not a token (RFC 9110 §11.4,
/// RFC 6750 §2.1): the extraction says which scheme it saw, in a header line and inside a log line alike, instead
/// of reading the log line's spaces as a token altered by white space.
@Suite("Authorization headers with another scheme than Bearer")
struct AuthorizationSchemeTests {
    @Test(arguments: [
        ("a log line", "2025-12-03T11:07:00Z GET /health 10.1.4.9 Authorization: Basic aGVhbHRoOmNoZWNr", "Basic"),
        ("a log line, quoted", #"10.0.0.1 - "authorization: Digest username=\"a\"" 401"#, "Digest"),
        ("the header alone", "Authorization: Basic dXNlcjpwYXNz", "Basic"),
        ("Negotiate", "Authorization: Negotiate YIIFyQYGKwYBBQUCoIIFvTCCBbm", "Negotiate"),
        ("curl -v dump", "> GET / HTTP/1.1\n> Host: api\n> Authorization: Basic dXNlcjpwYXNz\n", "Basic"),
    ] as [(String, String, String)])
    func otherSchemesAreNamed(_ form: String, _ input: String, _ scheme: String) {
        #expect(throws: JWTAuditError.self, "form: \(form)") { try TokenInput.extract(input) }
        do {
            _ = try TokenInput.find(input)
            Issue.record("\(form): a token was found")
        } catch {
            #expect(error.code == .malformedToken)
            #expect(error.reason == "the Authorization header uses the \(scheme) scheme, not Bearer: no JWT found", "\(form)")
        }
    }

    @Test func aBearerValueInALogLineIsTakenWhateverItsHeader() throws {
        // A token whose header is not serialised as JWTs are (no eyJ): the header's value after Bearer, not the line.
        #expect(try TokenInput.extract("10.0.0.1 GET /orders Authorization: Bearer abc.def.ghi") == "abc.def.ghi")
    }

    @Test func anotherHeaderNamedLikeAuthorizationIsNotTheAuthorizationHeader() {
        do {
            _ = try TokenInput.extract("X-Authorization: Basic dXNlcjpwYXNz")
            Issue.record("a token was found")
        } catch {
            #expect(!error.reason.contains("scheme"), "\(error.reason)")
        }
    }
}
