/// Decrypts a compact JWE (RFC 7516 §5.2) with the keys it is given, strictly, and says why when it cannot.
///
/// The order follows RFC 7516 §5.2: the protected header is read and checked first (alg, enc, crit, zip, the
/// algorithm's own parameters, every segment's length), then keys are chosen, then for each key the CEK is
/// obtained and the content authenticated and decrypted; only authenticated plaintext is inflated. Nothing is
/// released unless every step succeeded.
///
/// Keys are chosen as Microsoft.IdentityModel does for APIM's `decryption-keys`: the keys whose `kid` (or `x5t`)
/// matches the header's, and when none matches, every key that can serve the token's `alg` ("try all the keys",
/// `TryAllDecryptionKeys`). Trying another of the recipient's own keys is safe: a wrong key fails
/// authentication. A key never serves an `alg` its type, size, curve or JWK `alg` does not allow.
public enum JWEDecryptor {
    public struct Limits: Sendable {
        /// Largest plaintext accepted after inflating `zip: DEF`: the largest token accepted
        /// (`CompactToken.Limits.maxTokenBytes`, after Microsoft.IdentityModel's 250 KB), since the plaintext of
        /// a signed-then-encrypted token is itself a token. Microsoft.IdentityModel caps inflation the same way
        /// (`MaximumDeflateSize = MaximumTokenSizeInBytes`).
        public var maxPlaintextBytes = CompactToken.Limits.default.maxTokenBytes
        public init() {}
        public static let `default` = Limits()
    }

    public static func decrypt(_ jwe: CompactJWE, keys: [DecryptionKey], limits: Limits = .default) -> DecryptionOutcome {
        let header = jwe.header
        let algorithmText = header["alg"]?.stringValue
        let encryptionText = header["enc"]?.stringValue
        let kid = header["kid"]?.stringValue
        func refuse(_ failure: DecryptionFailure) -> DecryptionOutcome {
            DecryptionOutcome(status: .failed, algorithm: algorithmText, encryption: encryptionText, kid: kid, failure: failure)
        }

        // Without any key nothing is attempted, not even the header's checks: the caller shows the header (and
        // its findings) as it would for any JWE it cannot open.
        if keys.isEmpty {
            return DecryptionOutcome(
                status: .noKey, algorithm: algorithmText, encryption: encryptionText, kid: kid, failure: .noKeys)
        }
        let parameters: Parameters
        switch Parameters.read(jwe) {
        case .success(let read): parameters = read
        case .failure(let failure): return refuse(failure)
        }

        // Choosing keys.
        var suitable: [DecryptionKey] = []
        var unsuitable: [String] = []
        for key in keys {
            if let why = key.unsuitability(
                for: parameters.management, encryption: parameters.encryption, ephemeralCurve: parameters.ephemeralCurve)
            {
                unsuitable.append("\(key.summary) \(why)")
            } else {
                suitable.append(key)
            }
        }
        if suitable.isEmpty {
            return DecryptionOutcome(
                status: .noKey, algorithm: algorithmText, encryption: encryptionText, kid: kid,
                failure: .noSuitableKey(algorithm: parameters.management.rawValue, reasons: unsuitable))
        }
        let (candidates, keyChoice) = choose(suitable, kid: kid, x5t: header["x5t"]?.stringValue, parameters: parameters)

        // Each candidate in turn.
        var attempts: [DecryptionAttempt] = []
        for key in candidates {
            switch attempt(jwe, parameters: parameters, key: key) {
            case .failure(let failure):
                attempts.append(DecryptionAttempt(key: key, failure: failure))
            case .success(let content):
                attempts.append(DecryptionAttempt(key: key, failure: nil))
                var plaintext = content.withBytes { Array($0) }
                if parameters.compressed {
                    let inflated = RawDeflate.inflate(plaintext, limit: limits.maxPlaintextBytes)
                    SecretBytes.wipe(&plaintext)
                    switch inflated {
                    case .success(let bytes): plaintext = bytes
                    case .failure(let problem):
                        let failure: DecryptionFailure
                        switch problem {
                        case .unavailable(let why): failure = .decompressionUnavailable(why)
                        case .tooLarge(let limit): failure = .decompressedTooLarge(limit: limit)
                        case .invalid(let why): failure = .decompressionFailed(why)
                        }
                        return DecryptionOutcome(
                            status: .failed, algorithm: algorithmText, encryption: encryptionText, kid: kid,
                            failure: failure, attempts: attempts, keyChoice: keyChoice)
                    }
                }
                return DecryptionOutcome(
                    status: .decrypted, algorithm: algorithmText, encryption: encryptionText, kid: kid, keyUsed: key,
                    plaintext: plaintext, attempts: attempts, keyChoice: keyChoice)
            }
        }
        let failure = attempts.count == 1 ? attempts[0].failure! : .everyKeyFailed(count: attempts.count)
        return DecryptionOutcome(
            status: .failed, algorithm: algorithmText, encryption: encryptionText, kid: kid, failure: failure,
            attempts: attempts, keyChoice: keyChoice)
    }

    /// The keys to try, and why these: the `kid` (then `x5t`) matches, else every suitable key.
    private static func choose(
        _ suitable: [DecryptionKey], kid: String?, x5t: String?, parameters: Parameters
    ) -> ([DecryptionKey], String) {
        let alg = parameters.management.rawValue
        if let kid {
            let matching = suitable.filter { $0.kid == kid }
            if !matching.isEmpty { return (matching, "kid \"\(kid)\" matches \(matching[0].summary)") }
        }
        if let x5t {
            let matching = suitable.filter { $0.x5t == x5t }
            if !matching.isEmpty { return (matching, "x5t \(x5t) matches \(matching[0].summary)") }
        }
        let count = suitable.count == 1 ? "the one key" : "each of the \(suitable.count) keys"
        if let kid {
            return (suitable, "kid \"\(kid)\" names none of the keys given; trying \(count) that can decrypt \(alg), as APIM does")
        }
        return (suitable, "the token has no kid: trying \(count) that can decrypt \(alg)")
    }

    /// A step's value, or the failure that ends the attempt (DecryptionFailure is a value, not a thrown error:
    /// the core's one error type is JWTAuditError, and a failed decryption is an outcome, not an exception).
    enum Step<Value> {
        case success(Value)
        case failure(DecryptionFailure)
    }

    // MARK: Per key

    /// The CEK from `key` (RFC 7516 §5.2 steps 6-10), then the content (steps 14-16).
    private static func attempt(
        _ jwe: CompactJWE, parameters: Parameters, key: DecryptionKey
    ) -> Step<SecretBytes> {
        let encryption = parameters.encryption
        let cek: SecretBytes
        switch contentEncryptionKey(jwe, parameters: parameters, key: key) {
        case .success(let obtained): cek = obtained
        case .failure(let failure): return .failure(failure)
        }
        guard cek.count == encryption.keyBytes else {
            return .failure(.contentKeyLength(expected: encryption.keyBytes, actual: cek.count))
        }
        let content: SecretBytes?
        if encryption.isCBC {
            content = decryptCBCHMAC(cek: cek, encryption: encryption, jwe: jwe)
        } else {
            content = JWECrypto.aesGCMDecrypt(
                key: cek, iv: jwe.iv, additionalData: jwe.additionalData, ciphertext: jwe.ciphertext, tag: jwe.tag)
        }
        guard let content else { return .failure(.authenticationFailed) }
        return .success(content)
    }

    private static func contentEncryptionKey(
        _ jwe: CompactJWE, parameters: Parameters, key: DecryptionKey
    ) -> Step<SecretBytes> {
        let encryption = parameters.encryption
        switch (parameters.management.family, key.material) {
        case (.rsa(let padding), .rsa(let privateKey)):
            // RFC 8017 §7.1.2 / §7.2.2 step 1: the ciphertext is exactly as long as the modulus.
            guard jwe.encryptedKey.count == privateKey.size else {
                return .failure(.segmentLength(
                    segment: "encrypted key", expected: "\(privateKey.size) bytes, the length of the key's RSA modulus",
                    actual: jwe.encryptedKey.count))
            }
            guard padding == .pkcs1 else {
                guard let cek = JWECrypto.rsaDecrypt(key: privateKey, padding: padding, ciphertext: jwe.encryptedKey) else {
                    return .failure(.unwrapFailed)
                }
                return .success(cek)
            }
            // RFC 7516 §11.5: "the recipient MUST NOT distinguish between format, padding, and length errors of
            // encrypted keys. It is strongly recommended, in the event of receiving an improperly formatted key,
            // that the recipient substitute a randomly generated CEK and proceed to the next step". The random
            // CEK is drawn first, so both paths do the same work, and a bad key surfaces only as a bad tag.
            guard let substitute = SecretBytes.random(count: encryption.keyBytes) else { return .failure(.keyAgreementFailed) }
            let decrypted = JWECrypto.rsaDecrypt(key: privateKey, padding: .pkcs1, ciphertext: jwe.encryptedKey)
            if let decrypted, decrypted.count == encryption.keyBytes { return .success(decrypted) }
            return .success(substitute)
        case (.aesKeyWrap, .symmetric(let kek)):
            guard let cek = JWECrypto.aesKeyUnwrap(kek: kek, wrapped: jwe.encryptedKey) else { return .failure(.unwrapFailed) }
            return .success(cek)
        case (.aesGCMKeyWrap, .symmetric(let kek)):
            guard let wrap = parameters.gcmKeyWrap,
                  let cek = JWECrypto.aesGCMDecrypt(
                      key: kek, iv: wrap.iv, additionalData: [], ciphertext: jwe.encryptedKey, tag: wrap.tag)
            else { return .failure(.unwrapFailed) }
            return .success(cek)
        case (.ecdh(let wrapKeyBytes), .ec(let privateKey, _)):
            guard let agreement = parameters.keyAgreement,
                  let shared = JWECrypto.ecdhSharedSecret(privateKey: privateKey, peer: agreement.ephemeralKey)
            else { return .failure(.keyAgreementFailed) }
            // RFC 7518 §4.6.2: AlgorithmID is "enc" for direct key agreement and "alg" for key wrapping;
            // keydatalen is the CEK length or the wrapping key's.
            let algorithmID = wrapKeyBytes == nil ? encryption.rawValue : parameters.management.rawValue
            let length = wrapKeyBytes ?? encryption.keyBytes
            let otherInfo = lengthPrefixed(Array(algorithmID.utf8)) + lengthPrefixed(agreement.partyU)
                + lengthPrefixed(agreement.partyV) + bigEndian32(UInt32(length * 8))
            guard let derived = JWECrypto.concatKDF(sharedSecret: shared, otherInfo: otherInfo, length: length) else {
                return .failure(.keyAgreementFailed)
            }
            guard wrapKeyBytes != nil else { return .success(derived) }
            guard let cek = JWECrypto.aesKeyUnwrap(kek: derived, wrapped: jwe.encryptedKey) else { return .failure(.unwrapFailed) }
            return .success(cek)
        case (.direct, .symmetric(let secret)):
            return .success(secret)
        default:
            // Unreachable: `unsuitability` admitted only keys of the algorithm's type.
            return .failure(.unwrapFailed)
        }
    }

    /// RFC 7518 §5.2.2.2: split the key (MAC_KEY first, ENC_KEY second), compute
    /// HMAC(MAC_KEY, A || IV || E || AL), compare its first half with the tag in constant time, and only when they
    /// match decrypt. A padding error after a valid MAC is reported like a MAC error (one error for every failure).
    private static func decryptCBCHMAC(cek: SecretBytes, encryption: JWEContentEncryption, jwe: CompactJWE) -> SecretBytes? {
        let half = cek.count / 2
        let macKey = cek.slice(0..<half)
        let encryptionKey = cek.slice(half..<cek.count)
        // AL: the number of bits in the AAD as a 64-bit big-endian integer.
        let bits = UInt64(jwe.additionalData.count) * 8
        let al = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * $0)) }
        let message = jwe.additionalData + jwe.iv + jwe.ciphertext + al
        guard let mac = JWECrypto.hmac(digestName: encryption.digestName, key: macKey, message: message),
              mac.count >= encryption.tagBytes,
              mac.slice(0..<encryption.tagBytes).constantTimeEquals(SecretBytes(copying: jwe.tag))
        else { return nil }
        return JWECrypto.aesCBCDecrypt(key: encryptionKey, iv: jwe.iv, ciphertext: jwe.ciphertext)
    }

    private static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] { bigEndian32(UInt32(bytes.count)) + bytes }

    private static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    // MARK: The header

    /// What the protected header and the segment lengths say, checked before any key is used.
    struct Parameters {
        let management: JWEKeyManagement
        let encryption: JWEContentEncryption
        let compressed: Bool
        let gcmKeyWrap: (iv: [UInt8], tag: [UInt8])?
        let keyAgreement: KeyAgreement?
        var ephemeralCurve: ECCurve? { keyAgreement?.curve }

        struct KeyAgreement {
            let ephemeralKey: OpenSSLPublicKey
            let curve: ECCurve
            let partyU: [UInt8]
            let partyV: [UInt8]
        }

        static func read(_ jwe: CompactJWE) -> Step<Parameters> {
            let header = jwe.header
            // RFC 7516 §4: "The Header Parameter names within the JOSE Header MUST be unique".
            if let duplicate = header.duplicateKeys.first {
                return .failure(.headerInvalid(
                    "the protected header repeats \"\(duplicate)\" (RFC 7516 §4: Header Parameter names MUST be unique)"))
            }
            guard let algValue = header["alg"] else {
                return .failure(.headerInvalid("the protected header has no alg (RFC 7516 §4.1.1: it MUST be present)"))
            }
            guard let alg = algValue.stringValue else {
                return .failure(.headerInvalid("alg is \(algValue.kindDescription), not a string"))
            }
            let management: JWEKeyManagement
            switch JWEKeyManagement.parse(alg) {
            case .known(let known): management = known
            case .unsupported(let name, let why): return .failure(.unsupportedAlgorithm(name, why: why))
            case .unknown(let name):
                return .failure(.unsupportedAlgorithm(
                    name, why: "not a JWE key management algorithm jwtaudit decrypts (names are case-sensitive)"))
            }
            guard let encValue = header["enc"] else {
                return .failure(.headerInvalid("the protected header has no enc (RFC 7516 §4.1.2: it MUST be present)"))
            }
            guard let enc = encValue.stringValue else {
                return .failure(.headerInvalid("enc is \(encValue.kindDescription), not a string"))
            }
            guard let encryption = JWEContentEncryption(rawValue: enc) else { return .failure(.unsupportedEncryption(enc)) }
            if let crit = header["crit"] {
                return .failure(.criticalExtension(crit.arrayValue?.compactMap(\.stringValue) ?? []))
            }
            var compressed = false
            if let zip = header["zip"] {
                // RFC 7516 §4.1.3: "Defined values for this parameter are: "DEF" Compression with the DEFLATE".
                guard zip.stringValue == "DEF" else {
                    return .failure(.headerInvalid(
                        "zip is \(zip.stringValue.map { "\"\($0)\"" } ?? zip.kindDescription); the only compression defined is \"DEF\" (RFC 7516 §4.1.3)"))
                }
                compressed = true
            }
            if let failure = checkLengths(jwe, management: management, encryption: encryption) { return .failure(failure) }

            var gcmKeyWrap: (iv: [UInt8], tag: [UInt8])?
            var keyAgreement: KeyAgreement?
            switch management.family {
            case .aesGCMKeyWrap:
                // RFC 7518 §4.7.1.1: "iv" (96 bits) and §4.7.1.2: "tag" (128 bits), both REQUIRED.
                switch (bytes(header, "iv", required: true), bytes(header, "tag", required: true)) {
                case (.success(let iv?), .success(let tag?)):
                    if iv.count != 12 {
                        return .failure(.segmentLength(segment: "iv header parameter", expected: "12 bytes (96 bits, RFC 7518 §4.7.1.1)", actual: iv.count))
                    }
                    if tag.count != 16 {
                        return .failure(.segmentLength(segment: "tag header parameter", expected: "16 bytes (128 bits, RFC 7518 §4.7.1.2)", actual: tag.count))
                    }
                    gcmKeyWrap = (iv, tag)
                case (.failure(let failure), _), (_, .failure(let failure)): return .failure(failure)
                default: return .failure(.headerInvalid("iv and tag are required with \(alg)"))
                }
            case .ecdh:
                switch ephemeralKey(header["epk"]) {
                case .failure(let failure): return .failure(failure)
                case .success(let (key, curve)):
                    var parties: [[UInt8]] = []
                    for name in ["apu", "apv"] {
                        switch bytes(header, name, required: false) {
                        case .success(let value): parties.append(value ?? [])
                        case .failure(let failure): return .failure(failure)
                        }
                    }
                    keyAgreement = KeyAgreement(ephemeralKey: key, curve: curve, partyU: parties[0], partyV: parties[1])
                }
            default:
                break
            }
            return .success(Parameters(
                management: management, encryption: encryption, compressed: compressed, gcmKeyWrap: gcmKeyWrap,
                keyAgreement: keyAgreement))
        }

        /// Exact lengths, known from `alg` and `enc` alone (RSA's, which depends on the key, is checked per key).
        private static func checkLengths(
            _ jwe: CompactJWE, management: JWEKeyManagement, encryption: JWEContentEncryption
        ) -> DecryptionFailure? {
            if jwe.iv.count != encryption.ivBytes {
                return .segmentLength(
                    segment: "initialization vector", expected: "\(encryption.ivBytes) bytes for \(encryption.rawValue)",
                    actual: jwe.iv.count)
            }
            if jwe.tag.count != encryption.tagBytes {
                return .segmentLength(
                    segment: "authentication tag", expected: "\(encryption.tagBytes) bytes for \(encryption.rawValue)",
                    actual: jwe.tag.count)
            }
            // CBC with PKCS#7 padding always adds at least one byte: the ciphertext is whole blocks, at least one.
            if encryption.isCBC && (jwe.ciphertext.isEmpty || jwe.ciphertext.count % 16 != 0) {
                return .segmentLength(
                    segment: "ciphertext", expected: "a non-zero multiple of 16 bytes for \(encryption.rawValue)",
                    actual: jwe.ciphertext.count)
            }
            if jwe.ciphertext.count > CompactToken.Limits.default.maxTokenBytes {
                return .segmentLength(segment: "ciphertext", expected: "within the token size limit", actual: jwe.ciphertext.count)
            }
            let encryptedKey = jwe.encryptedKey.count
            switch management.family {
            case .direct, .ecdh(wrapKeyBytes: nil):
                if encryptedKey != 0 {
                    return .segmentLength(
                        segment: "encrypted key", expected: "empty with \(management.rawValue) (RFC 7518 §4.5, §4.6)",
                        actual: encryptedKey)
                }
            case .aesKeyWrap, .ecdh:
                // RFC 3394: the wrapped key is 8 bytes longer than the key it wraps, here the CEK.
                if encryptedKey != encryption.keyBytes + 8 {
                    return .segmentLength(
                        segment: "encrypted key",
                        expected: "\(encryption.keyBytes + 8) bytes (a wrapped \(encryption.keyBytes)-byte \(encryption.rawValue) key)",
                        actual: encryptedKey)
                }
            case .aesGCMKeyWrap:
                if encryptedKey != encryption.keyBytes {
                    return .segmentLength(
                        segment: "encrypted key",
                        expected: "\(encryption.keyBytes) bytes (the \(encryption.rawValue) key, encrypted with AES-GCM)",
                        actual: encryptedKey)
                }
            case .rsa:
                if encryptedKey == 0 {
                    return .segmentLength(segment: "encrypted key", expected: "the length of the RSA modulus", actual: 0)
                }
            }
            return nil
        }

        /// A base64url header parameter (RFC 7518 §4.6.1.2-3 `apu`/`apv`, §4.7.1 `iv`/`tag`).
        private static func bytes(_ header: JSONObject, _ name: String, required: Bool) -> Step<[UInt8]?> {
            guard let value = header[name] else {
                return required ? .failure(.headerInvalid("the protected header has no \(name), which this alg requires")) : .success(nil)
            }
            guard let text = value.stringValue else {
                return .failure(.headerInvalid("\(name) is \(value.kindDescription), not a base64url string"))
            }
            do {
                return .success(try Base64URL.decode(text))
            } catch {
                return .failure(.headerInvalid("\(name) is not base64url: \(error)"))
            }
        }

        /// RFC 7518 §4.6.1.1: "epk" is the ephemeral public key, a JWK "containing only public key parameters".
        /// It is imported through the same path as any EC public key, which refuses a point not on its curve
        /// (RFC 8725 §3.4: "validate that the public key is on the curve"; the invalid-curve attack).
        private static func ephemeralKey(_ value: JSONValue?) -> Step<(OpenSSLPublicKey, ECCurve)> {
            guard let value else {
                return .failure(.headerInvalid("the protected header has no epk, which ECDH-ES requires (RFC 7518 §4.6.1.1)"))
            }
            guard let object = value.objectValue else {
                return .failure(.ephemeralKeyInvalid("it is \(value.kindDescription), not a JWK object"))
            }
            if let duplicate = object.duplicateKeys.first {
                return .failure(.ephemeralKeyInvalid("member \"\(duplicate)\" appears more than once"))
            }
            guard let kty = object["kty"]?.stringValue else { return .failure(.ephemeralKeyInvalid("it has no kty string")) }
            guard kty == "EC" else {
                return .failure(.ephemeralKeyInvalid("kty is \"\(kty)\"; only EC keys on P-256, P-384 and P-521 are supported"))
            }
            if let member = JWKImport.privateMembers.first(where: { object[$0] != nil }) {
                return .failure(.ephemeralKeyInvalid("it carries the private member \"\(member)\"; an epk holds only public parameters"))
            }
            do {
                let components = try JWKImport.publicComponents(kty: "EC", object, "epk")
                guard case .ec(let curve, _, _) = components else { return .failure(.ephemeralKeyInvalid("not an EC key")) }
                return .success((try OpenSSLPublicKey.make(components), curve))
            } catch {
                return .failure(.ephemeralKeyInvalid(error.reason))
            }
        }
    }
}
