import Testing
@testable import JWTAuditCore

/// Every RFC example in Tests/Vectors/rfc: import the `jwk`, pin the file's `alg` (never the header's),
/// split the token with `CompactToken.parse`, verify over `signingInput` exactly as received, compare with `expect`.
@Suite("RFC 7515 / 7520 / 8037 examples through verifySignature")
struct RFCExampleSignatureTests {
    static let directory = CryptoTestSupport.vectorsDirectory() + "/rfc"
    static let files = CryptoTestSupport.listDirectory(directory).filter { $0.hasSuffix(".json") }

    @Test func everyExampleIsPresent() {
        #expect(Self.files.count == 11, "expected the 11 RFC examples listed in Tests/Vectors/README.md in \(Self.directory)")
    }

    @Test(arguments: files)
    func example(_ name: String) throws {
        let document = try CryptoTestSupport.json(Self.directory + "/" + name)
        let pinned = try #require(document["alg"]?.stringValue, "\(name): no alg")
        guard case .known(let algorithm) = JWSAlgorithm.parse(pinned) else {
            Issue.record("\(name): pinned alg \(pinned) is not a JWS algorithm")
            return
        }
        let jwk = try #require(document["jwk"], "\(name): no jwk")
        // As `verify --key FILE --alg ALG` reads it: a lone JWK file, whose oct key is a secret with the pinned alg.
        let keySet = try KeySet.loadJWKS(jwk, source: name, provenance: .keyFile)
        #expect(keySet.isLoneKey, "\(name): a single JWK is a lone key")
        let key = try #require(keySet.keys.first)
        let token = try CompactToken.parse(try #require(document["token"]?.stringValue))
        let expectValid = document["expect"]?.stringValue == "valid"

        let outcome = verifySignature(algorithm: algorithm, key: key, message: token.signingInput, signature: token.signature)
        #expect(
            (outcome == .valid) == expectValid,
            "\(name) (\(document["source"]?.stringValue ?? "")): expected \(expectValid ? "valid" : "invalid"), got \(outcome)")

        // The header's alg agrees with the pin for the real examples; for A.5 it says "none", which never verifies.
        if let headerAlgorithm = token.algorithm {
            switch JWSAlgorithm.parse(headerAlgorithm) {
            case .unsecured: #expect(!expectValid, "\(name): an alg=none token is expected valid")
            case .known(let named): #expect(named == algorithm, "\(name): header alg \(named) differs from the pinned \(algorithm)")
            case .unknown(let other): Issue.record("\(name): header alg \(other) unknown")
            }
        }

        // RFC 7520 §4.5: with the detached payload put back, the same signature verifies.
        if let detached = document["detached_payload_b64u"]?.stringValue {
            let parts = token.text.split(separator: ".", omittingEmptySubsequences: false)
            let attached = try CompactToken.parse("\(parts[0]).\(detached).\(parts[2])")
            #expect(
                verifySignature(algorithm: algorithm, key: key, message: attached.signingInput, signature: attached.signature) == .valid,
                "\(name): the detached payload, re-attached, should verify")
        }

        // One flipped bit of the signing input must break every valid example.
        if expectValid {
            var tampered = token.signingInput
            tampered[tampered.count - 1] ^= 0x01
            #expect(
                verifySignature(algorithm: algorithm, key: key, message: tampered, signature: token.signature) != .valid,
                "\(name): a tampered signing input verified")
        }
    }
}
