/// The JWS signature algorithms jwtaudit verifies (RFC 7518 §3.1, RFC 8037 §3.1).
///
/// `none` is deliberately not a case: RFC 8725 §3.1 says libraries "MUST NOT consider an unsecured JWS
/// valid" unless the application asked for it, and jwtaudit never does. `parse` reports it as `.unsecured`.
public enum JWSAlgorithm: String, Sendable, CaseIterable, Hashable {
    case HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA

    /// The family decides which key type can verify and how the signature bytes are laid out.
    enum Family: Sendable { case hmac, rsaPKCS1, rsaPSS, ecdsa, eddsa }

    var family: Family {
        switch self {
        case .HS256, .HS384, .HS512: return .hmac
        case .RS256, .RS384, .RS512: return .rsaPKCS1
        case .PS256, .PS384, .PS512: return .rsaPSS
        case .ES256, .ES384, .ES512: return .ecdsa
        case .EdDSA: return .eddsa
        }
    }

    /// HS* are keyed with a shared secret; every other algorithm with a public key.
    public var isSymmetric: Bool { family == .hmac }

    /// Output length of the algorithm's hash in bytes (EdDSA hashes internally: no separate digest).
    var hashLength: Int? {
        switch self {
        case .HS256, .RS256, .PS256, .ES256: return 32
        case .HS384, .RS384, .PS384, .ES384: return 48
        case .HS512, .RS512, .PS512, .ES512: return 64
        case .EdDSA: return nil
        }
    }

    /// The lengths in bytes a signature of this algorithm has: what tells a finished signature segment from one
    /// that a line wrap or a cut left short (`TokenWhitespace`). HMAC: the hash length (RFC 7518 §3.2). RSA: "k,
    /// the length in octets of the RSA modulus" (RFC 8017 §8.2.1, §8.1.1), for the 2048-bit keys RFC 7518 §3.3
    /// requires at least and the sizes above them in use. ECDSA: "the 64-octet sequence" for ES256, 96 for ES384,
    /// 132 for ES512 (RFC 7518 §3.4). EdDSA: 64 bytes for Ed25519, 114 for Ed448 (RFC 8032 §5.1.6, §5.2.6).
    public var signatureLengths: [Int] {
        switch family {
        case .hmac: return [hashLength ?? 0]
        case .rsaPKCS1, .rsaPSS: return [256, 384, 512, 1024]
        case .ecdsa: return [(ecCurve?.coordinateLength ?? 0) * 2]
        case .eddsa: return [64, 114]
        }
    }

    /// OpenSSL's name for the digest ("SHA256"...), nil for EdDSA (Ed25519 is a one-shot, pre-hash-free scheme).
    /// Literals, not text built from the hash length: a batch asks once per token.
    var digestName: String? {
        switch hashLength {
        case 32: "SHA256"
        case 48: "SHA384"
        case 64: "SHA512"
        default: nil
        }
    }

    /// RFC 7518 §3.4: "ES256 ECDSA using P-256 and SHA-256", "ES384 ... P-384", "ES512 ... P-521".
    var ecCurve: ECCurve? {
        switch self {
        case .ES256: return .p256
        case .ES384: return .p384
        case .ES512: return .p521
        default: return nil
        }
    }

    /// "none" in any spelling is `.unsecured` (RFC 7518 §3.6 names it "none"; tokens spelled "None" or "NONE" have
    /// fooled case-insensitive libraries, so they are recognised and refused, never mistaken for an unknown name).
    /// Known names must match exactly: RFC 7515 §4.1.1 says the value is case-sensitive.
    public static func parse(_ name: String) -> ParsedAlgorithm {
        if name.lowercased() == "none" { return .unsecured(name) }
        if let known = JWSAlgorithm(rawValue: name) { return .known(known) }
        return .unknown(name)
    }
}

/// What a header's `alg` value names.
public enum ParsedAlgorithm: Sendable, Equatable {
    case known(JWSAlgorithm)
    /// `none`, in whatever case the token used.
    case unsecured(String)
    case unknown(String)
}

/// The named curves jwtaudit accepts for ECDSA (RFC 7518 §6.2.1.1).
enum ECCurve: String, Sendable, CaseIterable {
    case p256 = "P-256", p384 = "P-384", p521 = "P-521"

    /// RFC 7518 §6.2.1.2: "The length of this octet string MUST be the full size of a coordinate for the curve
    /// specified in the crv parameter." The same length is each half of a JWS r||s signature (§3.4).
    var coordinateLength: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }

    var bits: Int {
        switch self {
        case .p256: return 256
        case .p384: return 384
        case .p521: return 521
        }
    }

    /// OpenSSL's group name.
    var openSSLName: String {
        switch self {
        case .p256: return "prime256v1"
        case .p384: return "secp384r1"
        case .p521: return "secp521r1"
        }
    }

    init?(openSSLName: String) {
        guard let curve = ECCurve.allCases.first(where: { $0.openSSLName == openSSLName || ($0 == .p256 && openSSLName == "P-256") })
        else { return nil }
        self = curve
    }

    var algorithm: JWSAlgorithm {
        switch self {
        case .p256: return .ES256
        case .p384: return .ES384
        case .p521: return .ES512
        }
    }
}
