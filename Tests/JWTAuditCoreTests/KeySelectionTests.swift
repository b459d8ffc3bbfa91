import Testing
@testable import JWTAuditCore

/// Key selection: kid match in a set, no fallback for an unknown kid, a lone key whatever the kid, every
/// compatible key when the token has no kid; and the set-level rules (symmetric members, duplicate kids).
@Suite("Key selection")
struct KeySelectionTests {
    /// Three public keys made by `openssl` at test time: two RSA, one EC P-256, as a JWK set with `kids`.
    static func keySet(kids: [String] = ["rsa-1", "rsa-2", "ec-1"]) throws -> (set: KeySet, factory: OpenSSLKeyFactory) {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("r1")
        try factory.rsa("r2")
        try factory.ec("e1")
        var members: [String] = []
        for (name, kid) in zip(["r1", "r2", "e1"], kids) {
            let key = try #require(try KeySet.load(try factory.read(name + ".pub"), source: name).keys.first)
            guard case .publicKey(_, let components) = key.material else { throw JWTAuditError(.malformedKey, "?") }
            switch components {
            case .rsa(let n, let e):
                members.append(#"{"kty":"RSA","kid":"\#(kid)","n":"\#(Base64URL.encode(n))","e":"\#(Base64URL.encode(e))"}"#)
            case .ec(_, let x, let y):
                members.append(#"{"kty":"EC","crv":"P-256","kid":"\#(kid)","x":"\#(Base64URL.encode(x))","y":"\#(Base64URL.encode(y))"}"#)
            case .ed25519: break
            }
        }
        let json = #"{"keys":[\#(members.joined(separator: ","))]}"#
        return (try KeySet.load(Array(json.utf8), source: "jwks.json"), factory)
    }

    @Test func kidSelectsExactlyThatKey() throws {
        let (set, _) = try Self.keySet()
        let selection = KeySelection.select(from: set, kid: "rsa-2", algorithm: .RS256)
        #expect(selection.candidates.map(\.kid) == ["rsa-2"])
        #expect(selection.explanation.contains("rsa-2"))
    }

    @Test func anUnknownKidSelectsNothingAndSaysWhy() throws {
        let (set, _) = try Self.keySet()
        let selection = KeySelection.select(from: set, kid: "rotated-away", algorithm: .RS256)
        #expect(selection.candidates.isEmpty, "no fallback to another key")
        #expect(selection.explanation.contains("rotated-away") && selection.explanation.contains("no fallback"))
    }

    @Test func aKidWhoseKeyCannotDoTheAlgorithmSelectsNothing() throws {
        let (set, _) = try Self.keySet()
        let selection = KeySelection.select(from: set, kid: "ec-1", algorithm: .RS256)
        #expect(selection.candidates.isEmpty)
        #expect(selection.explanation.contains("cannot verify RS256"))
    }

    @Test func noKidTriesEveryCompatibleKey() throws {
        let (set, _) = try Self.keySet()
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .PS256).candidates.map(\.kid) == ["rsa-1", "rsa-2"])
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .ES256).candidates.map(\.kid) == ["ec-1"])
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .ES384).candidates.isEmpty)
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .HS256).candidates.isEmpty)
    }

    @Test func aLoneKeyIsUsedWhateverTheKid() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("lone")
        let set = try KeySet.load(try factory.read("lone.pub"), source: "lone.pub")
        #expect(set.isLoneKey)
        #expect(KeySelection.select(from: set, kid: "anything", algorithm: .RS256).candidates.count == 1)
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .RS256).candidates.count == 1)
        #expect(KeySelection.select(from: set, kid: "anything", algorithm: .HS256).candidates.isEmpty)
    }

    @Test func aKidThatWasRefusedAtImportIsNamed() throws {
        let json = #"{"keys":[{"kty":"RSA","kid":"good","n":"\#(Base64URL.encode(KeyPolicyTests.plainModulus))","e":"AQAB"},{"kty":"RSA","kid":"weak","n":"\#(Base64URL.encode(KeyPolicyTests.plainModulus))","e":"Aw"}]}"#
        let set = try KeySet.load(Array(json.utf8), source: "jwks.json")
        let selection = KeySelection.select(from: set, kid: "weak", algorithm: .RS256)
        #expect(selection.candidates.isEmpty)
        #expect(selection.explanation.contains("refused") && selection.explanation.contains("exponent is 3"), "\(selection.explanation)")
    }

    @Test func aSymmetricMemberOfASetIsRefusedAndItsPublicNeighboursKept() throws {
        let secret = Base64URL.encode([UInt8](repeating: 1, count: 32))
        let json = #"{"keys":[{"kty":"RSA","kid":"r","n":"\#(Base64URL.encode(KeyPolicyTests.plainModulus))","e":"AQAB"},{"kty":"oct","kid":"h","k":"\#(secret)"}]}"#
        for provenance in [KeySet.Provenance.publicKeys, .keyFile] {
            let set = try KeySet.load(Array(json.utf8), source: "jwks.json", provenance: provenance)
            #expect(set.keys.map(\.kid) == ["r"])
            #expect(set.refused.map(\.kid) == ["h"])
            let selection = KeySelection.select(from: set, kid: "h", algorithm: .HS256)
            #expect(selection.candidates.isEmpty)
            #expect(selection.explanation.contains("a symmetric (oct) key in a JWK set is never used"), "\(selection.explanation)")
            #expect(!Verifier.defaultAllowedAlgorithms(set).contains(.HS256))
        }
    }

    @Test func onlyASecretAdmitsHMACByDefault() throws {
        let secret = [UInt8](repeating: 1, count: 32)
        let jwk = #"{"kty":"oct","kid":"h","k":"\#(Base64URL.encode(secret))"}"#
        #expect(Verifier.defaultAllowedAlgorithms(try KeySet.symmetric(secret: secret, source: "s")).contains(.HS256))
        let fromKeyFile = try KeySet.load(Array(jwk.utf8), source: "h.jwk", provenance: .keyFile)
        #expect(Verifier.defaultAllowedAlgorithms(fromKeyFile).isEmpty, "a --key JWK needs an explicit --alg HS*")
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(Array(jwk.utf8), source: "h.jwk", provenance: .publicKeys) }
        #expect(error?.reason.contains("never used") == true)
    }

    /// RFC 7517 §4.5 allows one kid on keys of different types ("equivalent alternatives"); a repeat within one
    /// type is said, and neither loses the set: each key with the kid that can do the algorithm is tried.
    @Test func aRepeatedKidKeepsTheSetAndEveryKeyIsTried() throws {
        let (alternatives, _) = try Self.keySet(kids: ["same", "rsa-2", "same"])
        #expect(alternatives.keys.count == 3 && alternatives.notes.isEmpty, "\(alternatives.notes)")
        #expect(KeySelection.select(from: alternatives, kid: "same", algorithm: .ES256).candidates.map(\.keyType) == ["EC"])
        #expect(KeySelection.select(from: alternatives, kid: "same", algorithm: .RS256).candidates.map(\.keyType) == ["RSA"])

        let (repeated, _) = try Self.keySet(kids: ["same", "same", "ec-1"])
        #expect(repeated.notes.count == 1 && repeated.notes[0].contains("kid \"same\" appears on more than one RSA key"), "\(repeated.notes)")
        #expect(KeySelection.select(from: repeated, kid: "same", algorithm: .RS256).candidates.count == 2)
    }
}
