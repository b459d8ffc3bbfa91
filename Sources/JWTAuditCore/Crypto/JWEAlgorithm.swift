/// The JWE key management algorithms jwtaudit decrypts (RFC 7518 §4.1): how the content encryption key (CEK) is
/// obtained from the recipient's key and the JWE Encrypted Key.
///
/// The token names its algorithm, but never chooses it alone: the key decides which of these it can serve (its
/// type, size, curve and JWK `alg`), and a token whose `alg` the key cannot serve is not decrypted with it.
public enum JWEKeyManagement: String, Sendable, CaseIterable {
    case rsaOAEP = "RSA-OAEP"
    case rsaOAEP256 = "RSA-OAEP-256"
    case rsa1_5 = "RSA1_5"
    case a128KW = "A128KW"
    case a192KW = "A192KW"
    case a256KW = "A256KW"
    case a128GCMKW = "A128GCMKW"
    case a192GCMKW = "A192GCMKW"
    case a256GCMKW = "A256GCMKW"
    case ecdhES = "ECDH-ES"
    case ecdhESA128KW = "ECDH-ES+A128KW"
    case ecdhESA192KW = "ECDH-ES+A192KW"
    case ecdhESA256KW = "ECDH-ES+A256KW"
    case direct = "dir"

    enum Family: Equatable {
        /// RFC 7518 §4.2 (RSAES-PKCS1-v1_5), §4.3 (RSAES-OAEP with SHA-1 or SHA-256, MGF1 with the same hash).
        case rsa(RSAPadding)
        /// RFC 7518 §4.4: RFC 3394 AES Key Wrap with a key of this many bytes.
        case aesKeyWrap(keyBytes: Int)
        /// RFC 7518 §4.7: the CEK encrypted with AES-GCM under a key of this many bytes (`iv`, `tag` in the header).
        case aesGCMKeyWrap(keyBytes: Int)
        /// RFC 7518 §4.6: ECDH-ES; `wrapKeyBytes` nil is direct key agreement (the derived key is the CEK),
        /// otherwise the derived key of that length unwraps the Encrypted Key with AES Key Wrap.
        case ecdh(wrapKeyBytes: Int?)
        /// RFC 7518 §4.5: the shared symmetric key is the CEK.
        case direct
    }

    enum RSAPadding: Equatable {
        /// RSAES-OAEP with this hash for both the label hash and MGF1 (OpenSSL names: "SHA1", "SHA256").
        case oaep(digestName: String)
        case pkcs1
    }

    var family: Family {
        switch self {
        case .rsaOAEP: return .rsa(.oaep(digestName: "SHA1"))
        case .rsaOAEP256: return .rsa(.oaep(digestName: "SHA256"))
        case .rsa1_5: return .rsa(.pkcs1)
        case .a128KW: return .aesKeyWrap(keyBytes: 16)
        case .a192KW: return .aesKeyWrap(keyBytes: 24)
        case .a256KW: return .aesKeyWrap(keyBytes: 32)
        case .a128GCMKW: return .aesGCMKeyWrap(keyBytes: 16)
        case .a192GCMKW: return .aesGCMKeyWrap(keyBytes: 24)
        case .a256GCMKW: return .aesGCMKeyWrap(keyBytes: 32)
        case .ecdhES: return .ecdh(wrapKeyBytes: nil)
        case .ecdhESA128KW: return .ecdh(wrapKeyBytes: 16)
        case .ecdhESA192KW: return .ecdh(wrapKeyBytes: 24)
        case .ecdhESA256KW: return .ecdh(wrapKeyBytes: 32)
        case .direct: return .direct
        }
    }

    /// The JWK `kty` a recipient key needs for this algorithm.
    public var keyType: String {
        switch family {
        case .rsa: return "RSA"
        case .ecdh: return "EC"
        case .aesKeyWrap, .aesGCMKeyWrap, .direct: return "oct"
        }
    }

    /// The Encrypted Key is empty for direct encryption and direct key agreement (RFC 7518 §4.5, §4.6: "the JWE
    /// Encrypted Key value" is "the empty octet sequence").
    var hasEmptyEncryptedKey: Bool { self == .direct || self == .ecdhES }

    /// What a header's `alg` names, for a JWE.
    public enum Parsed: Sendable, Equatable {
        case known(JWEKeyManagement)
        /// A registered algorithm jwtaudit does not decrypt, with the reason.
        case unsupported(String, why: String)
        case unknown(String)
    }

    /// Names are case-sensitive (RFC 7516 §4.1.1 refers to RFC 7515's rule), so "rsa-oaep" is unknown.
    public static func parse(_ name: String) -> Parsed {
        if let known = JWEKeyManagement(rawValue: name) { return .known(known) }
        if name.hasPrefix("PBES2-") {
            return .unsupported(name, why: "password-based key wrapping (PBES2, RFC 7518 §4.8) is not supported")
        }
        if name.hasPrefix("ECDH-1PU") {
            return .unsupported(name, why: "authenticated key agreement (ECDH-1PU) is not supported")
        }
        if name.hasPrefix("RSA-OAEP-") {
            return .unsupported(name, why: "RSA-OAEP with this hash is not supported (RSA-OAEP and RSA-OAEP-256 are)")
        }
        if JWSAlgorithm(rawValue: name) != nil || name.lowercased() == "none" {
            return .unsupported(name, why: "\(name) is a signature algorithm, not a JWE key management algorithm")
        }
        return .unknown(name)
    }
}

/// The JWE content encryption algorithms (RFC 7518 §5.1): authenticated encryption of the plaintext with the CEK.
public enum JWEContentEncryption: String, Sendable, CaseIterable {
    case a128CBCHS256 = "A128CBC-HS256"
    case a192CBCHS384 = "A192CBC-HS384"
    case a256CBCHS512 = "A256CBC-HS512"
    case a128GCM = "A128GCM"
    case a192GCM = "A192GCM"
    case a256GCM = "A256GCM"

    /// The CEK length. RFC 7518 §5.2.3-5.2.5: AES_128_CBC_HMAC_SHA_256 takes a 32-byte key (16 for the MAC, 16 for
    /// AES), _192_..._384 48 bytes, _256_..._512 64 bytes; §5.3: AES-GCM takes the AES key size.
    public var keyBytes: Int {
        switch self {
        case .a128CBCHS256: return 32
        case .a192CBCHS384: return 48
        case .a256CBCHS512: return 64
        case .a128GCM: return 16
        case .a192GCM: return 24
        case .a256GCM: return 32
        }
    }

    /// RFC 7518 §5.2.2.1: a 128-bit IV for CBC; §5.3: "Use of an IV of size 96 bits is REQUIRED with this algorithm."
    var ivBytes: Int { isCBC ? 16 : 12 }

    /// RFC 7518 §5.2.2.1: T is the first half of the HMAC (16, 24 or 32 bytes, the MAC key's length); §5.3: "The
    /// requested size of the Authentication Tag output MUST be 128 bits, regardless of the key size."
    var tagBytes: Int { isCBC ? keyBytes / 2 : 16 }

    var isCBC: Bool {
        switch self {
        case .a128CBCHS256, .a192CBCHS384, .a256CBCHS512: return true
        case .a128GCM, .a192GCM, .a256GCM: return false
        }
    }

    /// The HMAC hash of the CBC algorithms ("SHA256", "SHA384", "SHA512").
    var digestName: String { "SHA\(keyBytes * 8)" }
}
