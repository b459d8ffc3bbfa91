#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 13 item 7: one malformed member must not make a whole JWK set unusable. RFC 7517 §5: "Implementations
/// SHOULD ignore JWKs within a JWK Set that use "kty" values that are not understood by them, that are missing
/// required members, or for which values are out of the supported ranges." Through the built binary, from a file
/// and from a provider over HTTPS; the skipped members are named in the notes.
@Suite("JWK sets: unusable members are skipped and named, the rest works")
struct KeySetSkippedMembersTests {
    static let broken = [
        #"{"kty":"RSA","kid":"bad-base64","n":"!!!","e":"AQAB"}"#,
        #"{"kty":"RSA","kid":"empty-modulus","n":"","e":"AQAB"}"#,
        #"{"kty":"EC","kid":"wrong-curve","crv":"P-256K","x":"AQAB","y":"AQAB"}"#,
        #"{"kty":"OKP","kid":"unknown-kty-curve","crv":"X448","x":"AQAB"}"#,
        #"{"kty":"XYZ","kid":"unknown-kty"}"#,
    ]

    /// The examples' set with the broken members in front of the real keys.
    static func damagedSet() throws -> String {
        let text = try #require(Support.readFile("examples/keys/jwks.json"))
        let keys = try #require(try JSONParser.parse(text).objectValue?["keys"]?.arrayValue)
        let members = try broken.map { try JSONParser.parse($0) } + keys
        return JSONWriter.write(.object(JSONObject([("keys", .array(members))])))
    }

    static func notes(_ result: Support.Result) throws -> [String] {
        let document = try #require(try JSONParser.parse(result.stdout).objectValue, "\(result.stdout)\(result.stderr)")
        return (document["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    func expectEveryBrokenMemberNamed(_ notes: [String], source: String) {
        for (index, kid) in ["bad-base64", "empty-modulus", "wrong-curve", "unknown-kty-curve", "unknown-kty"].enumerated() {
            #expect(notes.contains { $0.hasPrefix("key not used: \(source) key #\(index + 1) (kid \(kid)):") }, "\(kid): \(notes)")
        }
    }

    @Test func aDamagedSetFromAFileStillVerifiesWithItsGoodKeys() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let directory = try TemporaryDirectory()
        try directory.write("jwks.json", try Self.damagedSet())
        let source = directory.path + "/jwks.json"
        let result = Support.spawn(Support.binaryPath, [
            "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks", source, "--json",
        ] + VerifyCommandTests.expectations + VerifyCommandTests.at)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        expectEveryBrokenMemberNamed(try Self.notes(result), source: source)
    }

    @Test func aDamagedSetFromAProviderStillVerifiesWithItsGoodKeys() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let server = try VerifyNetworkTests.entraServer(jwks: try Self.damagedSet())
        let cache = try TemporaryDirectory()
        let result = Support.spawn(Support.binaryPath, [
            "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--tenant", VerifyNetworkTests.tenant,
            "--authority", server.base, "--cacert", try TestPKI.get().caFile, "--cache-dir", cache.path,
            "--audience", VerifyNetworkTests.v1Audience, "--json",
        ] + VerifyCommandTests.at)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        expectEveryBrokenMemberNamed(try Self.notes(result), source: server.url("/common/discovery/keys"))
    }

    @Test func aSetThatLeaksAPrivateKeyIsStillRefusedWhole() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let text = try #require(Support.readFile("examples/keys/jwks.json"))
        let withPrivate = text.replacing(#""kty": "RSA""#, with: #""kty": "RSA", "d": "AQAB""#)
        try #require(withPrivate != text)
        let directory = try TemporaryDirectory()
        try directory.write("jwks.json", withPrivate)
        let result = Support.spawn(Support.binaryPath, [
            "verify", VerifyCommandTests.path("examples/tokens/certificate-v1.jwt"), "--jwks", directory.path + "/jwks.json",
        ] + VerifyCommandTests.expectations + VerifyCommandTests.at)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("holds private key member(s) d"))
    }
}
