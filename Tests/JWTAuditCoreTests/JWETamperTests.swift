import Testing
@testable import JWTAuditCore

/// A changed byte anywhere, a segment of the wrong length, a header that breaks a rule, a key of the wrong kind:
/// every one is refused, with no plaintext, and with the reason a caller can act on.
@Suite("JWE: tampered, truncated and mismatched tokens are refused")
struct JWETamperTests {
    /// One token per key management family and content encryption kind.
    static let representatives: [(String, String)] = [
        ("RSA-OAEP", "A128GCM"), ("RSA-OAEP-256", "A256CBC-HS512"), ("RSA1_5", "A128CBC-HS256"),
        ("A128KW", "A192GCM"), ("A256GCMKW", "A192CBC-HS384"), ("ECDH-ES", "A256GCM"), ("ECDH-ES+A192KW", "A128CBC-HS256"),
        ("dir", "A256CBC-HS512"), ("dir", "A128GCM"),
    ]

    static func refused(_ compact: String, keys: [DecryptionKey] = JWEVectors.roundTripKeys) throws -> DecryptionOutcome {
        let outcome = try JWEVectors.decrypt(compact, keys: keys)
        #expect(outcome.status != .decrypted, "\(outcome.algorithm ?? "") decrypted a changed token")
        #expect(outcome.plaintext == nil)
        return outcome
    }

    @Test(arguments: representatives)
    func aChangedTagIVOrCiphertextFailsAuthentication(_ alg: String, _ enc: String) throws {
        let token = try JWEVectors.token(alg, enc)
        #expect(try JWEVectors.decrypt(token.compact, keys: JWEVectors.roundTripKeys).status == .decrypted)
        for (segment, name) in [(2, "IV"), (3, "ciphertext"), (4, "tag")] {
            for position in [0, -1] {
                let changed = try JWEVectors.changing(token.compact, segment: segment) { bytes in
                    let index = position < 0 ? bytes.count - 1 : 0
                    bytes[index] ^= 0x01
                }
                #expect(try Self.refused(changed).failure == .authenticationFailed, "\(alg) \(enc): \(name) byte \(position)")
            }
        }
    }

    @Test(arguments: representatives)
    func aChangedProtectedHeaderFailsAuthentication(_ alg: String, _ enc: String) throws {
        let token = try JWEVectors.token(alg, enc)
        // The same header with one more member: a different AAD (RFC 7516 §5.2 step 14), same keys and lengths.
        let json = try JWEVectors.headerJSON(token.compact)
        let changed = JWEVectors.withHeader(token.compact, String(json.dropLast()) + #","x":1}"#)
        #expect(try Self.refused(changed).failure == .authenticationFailed, "\(alg) \(enc)")
        // The same members in another order: the bytes differ, so the AAD does.
        let reordered = JWEVectors.withHeader(token.compact, json.replacing(#"{"alg""#, with: #"{ "alg""#, maxReplacements: 1))
        #expect(try Self.refused(reordered).failure == .authenticationFailed, "\(alg) \(enc)")
    }

    @Test func aChangedEncryptedKeyFailsAtTheKeyOrAtTheTag() throws {
        let expectations: [(String, String, DecryptionFailure)] = [
            ("RSA-OAEP", "A128GCM", .unwrapFailed), ("RSA-OAEP-256", "A256GCM", .unwrapFailed),
            // RFC 7516 §11.5: RSA1_5 never reports a bad encrypted key as such; a random CEK fails at the tag.
            ("RSA1_5", "A128CBC-HS256", .authenticationFailed), ("RSA1_5", "A256GCM", .authenticationFailed),
            ("A128KW", "A128GCM", .unwrapFailed), ("A256KW", "A256CBC-HS512", .unwrapFailed),
            ("A192GCMKW", "A128GCM", .unwrapFailed), ("ECDH-ES+A256KW", "A192GCM", .unwrapFailed),
        ]
        for (alg, enc, failure) in expectations {
            let token = try JWEVectors.token(alg, enc)
            for index in [0, 7, -1] {
                let changed = try JWEVectors.changing(token.compact, segment: 1) { bytes in
                    bytes[index < 0 ? bytes.count + index : index] ^= 0x80
                }
                #expect(try Self.refused(changed).failure == failure, "\(alg) \(enc) byte \(index)")
            }
        }
    }

    @Test func segmentsOfTheWrongLengthAreRefusedBeforeAnyKeyIsUsed() throws {
        let gcm = try JWEVectors.token("A128KW", "A128GCM").compact
        let cbc = try JWEVectors.token("A128KW", "A128CBC-HS256").compact
        let direct = try JWEVectors.token("dir", "A128GCM").compact
        let agreement = try JWEVectors.token("ECDH-ES", "A128GCM").compact
        let rsa = try JWEVectors.token("RSA-OAEP", "A128GCM").compact
        let cases: [(String, String, Int, (inout [UInt8]) -> Void)] = [
            ("GCM IV of 11 bytes", gcm, 2, { $0.removeLast() }), ("GCM IV of 13 bytes", gcm, 2, { $0.append(0) }),
            ("CBC IV of 15 bytes", cbc, 2, { $0.removeLast() }), ("GCM tag of 15 bytes", gcm, 4, { $0.removeLast() }),
            ("GCM tag of 17 bytes", gcm, 4, { $0.append(0) }), ("CBC tag of 17 bytes", cbc, 4, { $0.append(0) }),
            ("empty tag", gcm, 4, { $0 = [] }), ("CBC ciphertext not whole blocks", cbc, 3, { $0.removeLast() }),
            ("empty CBC ciphertext", cbc, 3, { $0 = [] }), ("wrapped key one byte short", gcm, 1, { $0.removeLast() }),
            ("wrapped key 8 bytes long", gcm, 1, { $0.append(contentsOf: [UInt8](repeating: 0, count: 8)) }),
            ("an encrypted key with dir", direct, 1, { $0 = [1] }),
            ("an encrypted key with ECDH-ES", agreement, 1, { $0 = [UInt8](repeating: 0, count: 24) }),
            ("an RSA encrypted key one byte short", rsa, 1, { $0.removeLast() }),
            ("an RSA encrypted key one byte long", rsa, 1, { $0.append(0) }),
        ]
        for (name, compact, segment, change) in cases {
            let outcome = try Self.refused(try JWEVectors.changing(compact, segment: segment, change))
            guard case .segmentLength? = outcome.failure else {
                Issue.record("\(name): \(String(describing: outcome.failure))")
                continue
            }
            #expect(outcome.status == .failed, "\(name)")
        }
    }

    @Test func theHeaderRulesAreEnforced() throws {
        let token = try JWEVectors.token("A128KW", "A128GCM").compact
        let json = try JWEVectors.headerJSON(token)
        func failure(_ header: String) throws -> DecryptionFailure? {
            try Self.refused(JWEVectors.withHeader(token, header)).failure
        }
        #expect(try failure(String(json.dropLast()) + #","crit":["exp"],"exp":1}"#) == .criticalExtension(["exp"]))
        #expect(try failure(#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#).map { "\($0)" }?.contains("repeats \"alg\"") == true)
        #expect(try failure(#"{"enc":"A128GCM"}"#).map { "\($0)" }?.contains("no alg") == true)
        #expect(try failure(#"{"alg":"A128KW"}"#).map { "\($0)" }?.contains("no enc") == true)
        #expect(try failure(#"{"alg":"A128KW","enc":"A128GCM","zip":"GZIP"}"#).map { "\($0)" }?.contains("only compression defined") == true)
        #expect(try failure(#"{"alg":"A128KW","enc":"a128gcm"}"#) == .unsupportedEncryption("a128gcm"))
        guard case .unsupportedAlgorithm("RS256", let why)? = try failure(#"{"alg":"RS256","enc":"A128GCM"}"#) else {
            Issue.record("a JWS alg on a JWE")
            return
        }
        #expect(why.contains("signature algorithm"))
        guard case .unsupportedAlgorithm("none", _)? = try failure(#"{"alg":"none","enc":"A128GCM"}"#),
              case .unsupportedAlgorithm("a128kw", _)? = try failure(#"{"alg":"a128kw","enc":"A128GCM"}"#)
        else {
            Issue.record("none and a misspelled alg must be unsupported")
            return
        }
    }

    @Test func gcmKeyWrapNeedsItsIVAndTagExactly() throws {
        let token = try JWEVectors.token("A128GCMKW", "A128GCM")
        let header = try #require(try JSONParser.parse(try JWEVectors.headerJSON(token.compact)).objectValue)
        let iv = try #require(header["iv"]?.stringValue)
        let tag = try #require(header["tag"]?.stringValue)
        let base = #""alg":"A128GCMKW","enc":"A128GCM","kid":"oct-128""#
        let short = Base64URL.encode(try Base64URL.decode(iv).dropLast())
        let cases: [(String, String)] = [
            ("{\(base),\"tag\":\"\(tag)\"}", "no iv"), ("{\(base),\"iv\":\"\(iv)\"}", "no tag"),
            ("{\(base),\"iv\":\"\(short)\",\"tag\":\"\(tag)\"}", "11-byte iv"),
            ("{\(base),\"iv\":\"\(iv)\",\"tag\":\"\(Base64URL.encode(try Base64URL.decode(tag) + [0]))\"}", "17-byte tag"),
            ("{\(base),\"iv\":\"\(iv)=\",\"tag\":\"\(tag)\"}", "padded iv"), ("{\(base),\"iv\":7,\"tag\":\"\(tag)\"}", "numeric iv"),
        ]
        for (json, name) in cases {
            let outcome = try Self.refused(JWEVectors.withHeader(token.compact, json))
            #expect(outcome.status == .failed && outcome.attempts.isEmpty, "\(name): \(outcome.reason ?? "")")
        }
        // A changed wrap tag fails the unwrap (the header is the content's AAD too, but the unwrap comes first).
        var changedTag = try Base64URL.decode(tag)
        changedTag[0] ^= 1
        let json = "{\(base),\"iv\":\"\(iv)\",\"tag\":\"\(Base64URL.encode(changedTag))\"}"
        #expect(try Self.refused(JWEVectors.withHeader(token.compact, json)).failure == .unwrapFailed)
    }

    @Test func anEphemeralKeyMustBeAValidPointOnTheRecipientsCurve() throws {
        let token = try JWEVectors.token("ECDH-ES", "A128GCM")
        let header = try #require(try JSONParser.parse(try JWEVectors.headerJSON(token.compact)).objectValue)
        let epk = try #require(header["epk"]?.objectValue)
        let x = try #require(epk["x"]?.stringValue)
        var y = try Base64URL.decode(try #require(epk["y"]?.stringValue))
        y[y.count - 1] ^= 1
        let offCurve = #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(Base64URL.encode(y))"}"#
        func outcome(_ epk: String) throws -> DecryptionOutcome {
            try Self.refused(JWEVectors.withHeader(token.compact, #"{"alg":"ECDH-ES","enc":"A128GCM","kid":"ec-p-256","epk":\#(epk)}"#))
        }
        // The invalid-curve attack: a point off the curve is refused before any key agreement.
        guard case .ephemeralKeyInvalid(let why)? = try outcome(offCurve).failure else {
            Issue.record("an off-curve epk was not refused as such")
            return
        }
        #expect(why.contains("not a valid point"))
        for bad in [
            #"{"kty":"EC","crv":"P-256","x":"\#(x)"}"#, #"{"kty":"OKP","crv":"X25519","x":"\#(x)"}"#, #""x""#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(epk["y"]!.stringValue!)","d":"\#(x)"}"#,
            #"{"kty":"EC","crv":"secp256k1","x":"\#(x)","y":"\#(epk["y"]!.stringValue!)"}"#,
        ] {
            guard case .ephemeralKeyInvalid? = try outcome(bad).failure else {
                Issue.record("epk \(bad) was not refused")
                continue
            }
        }
        #expect(try outcome("null").failure.map { "\($0)" }?.contains("epk") == true)
        // A valid P-384 point on a token for a P-256 key: the P-256 key is not suitable, and no other key is.
        let p384 = try JWEVectors.token("ECDH-ES", "A256GCM")
        let other = try #require(JWEVectors.roundTrip.tokens.first {
            $0["alg"]?.stringValue == "ECDH-ES" && $0["kid"]?.stringValue == "ec-p-384"
        }?["compact"]?.stringValue)
        let otherEPK = try #require(try JSONParser.parse(try JWEVectors.headerJSON(other)).objectValue?["epk"])
        let mixed = JWEVectors.withHeader(
            p384.compact, #"{"alg":"ECDH-ES","enc":"A256GCM","kid":"ec-p-256","epk":\#(JSONWriter.write(otherEPK))}"#)
        let only256 = try Self.refused(mixed, keys: [try JWEVectors.roundTripKey("ec-p-256")])
        #expect(only256.status == .noKey)
        #expect(only256.reason?.contains("epk is on P-384") == true, "\(only256.reason ?? "")")
    }

    @Test func aKeyOfTheWrongKindIsNeverUsed() throws {
        let rsaToken = try JWEVectors.token("RSA-OAEP", "A128GCM").compact
        let kwToken = try JWEVectors.token("A256KW", "A128GCM").compact
        let dirToken = try JWEVectors.token("dir", "A256GCM").compact
        let ecdhToken = try JWEVectors.token("ECDH-ES+A128KW", "A128GCM").compact
        let cases: [(String, String, String, String)] = [
            ("an EC key for RSA-OAEP", rsaToken, "ec-p-256", "RSA-OAEP needs an RSA key"),
            ("a symmetric key for RSA-OAEP", rsaToken, "oct-256", "RSA-OAEP needs an RSA key"),
            ("a 16-byte key for A256KW", kwToken, "oct-128", "exactly 32 bytes"),
            ("an RSA key for A256KW", kwToken, "rsa-2048", "A256KW needs a symmetric (oct) key"),
            ("a 16-byte key for dir + A256GCM", dirToken, "dir-a128gcm", "exactly 32 bytes"),
            ("an RSA key for ECDH-ES", ecdhToken, "rsa-2048", "needs an EC key"),
        ]
        for (name, compact, kid, why) in cases {
            let outcome = try Self.refused(compact, keys: [try JWEVectors.roundTripKey(kid)])
            #expect(outcome.status == .noKey, "\(name)")
            #expect(outcome.attempts.isEmpty, "\(name): a key of the wrong kind was tried")
            #expect(outcome.reason?.contains(why) == true, "\(name): \(outcome.reason ?? "")")
        }
        // A key's JWK alg pins what it serves: a 32-byte key pinned to A256GCMKW never unwraps A256KW.
        let pinned = try DecryptionKeySet.jwk(
            try #require(try JSONParser.parse(#"{"kty":"oct","alg":"A256GCMKW","k":"\#(Base64URL.encode([UInt8](repeating: 7, count: 32)))"}"#).objectValue),
            source: "pinned")
        let outcome = try Self.refused(kwToken, keys: [pinned])
        #expect(outcome.status == .noKey && outcome.reason?.contains("its alg is A256GCMKW") == true)
        #expect(try Self.refused(rsaToken, keys: []).failure == .noKeys)
    }

    @Test func anotherKeyOfTheRightKindFails() throws {
        // Another 256-bit key for A256KW, another P-256 key for ECDH-ES: tried, and refused at the unwrap or tag.
        let other = try DecryptionKey.symmetric([UInt8](repeating: 9, count: 32), source: "other")
        #expect(try Self.refused(try JWEVectors.token("A256KW", "A128GCM").compact, keys: [other]).failure == .unwrapFailed)
        #expect(try Self.refused(try JWEVectors.token("dir", "A256GCM").compact, keys: [other]).failure == .authenticationFailed)
        let p256 = try JWEVectors.pemKey("ec-p-256.sec1.pem")
        let foreignP256 = try #require(JWEVectors.roundTrip.tokens.first {
            $0["alg"]?.stringValue == "ECDH-ES" && $0["kid"]?.stringValue == "ec-p-256"
        }?["compact"]?.stringValue)
        #expect(try JWEVectors.decrypt(foreignP256, keys: [p256]).status == .decrypted, "control: the right key works")
        let factory = OpenSSLKeyFactory()
        try factory.ec("stranger", curve: "P-256")
        let stranger = try #require(try DecryptionKeySet.load(try factory.read("stranger.key"), source: "stranger").keys.first)
        #expect(try Self.refused(foreignP256, keys: [stranger]).failure == .authenticationFailed)
        try factory.rsa("rsa")
        let otherRSA = try #require(try DecryptionKeySet.load(try factory.read("rsa.key"), source: "other rsa").keys.first)
        #expect(try Self.refused(try JWEVectors.token("RSA-OAEP-256", "A128GCM").compact, keys: [otherRSA]).failure == .unwrapFailed)
        #expect(try Self.refused(try JWEVectors.token("RSA1_5", "A128GCM").compact, keys: [otherRSA]).failure == .authenticationFailed)
    }

    @Test func everyKeyTriedIsReported() throws {
        // No kid and three RSA keys of which one is right: the right one decrypts; with only wrong ones, each is
        // listed with its failure.
        let factory = OpenSSLKeyFactory()
        try factory.rsa("a")
        try factory.rsa("b")
        let wrong = try ["a", "b"].map { name in
            try #require(try DecryptionKeySet.load(try factory.read("\(name).key"), source: name).keys.first)
        }
        let noKid = try #require(JWEVectors.roundTrip.tokens.first {
            $0["alg"]?.stringValue == "RSA-OAEP-256" && $0["kid"] == .null
        }?["compact"]?.stringValue)
        let right = try JWEVectors.roundTripKey("rsa-2048")
        let found = try JWEVectors.decrypt(noKid, keys: wrong + [right])
        #expect(found.status == .decrypted && found.keyUsed === right && found.attempts.count == 3)
        let failed = try Self.refused(noKid, keys: wrong)
        #expect(failed.failure == .everyKeyFailed(count: 2))
        #expect(failed.attempts.map(\.failure) == [.unwrapFailed, .unwrapFailed])
        #expect(failed.reason?.contains("(a)") == true && failed.reason?.contains("(b)") == true)
    }

    @Test func theHeaderKidChoosesAndOtherwiseEveryKeyIsTried() throws {
        let token = try JWEVectors.token("A128KW", "A128GCM")
        let right = try JWEVectors.roundTripKey("oct-128")
        let decoy = try DecryptionKey.symmetric([UInt8](repeating: 1, count: 16), kid: "decoy", source: "decoy")
        let chosen = try JWEVectors.decrypt(token.compact, keys: [decoy, right])
        #expect(chosen.attempts.count == 1 && chosen.keyChoice?.contains("kid \"oct-128\" matches") == true)
        // The kid names the decoy: only the decoy is tried (as APIM resolves by kid), and it fails.
        let json = try JWEVectors.headerJSON(token.compact).replacing(#""kid":"oct-128""#, with: #""kid":"decoy""#)
        let misnamed = try Self.refused(JWEVectors.withHeader(token.compact, json), keys: [decoy, right])
        #expect(misnamed.attempts.count == 1 && misnamed.attempts[0].key === decoy)
        // A kid nobody has: every suitable key is tried (Microsoft.IdentityModel's TryAllDecryptionKeys), and the
        // header change fails authentication with the right key.
        let unknown = try JWEVectors.headerJSON(token.compact).replacing(#""kid":"oct-128""#, with: #""kid":"gone""#)
        let tried = try Self.refused(JWEVectors.withHeader(token.compact, unknown), keys: [decoy, right])
        #expect(tried.attempts.count == 2 && tried.keyChoice?.contains("names none of the keys given") == true)
        #expect(tried.attempts.map(\.failure) == [.unwrapFailed, .authenticationFailed])
    }
}
