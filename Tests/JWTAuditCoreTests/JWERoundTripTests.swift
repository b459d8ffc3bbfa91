import Testing
@testable import JWTAuditCore

/// Every key management algorithm with every content encryption algorithm, made by an independent implementation
/// (joserfc; Tests/Vectors/jwe/make_roundtrip.py) and decrypted here with the private keys it made.
@Suite("JWE: every algorithm pair from an independent implementation")
struct JWERoundTripTests {
    static let indices = Array(JWEVectors.roundTrip.tokens.indices)

    @Test func everyAlgorithmPairIsCovered() {
        var pairs = Set<String>()
        for token in JWEVectors.roundTrip.tokens {
            pairs.insert("\(token["alg"]?.stringValue ?? "") \(token["enc"]?.stringValue ?? "")")
        }
        for alg in JWEKeyManagement.allCases {
            for enc in JWEContentEncryption.allCases {
                #expect(pairs.contains("\(alg.rawValue) \(enc.rawValue)"), "no round-trip token for \(alg.rawValue) + \(enc.rawValue)")
            }
        }
        // ECDH-ES on each of P-256, P-384 and P-521.
        let curves = Set(JWEVectors.roundTrip.tokens.compactMap { $0["kid"]?.stringValue }.filter { $0.hasPrefix("ec-") })
        #expect(curves == ["ec-p-256", "ec-p-384", "ec-p-521"])
        #expect(JWEVectors.roundTripKeys.count == 13, "every key of roundtrip-keys.jwks.json loads")
    }

    @Test(arguments: indices)
    func tokenDecryptsToItsPlaintext(_ index: Int) throws {
        let vector = JWEVectors.roundTrip.tokens[index]
        let compact = try #require(vector["compact"]?.stringValue)
        let label = "\(vector["alg"]?.stringValue ?? "") + \(vector["enc"]?.stringValue ?? "") kid \(vector["kid"]?.stringValue ?? "none")"
        let outcome = try JWEVectors.decrypt(compact, keys: JWEVectors.roundTripKeys)
        #expect(outcome.status == .decrypted, "\(label): \(outcome.reason ?? "")")
        #expect(JWEVectors.text(outcome) == vector["plaintext"]?.stringValue, "\(label)")
        if let kid = vector["kid"]?.stringValue {
            // The kid chose the key: exactly one was tried.
            #expect(outcome.keyUsed?.kid == kid && outcome.attempts.count == 1, "\(label): \(outcome.keyChoice ?? "")")
        } else {
            // No kid: every key that can serve the alg is a candidate, tried in turn until one authenticates.
            #expect(outcome.keyChoice?.contains("no kid") == true, "\(label)")
            #expect(outcome.attempts.last?.failure == nil)
            #expect(outcome.attempts.dropLast().allSatisfy { $0.failure != nil })
        }
    }

    /// The same private keys as PEM (PKCS#8, PKCS#1, SEC1) decrypt the tokens made for their JWK.
    @Test(arguments: [
        ("rsa-2048.pkcs8.pem", "rsa-2048"), ("rsa-2048.pkcs1.pem", "rsa-2048"), ("ec-p-256.sec1.pem", "ec-p-256"),
        ("ec-p-384.pkcs8.pem", "ec-p-384"), ("ec-p-521.sec1.pem", "ec-p-521"),
    ])
    func pemKeysDecryptTheTokensOfTheirJWK(_ file: String, _ kid: String) throws {
        let key = try JWEVectors.pemKey(file)
        #expect(key.kid == nil, "a PEM key has no kid")
        let tokens = JWEVectors.roundTrip.tokens.filter { $0["kid"]?.stringValue == kid }
        #expect(tokens.count >= 18)
        for vector in tokens {
            let outcome = try JWEVectors.decrypt(try #require(vector["compact"]?.stringValue), keys: [key])
            #expect(outcome.status == .decrypted, "\(file): \(vector["alg"]?.stringValue ?? "") \(outcome.reason ?? "")")
            #expect(JWEVectors.text(outcome) == vector["plaintext"]?.stringValue)
            // The token names kid "rsa-2048"; a PEM key has none, so it is tried as the one suitable key.
            #expect(outcome.keyChoice?.contains("names none of the keys given") == true)
        }
    }

    @Test func compressedContentInflates() throws {
        let compressed = JWEVectors.roundTrip.tokens.filter { $0["zip"]?.stringValue == "DEF" }
        #expect(compressed.count == JWEContentEncryption.allCases.count)
        for vector in compressed {
            let outcome = try JWEVectors.decrypt(try #require(vector["compact"]?.stringValue), keys: JWEVectors.roundTripKeys)
            #expect(JWEVectors.text(outcome) == vector["plaintext"]?.stringValue, "\(outcome.reason ?? "")")
        }
    }

    @Test(arguments: Array(JWEVectors.roundTrip.crafted.indices))
    func craftedToken(_ index: Int) throws {
        let vector = JWEVectors.roundTrip.crafted[index]
        let name = vector["name"]?.stringValue ?? "?"
        let outcome = try JWEVectors.decrypt(try #require(vector["compact"]?.stringValue), keys: JWEVectors.roundTripKeys)
        switch vector["expect"]?.stringValue {
        case "decrypt":
            #expect(outcome.status == .decrypted, "\(name): \(outcome.reason ?? "")")
            #expect(JWEVectors.text(outcome) == vector["plaintext"]?.stringValue, "\(name)")
        case "decompressedTooLarge":
            #expect(outcome.status == .failed && outcome.plaintext == nil, "\(name)")
            #expect(outcome.failure == .decompressedTooLarge(limit: JWEDecryptor.Limits.default.maxPlaintextBytes), "\(name)")
        case "decompressionFailed":
            #expect(outcome.status == .failed && outcome.plaintext == nil, "\(name)")
            guard case .decompressionFailed? = outcome.failure else {
                Issue.record("\(name): \(String(describing: outcome.failure))")
                return
            }
        default:
            Issue.record("\(name): unknown expectation")
        }
    }

    /// What the decrypted plaintext is read as (RFC 7519 §7.2 step 8).
    @Test func thePlaintextIsOpenedAsTheTokenItCarries() throws {
        func opened(_ name: String) throws -> CompactToken {
            let vector = try #require(JWEVectors.roundTrip.crafted.first { $0["name"]?.stringValue == name }, "\(name)")
            let jwe = try CompactToken.parse(try #require(vector["compact"]?.stringValue))
            let outcome = JWEDecryptor.decrypt(try CompactJWE(jwe), keys: JWEVectors.roundTripKeys)
            return try #require(jwe.opened(with: outcome), "\(name)")
        }
        let signed = try opened("a signed JWT inside, without cty")
        #expect(signed.kind == .jws && signed.claims?["appidacr"] == "2")
        let claims = try opened("cty JWT over a plaintext that is not a JWS")
        #expect(claims.kind == .jwe && claims.isDecrypted && claims.claims?["iss"] == "x")
        let twice = try opened("a JWE inside a JWE")
        #expect(twice.isDecrypted && twice.claims == nil && twice.claimsProblem?.contains("encrypted twice") == true)
        let empty = try opened("empty plaintext")
        #expect(empty.claims == nil && empty.claimsProblem == "the plaintext is empty")
    }
}
