import Testing
@testable import JWTAuditCore

/// Key import: PEM (SPKI, PKCS#1), certificates, JWKs and JWK sets, each proved by verifying a signature made
/// by `openssl` with the matching private key; and the refusals, each with its reason.
@Suite("Key import")
struct KeyImportTests {
    static let message = Array("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqd3RhdWRpdCJ9".utf8)

    func rsaComponents(_ key: VerificationKey) throws -> (n: [UInt8], e: [UInt8]) {
        guard case .publicKey(_, .rsa(let n, let e)) = key.material else { throw JWTAuditError(.malformedKey, "not RSA") }
        return (n, e)
    }

    @Test func pemSPKIPKCS1AndCertificateGiveTheSameRSAKey() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let signature = try factory.sign("rsa", Self.message, digest: "sha256")
        let spki = try KeySet.load(try factory.read("rsa.pub"), source: "rsa.pub")
        let pkcs1 = try KeySet.load(try factory.pkcs1("rsa"), source: "rsa.pkcs1")
        let certificate = try KeySet.load(try factory.certificate("rsa").pem, source: "rsa.crt")
        for set in [spki, pkcs1, certificate] {
            #expect(set.isLoneKey && set.keys.count == 1, "\(set.source)")
            let key = try #require(set.keys.first)
            #expect(key.keyType == "RSA" && key.bits == 2048, "\(set.source)")
            #expect(verifySignature(algorithm: .RS256, key: key, message: Self.message, signature: signature) == .valid, "\(set.source)")
            #expect(verifySignature(algorithm: .RS384, key: key, message: Self.message, signature: signature) != .valid, "\(set.source)")
            #expect(key.thumbprint == spki.keys[0].thumbprint, "\(set.source): same key, same thumbprint")
        }
    }

    @Test func ecAndEd25519PEMKeysVerifyOpenSSLSignatures() throws {
        let factory = OpenSSLKeyFactory()
        for (curve, algorithm, digest, half) in [("P-256", JWSAlgorithm.ES256, "sha256", 32), ("P-384", .ES384, "sha384", 48), ("P-521", .ES512, "sha512", 66)] {
            try factory.ec("ec", curve: curve)
            let key = try #require(try KeySet.load(try factory.read("ec.pub"), source: "ec.pub").keys.first)
            #expect(key.curve == curve && key.compatibleAlgorithms == [algorithm])
            let der = try factory.sign("ec", Self.message, digest: digest)
            let raw = try #require(CryptoTestSupport.derToRawECDSA(der, half: half))
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: raw) == .valid, "\(curve)")
            // A JWS ES* signature is R || S at fixed length (RFC 7518 §3.4): the DER form OpenSSL produced is not one.
            #expect(verifySignature(algorithm: algorithm, key: key, message: Self.message, signature: der) != .valid, "\(curve) DER accepted")
        }
        try factory.ed25519("ed")
        let key = try #require(try KeySet.load(try factory.read("ed.pub"), source: "ed.pub").keys.first)
        let signature = try factory.sign("ed", Self.message, digest: nil)
        #expect(key.keyType == "OKP" && key.curve == "Ed25519")
        #expect(verifySignature(algorithm: .EdDSA, key: key, message: Self.message, signature: signature) == .valid)
        #expect(verifySignature(algorithm: .EdDSA, key: key, message: Self.message + [0], signature: signature) != .valid)
    }

    @Test func pemWithExplanatoryTextBeforeTheBlockImports() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let certificate = try factory.certificate("rsa").pem
        let withText = Array("Bag Attributes\n    localKeyID: 01 02\nsubject=CN = jwtaudit test\n".utf8) + certificate
        let key = try #require(try KeySet.load(withText, source: "bundle.pem").keys.first)
        #expect(key.thumbprint == (try KeySet.load(certificate, source: "c").keys[0].thumbprint))
        // Two blocks (a chain) are refused with a reason rather than silently picking one.
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(certificate + certificate, source: "chain.pem") }
        #expect(error?.reason.contains("2 PEM blocks") == true)
    }

    @Test func privateKeyPEMIsRefused() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(try factory.read("rsa.key"), source: "rsa.key") }
        #expect(error?.reason.contains("private key") == true, "\(String(describing: error))")
    }

    @Test(arguments: ["", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "{", "[]", "{\"keys\": 3}",
        "-----BEGIN PUBLIC KEY-----\nMFkw\n", "\u{0}\u{1}\u{2}"])
    func malformedKeyFilesAreRefusedWithAReason(_ text: String) {
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(Array(text.utf8), source: "bad.key") }
        #expect(error?.reason.hasPrefix("bad.key") == true, "the message names the source: \(String(describing: error))")
        #expect([.malformedKey, .limitExceeded].contains(error?.code))
    }

    @Test func rfc7638ThumbprintExample() throws {
        // RFC 7638 §3.1: this RSA key's thumbprint is "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".
        let jwk = #"{"kty": "RSA", "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}"#
        let key = try #require(try KeySet.load(Array(jwk.utf8), source: "rfc7638.jwk").keys.first)
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(key.kid == "2011-04-29" && key.declaredAlgorithm == .RS256 && key.compatibleAlgorithms == [.RS256])
    }

    static let rfcKey = #""n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw", "e": "AQAB""#

    @Test(arguments: [
        (#"{"kty":"RSA",\#(rfcKey),"d":"AQAB"}"#, "private key member(s) d"),
        (#"{"kty":"RSA",\#(rfcKey),"p":"AQAB","q":"AQAB"}"#, "private key member(s) p, q"),
        (#"{"kty":"RSA",\#(rfcKey),"k":"AQAB"}"#, "private key member(s) k"),
        (#"{"kty":"RSA",\#(rfcKey),"use":"enc"}"#, "\"use\" is \"enc\""),
        (#"{"kty":"RSA",\#(rfcKey),"key_ops":["encrypt"]}"#, "without \"verify\""),
        (#"{"kty":"RSA",\#(rfcKey),"alg":"RSA-OAEP"}"#, "not a JWS signature algorithm"),
        (#"{"kty":"RSA",\#(rfcKey),"alg":"none"}"#, "unsecured"),
        (#"{"kty":"RSA",\#(rfcKey),"alg":"ES256"}"#, "cannot be used"),
        (#"{"kty":"EC","crv":"P-256","x":"AQAB","y":"AQAB"}"#, "exactly 32 bytes"),
        (#"{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"}"#, "not a valid point"),
        (#"{"kty":"EC","crv":"secp256k1","x":"AQAB","y":"AQAB"}"#, "secp256k1"),
        (#"{"kty":"OKP","crv":"X25519","x":"AQAB"}"#, "X25519"),
        (#"{"kty":"OKP","crv":"Ed25519","x":"AQAB"}"#, "32 bytes"),
        (#"{"kty":"oct","k":"AQAB"}"#, "3 bytes"),
        (#"{"kty":"RSA","n":"AQAB","e":"AQAB","n":"AQAB"}"#, "more than once"),
        (#"{"kty":"RSA","n":"AQAB="}"#, "padding"),
        (#"{"n":"AQAB"}"#, "kty"),
    ])
    func refusedJWKs(_ json: String, _ reason: String) {
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(Array(json.utf8), source: "k.jwk") }
        #expect(error?.reason.contains(reason) == true, "expected a reason containing \(reason): \(String(describing: error))")
    }

    @Test func entraStyleKeyWithMatchingCertificateImports() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("entra")
        let certificate = try factory.certificate("entra")
        let key = try #require(try KeySet.load(certificate.pem, source: "entra.crt").keys.first)
        let (n, e) = try rsaComponents(key)
        let x5t = Base64URL.encode(try Digest.sha1(certificate.der))
        func jwks(x5c: [UInt8], x5t: String) -> [UInt8] {
            Array(#"{"keys":[{"kty":"RSA","use":"sig","kid":"k1","x5t":"\#(x5t)","n":"\#(Base64URL.encode(n))","e":"\#(Base64URL.encode(e))","x5c":["\#(standardBase64(x5c))"],"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0"}]}"#.utf8)
        }
        let set = try KeySet.load(jwks(x5c: certificate.der, x5t: x5t), source: "jwks.json")
        #expect(!set.isLoneKey)
        let imported = try #require(set.keys.first)
        #expect(imported.x5t == x5t && imported.issuer == "https://login.microsoftonline.com/{tenantid}/v2.0")
        #expect(imported.declaredAlgorithm == nil && imported.compatibleAlgorithms.contains(.RS256))
        let signature = try factory.sign("entra", Self.message, digest: "sha256")
        #expect(verifySignature(algorithm: .RS256, key: imported, message: Self.message, signature: signature) == .valid)

        // x5t that is not the certificate's SHA-1 thumbprint: refused (and the set has no other key).
        let wrongThumbprint = #expect(throws: JWTAuditError.self) {
            try KeySet.load(jwks(x5c: certificate.der, x5t: "AAAAAAAAAAAAAAAAAAAAAAAAAAA"), source: "jwks.json")
        }
        #expect(wrongThumbprint?.reason.contains("x5t") == true, "\(String(describing: wrongThumbprint))")

        // x5c holding another key's certificate: refused.
        try factory.rsa("other")
        let other = try factory.certificate("other")
        let mismatch = #expect(throws: JWTAuditError.self) {
            try KeySet.load(jwks(x5c: other.der, x5t: Base64URL.encode(try Digest.sha1(other.der))), source: "jwks.json")
        }
        #expect(mismatch?.reason.contains("different public key") == true, "\(String(describing: mismatch))")
    }

    @Test func aSetSkipsEncryptionKeysButRecordsWhy() throws {
        let json = #"{"keys":[{"kty":"RSA","kid":"sig1",\#(Self.rfcKey)},{"kty":"RSA","kid":"enc1","use":"enc",\#(Self.rfcKey)}]}"#
        let set = try KeySet.load(Array(json.utf8), source: "jwks.json")
        #expect(set.keys.map(\.kid) == ["sig1"])
        #expect(set.refused.map(\.kid) == ["enc1"])
        #expect(set.keys[0].source == "jwks.json key #1")
    }

    /// RFC 7517 §5: members that cannot be used are ignored, each named with its reason; the rest of the set works.
    @Test func aSetSkipsMalformedMembersNamingThemAndKeepsTheRest() throws {
        let members = [
            #"{"kty":"RSA","kid":"bad-base64","n":"!!!","e":"AQAB"}"#,
            #"{"kty":"RSA","kid":"empty-modulus","n":"","e":"AQAB"}"#,
            #"{"kty":"EC","kid":"wrong-curve","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"}"#,
            #"{"kty":"XYZ","kid":"unknown-kty"}"#,
            #""not a key""#,
            #"{"kty":"RSA","kid":"good",\#(Self.rfcKey)}"#,
        ]
        let set = try KeySet.load(Array(#"{"keys":[\#(members.joined(separator: ","))]}"#.utf8), source: "jwks.json")
        #expect(set.keys.map(\.kid) == ["good"])
        #expect(set.refused.map(\.kid) == ["bad-base64", "empty-modulus", "wrong-curve", "unknown-kty", nil])
        #expect(set.notes.count == 5)
        for (note, reason) in zip(set.notes, ["invalid base64url", "is empty", "not a valid point", "\"XYZ\"", "not a string"]) {
            #expect(note.hasPrefix("key not used: jwks.json key #") && note.contains(reason), "\(note)")
        }
        // A set in which nothing can be used says why, member by member.
        let none = #expect(throws: JWTAuditError.self) {
            try KeySet.load(Array(#"{"keys":[\#(members[0]),\#(members[1])]}"#.utf8), source: "jwks.json")
        }
        #expect(none?.reason.contains("no usable signature key") == true)
        #expect(none?.reason.contains("key #1 (kid bad-base64)") == true && none?.reason.contains("key #2 (kid empty-modulus)") == true)
    }

    @Test func aSetWithPrivateMembersIsRefusedWhole() {
        let json = #"{"keys":[{"kty":"RSA","kid":"a",\#(Self.rfcKey)},{"kty":"RSA","kid":"b","d":"AQAB",\#(Self.rfcKey)}]}"#
        let error = #expect(throws: JWTAuditError.self) { try KeySet.load(Array(json.utf8), source: "jwks.json") }
        #expect(error?.reason.contains("private key member") == true)
    }
}
