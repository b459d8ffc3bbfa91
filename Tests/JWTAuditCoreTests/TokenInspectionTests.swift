import Testing
@testable import JWTAuditCore

@Suite("decode findings, times and binding")
struct TokenInspectionTests {
    static let now: Int64 = 1_767_225_600 + 600
    static let entra = #""iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","tid":"3d6e366f-9587-413b-ab6b-0a851b1b91ba""#
    static let fine = #""iat":1767225600,"nbf":1767225600,"exp":1767229200"#

    static func ids(header: String = #"{"alg":"RS256","typ":"JWT"}"#, payload: String) throws -> [String] {
        TokenInspection.inspect(try Fixtures.token(header: header, payload: payload), at: now).findings.map(\.id)
    }

    @Test func aCleanEntraTokenHasNoFindings() throws {
        #expect(try Self.ids(payload: "{\(Self.entra),\(Self.fine),\"ver\":\"1.0\"}") == [])
    }

    /// Each finding id, the smallest input that must raise it.
    @Test(arguments: [
        ("alg-none", #"{"alg":"none"}"#, "{\(fine)}"),
        ("symmetric-alg-entra", #"{"alg":"HS256"}"#, "{\(entra),\(fine)}"),
        ("header-jwk", #"{"alg":"RS256","jwk":{"kty":"RSA"}}"#, "{\(fine)}"),
        ("header-jku", #"{"alg":"RS256","jku":"https://evil.example/keys"}"#, "{\(fine)}"),
        ("header-x5u", #"{"alg":"RS256","x5u":"https://evil.example/cert"}"#, "{\(fine)}"),
        ("header-x5c", #"{"alg":"RS256","x5c":["MIIB"]}"#, "{\(fine)}"),
        ("kid-suspicious", #"{"alg":"RS256","kid":"../../dev/null"}"#, "{\(fine)}"),
        ("kid-suspicious", #"{"alg":"RS256","kid":"x' UNION SELECT 'key"}"#, "{\(fine)}"),
        ("crit-header", #"{"alg":"RS256","crit":["exp"],"exp":1}"#, "{\(fine)}"),
        ("duplicate-key", #"{"alg":"RS256","alg":"none"}"#, "{\(fine)}"),
        ("duplicate-key", #"{"alg":"RS256"}"#, #"{"iat":1767225600,"exp":1767229200,"sub":"a","sub":"b"}"#),
        ("duplicate-key", #"{"alg":"RS256"}"#, #"{"iat":1767225600,"exp":1767229200,"cnf":{"jkt":"a","jkt":"b"}}"#),
        ("missing-exp", #"{"alg":"RS256"}"#, #"{"iat":1767225600}"#),
        ("long-lifetime", #"{"alg":"RS256"}"#, #"{"iat":1767225600,"exp":1767398401}"#),
        ("expired", #"{"alg":"RS256"}"#, #"{"iat":1767225000,"exp":1767225601}"#),
        ("not-yet-valid", #"{"alg":"RS256"}"#, #"{"nbf":1767229200,"exp":1767232800}"#),
        ("graph-nonce", #"{"alg":"RS256","nonce":"abc"}"#, "{\(fine)}"),
        ("graph-audience", #"{"alg":"RS256"}"#, #"{"aud":"00000003-0000-0000-c000-000000000000",\#(fine)}"#),
        ("issuer-tenant-mismatch", #"{"alg":"RS256"}"#, #"{"iss":"https://login.microsoftonline.com/aaaa/v2.0","tid":"bbbb",\#(fine)}"#),
        ("version-issuer-mismatch", #"{"alg":"RS256"}"#, "{\(entra),\(fine),\"ver\":\"2.0\"}"),
        ("time-claim-invalid", #"{"alg":"RS256"}"#, #"{"iat":1767225600,"exp":"4102444800"}"#),
        ("issued-in-future", #"{"alg":"RS256"}"#, #"{"iat":1767236400,"exp":1767240000}"#),
        ("nbf-after-exp", #"{"alg":"RS256"}"#, #"{"nbf":1767225601,"exp":1767225600}"#),
        ("alg-missing", #"{"typ":"JWT"}"#, "{\(fine)}"),
        ("kid-x5t-mismatch", #"{"alg":"RS256","kid":"a","x5t":"b"}"#, "{\(entra),\(fine)}"),
        ("payload-not-claims", #"{"alg":"RS256"}"#, "hello"),
    ])
    func findingFires(_ id: String, _ header: String, _ payload: String) throws {
        let found = try Self.ids(header: header, payload: payload)
        #expect(found.contains(id), "\(id) for header \(header) payload \(payload); found \(found)")
    }

    @Test func expiredFromTheSecondAfterExpAsTheVerifierJudges() throws {
        // LifetimeRule (Microsoft.IdentityModel's IDX10223, `exp < now - skew`): at exp itself the token still
        // passes verify and check-policy, so decode does not call it expired either.
        let token = try Fixtures.token(payload: #"{"iat":1767225600,"exp":1767226200}"#)
        #expect(TokenInspection.inspect(token, at: 1_767_226_201).findings.map(\.id).contains("expired"))
        #expect(!TokenInspection.inspect(token, at: 1_767_226_200).findings.map(\.id).contains("expired"))
    }

    @Test func examplesRaiseTheirFindings() throws {
        let graph = TokenInspection.inspect(try Fixtures.example("graph-v1.jwt"), at: 1_767_225_600)
        #expect(graph.findings.map(\.id).contains("graph-nonce"), "examples/tokens/graph-v1.jwt")
        let idToken = TokenInspection.inspect(try Fixtures.example("id-token-v2.jwt"), at: 1_767_225_600)
        #expect(idToken.findings.map(\.id).contains("id-token"), "examples/tokens/id-token-v2.jwt")
        let access = TokenInspection.inspect(try Fixtures.example("public-client-v2.jwt"), at: 1_767_225_600)
        #expect(!access.findings.map(\.id).contains("id-token"), "examples/tokens/public-client-v2.jwt")
        let expired = TokenInspection.inspect(try Fixtures.example("expired-v1.jwt"), at: 1_767_229_200 + 3 * 3600)
        #expect(expired.findings.map(\.id).contains("expired"), "examples/tokens/expired-v1.jwt")
        #expect(expired.times.first { $0.name == "exp" }?.relative == "expired 3 h ago")
    }

    @Test func timesAreShownAsUTCAndRelative() throws {
        let token = try Fixtures.token(payload: #"{"exp":1767229200,"nbf":1767225600,"iat":1767225600.5,"auth_time":1767225000}"#)
        let times = TokenInspection.inspect(token, at: 1_767_226_680).times
        #expect(times.map(\.name) == ["exp", "nbf", "iat", "auth_time"])
        #expect(times[0].utc == "2026-01-01T01:00:00Z")
        #expect(times[0].relative == "in 42 min")
        #expect(times[2].text == "1767225600.5")
    }

    @Test(arguments: [
        (#"{"cnf":{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}}"#, TokenInspection.Binding.Kind.certificate),
        (#"{"cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}"#, .dpop),
        (#"{"cnf":{"kid":"k"}}"#, .other),
        (#"{"sub":"a"}"#, TokenInspection.Binding.Kind.none),
    ])
    func reportsTheBinding(_ payload: String, _ kind: TokenInspection.Binding.Kind) throws {
        let binding = TokenInspection.inspect(try Fixtures.token(payload: payload), at: Self.now).binding
        #expect(binding.kind == kind, "\(payload)")
        if kind == .certificate { #expect(binding.certificateThumbprint == "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2") }
        if kind == .dpop { #expect(binding.jwkThumbprint == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I") }
    }

    @Test func jweIsReportedAsEncrypted() throws {
        let header = Base64URL.encode(Array(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#.utf8))
        let inspection = TokenInspection.inspect(try CompactToken.parse("\(header).YQ.YQ.YQ.YQ"), at: Self.now)
        #expect(inspection.credential.kind == .unknown)
        #expect(inspection.findings.map(\.id) == ["encrypted-payload"])
    }
}
