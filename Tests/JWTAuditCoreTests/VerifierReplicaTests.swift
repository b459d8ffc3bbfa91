import Testing
@testable import JWTAuditCore

/// `Verifier.replica`: a batch worker's own verifier judges every token as the original does, and shares none of
/// its objects (its keys are imported into OpenSSL again).
@Suite("A verifier's replica for a batch worker")
struct VerifierReplicaTests {
    static let examples = [
        "certificate-v1.jwt", "certificate-v2.jwt", "secret-v1.jwt", "secret-v2.jwt", "expired-v1.jwt",
        "graph-v1.jwt", "id-token-v2.jwt", "managed-identity-v1.jwt", "public-client-v1.jwt",
    ]

    @Test(arguments: examples)
    func theReplicaReportsWhatTheOriginalReports(_ name: String) throws {
        var policy = VerifierTests.v1Policy()
        policy.requireCertificate = true
        policy.requiredClaims = [(name: "roles", value: "Data.Read")]
        let original = Verifier(keys: try VerifierTests.keys(), policy: policy)
        let replica = try #require(original.replica())
        let token = try Fixtures.example(name)
        for at in [VerifierTests.at, 1_767_240_000, 4_102_444_800] {
            let expected = original.verify(token, at: at)
            let got = replica.verify(token, at: at)
            #expect(got.checks == expected.checks, "\(name) at \(at)")
            #expect(got.credential == expected.credential, "\(name) at \(at)")
            #expect(got.key?.thumbprint == expected.key?.thumbprint, "\(name) at \(at)")
        }
    }

    @Test func theReplicaSharesNoKeyObject() throws {
        let original = Verifier(keys: try VerifierTests.keys(), policy: VerifierTests.v1Policy())
        let replica = try #require(original.replica())
        let keys = try #require(original.keys)
        let copies = try #require(replica.keys)
        #expect(copies !== keys)
        #expect(copies.keys.count == keys.keys.count)
        #expect(copies.notes == keys.notes)
        #expect(copies.refused == keys.refused)
        #expect(copies.source == keys.source && copies.provenance == keys.provenance && copies.isLoneKey == keys.isLoneKey)
        for (copy, key) in zip(copies.keys, keys.keys) {
            #expect(copy !== key)
            #expect(copy.kid == key.kid && copy.thumbprint == key.thumbprint && copy.summary == key.summary)
            #expect(copy.compatibleAlgorithms == key.compatibleAlgorithms)
            guard case .publicKey(let copied, _) = copy.material, case .publicKey(let imported, _) = key.material else {
                Issue.record("\(key.summary): not a public key")
                continue
            }
            #expect(copied !== imported)
            #expect(copied.pointer != imported.pointer, "\(key.summary): the OpenSSL key is shared")
        }
    }

    /// Every RFC example key (RSA, EC, Ed25519, HMAC secrets): the replica's key verifies what the original's does.
    @Test(arguments: RFCExampleSignatureTests.files)
    func aReplicatedKeyVerifiesAsTheOriginal(_ name: String) throws {
        let document = try CryptoTestSupport.json(RFCExampleSignatureTests.directory + "/" + name)
        guard case .known(let algorithm) = JWSAlgorithm.parse(try #require(document["alg"]?.stringValue)) else {
            Issue.record("\(name): pinned alg is not a JWS algorithm")
            return
        }
        let keySet = try KeySet.loadJWKS(try #require(document["jwk"]), source: name, provenance: .keyFile)
        let copies = try #require(keySet.replica(), "\(name): no replica")
        let key = try #require(keySet.keys.first)
        let copy = try #require(copies.keys.first)
        #expect(copy !== key)
        if key.hmacKey != nil { #expect(copy.hmacKey !== key.hmacKey, "\(name): the keyed HMAC contexts are shared") }
        let token = try CompactToken.parse(try #require(document["token"]?.stringValue))
        var tampered = token.signingInput
        tampered[tampered.count - 1] ^= 0x01
        for message in [token.signingInput, tampered] {
            let expected = verifySignature(algorithm: algorithm, key: key, message: message, signature: token.signature)
            let got = verifySignature(algorithm: algorithm, key: copy, message: message, signature: token.signature)
            #expect(got == expected, "\(name): replica says \(got), original \(expected)")
        }
    }

    @Test func aVerifierWithoutKeysHasAReplicaWithoutKeys() throws {
        let original = Verifier(keys: nil, policy: VerifierTests.v1Policy(), keysUnavailable: true)
        let replica = try #require(original.replica())
        #expect(replica.keys == nil)
        #expect(replica.keysUnavailable)
        let token = try Fixtures.example("certificate-v1.jwt")
        #expect(replica.verify(token, at: VerifierTests.at).checks == original.verify(token, at: VerifierTests.at).checks)
    }
}
