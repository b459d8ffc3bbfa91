import Testing
@testable import JWTAuditCore

/// The classic signature attacks at the signature layer, each against keys made by `openssl` at test time.
@Suite("Signature rules and attacks")
struct SignatureRulesTests {
    static let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhdHRhY2sifQ".utf8)

    @Test func anRSAPublicKeyUsedAsAnHMACSecretCannotVerify() throws {
        // The "algorithm confusion" attack: sign HS256 with the server's RSA public key bytes (PEM, or the JWK
        // text) as the secret, hoping a verifier feeds its public key into HMAC.
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let pem = try factory.read("rsa.pub")
        let set = try KeySet.load(pem, source: "rsa.pub")
        let key = set.keys[0]
        let jwkText = Array(#"{"e":"AQAB","kty":"RSA"}"#.utf8)
        for secret in [pem, jwkText + pem] {
            let forged = try #require(OpenSSLSignature.hmac(digestName: "SHA256", key: secret, message: Self.message))
            #expect(verifySignature(algorithm: .HS256, key: key, message: Self.message, signature: forged) != .valid)
            // The same bytes as a real HMAC key do verify: the forgery itself is well-formed.
            let secretKey = try KeySet.symmetric(secret: secret, source: "secret").keys[0]
            #expect(verifySignature(algorithm: .HS256, key: secretKey, message: Self.message, signature: forged) == .valid)
        }
        #expect(KeySelection.select(from: set, kid: nil, algorithm: .HS256).candidates.isEmpty)
        #expect(!key.compatibleAlgorithms.contains(.HS256))
    }

    @Test func ecdsaZeroSignaturesAreRejected() throws {
        let factory = OpenSSLKeyFactory()
        for (curve, algorithm, half) in [("P-256", JWSAlgorithm.ES256, 32), ("P-384", .ES384, 48), ("P-521", .ES512, 66)] {
            try factory.ec("ec", curve: curve)
            let key = try KeySet.load(try factory.read("ec.pub"), source: "ec.pub").keys[0]
            let zero = [UInt8](repeating: 0, count: 2 * half)
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: zero) != .valid, "\(curve) r=s=0")
            #expect(verifySignature(algorithm: algorithm, key: key, message: [], signature: zero) != .valid, "\(curve) r=s=0, empty message")
        }
    }

    @Test func ecdsaSignaturesMustBeExactlyRAndS() throws {
        let factory = OpenSSLKeyFactory()
        try factory.ec("ec")
        let key = try KeySet.load(try factory.read("ec.pub"), source: "ec.pub").keys[0]
        let der = try factory.sign("ec", Self.message, digest: "sha256")
        let raw = try #require(CryptoTestSupport.derToRawECDSA(der, half: 32))
        #expect(verifySignature(algorithm: .ES256, key: key, message: Self.message, signature: raw) == .valid)
        let outcome = verifySignature(algorithm: .ES256, key: key, message: Self.message, signature: der)
        #expect(outcome != .valid, "a DER signature where r||s belongs")
        if case .invalid(let why) = outcome { #expect(why.contains("DER")) }
        #expect(verifySignature(algorithm: .ES256, key: key, message: Self.message, signature: [0] + raw) != .valid, "padded")
        #expect(verifySignature(algorithm: .ES256, key: key, message: Self.message, signature: Array(raw.dropFirst())) != .valid, "stripped")
    }

    @Test func anRSASignatureOnAnECKeyIsRejected() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        try factory.ec("ec")
        let rsaSignature = try factory.sign("rsa", Self.message, digest: "sha256")
        let ecKey = try KeySet.load(try factory.read("ec.pub"), source: "ec.pub").keys[0]
        for algorithm in [JWSAlgorithm.RS256, .PS256, .ES256] {
            #expect(verifySignature(algorithm: algorithm, key: ecKey, message: Self.message, signature: rsaSignature) != .valid, "\(algorithm)")
        }
    }

    @Test func pssUsesTheHashLengthAsSaltLength() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let key = try KeySet.load(try factory.read("rsa.pub"), source: "rsa.pub").keys[0]
        let pss = "-sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha256"
        let good = try factory.sign("rsa", Self.message, digest: "sha256", options: pss + " -sigopt rsa_pss_saltlen:32")
        #expect(verifySignature(algorithm: .PS256, key: key, message: Self.message, signature: good) == .valid)
        #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: good) != .valid)
        for saltLength in ["0", "20", "max"] {
            let other = try factory.sign("rsa", Self.message, digest: "sha256", options: pss + " -sigopt rsa_pss_saltlen:\(saltLength)")
            #expect(verifySignature(algorithm: .PS256, key: key, message: Self.message, signature: other) != .valid, "salt \(saltLength)")
        }
        // MGF1 with another hash than the signature's: not PS256.
        let mgf = try factory.sign("rsa", Self.message, digest: "sha256",
            options: "-sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha1 -sigopt rsa_pss_saltlen:32")
        #expect(verifySignature(algorithm: .PS256, key: key, message: Self.message, signature: mgf) != .valid)
    }

    @Test func rsaSignaturesMustBeExactlyTheModulusLength() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let key = try KeySet.load(try factory.read("rsa.pub"), source: "rsa.pub").keys[0]
        let signature = try factory.sign("rsa", Self.message, digest: "sha256")
        #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: signature) == .valid)
        #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: [0] + signature) != .valid)
    }

    @Test func hmacTagsMustBeFullLength() throws {
        let secret = [UInt8](repeating: 0x42, count: 64)
        let key = try KeySet.symmetric(secret: secret, source: "s").keys[0]
        for (algorithm, name) in [(JWSAlgorithm.HS256, "SHA256"), (.HS384, "SHA384"), (.HS512, "SHA512")] {
            let tag = try #require(OpenSSLSignature.hmac(digestName: name, key: secret, message: Self.message))
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: tag) == .valid)
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: Array(tag.prefix(16))) != .valid)
            var flipped = tag
            flipped[tag.count - 1] ^= 1
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: flipped) != .valid)
        }
    }

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func noneInAnySpellingIsUnsecured(_ name: String) {
        #expect(JWSAlgorithm.parse(name) == .unsecured(name))
    }

    @Test func algorithmNamesAreCaseSensitive() {
        #expect(JWSAlgorithm.parse("RS256") == .known(.RS256))
        #expect(JWSAlgorithm.parse("rs256") == .unknown("rs256"))
        #expect(JWSAlgorithm.parse("ES256K") == .unknown("ES256K"))
        #expect(JWSAlgorithm.allCases.filter(\.isSymmetric) == [.HS256, .HS384, .HS512])
    }

    @Test func oneKeyKeepsEachDigestAndPaddingApart() throws {
        // A key keeps prepared contexts per digest and padding (Signature_openssl.swift): interleaving RS256,
        // PS256 and RS384 on the same key must verify each with its own setup, and never one with another's.
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let key = try KeySet.load(try factory.read("rsa.pub"), source: "rsa.pub").keys[0]
        let rs256 = try factory.sign("rsa", Self.message, digest: "sha256")
        let rs384 = try factory.sign("rsa", Self.message, digest: "sha384")
        let ps256 = try factory.sign(
            "rsa", Self.message, digest: "sha256",
            options: "-sigopt rsa_padding_mode:pss -sigopt rsa_mgf1_md:sha256 -sigopt rsa_pss_saltlen:32")
        for round in 0..<3 {
            #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: rs256) == .valid, "round \(round)")
            #expect(verifySignature(algorithm: .PS256, key: key, message: Self.message, signature: ps256) == .valid, "round \(round)")
            #expect(verifySignature(algorithm: .RS384, key: key, message: Self.message, signature: rs384) == .valid, "round \(round)")
            #expect(verifySignature(algorithm: .PS256, key: key, message: Self.message, signature: rs256) != .valid, "round \(round)")
            #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: ps256) != .valid, "round \(round)")
            #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: rs384) != .valid, "round \(round)")
            #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message + [0], signature: rs256) != .valid, "round \(round)")
        }
    }

    @Test func oneKeyVerifiesConcurrently() async throws {
        // Batch mode shares one key across threads: each verification takes a prepared context of its own.
        let factory = OpenSSLKeyFactory()
        try factory.ec("ec")
        let key = try KeySet.load(try factory.read("ec.pub"), source: "ec.pub").keys[0]
        let raw = try #require(CryptoTestSupport.derToRawECDSA(try factory.sign("ec", Self.message, digest: "sha256"), half: 32))
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let message = index % 2 == 0 ? Self.message : Self.message + [1]
                    return (verifySignature(algorithm: .ES256, key: key, message: message, signature: raw) == .valid) == (index % 2 == 0)
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}
