/// One key that can verify signatures: a public key (RSA, EC, Ed25519) or an HMAC secret.
///
/// Immutable and safe to share between threads: batch verification parses keys once and uses them on every
/// core. The OpenSSL key is built once, at import (see `OpenSSLPublicKey`), never per verification.
public final class VerificationKey: Sendable {
    public let kid: String?
    /// JWK `kty`: "RSA", "EC", "OKP" or "oct".
    public let keyType: String
    /// JWK `crv`: "P-256", "P-384", "P-521", "Ed25519"; nil for RSA and oct.
    public let curve: String?
    /// The JWK's `alg`. RFC 7517 §4.4: "identifies the algorithm intended for use with the key"; when present it
    /// pins the one algorithm this key verifies.
    public let declaredAlgorithm: JWSAlgorithm?
    public let use: String?
    public let keyOps: [String]?
    /// Modulus size for RSA, curve size for EC/OKP, secret length in bits for oct.
    public let bits: Int?
    /// Entra's v2 JWKS carries a per-key `issuer` (the tenant-independent form with `{tenantid}`).
    public let issuer: String?
    public let x5t: String?
    /// RFC 7638 JWK SHA-256 thumbprint, base64url. For an HMAC secret it is a hash of the secret: callers should
    /// not print it (it would let a weak secret be guessed offline).
    public let thumbprint: String
    /// Where the key came from, for messages: "examples/keys/jwks.json key #1".
    public let source: String

    enum Material: Sendable {
        case publicKey(OpenSSLPublicKey, PublicKeyComponents)
        case secret([UInt8])
    }

    let material: Material
    /// The secret keyed into OpenSSL once (an `oct` key only): every HS* token is checked on a keyed context.
    let hmacKey: HMACKey?

    init(
        material: Material, kid: String?, declaredAlgorithm: JWSAlgorithm?, use: String?, keyOps: [String]?,
        issuer: String?, x5t: String?, source: String
    ) throws(JWTAuditError) {
        self.material = material
        self.kid = kid
        self.declaredAlgorithm = declaredAlgorithm
        self.use = use
        self.keyOps = keyOps
        self.issuer = issuer
        self.x5t = x5t
        self.source = source
        self.compatibleAlgorithms = Self.compatible(declaredAlgorithm, material)
        self.compatibleMask = JWSAlgorithmMask(compatibleAlgorithms)
        switch material {
        case .publicKey(_, let components):
            hmacKey = nil
            keyType = components.keyType
            curve = components.curveName
            bits = components.bits
            thumbprint = Base64URL.encode(try Digest.sha256(Array(components.thumbprintInput.utf8)))
        case .secret(let secret):
            hmacKey = HMACKey(secret: secret)
            keyType = "oct"
            curve = nil
            bits = secret.count * 8
            thumbprint = Base64URL.encode(
                try Digest.sha256(Array(#"{"k":"\#(Base64URL.encode(secret))","kty":"oct"}"#.utf8)))
        }
        let (keyType, curve, bits): (String, String?, Int?)
        switch material {
        case .publicKey(_, let components): (keyType, curve, bits) = (components.keyType, components.curveName, components.bits)
        case .secret(let secret): (keyType, curve, bits) = ("oct", nil, secret.count * 8)
        }
        summary = Self.describe(
            keyType: keyType, bits: bits, curve: curve, kid: kid, declaredAlgorithm: declaredAlgorithm, source: source)
    }

    /// A one-line description for reports. Never contains secret bytes (nor the secret's thumbprint).
    /// Made once at import: every verified token quotes it.
    public let summary: String

    static func describe(keyType: String, bits: Int?, curve: String?, kid: String?, declaredAlgorithm: JWSAlgorithm?, source: String)
        -> String
    {
        var text: String
        switch keyType {
        case "RSA": text = "RSA \(bits ?? 0)-bit key"
        case "oct": text = "HMAC secret of \((bits ?? 0) / 8) bytes"
        default: text = "\(keyType) \(curve ?? "") key"
        }
        if let kid { text += " kid=\(kid)" }
        if let declaredAlgorithm { text += " alg=\(declaredAlgorithm.rawValue)" }
        return text + " (\(source))"
    }

    /// The algorithms this key can verify. RFC 8725 §3.1: "each key MUST be used with exactly one algorithm"
    /// where possible; so the key's `alg` wins when present. Otherwise its type decides: RSA for RS*/PS*, each EC
    /// curve for the one ES* that names it, Ed25519 for EdDSA, and a secret for each HS* whose hash is no longer
    /// than the secret (RFC 7518 §3.2: "A key of the same size as the hash output ... or larger MUST be used").
    /// Computed once at import: batch verification asks for it on every token.
    public let compatibleAlgorithms: Set<JWSAlgorithm>
    /// The same, tested per token (`canVerify`).
    let compatibleMask: JWSAlgorithmMask

    /// Whether `algorithm` is one of `compatibleAlgorithms`.
    func canVerify(_ algorithm: JWSAlgorithm) -> Bool { compatibleMask.contains(algorithm) }

    private static func compatible(_ declaredAlgorithm: JWSAlgorithm?, _ material: Material) -> Set<JWSAlgorithm> {
        if let declaredAlgorithm { return [declaredAlgorithm] }
        switch material {
        case .secret(let secret):
            return Set([JWSAlgorithm.HS256, .HS384, .HS512].filter { secret.count >= $0.hashLength! })
        case .publicKey(_, let components):
            switch components {
            case .rsa: return [.RS256, .RS384, .RS512, .PS256, .PS384, .PS512]
            case .ec(let curve, _, _): return [curve.algorithm]
            case .ed25519: return [.EdDSA]
            }
        }
    }

    /// Whether `algorithm` can be used with this key at all, by type (used to check a declared `alg`).
    static func typeAllows(_ algorithm: JWSAlgorithm, material: Material) -> Bool {
        switch (algorithm.family, material) {
        case (.hmac, .secret(let secret)): return secret.count >= algorithm.hashLength!
        case (.rsaPKCS1, .publicKey(_, .rsa)), (.rsaPSS, .publicKey(_, .rsa)): return true
        case (.ecdsa, .publicKey(_, .ec(let curve, _, _))): return curve.algorithm == algorithm
        case (.eddsa, .publicKey(_, .ed25519)): return true
        default: return false
        }
    }
}
