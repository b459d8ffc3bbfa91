import COpenSSL

/// The decryption keys one file holds: a PEM private key (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1
/// "EC PRIVATE KEY"), a JWK with its private members (`d`, or `k` for `oct`), or a JWK set of them.
///
/// Every key passes the same policy as a verification key where one applies (RSA of 2048 bits or more, RFC 7518
/// §4.2/§4.3: "A key of size 2048 bits or larger MUST be used with these algorithms"; EC points on their curve)
/// and has its private and public halves checked against each other.
public struct DecryptionKeySet: Sendable {
    public let keys: [DecryptionKey]
    public let source: String
    /// Keys of a JWK set that were left out, each with the reason (a public-only key, a signature key, an
    /// unsupported type). A set with no usable key at all is refused.
    public let refused: [KeySet.RefusedKey]

    /// Auto-detects a JWK or JWK set (the file starts with '{') or PEM.
    public static func load(_ bytes: [UInt8], source: String) throws(JWTAuditError) -> DecryptionKeySet {
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if first == UInt8(ascii: "{") { return try loadJWKS(bytes, source: source) }
        if bytes.isEmpty { throw JWTAuditError(.malformedKey, "\(source): the key file is empty") }
        if first == UInt8(ascii: "-") || bytes.count > 11 && String(decoding: bytes, as: UTF8.self).contains("-----BEGIN ") {
            return DecryptionKeySet(keys: [try loadPEM(bytes, source: source)], source: source, refused: [])
        }
        throw JWTAuditError(
            .malformedKey, "\(source): not a PEM private key, JWK or JWK set (it starts with neither '-----BEGIN' nor '{')")
    }

    public static func loadJWKS(_ bytes: [UInt8], source: String) throws(JWTAuditError) -> DecryptionKeySet {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedKey, "\(source): not valid JSON: \(error)")
        }
        guard let object = json.objectValue else {
            throw JWTAuditError(.malformedKey, "\(source): a JWK or JWK set is a JSON object, not \(json.kindDescription)")
        }
        if object.duplicateKeys.contains("keys") {
            throw JWTAuditError(.malformedKey, "\(source): \"keys\" appears more than once")
        }
        guard let members = object["keys"] else {
            return DecryptionKeySet(keys: [try jwk(object, source: source)], source: source, refused: [])
        }
        guard let array = members.arrayValue else {
            throw JWTAuditError(.malformedKey, "\(source): \"keys\" must be an array (RFC 7517 §5.1)")
        }
        if array.count > KeySet.maxKeys {
            throw JWTAuditError(
                .limitExceeded, "\(source): the set holds \(array.count) keys; the limit is \(KeySet.maxKeys) keys per JWK set")
        }
        var keys: [DecryptionKey] = []
        var refused: [KeySet.RefusedKey] = []
        for (index, element) in array.enumerated() {
            let label = "\(source) key #\(index + 1)"
            guard let member = element.objectValue else {
                refused.append(KeySet.RefusedKey(
                    kid: nil, keyType: nil, source: label,
                    error: JWTAuditError(.malformedKey, "\(label): a JWK is a JSON object, not \(element.kindDescription)")))
                continue
            }
            do throws(JWTAuditError) {
                keys.append(try jwk(member, source: label))
            } catch {
                // RFC 7517 §5: "Implementations SHOULD ignore JWKs within a JWK Set that use "kty" values that are
                // not understood by them, that are missing required members, or for which values are out of the
                // supported ranges." A key that cannot decrypt (public only, for signatures) is left out too, and
                // each is recorded with its reason (as KeySet does for signature keys).
                refused.append(KeySet.RefusedKey(
                    kid: member["kid"]?.stringValue, keyType: member["kty"]?.stringValue, source: label, error: error))
            }
        }
        // RFC 7517 §4.5: different keys in one set "SHOULD use distinct "kid" values".
        var seen = Set<String>()
        for kid in keys.compactMap(\.kid) + refused.compactMap(\.kid) where !seen.insert(kid).inserted {
            throw JWTAuditError(.malformedKey, "\(source): kid \"\(kid)\" appears on more than one key (RFC 7517 §4.5)")
        }
        if keys.isEmpty {
            let why = refused.first.map { ": \($0.error.reason)" } ?? ""
            throw JWTAuditError(
                refused.first?.error.code ?? .malformedKey, "\(source): the set holds no usable decryption key\(why)")
        }
        return DecryptionKeySet(keys: keys, source: source, refused: refused)
    }

    // MARK: JWK

    /// One JWK with private members (RFC 7518 §6.2.2, §6.3.2, §6.4).
    static func jwk(_ object: JSONObject, source: String) throws(JWTAuditError) -> DecryptionKey {
        if let duplicate = object.duplicateKeys.first {
            throw JWTAuditError(.malformedKey, "\(source): member \"\(duplicate)\" appears more than once")
        }
        guard let kty = object["kty"]?.stringValue else {
            throw JWTAuditError(.malformedKey, "\(source): no \"kty\" string (RFC 7517 §4.1: kty is required)")
        }
        let kid = try JWKImport.optionalString(object, "kid", source)
        let label = kid.map { "\(source) (kid \($0))" } ?? source
        // RFC 7517 §4.2: "enc" (encryption) or "sig" (signature). A signature key must not decrypt.
        if let use = try JWKImport.optionalString(object, "use", source), use != "enc" {
            throw JWTAuditError(.unsafeKey, "\(label): \"use\" is \"\(use)\", not \"enc\": the key is not for encryption (RFC 7517 §4.2)")
        }
        if let value = object["key_ops"] {
            guard let operations = value.arrayValue?.compactMap(\.stringValue), operations.count == value.arrayValue?.count else {
                throw JWTAuditError(.malformedKey, "\(label): \"key_ops\" must be an array of strings (RFC 7517 §4.3)")
            }
            let decrypting = ["decrypt", "unwrapKey", "deriveKey", "deriveBits"]
            if !operations.contains(where: decrypting.contains) {
                throw JWTAuditError(
                    .unsafeKey,
                    "\(label): \"key_ops\" is [\(operations.joined(separator: ", "))], with none of decrypt, unwrapKey, deriveKey, deriveBits (RFC 7517 §4.3)")
            }
        }
        let alg = try JWKImport.optionalString(object, "alg", source)
        var x5t = try JWKImport.optionalString(object, "x5t", source)
        let material: DecryptionKey.Material
        switch kty {
        case "oct":
            var secret = try JWKImport.bytes(object, "k", label)
            defer { SecretBytes.wipe(&secret) }
            material = .symmetric(SecretBytes(copying: secret))
        case "RSA", "EC":
            guard object["d"] != nil else {
                throw JWTAuditError(
                    .unsafeKey, "\(label): a public \(kty) key (no \"d\"): it can encrypt to you, but decrypting needs the private key")
            }
            let components = try JWKImport.publicComponents(kty: kty, object, label)
            try KeyPolicy.check(components, what: label)
            let key = try privateKey(components, object, label)
            if let x5c = object["x5c"] {
                try JWKImport.checkCertificateChain(
                    x5c, x5t: x5t, x5tS256: try JWKImport.optionalString(object, "x5t#S256", source), components, label)
                if x5t == nil, let first = x5c.arrayValue?.first?.stringValue, let der = StandardBase64.decode(first) {
                    x5t = Base64URL.encode(try Digest.sha1(der))
                }
            }
            if case .ec(let curve, _, _) = components {
                material = .ec(key, curve)
            } else {
                material = .rsa(key)
            }
        case "OKP":
            throw JWTAuditError(
                .unsafeKey, "\(label): OKP keys (X25519, X448) are not supported for decryption; ECDH-ES works with EC keys on P-256, P-384, P-521")
        default:
            throw JWTAuditError(.unsafeKey, "\(label): key type \"\(kty)\" cannot decrypt JWEs (RSA, EC or oct)")
        }
        return try DecryptionKey(material: material, kid: kid, declaredAlgorithm: alg, x5t: x5t, source: source)
    }

    /// The OpenSSL private key for a JWK's private members, checked against its public members.
    private static func privateKey(
        _ components: PublicKeyComponents, _ object: JSONObject, _ label: String
    ) throws(JWTAuditError) -> OpenSSLPrivateKey {
        var d = try JWKImport.bytes(object, "d", label)
        defer { SecretBytes.wipe(&d) }
        let key: OpenSSLPrivateKey
        switch components {
        case .rsa(let n, let e):
            if object["oth"] != nil {
                throw JWTAuditError(.unsafeKey, "\(label): multi-prime RSA keys (\"oth\", RFC 7518 §6.3.2.7) are not supported")
            }
            // RFC 7518 §6.3.2: "If the producer includes any of the other private key parameters, then all of the
            // others MUST be present".
            let names = ["p", "q", "dp", "dq", "qi"]
            let present = names.filter { object[$0] != nil }
            var crt: [[UInt8]] = []
            defer { for index in crt.indices { SecretBytes.wipe(&crt[index]) } }
            if !present.isEmpty {
                guard present.count == names.count else {
                    let missing = names.filter { object[$0] == nil }.joined(separator: ", ")
                    throw JWTAuditError(
                        .malformedKey, "\(label): has \(present.joined(separator: ", ")) but not \(missing) (RFC 7518 §6.3.2: all or none)")
                }
                for name in names { crt.append(try JWKImport.bytes(object, name, label)) }
            }
            key = try wrap(label) { () throws(JWTAuditError) in
                try OpenSSLPrivateKey.rsa(
                    n: n, e: e, d: d, crt: crt.isEmpty ? nil : (crt[0], crt[1], crt[2], crt[3], crt[4]))
            }
        case .ec(let curve, let x, let y):
            // RFC 7518 §6.2.2.1: "The length of this octet string MUST be ceiling(log-base-2(n)/8) octets".
            guard d.count == curve.coordinateLength else {
                throw JWTAuditError(
                    .malformedKey, "\(label): \"d\" must be exactly \(curve.coordinateLength) bytes on \(curve.rawValue) (RFC 7518 §6.2.2.1); it is \(d.count)")
            }
            key = try wrap(label) { () throws(JWTAuditError) in try OpenSSLPrivateKey.ec(curve: curve, x: x, y: y, d: d) }
        case .ed25519:
            throw JWTAuditError(.unsafeKey, "\(label): Ed25519 keys sign; they cannot decrypt")
        }
        guard key.checkPair() else {
            throw JWTAuditError(.unsafeKey, "\(label): the private members do not belong to the public key (the key pair check failed)")
        }
        return key
    }

    // MARK: PEM

    /// One private key block, optionally with "EC PARAMETERS" (as `openssl ecparam -genkey` writes) and
    /// certificates: a certificate must hold the key's public key, and gives the key its `x5t`.
    static func loadPEM(_ bytes: [UInt8], source: String) throws(JWTAuditError) -> DecryptionKey {
        let blocks = try PEM.blocks(bytes, source: source)
        var privateBlocks: [(label: String, der: [UInt8])] = []
        var certificates: [[UInt8]] = []
        for block in blocks {
            switch block.label {
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY": privateBlocks.append((block.label, block.der))
            case "CERTIFICATE": certificates.append(block.der)
            case "EC PARAMETERS": continue
            case "ENCRYPTED PRIVATE KEY":
                throw JWTAuditError(
                    .malformedKey,
                    "\(source): the private key is encrypted with a passphrase, which jwtaudit does not ask for; write a plain copy (openssl pkey -in FILE -out PLAIN.pem) and keep it private")
            case "PUBLIC KEY", "RSA PUBLIC KEY":
                throw JWTAuditError(
                    .unsafeKey, "\(source): is a public key; it can encrypt to you, but decrypting needs the private key")
            default:
                throw JWTAuditError(.malformedKey, "\(source): PEM block \"\(block.label)\" is not a private key or certificate")
            }
        }
        guard privateBlocks.count == 1, var block = privateBlocks.first else {
            throw JWTAuditError(
                .malformedKey,
                privateBlocks.isEmpty
                    ? "\(source): holds no private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block)"
                    : "\(source): holds \(privateBlocks.count) private keys; give one per file (or a JWK set)")
        }
        defer { SecretBytes.wipe(&block.der) }
        let form: OpenSSLPrivateKey.DERForm =
            block.label == "PRIVATE KEY" ? .pkcs8 : block.label == "RSA PRIVATE KEY" ? .pkcs1 : .sec1
        let key = try wrap(source) { () throws(JWTAuditError) in try OpenSSLPrivateKey.fromDER(block.der, form: form) }
        let what = "\(source) (\(block.label.lowercased()))"
        let baseID = EVP_PKEY_get_base_id(key.pointer)
        guard baseID == EVP_PKEY_RSA || baseID == EVP_PKEY_EC else {
            throw JWTAuditError(
                .unsafeKey,
                "\(what): the key type (OpenSSL id \(baseID)) cannot decrypt JWEs here; give an RSA key or an EC key on P-256, P-384 or P-521")
        }
        let components = try wrap(what) { () throws(JWTAuditError) in try key.publicComponents() }
        try KeyPolicy.check(components, what: what)
        guard key.checkPair() else {
            throw JWTAuditError(.unsafeKey, "\(what): the key pair check failed (the private and public halves do not match)")
        }
        var x5t: String?
        if !certificates.isEmpty {
            guard let match = certificates.first(where: { (try? DERKeyReader.certificate($0).components) == components }) else {
                throw JWTAuditError(.unsafeKey, "\(what): no certificate in the file holds this private key's public key")
            }
            x5t = Base64URL.encode(try Digest.sha1(match))
        }
        let material: DecryptionKey.Material
        if case .ec(let curve, _, _) = components {
            material = .ec(key, curve)
        } else {
            material = .rsa(key)
        }
        return try DecryptionKey(material: material, kid: nil, declaredAlgorithm: nil, x5t: x5t, source: source)
    }

    private static func wrap<T>(_ source: String, _ body: () throws(JWTAuditError) -> T) throws(JWTAuditError) -> T {
        do { return try body() } catch { throw JWTAuditError(error.code, "\(source): \(error.reason)") }
    }
}
