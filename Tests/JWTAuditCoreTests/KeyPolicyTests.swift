import Testing
@testable import JWTAuditCore

/// The key policy: RSA size and exponent, the ROCA fingerprint, HMAC key length.
@Suite("Key policy")
struct KeyPolicyTests {
    static func rsaJWK(n: [UInt8], e: [UInt8]) -> JSONValue {
        .object(JSONObject([("kty", "RSA"), ("n", .string(Base64URL.encode(n))), ("e", .string(Base64URL.encode(e)))]))
    }

    /// A 2048-bit odd modulus whose structure is irrelevant to the checks under test (a real key is not needed
    /// to test refusals that happen before any arithmetic).
    static let plainModulus: [UInt8] = [0xC5] + [UInt8](repeating: 0x5A, count: 254) + [0x03]

    /// The big-endian bytes of 65537^power, computed by repeated multiplication.
    static func powerOf65537(_ power: Int) -> [UInt8] {
        var value: [UInt8] = [1]  // little-endian while computing
        for _ in 0..<power {
            var carry = 0
            for index in value.indices {
                let product = Int(value[index]) * 65537 + carry
                value[index] = UInt8(product & 0xFF)
                carry = product >> 8
            }
            while carry > 0 { value.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        return value.reversed()
    }

    @Test func theROCAPrintsMatchThePublishedDetector() {
        // crocs-muni/roca detect.py ("prints") for the primes 3..59, as published; membership here is computed
        // from the generator 65537, residue by residue, so this checks the computation against the published table.
        let published: [UInt64] = [
            6, 30, 126, 1026, 5658, 107286, 199410, 8388606, 536870910, 2147483646, 67109890, 2199023255550,
            8796093022206, 140737488355326, 5310023542746834, 576460752303423486, 1455791217086302986,
        ]
        for (index, expected) in published.enumerated() {
            let prime = ROCAFingerprint.primes[index]
            let computed = (0..<prime).reduce(UInt64(0)) {
                ROCAFingerprint.isPowerOfGenerator($1, modulo: prime) ? $0 | (1 << $1) : $0
            }
            #expect(computed == expected, "ROCA print for prime \(prime)")
        }
        #expect(ROCAFingerprint.primes.count == 38 && ROCAFingerprint.primes.last == 167)
    }

    @Test func aPublishedROCAModulusHasTheFingerprint() {
        // The sample modulus in salaman/roca-factor params.py (DlogFprint, `self.n`), a key produced by the
        // vulnerable Infineon library (1025 bits, so it would be refused for size too).
        let hex = "1db349e1f58f5d41f65aa5b0ffa6ae0cea80de6c170b2b4abf9c358d79494ca59cab008f5ee92759b91d497e2131701047f953935a163e91db5460c82566f4df0c05bca02a8576f7c4e916b274e2f307b56fc8a20ad452b1b54d3924726a3b2329da882c7b8e102379dfe7a8c6b01d62e7ff0fd58e1e9822f6e32b5b0486561fb"
        let modulus = CryptoTestSupport.hex("0" + hex)
        #expect(ROCAFingerprint.matches(modulus: modulus))
        var altered = modulus
        altered[altered.count - 1] ^= 0x02  // still odd; one residue moves out of the subgroup for some prime
        #expect(!ROCAFingerprint.matches(modulus: altered))
    }

    @Test func aROCAShapedModulusIsRefusedAtImport() throws {
        // No 2048-bit ROCA public key was found among the available sources, so one is constructed: 65537^128
        // (2049 bits, odd) is trivially congruent to a power of 65537 modulo every prime, which is exactly the
        // fingerprint. The RSA checks before it (size, parity, exponent) all pass, so only ROCA can refuse it.
        let modulus = Self.powerOf65537(128)
        #expect(BigEndian.bitLength(modulus) == 2049)
        #expect(ROCAFingerprint.matches(modulus: modulus))
        let error = #expect(throws: JWTAuditError.self) {
            try KeySet.loadJWKS(Self.rsaJWK(n: modulus, e: [1, 0, 1]), source: "roca.jwk")
        }
        #expect(error?.code == .unsafeKey)
        #expect(error?.reason.contains("ROCA") == true && error?.reason.contains("CVE-2017-15361") == true, "\(String(describing: error))")
        // The same size of modulus without the fingerprint imports.
        #expect(!ROCAFingerprint.matches(modulus: Self.plainModulus))
        #expect(throws: Never.self) { try KeySet.loadJWKS(Self.rsaJWK(n: Self.plainModulus, e: [1, 0, 1]), source: "plain.jwk") }
    }

    @Test(arguments: [
        ([UInt8]([3]), "exponent is 3"), ([1, 0, 0], "exponent is even"), ([1], "exponent is 1"),
        ([2], "exponent is even"), ([0x11], "exponent is 17"),
    ])
    func smallOrEvenExponentsAreRefused(_ exponent: [UInt8], _ why: String) {
        let error = #expect(throws: JWTAuditError.self) {
            try KeySet.loadJWKS(Self.rsaJWK(n: Self.plainModulus, e: exponent), source: "e.jwk")
        }
        #expect(error?.code == .unsafeKey)
        #expect(error?.reason.contains(why) == true, "\(String(describing: error))")
    }

    @Test func shortRSAModuliAreRefused() {
        let modulus: [UInt8] = [0xC5] + [UInt8](repeating: 0x5A, count: 126) + [0x03]  // 1024 bits
        let error = #expect(throws: JWTAuditError.self) {
            try KeySet.loadJWKS(Self.rsaJWK(n: modulus, e: [1, 0, 1]), source: "short.jwk")
        }
        #expect(error?.code == .unsafeKey && error?.reason.contains("1024 bits") == true, "\(String(describing: error))")
    }

    @Test func hugeRSAModuliAreRefused() {
        let modulus: [UInt8] = [0xC5] + [UInt8](repeating: 0x5A, count: 2046) + [0x03]  // 16384 bits: allowed
        #expect(throws: Never.self) { try KeySet.loadJWKS(Self.rsaJWK(n: modulus, e: [1, 0, 1]), source: "16k.jwk") }
        let larger = [0x01] + modulus  // 16385 bits
        let error = #expect(throws: JWTAuditError.self) { try KeySet.loadJWKS(Self.rsaJWK(n: larger, e: [1, 0, 1]), source: "big.jwk") }
        #expect(error?.reason.contains("16385 bits") == true, "\(String(describing: error))")
    }

    @Test func shortHMACSecretsAreRefused() throws {
        #expect(throws: JWTAuditError.self) { try KeySet.symmetric(secret: [UInt8](repeating: 7, count: 31), source: "s") }
        let key = try KeySet.symmetric(secret: [UInt8](repeating: 7, count: 48), source: "s").keys[0]
        #expect(key.compatibleAlgorithms == [.HS256, .HS384])
        // A JWK that pins HS512 on a 32-byte key is refused: RFC 7518 §3.2.
        let jwk: JSONValue = .object(JSONObject([
            ("kty", "oct"), ("alg", "HS512"), ("k", .string(Base64URL.encode([UInt8](repeating: 9, count: 32)))),
        ]))
        let error = #expect(throws: JWTAuditError.self) { try KeySet.loadJWKS(jwk, source: "hs512.jwk") }
        #expect(error?.reason.contains("HS512") == true)
        // And verification of HS512 with a 48-byte secret is refused by compatibility, not attempted.
        #expect(verifySignature(algorithm: .HS512, key: key, message: [1], signature: [UInt8](repeating: 0, count: 64)) != .valid)
    }

    @Test func theSecretNeverAppearsInTheSummary() throws {
        let secret = Array("correct horse battery staple, 32 bytes at least!".utf8)
        let key = try KeySet.symmetric(secret: secret, source: "--secret-env JWT_SECRET").keys[0]
        #expect(!key.summary.contains("correct horse"))
        #expect(!key.summary.contains(Base64URL.encode(secret)))
        #expect(key.summary == "HMAC secret of \(secret.count) bytes (--secret-env JWT_SECRET)")
    }
}
