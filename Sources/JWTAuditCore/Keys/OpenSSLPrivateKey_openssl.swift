import COpenSSL
import COpenSSLShims

/// Owns one OpenSSL `EVP_PKEY` holding a private key (RSA, or EC on P-256/384/521) for JWE decryption, built once
/// at import and freed in `deinit` (`EVP_PKEY_free` clears the private numbers).
///
/// Like `OpenSSLPublicKey`, it is only read after construction: every decryption makes its own `EVP_PKEY_CTX`, the
/// documented way to share an `EVP_PKEY` between threads. Hence `@unchecked Sendable`.
final class OpenSSLPrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(takingOwnershipOf pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The DER structures a PEM private key holds.
    enum DERForm {
        /// "PRIVATE KEY": PKCS#8 PrivateKeyInfo (RFC 5958), any algorithm.
        case pkcs8
        /// "RSA PRIVATE KEY": PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2).
        case pkcs1
        /// "EC PRIVATE KEY": SEC1 ECPrivateKey (RFC 5915).
        case sec1
    }

    /// Reads a DER private key with OpenSSL's decoders, insisting that every byte is consumed.
    static func fromDER(_ der: [UInt8], form: DERForm) throws(JWTAuditError) -> OpenSSLPrivateKey {
        OpenSSLErrorQueue.drain()
        let key: OpaquePointer?
        switch form {
        case .pkcs8:
            let info: OpaquePointer? = DERKeyReader.decode(der, free: { PKCS8_PRIV_KEY_INFO_free($0) }) {
                d2i_PKCS8_PRIV_KEY_INFO(nil, $0, $1)
            }
            if let info {
                key = EVP_PKCS82PKEY(info)
                PKCS8_PRIV_KEY_INFO_free(info)
            } else {
                key = nil
            }
        case .pkcs1:
            key = DERKeyReader.decode(der) { d2i_PrivateKey(EVP_PKEY_RSA, nil, $0, $1) }
        case .sec1:
            key = DERKeyReader.decode(der) { d2i_PrivateKey(EVP_PKEY_EC, nil, $0, $1) }
        }
        guard let key else {
            let name = form == .pkcs8 ? "PKCS#8 PrivateKeyInfo" : form == .pkcs1 ? "PKCS#1 RSAPrivateKey" : "SEC1 ECPrivateKey"
            throw OpenSSLErrorQueue.error(.malformedKey, "not a DER \(name)")
        }
        OpenSSLErrorQueue.drain()
        return OpenSSLPrivateKey(takingOwnershipOf: key)
    }

    /// An RSA private key from its JWK members (RFC 7518 §6.3.2), big-endian, with or without the CRT numbers.
    static func rsa(n: [UInt8], e: [UInt8], d: [UInt8], crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])?)
        throws(JWTAuditError) -> OpenSSLPrivateKey
    {
        let key = try OpenSSLKeyBuilder.build(
            typeName: "RSA", what: "RSA private key", selection: jwtaudit_EVP_PKEY_KEYPAIR(), buffers: []
        ) { builder, _ in
            var pairs: [(UnsafeMutablePointer<CChar>, [UInt8])] = [
                (OpenSSLKeyBuilder.Name.n, n), (OpenSSLKeyBuilder.Name.e, e), (OpenSSLKeyBuilder.Name.d, d),
            ]
            if let crt {
                pairs += [
                    (OpenSSLKeyBuilder.Name.factor1, crt.p), (OpenSSLKeyBuilder.Name.factor2, crt.q),
                    (OpenSSLKeyBuilder.Name.exponent1, crt.dp), (OpenSSLKeyBuilder.Name.exponent2, crt.dq),
                    (OpenSSLKeyBuilder.Name.coefficient1, crt.qi),
                ]
            }
            var numbers: [OpaquePointer] = []
            for (name, bytes) in pairs {
                guard let number = OpenSSLKeyBuilder.bigNumber(bytes) else { return numbers }
                OSSL_PARAM_BLD_push_BN(builder, name, number)
                numbers.append(number)
            }
            return numbers
        }
        return OpenSSLPrivateKey(takingOwnershipOf: key)
    }

    /// An EC private key from its JWK members (RFC 7518 §6.2.2): the curve, the public point and the scalar `d`.
    static func ec(curve: ECCurve, x: [UInt8], y: [UInt8], d: [UInt8]) throws(JWTAuditError) -> OpenSSLPrivateKey {
        let group = Array(curve.openSSLName.utf8CString).map { UInt8(bitPattern: $0) }
        let point: [UInt8] = [0x04] + x + y
        let key = try OpenSSLKeyBuilder.build(
            typeName: "EC", what: "EC private key on \(curve.rawValue)", selection: jwtaudit_EVP_PKEY_KEYPAIR(),
            buffers: [group, point]
        ) { builder, buffers in
            OSSL_PARAM_BLD_push_utf8_string(
                builder, OpenSSLKeyBuilder.Name.group, UnsafeRawPointer(buffers[0]).assumingMemoryBound(to: CChar.self), 0)
            OSSL_PARAM_BLD_push_octet_string(builder, OpenSSLKeyBuilder.Name.pub, buffers[1], point.count)
            guard let scalar = OpenSSLKeyBuilder.bigNumber(d) else { return [] }
            OSSL_PARAM_BLD_push_BN(builder, OpenSSLKeyBuilder.Name.priv, scalar)
            return [scalar]
        }
        return OpenSSLPrivateKey(takingOwnershipOf: key)
    }

    /// The public half, for the key policy, thumbprints and matching a certificate.
    func publicComponents() throws(JWTAuditError) -> PublicKeyComponents {
        try DERKeyReader.components(of: pointer)
    }

    /// The RSA modulus length in bytes: an RSA Encrypted Key is exactly this long (RFC 8017 §7.1.2, §7.2.2).
    var size: Int { Int(EVP_PKEY_get_size(pointer)) }

    /// Whether the private and public halves belong together (for EC: the point is d·G and on the curve; for
    /// RSA: n = p·q and the exponents agree). A key whose halves disagree decrypts nothing, or worse: a faulty
    /// CRT computation leaks the factors.
    func checkPair() -> Bool {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        if EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA && !hasFactors { return roundTrips() }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        return EVP_PKEY_pairwise_check(context) == 1
    }

    /// Whether an RSA key has its primes (a JWK may give n, e and d only, RFC 7518 §6.3.2).
    private var hasFactors: Bool {
        var factor: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, "rsa-factor1", &factor) == 1, let factor else { return false }
        BN_clear_free(factor)
        return true
    }

    /// For an RSA key without its primes, OpenSSL's pair check has nothing to check: encrypt a random message to
    /// the public half and decrypt it with the private half instead (the consistency test of FIPS 140-3 IG 10.3.A).
    private func roundTrips() -> Bool {
        guard let message = SecretBytes.random(count: 32), let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
            return false
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_encrypt_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1 else {
            return false
        }
        var length = 0
        let ciphertext: [UInt8]? = message.withBytes { plain in
            let input = plain.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard EVP_PKEY_encrypt(context, nil, &length, input, plain.count) == 1 else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_encrypt(context, &out, &length, input, plain.count) == 1 else { return nil }
            return Array(out.prefix(length))
        }
        guard let ciphertext,
              let decrypted = JWECrypto.rsaDecrypt(key: self, padding: .oaep(digestName: "SHA1"), ciphertext: ciphertext)
        else { return false }
        return decrypted.constantTimeEquals(message)
    }
}
