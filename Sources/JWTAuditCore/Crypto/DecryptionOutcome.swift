/// What decrypting a JWE gave: the plaintext and the key that opened it, or why not, as values.
///
/// Every failure is a `DecryptionFailure` case a caller can switch on (an APIM evaluation maps them to the
/// gateway's reasons), with the keys that were tried and why each failed. No plaintext is held unless the
/// status is `decrypted`.
public struct DecryptionOutcome: Sendable {
    public enum Status: String, Sendable {
        case decrypted
        /// A key was tried and failed, or the token itself cannot be decrypted (unsupported or malformed header,
        /// wrong segment lengths): the token is refused.
        case failed
        /// No key given could serve this token: none at all, or none of the right type, size or curve.
        case noKey = "no-key"
    }

    public let status: Status
    /// The header's `alg` and `enc` as written (nil when absent or not strings).
    public let algorithm: String?
    public let encryption: String?
    /// The header's `kid`, when it is a string.
    public let kid: String?
    /// The key that decrypted the token.
    public let keyUsed: DecryptionKey?
    /// The plaintext (after inflating `zip: DEF`), only when `status` is `decrypted`.
    public let plaintext: [UInt8]?
    /// Why the token was not decrypted.
    public let failure: DecryptionFailure?
    /// The keys tried, in order, each with why it failed (the last one has none when it succeeded).
    public let attempts: [DecryptionAttempt]
    /// How the keys were chosen ("kid k1 matches ..."), for reports.
    public let keyChoice: String?

    /// The reason for people: the failure, and for several keys, each key's.
    public var reason: String? {
        guard let failure else { return nil }
        guard case .everyKeyFailed = failure else { return failure.description }
        let each = attempts.map { "\($0.key.summary): \($0.failure?.description ?? "")" }.joined(separator: "; ")
        return "\(failure.description): \(each)"
    }

    /// Whether the token's key management is RSA1_5 (RSAES-PKCS1-v1_5), which decrypts but is deprecated.
    public var usesRSA1_5: Bool { algorithm == JWEKeyManagement.rsa1_5.rawValue }

    init(
        status: Status, algorithm: String?, encryption: String?, kid: String?, keyUsed: DecryptionKey? = nil,
        plaintext: [UInt8]? = nil, failure: DecryptionFailure? = nil, attempts: [DecryptionAttempt] = [],
        keyChoice: String? = nil
    ) {
        self.status = status
        self.algorithm = algorithm
        self.encryption = encryption
        self.kid = kid
        self.keyUsed = keyUsed
        self.plaintext = status == .decrypted ? plaintext : nil
        self.failure = failure
        self.attempts = attempts
        self.keyChoice = keyChoice
    }
}

/// One key tried, and why it failed (nil: it decrypted the token).
public struct DecryptionAttempt: Sendable {
    public let key: DecryptionKey
    public let failure: DecryptionFailure?
}

/// Why a JWE was not decrypted. The token-level cases are found before any key is used; the key cases are per
/// attempt; the last group happens after the content authenticated.
public enum DecryptionFailure: Sendable, Equatable, CustomStringConvertible {
    // The token itself.
    /// The protected header breaks a rule (a missing or non-string member, a duplicate name, a bad `zip`, `iv`,
    /// `tag`, `apu` or `apv`).
    case headerInvalid(String)
    /// `alg` names a key management algorithm jwtaudit does not decrypt (with why: PBES2, a JWS algorithm...).
    case unsupportedAlgorithm(String, why: String)
    /// `enc` names no content encryption algorithm jwtaudit decrypts.
    case unsupportedEncryption(String)
    /// `crit` lists extensions; jwtaudit understands none (RFC 7516 §4.1.13 refers to RFC 7515 §4.1.11: the JWE
    /// is then invalid).
    case criticalExtension([String])
    /// A segment (or GCM key wrap header parameter) has the wrong length for the algorithms.
    case segmentLength(segment: String, expected: String, actual: Int)
    /// The ECDH-ES `epk` is not a public key on a supported curve (or not a point on its curve).
    case ephemeralKeyInvalid(String)

    // Choosing a key (status no-key).
    /// No decryption key was given at all.
    case noKeys
    /// Keys were given, but none can serve this token; each entry is "key summary: why".
    case noSuitableKey(algorithm: String, reasons: [String])

    // One key (status failed).
    /// The Encrypted Key did not decrypt or unwrap with the key (RSA-OAEP, AES Key Wrap or AES-GCM key wrap).
    case unwrapFailed
    /// The key unwrapped to a CEK of the wrong length for `enc`.
    case contentKeyLength(expected: Int, actual: Int)
    /// OpenSSL refused the ECDH key agreement or the Concat KDF.
    case keyAgreementFailed
    /// The authentication tag did not verify (a wrong key, or a changed header, IV, ciphertext or tag); for
    /// AES-CBC-HMAC this is also every padding error, reported identically (RFC 7516 §11.5, RFC 7518 §5.2.2.2).
    case authenticationFailed
    /// Several keys were tried and each failed (see `DecryptionOutcome.attempts`).
    case everyKeyFailed(count: Int)

    // After the content authenticated.
    /// `zip: DEF` needs zlib, which could not be loaded.
    case decompressionUnavailable(String)
    /// The inflated content would exceed the limit (a compression bomb, or an absurd token).
    case decompressedTooLarge(limit: Int)
    /// The content is not a valid raw DEFLATE stream.
    case decompressionFailed(String)

    public var description: String {
        switch self {
        case .headerInvalid(let why): return why
        case .unsupportedAlgorithm(let alg, let why): return "alg \"\(alg)\": \(why)"
        case .unsupportedEncryption(let enc):
            return "enc \"\(enc)\" is not a content encryption algorithm jwtaudit decrypts (A128CBC-HS256, A192CBC-HS384, A256CBC-HS512, A128GCM, A192GCM, A256GCM; names are case-sensitive)"
        case .criticalExtension(let names):
            return "crit lists \(names.isEmpty ? "extensions" : names.joined(separator: ", ")): jwtaudit understands no critical extensions, so the JWE must be rejected (RFC 7516 §4.1.13, RFC 7515 §4.1.11)"
        case .segmentLength(let segment, let expected, let actual):
            return "the \(segment) is \(actual) bytes; it must be \(expected)"
        case .ephemeralKeyInvalid(let why): return "the epk (ephemeral public key) is unusable: \(why)"
        case .noKeys: return "no decryption key was given"
        case .noSuitableKey(let algorithm, let reasons):
            return "no key given can decrypt \(algorithm): " + reasons.joined(separator: "; ")
        case .unwrapFailed:
            return "the encrypted key did not decrypt with this key (a different key, or an altered encrypted key)"
        case .contentKeyLength(let expected, let actual):
            return "the content encryption key is \(actual) bytes; enc needs \(expected)"
        case .keyAgreementFailed: return "the ECDH key agreement failed"
        case .authenticationFailed:
            return "authentication failed: the tag does not verify (a different key, or an altered header, IV, ciphertext or tag)"
        case .everyKeyFailed(let count): return "none of the \(count) keys tried decrypted it"
        case .decompressionUnavailable(let why):
            return "the content is compressed (zip DEF) and zlib (libz.so.1) could not be loaded to inflate it: \(why)"
        case .decompressedTooLarge(let limit):
            return "the content is compressed (zip DEF) and inflates to more than \(limit) bytes, the limit"
        case .decompressionFailed(let why): return "the content is compressed (zip DEF) but is not valid raw DEFLATE: \(why)"
        }
    }
}
