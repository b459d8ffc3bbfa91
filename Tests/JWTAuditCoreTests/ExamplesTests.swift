import Testing
@testable import JWTAuditCore

/// The shipped examples are what the README and later subcommands use: check the facts they rely on.
@Suite("Shipped examples")
struct ExamplesTests {
    static let tokens = [
        "certificate-v1.jwt", "secret-v1.jwt", "public-client-v1.jwt", "certificate-v2.jwt", "secret-v2.jwt",
        "public-client-v2.jwt", "managed-identity-v1.jwt", "expired-v1.jwt", "graph-v1.jwt", "id-token-v2.jwt",
        "certificate-v2-v1-issuer.jwt", "unknown-kid-v1.jwt",
    ]

    static func jwks() throws -> [JSONObject] {
        let text = try #require(Fixtures.readFile("examples/keys/jwks.json"), "examples/keys/jwks.json is missing")
        let keys = try #require(try JSONParser.parse(text).objectValue?["keys"]?.arrayValue)
        return keys.compactMap(\.objectValue)
    }

    @Test func jwksIsEntraShaped() throws {
        let keys = try Self.jwks()
        #expect(keys.count == 2, "examples/keys/jwks.json")
        for key in keys {
            #expect(key.keys == ["kty", "use", "kid", "x5t", "n", "e", "x5c"], "examples/keys/jwks.json member order")
            #expect(key["kty"] == "RSA" && key["use"] == "sig" && key["alg"] == nil)
            #expect(key["kid"] == key["x5t"])
        }
    }

    @Test(arguments: tokens)
    func tokensAreEntraShapedRS256(_ name: String) throws {
        let token = try Fixtures.example(name)
        #expect(token.header["alg"] == "RS256", "examples/tokens/\(name)")
        #expect(token.header["typ"] == "JWT", "examples/tokens/\(name)")
        #expect(token.header["kid"] == token.header["x5t"], "examples/tokens/\(name)")
        #expect(token.signature.count == 256, "examples/tokens/\(name)")
        let claims = try #require(token.claims, "examples/tokens/\(name)")
        #expect(claims["tid"] == "3d6e366f-9587-413b-ab6b-0a851b1b91ba", "examples/tokens/\(name)")
        #expect(claims["iat"] == 1_767_225_600, "examples/tokens/\(name)")
        #expect(claims["exp"] == (name == "expired-v1.jwt" ? 1_767_229_200 : 4_102_444_800), "examples/tokens/\(name)")
    }

    @Test func keySelectionByKidMatters() throws {
        let kids = try Self.jwks().compactMap { $0["kid"]?.stringValue }
        let signing = try #require(try Fixtures.example("secret-v1.jwt").keyID)
        #expect(kids.last == signing, "the tenant signing key is the second JWKS key")
        #expect(kids.first != signing)
        let unknown = try #require(try Fixtures.example("unknown-kid-v1.jwt").keyID)
        #expect(!kids.contains(unknown), "examples/tokens/unknown-kid-v1.jwt must name a kid no JWKS publishes")
    }
}
