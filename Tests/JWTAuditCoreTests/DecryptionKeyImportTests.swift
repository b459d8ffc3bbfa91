import Testing
@testable import JWTAuditCore

/// `--decryption-key FILE` and APIM's `<key>`: what becomes a decryption key, and what is refused with which rule.
@Suite("Decryption keys: PEM, JWK, JWK sets and base64 symmetric keys")
struct DecryptionKeyImportTests {
    static func load(_ text: String, source: String = "test") throws -> DecryptionKeySet {
        try DecryptionKeySet.load(Array(text.utf8), source: source)
    }

    static func refusal(_ text: String) -> JWTAuditError? {
        do throws(JWTAuditError) {
            _ = try DecryptionKeySet.load(Array(text.utf8), source: "test")
            return nil
        } catch {
            return error
        }
    }

    /// The round-trip RSA key's JWK with members replaced (nil removes one).
    static func rsaJWK(_ changes: [String: String?] = [:]) throws -> String {
        let bytes = try #require(CryptoTestSupport.readFile(JWEVectors.directory + "/roundtrip-keys.jwks.json"))
        let set = try #require(try JSONParser.parse(bytes: bytes).objectValue)
        var jwk = try #require(set["keys"]?.arrayValue?.compactMap(\.objectValue).first { $0["kid"] == "rsa-2048" })
        var object = JSONObject()
        for member in jwk.members where changes[member.key] == nil { object.append(member.key, member.value) }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value { object.append(name, .string(value)) }
        }
        jwk = object
        return JSONWriter.write(.object(jwk))
    }

    @Test func everyPEMFormLoadsWithItsType() throws {
        let cases = [
            ("rsa-2048.pkcs8.pem", "RSA", 2048), ("rsa-2048.pkcs1.pem", "RSA", 2048), ("ec-p-256.sec1.pem", "EC", 256),
            ("ec-p-384.pkcs8.pem", "EC", 384), ("ec-p-521.sec1.pem", "EC", 521),
        ]
        for (file, type, bits) in cases {
            let key = try JWEVectors.pemKey(file)
            #expect(key.keyType == type && key.bits == bits, "\(file): \(key.summary)")
            #expect(key.summary.contains("private key") && key.summary.contains(file))
        }
        #expect(try JWEVectors.pemKey("rsa-2048.pkcs8.pem").algorithms == [.rsaOAEP, .rsaOAEP256, .rsa1_5])
        #expect(try JWEVectors.pemKey("ec-p-256.sec1.pem").algorithms == [.ecdhES, .ecdhESA128KW, .ecdhESA192KW, .ecdhESA256KW])
    }

    @Test func opensslKeysMadeNowLoadIncludingECParametersAndACertificate() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa", bits: 3072)
        #expect(try DecryptionKeySet.load(try factory.read("rsa.key"), source: "rsa").keys.first?.bits == 3072)
        // `openssl ecparam -genkey` writes "EC PARAMETERS" before "EC PRIVATE KEY".
        #expect(CryptoTestSupport.shell("openssl ecparam -name secp384r1 -genkey -out '\(factory.path("ecparam.pem"))'"))
        let ec = try #require(try DecryptionKeySet.load(try factory.read("ecparam.pem"), source: "ecparam").keys.first)
        #expect(ec.curve == "P-384")
        // A certificate with its private key: the key takes the certificate's SHA-1 thumbprint as x5t.
        let certificate = try factory.certificate("rsa")
        let combined = try factory.read("rsa.key") + certificate.pem
        let withCertificate = try #require(try DecryptionKeySet.load(combined, source: "combined").keys.first)
        #expect(try withCertificate.x5t == Base64URL.encode(Digest.sha1(certificate.der)))
        // A certificate for another key is refused.
        try factory.rsa("other")
        let mismatched = try factory.read("other.key") + certificate.pem
        #expect(throws: JWTAuditError.self) { _ = try DecryptionKeySet.load(mismatched, source: "mismatched") }
    }

    @Test func weakOrUnsupportedPEMKeysAreRefused() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("small", bits: 1024)
        let small = try factory.read("small.key")
        do throws(JWTAuditError) {
            _ = try DecryptionKeySet.load(small, source: "small")
            Issue.record("a 1024-bit RSA key was accepted")
        } catch {
            #expect(error.code == .unsafeKey && error.reason.contains("2048"))
        }
        try factory.ed25519("ed")
        #expect(throws: JWTAuditError.self) { _ = try DecryptionKeySet.load(try factory.read("ed.key"), source: "ed") }
        try factory.ec("k1", curve: "secp256k1")
        #expect(throws: JWTAuditError.self) { _ = try DecryptionKeySet.load(try factory.read("k1.key"), source: "k1") }
    }

    @Test func pemFilesThatHoldNoUsablePrivateKeyAreRefusedWithTheReason() throws {
        let encrypted = String(decoding: try #require(CryptoTestSupport.readFile(JWEVectors.directory + "/rsa-2048.encrypted-pkcs8.pem")), as: UTF8.self)
        #expect(Self.refusal(encrypted)?.reason.contains("passphrase") == true)
        let factory = OpenSSLKeyFactory()
        try factory.rsa("rsa")
        let publicKey = String(decoding: try factory.read("rsa.pub"), as: UTF8.self)
        #expect(Self.refusal(publicKey)?.reason.contains("decrypting needs the private key") == true)
        let privateKey = String(decoding: try factory.read("rsa.key"), as: UTF8.self)
        #expect(Self.refusal(privateKey + privateKey)?.reason.contains("2 private keys") == true)
        #expect(Self.refusal("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")?.code == .malformedKey)
        #expect(Self.refusal("")?.reason.contains("empty") == true)
        #expect(Self.refusal("secret")?.reason.contains("not a PEM private key, JWK or JWK set") == true)
        // Trailing bytes after the DER structure are refused, not ignored.
        let der = try #require(try PEM.blocks(Array(privateKey.utf8), source: "x").first?.der)
        let padded = "-----BEGIN PRIVATE KEY-----\n\(standardBase64(der + [0]))\n-----END PRIVATE KEY-----\n"
        #expect(Self.refusal(padded)?.code == .malformedKey)
    }

    @Test func jwkPrivateKeysLoadAndTheirPairIsChecked() throws {
        let key = try #require(try Self.load(try Self.rsaJWK()).keys.first)
        #expect(key.kid == "rsa-2048" && key.keyType == "RSA")
        // Without the CRT members (n, e, d only), the key still decrypts.
        let minimal = try Self.rsaJWK(["p": nil, "q": nil, "dp": nil, "dq": nil, "qi": nil])
        let slow = try #require(try Self.load(minimal).keys.first)
        let token = try JWEVectors.token("RSA-OAEP", "A128GCM")
        #expect(try JWEVectors.decrypt(token.compact, keys: [slow]).status == .decrypted)
        // Some CRT members but not all: RFC 7518 §6.3.2 says all or none.
        #expect(Self.refusal(try Self.rsaJWK(["qi": nil]))?.reason.contains("all or none") == true)
        #expect(Self.refusal(try Self.rsaJWK(["oth": "x"]))?.reason.contains("multi-prime") == true)
        // A private exponent from another key: the pair check fails.
        let otherD = try #require(try JSONParser.parse(try Self.rsaJWK()).objectValue?["dp"]?.stringValue)
        #expect(Self.refusal(try Self.rsaJWK(["p": otherD]))?.code != nil)
        // An EC scalar that does not match the public point.
        let ec = try #require(JWEVectors.roundTripKeys.first { $0.kid == "ec-p-256" })
        #expect(ec.curve == "P-256")
        let vector = try JWEVectors.document("rfc7520_5_5_ECDH-ES_A128CBC-HS256.json")
        let jwk = try #require(vector["key"]?.objectValue)
        var wrong = JSONObject()
        for member in jwk.members {
            // The epk's scalar of RFC 7520 §5.5, not this key's.
            wrong.append(member.key, member.key == "d" ? .string("AtH35vJsQ9SGjYfOsjUxYXQKrPH3FjZHmEtSKoSN8cM") : member.value)
        }
        #expect(Self.refusal(JSONWriter.write(.object(wrong)))?.reason.contains("do not belong") == true)
    }

    @Test func jwksThatCannotDecryptAreRefusedWithTheRule() throws {
        let publicOnly = #"{"kty":"EC","crv":"P-256","x":"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0","y":"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw"}"#
        #expect(Self.refusal(publicOnly)?.reason.contains("a public EC key") == true)
        let key = "\"k\":\"\(Base64URL.encode([UInt8](repeating: 3, count: 16)))\""
        #expect(Self.refusal(#"{"kty":"oct",\#(key),"use":"sig"}"#)?.reason.contains("not for encryption") == true)
        #expect(Self.refusal(#"{"kty":"oct",\#(key),"key_ops":["sign"]}"#)?.reason.contains("key_ops") == true)
        #expect(Self.refusal(#"{"kty":"oct",\#(key),"alg":"A256KW"}"#)?.reason.contains("exactly 32 bytes") == true)
        #expect(Self.refusal(#"{"kty":"oct",\#(key),"alg":"HS256"}"#)?.reason.contains("not a JWE algorithm") == true)
        #expect(Self.refusal(#"{"kty":"oct","k":"\#(Base64URL.encode([UInt8](repeating: 3, count: 20)))"}"#)?.reason.contains("fits no JWE algorithm") == true)
        #expect(Self.refusal(#"{"kty":"OKP","crv":"X25519","x":"AA","d":"AA"}"#)?.reason.contains("not supported") == true)
        #expect(Self.refusal(#"{"kty":"oct",\#(key),\#(key)}"#)?.reason.contains("more than once") == true)
        // key_ops with unwrapKey, and use enc, are fine; alg A128GCM pins dir with that enc (RFC 7520 §5.6).
        let fine = try #require(try Self.load(#"{"kty":"oct",\#(key),"use":"enc","key_ops":["unwrapKey"],"alg":"A128GCM"}"#).keys.first)
        #expect(fine.algorithms == [.direct])
    }

    @Test func aJWKSetKeepsItsDecryptionKeysAndSaysWhichItLeftOut() throws {
        let secret = Base64URL.encode([UInt8](repeating: 5, count: 32))
        let set = try Self.load(#"""
            {"keys":[{"kty":"oct","kid":"wrap","k":"\#(secret)"},
                     {"kty":"EC","kid":"pub","crv":"P-256","x":"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0","y":"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw"},
                     {"kty":"oct","kid":"signing","use":"sig","k":"\#(secret)"}]}
            """#, source: "set.json")
        #expect(set.keys.map(\.kid) == ["wrap"])
        #expect(set.refused.map(\.kid) == ["pub", "signing"])
        #expect(set.keys[0].source == "set.json key #1")
        let none = Self.refusal(#"{"keys":[{"kty":"oct","use":"sig","k":"\#(secret)"}]}"#)
        #expect(none?.reason.contains("no usable decryption key") == true)
        let twice = Self.refusal(#"{"keys":[{"kty":"oct","kid":"a","k":"\#(secret)"},{"kty":"oct","kid":"a","k":"\#(secret)"}]}"#)
        #expect(twice?.reason.contains("more than one key") == true)
    }

    @Test func apimBase64KeysLoadInEitherAlphabet() throws {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf] + [UInt8](repeating: 0x41, count: 29)
        let standard = standardBase64(bytes)
        #expect(standard.contains("+") || standard.contains("/"))
        let fromStandard = try DecryptionKey.symmetric(base64: standard, source: "policy <key>")
        let fromURL = try DecryptionKey.symmetric(base64: Base64URL.encode(bytes), source: "policy <key>")
        #expect(fromStandard.bits == 256 && fromURL.bits == 256)
        #expect(fromStandard.algorithms == [.a256KW, .a256GCMKW, .direct])
        #expect(throws: JWTAuditError.self) { _ = try DecryptionKey.symmetric(base64: "not base64!", source: "x") }
        // The summary names the key, never its bytes.
        #expect(!fromStandard.summary.contains(standard) && !fromStandard.summary.contains(Base64URL.encode(bytes)))
        #expect(fromStandard.summary == "symmetric key of 32 bytes (policy <key>)")
    }
}
