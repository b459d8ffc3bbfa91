/// One key that can decrypt JWEs (RFC 7516): an RSA or EC private key, or a symmetric key.
///
/// Made by `DecryptionKeySet.load` (PEM PKCS#8, PKCS#1 or SEC1; a JWK or JWK set with private members) or by
/// `DecryptionKey.symmetric` (raw bytes, or the base64 text of an APIM `<decryption-keys><key>`). Immutable and
/// safe to share between threads. Nothing here ever prints key material: `summary` names the key's type, size,
/// kid and source only.
public final class DecryptionKey: Sendable {
    public let kid: String?
    /// "RSA", "EC" or "oct".
    public let keyType: String
    /// "P-256", "P-384" or "P-521" for EC keys.
    public let curve: String?
    /// Modulus size for RSA, curve size for EC, key length in bits for oct.
    public let bits: Int
    /// The JWK's `alg`, when it had one: a key management algorithm (the only one the key serves), or a content
    /// encryption algorithm, which RFC 7520 §5.6 writes on a key used directly (`dir`) as the CEK.
    public let declaredAlgorithm: String?
    /// The base64url SHA-1 thumbprint of the certificate given with the key (a JWK's `x5t`, or a certificate in
    /// the same PEM file), matched against a token's `x5t` header as Microsoft.IdentityModel does.
    public let x5t: String?
    /// Where the key came from, for messages: "keys/api.pem", "keys.json key #2".
    public let source: String
    /// A one-line description for reports ("RSA 2048-bit private key kid=k1 (keys/api.pem)"). No key material.
    public let summary: String

    enum Material: Sendable {
        case rsa(OpenSSLPrivateKey)
        case ec(OpenSSLPrivateKey, ECCurve)
        case symmetric(SecretBytes)
    }

    let material: Material
    /// What a JWK `alg` pins: one key management algorithm, or `dir` with one content encryption algorithm.
    let pinnedManagement: JWEKeyManagement?
    let pinnedEncryption: JWEContentEncryption?

    init(material: Material, kid: String?, declaredAlgorithm: String?, x5t: String?, source: String) throws(JWTAuditError) {
        self.material = material
        self.kid = kid
        self.declaredAlgorithm = declaredAlgorithm
        self.x5t = x5t
        self.source = source
        switch material {
        case .rsa(let key):
            keyType = "RSA"
            curve = nil
            bits = key.size * 8
        case .ec(_, let ecCurve):
            keyType = "EC"
            curve = ecCurve.rawValue
            bits = ecCurve.bits
        case .symmetric(let secret):
            keyType = "oct"
            curve = nil
            bits = secret.count * 8
        }
        var text: String
        switch keyType {
        case "RSA": text = "RSA \(bits)-bit private key"
        case "EC": text = "EC \(curve ?? "") private key"
        default: text = "symmetric key of \(bits / 8) bytes"
        }
        if let kid { text += " kid=\(kid)" }
        if let declaredAlgorithm { text += " alg=\(declaredAlgorithm)" }
        summary = text + " (\(source))"
        let label = kid.map { "\(source) (kid \($0))" } ?? source
        if let declaredAlgorithm {
            if let management = JWEKeyManagement(rawValue: declaredAlgorithm) {
                pinnedManagement = management
                pinnedEncryption = nil
            } else if let encryption = JWEContentEncryption(rawValue: declaredAlgorithm) {
                pinnedManagement = .direct
                pinnedEncryption = encryption
            } else {
                throw JWTAuditError(
                    .unsafeKey, "\(label): \"alg\" is \"\(declaredAlgorithm)\", not a JWE algorithm jwtaudit decrypts with")
            }
        } else {
            pinnedManagement = nil
            pinnedEncryption = nil
        }
        if let management = pinnedManagement,
            let why = Self.typeProblem(material, management, encryption: pinnedEncryption)
        {
            throw JWTAuditError(.unsafeKey, "\(label): \"alg\" is \(declaredAlgorithm ?? ""), but the key \(why)")
        }
        if Self.algorithms(for: material).isEmpty, case .symmetric(let secret) = material {
            throw JWTAuditError(
                .unsafeKey,
                "\(label): a symmetric key of \(secret.count) bytes fits no JWE algorithm (16, 24 or 32 bytes wrap keys with A*KW or A*GCMKW; 16, 24, 32, 48 or 64 bytes serve as a dir content key)")
        }
    }

    /// A symmetric key from its bytes: a key encryption key for A*KW / A*GCMKW, or a content key for `dir`.
    public static func symmetric(_ bytes: [UInt8], kid: String? = nil, source: String) throws(JWTAuditError) -> DecryptionKey {
        try DecryptionKey(material: .symmetric(SecretBytes(copying: bytes)), kid: kid, declaredAlgorithm: nil, x5t: nil, source: source)
    }

    /// A symmetric key from base64 text, as APIM's `<decryption-keys><key>` holds it ("the key must be provided
    /// inline within the policy in the Base64-encoded form"): standard base64, or base64url.
    public static func symmetric(base64 text: String, kid: String? = nil, source: String) throws(JWTAuditError) -> DecryptionKey {
        let trimmed = String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) }.map(Character.init))
        guard var bytes = StandardBase64.decode(trimmed) ?? (try? Base64URL.decode(trimmed)), !bytes.isEmpty else {
            throw JWTAuditError(.malformedKey, "\(source): the symmetric key is not base64 text")
        }
        defer { SecretBytes.wipe(&bytes) }
        return try symmetric(bytes, kid: kid, source: source)
    }

    /// The key management algorithms this key can serve, given its type, size and pin.
    public var algorithms: [JWEKeyManagement] {
        if let pinnedManagement { return [pinnedManagement] }
        return Self.algorithms(for: material)
    }

    private static func algorithms(for material: Material) -> [JWEKeyManagement] {
        JWEKeyManagement.allCases.filter { management in
            management == .direct
                ? JWEContentEncryption.allCases.contains { typeProblem(material, .direct, encryption: $0) == nil }
                : typeProblem(material, management, encryption: nil) == nil
        }
    }

    /// Why this key cannot decrypt a token with `alg` and `enc` (and, for ECDH-ES, an `epk` on `ephemeralCurve`),
    /// or nil when it can. The token never chooses beyond what the key allows: its type, size, curve and `alg`.
    func unsuitability(for management: JWEKeyManagement, encryption: JWEContentEncryption, ephemeralCurve: ECCurve?) -> String? {
        if let pinnedManagement, pinnedManagement != management {
            return pinnedEncryption != nil
                ? "its alg \(declaredAlgorithm ?? "") makes it a direct (dir) content key, not a key for \(management.rawValue)"
                : "its alg is \(pinnedManagement.rawValue), not \(management.rawValue)"
        }
        if let pinnedEncryption, pinnedEncryption != encryption {
            return "its alg pins the content encryption to \(pinnedEncryption.rawValue), not \(encryption.rawValue)"
        }
        if let why = Self.typeProblem(material, management, encryption: encryption) { return why }
        if case .ec(_, let curve) = material, let ephemeralCurve, ephemeralCurve != curve {
            return "is on \(curve.rawValue) but the token's epk is on \(ephemeralCurve.rawValue) (RFC 7518 §4.6: both must be on one curve)"
        }
        return nil
    }

    /// The type and size rules: RSA keys for RSA*, EC keys for ECDH-ES*, symmetric keys of exactly the wrap key
    /// size for A*KW and A*GCMKW (RFC 7518 §4.4, §4.7), and of exactly the CEK size for `dir` (§4.5).
    private static func typeProblem(
        _ material: Material, _ management: JWEKeyManagement, encryption: JWEContentEncryption?
    ) -> String? {
        switch (management.family, material) {
        case (.rsa, .rsa), (.ecdh, .ec): return nil
        case (.aesKeyWrap(let size), .symmetric(let secret)), (.aesGCMKeyWrap(let size), .symmetric(let secret)):
            return secret.count == size
                ? nil : "is \(secret.count) bytes; \(management.rawValue) wraps with a key of exactly \(size) bytes"
        case (.direct, .symmetric(let secret)):
            guard let encryption else { return nil }
            return secret.count == encryption.keyBytes
                ? nil
                : "is \(secret.count) bytes; dir with \(encryption.rawValue) needs a content key of exactly \(encryption.keyBytes) bytes"
        default:
            let kind: String
            switch material {
            case .rsa: kind = "an RSA key"
            case .ec: kind = "an EC key"
            case .symmetric: kind = "a symmetric key"
            }
            let needed = management.keyType == "oct" ? "a symmetric (oct) key" : "an \(management.keyType) key"
            return "is \(kind); \(management.rawValue) needs \(needed)"
        }
    }
}
