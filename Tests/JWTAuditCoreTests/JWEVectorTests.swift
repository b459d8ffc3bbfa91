import Testing
@testable import JWTAuditCore

/// RFC 7516 appendix A and RFC 7520 §5 / §6: independent examples, each decrypted with its own key to its own
/// plaintext (vendored in Tests/Vectors/jwe with their source).
@Suite("JWE: RFC 7516 and RFC 7520 examples")
struct JWEVectorTests {
    @Test func everyCompactExampleIsPresent() {
        // RFC 7516 A.1-A.3, RFC 7520 §5.1-5.9 (5.10-5.13 exist in the JSON serialization only), RFC 7520 §6.
        #expect(JWEVectors.rfcFiles.count == 13, "\(JWEVectors.rfcFiles)")
    }

    @Test(arguments: JWEVectors.rfcFiles)
    func example(_ name: String) throws {
        let vector = try JWEVectors.document(name)
        let compact = try #require(vector["compact"]?.stringValue)
        let expected = try #require(vector["plaintext"]?.stringValue)
        switch vector["expect"]?.stringValue {
        case "decrypt":
            let key = try JWEVectors.key(try #require(vector["key"]), source: name)
            let outcome = try JWEVectors.decrypt(compact, keys: [key])
            #expect(outcome.status == .decrypted, "\(name): \(outcome.reason ?? "")")
            #expect(JWEVectors.text(outcome) == expected, "\(name)")
            #expect(outcome.keyUsed === key)
            #expect(outcome.algorithm == vector["alg"]?.stringValue && outcome.encryption == vector["enc"]?.stringValue)
            #expect(outcome.usesRSA1_5 == (vector["alg"]?.stringValue == "RSA1_5"))
        case "unsupported":
            // RFC 7520 §5.3, PBES2: no key jwtaudit holds can open it; the header alone refuses it.
            let outcome = try JWEVectors.decrypt(compact, keys: JWEVectors.roundTripKeys)
            #expect(outcome.status == .failed)
            #expect(outcome.plaintext == nil)
            guard case .unsupportedAlgorithm(let alg, let why)? = outcome.failure else {
                Issue.record("\(name): \(String(describing: outcome.failure))")
                return
            }
            #expect(alg == "PBES2-HS512+A256KW" && why.contains("PBES2"))
        default:
            Issue.record("\(name): unknown expectation")
        }
    }

    @Test func theNestedExampleCarriesTheSignedTokenOfRFC7520Section6() throws {
        let vector = try JWEVectors.document("rfc7520_6_nested_PS256_in_RSA-OAEP_A128GCM.json")
        let jwe = try CompactToken.parse(try #require(vector["compact"]?.stringValue))
        let key = try JWEVectors.key(try #require(vector["key"]), source: "§6")
        let outcome = JWEDecryptor.decrypt(try CompactJWE(jwe), keys: [key])
        let inner = try #require(jwe.opened(with: outcome))
        #expect(inner.kind == .jws)
        #expect(inner.header["alg"] == "PS256")
        #expect(inner.claims?["iss"] == "hobbiton.example")
        // The inner signature verifies with the signing key's public half.
        let signingJWK = try #require(vector["signingKey"])
        let signingKey = try #require(try KeySet.loadJWKS(signingJWK, source: "§6").keys.first)
        #expect(verifySignature(algorithm: .PS256, key: signingKey, message: inner.signingInput, signature: inner.signature) == .valid)
    }

    @Test func theJSONSerializationIsRefusedAsInput() throws {
        let text = String(decoding: try #require(CryptoTestSupport.readFile(JWEVectors.directory + "/rfc7520_5_8_flattened_json.json")), as: UTF8.self)
        #expect {
            _ = try TokenInput.extract(text)
        } throws: { error in
            guard let error = error as? JWTAuditError else { return false }
            return error.code == .malformedToken && error.reason.contains("JSON serialization") && error.reason.contains("compact")
        }
    }
}
