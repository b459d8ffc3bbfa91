import COpenSSL
import COpenSSLShims
import Glibc
import Synchronization

/// Owns one OpenSSL `EVP_PKEY` holding a public key, built once at import and freed in `deinit`.
///
/// Thread safety (batch mode verifies on every core with the same keys): the key is built with
/// `EVP_PKEY_fromdata`, so it is already a provider-native key and OpenSSL never mutates it lazily (no legacy
/// export cache to fill on first use). After construction it is only read: each verification uses its own
/// `EVP_PKEY_CTX`, taken from the pool below for one thread at a time (see `Signature_openssl.swift`), which is
/// the documented way to share one `EVP_PKEY` between threads. Hence `@unchecked Sendable`.
final class OpenSSLPublicKey: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Verification contexts prepared for this key and not in use (see `OpenSSLSignature.verify`): a context
    /// serves one thread at a time, so a batch on N threads ends up with N of them per digest and padding.
    private let prepared = ContextPool<PreparedVerification>()

    /// A prepared context for `setup`, now owned by the caller until `returnPrepared`; nil when none is free.
    func takePrepared(_ setup: PreparedVerification.Setup) -> PreparedVerification? {
        prepared.take { $0.setup == setup }
    }

    func returnPrepared(_ context: PreparedVerification) {
        prepared.give(context)
    }

    private init(takingOwnershipOf pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// Builds the OpenSSL key from checked components. EC points are validated on their curve here.
    static func make(_ components: PublicKeyComponents) throws(JWTAuditError) -> OpenSSLPublicKey {
        OpenSSLErrorQueue.drain()
        switch components {
        case .ed25519(let x):
            let key = x.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) }
            guard let key else { throw OpenSSLErrorQueue.error(.malformedKey, "OpenSSL refused the Ed25519 public key") }
            return OpenSSLPublicKey(takingOwnershipOf: key)
        case .rsa(let n, let e):
            return try fromData(typeName: "RSA", what: "RSA public key", buffers: []) { builder, _ in
                guard let bn = n.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }),
                      let be = e.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) })
                else { return [] }
                OSSL_PARAM_BLD_push_BN(builder, OpenSSLKeyBuilder.Name.n, bn)
                OSSL_PARAM_BLD_push_BN(builder, OpenSSLKeyBuilder.Name.e, be)
                return [bn, be]
            }
        case .ec(let curve, let x, let y):
            let point: [UInt8] = [0x04] + x + y
            // OSSL_PARAM_BLD keeps pointers to string and octet buffers until OSSL_PARAM_BLD_to_param, so the
            // buffers are copied into memory that lives until `fromData` has built the parameters.
            let group = Array(curve.openSSLName.utf8CString)
            let key: OpenSSLPublicKey
            do {
                key = try fromData(typeName: "EC", what: "EC public key on \(curve.rawValue)", buffers: [group.map { UInt8(bitPattern: $0) }, point]) { builder, buffers in
                    OSSL_PARAM_BLD_push_utf8_string(builder, OpenSSLKeyBuilder.Name.group, UnsafeRawPointer(buffers[0]).assumingMemoryBound(to: CChar.self), 0)
                    OSSL_PARAM_BLD_push_octet_string(builder, OpenSSLKeyBuilder.Name.pub, buffers[1], point.count)
                    return []
                }
            } catch {
                // OpenSSL decodes the point on import and refuses one that is not on the curve.
                throw JWTAuditError(.unsafeKey, "the EC point (x, y) is not a valid point on \(curve.rawValue) (\(error.reason))")
            }
            // RFC 8725 §3.4 (invalid-curve attacks): "validate that the public key is on the curve".
            guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
                throw OpenSSLErrorQueue.error(.cryptoFailure, "could not check the EC point")
            }
            defer { EVP_PKEY_CTX_free(context) }
            guard EVP_PKEY_public_check(context) == 1 else {
                throw OpenSSLErrorQueue.error(.unsafeKey, "the EC point (x, y) is not a valid point on \(curve.rawValue)")
            }
            return key
        }
    }

    /// An `EVP_PKEY` with the public half only, from parameters `push` adds (see `OpenSSLKeyBuilder`).
    private static func fromData(
        typeName: String, what: String, buffers: [[UInt8]],
        push: (OpaquePointer, [UnsafeMutablePointer<UInt8>]) -> [OpaquePointer]
    ) throws(JWTAuditError) -> OpenSSLPublicKey {
        let key = try OpenSSLKeyBuilder.build(
            typeName: typeName, what: what, selection: jwtaudit_EVP_PKEY_PUBLIC_KEY(), buffers: buffers, push: push)
        return OpenSSLPublicKey(takingOwnershipOf: key)
    }
}

/// Reading DER structures (SPKI, PKCS#1 RSAPublicKey, X.509 certificates) down to their public components.
enum DERKeyReader {
    /// SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----", RFC 5280 §4.1.2.7).
    static func componentsFromSPKI(_ der: [UInt8]) throws(JWTAuditError) -> PublicKeyComponents {
        OpenSSLErrorQueue.drain()
        let parsed: OpaquePointer? = decode(der) { d2i_PUBKEY(nil, $0, $1) }
        guard let key = parsed else {
            throw OpenSSLErrorQueue.error(.malformedKey, "not a DER SubjectPublicKeyInfo public key")
        }
        defer { EVP_PKEY_free(key) }
        return try components(of: key)
    }

    /// PKCS#1 RSAPublicKey ("-----BEGIN RSA PUBLIC KEY-----", RFC 8017 §A.1.1).
    static func componentsFromPKCS1(_ der: [UInt8]) throws(JWTAuditError) -> PublicKeyComponents {
        OpenSSLErrorQueue.drain()
        let parsed: OpaquePointer? = decode(der) { d2i_PublicKey(EVP_PKEY_RSA, nil, $0, $1) }
        guard let key = parsed else {
            throw OpenSSLErrorQueue.error(.malformedKey, "not a DER PKCS#1 RSAPublicKey")
        }
        defer { EVP_PKEY_free(key) }
        return try components(of: key)
    }

    /// An X.509 certificate: its subject public key and its SHA-1 and SHA-256 thumbprints (RFC 7517 §4.8, §4.9).
    static func certificate(_ der: [UInt8]) throws(JWTAuditError) -> (components: PublicKeyComponents, sha1: [UInt8], sha256: [UInt8]) {
        OpenSSLErrorQueue.drain()
        let parsed: OpaquePointer? = decode(der, free: { X509_free($0) }) { d2i_X509(nil, $0, $1) }
        guard let certificate = parsed else {
            throw OpenSSLErrorQueue.error(.malformedKey, "not a DER X.509 certificate")
        }
        defer { X509_free(certificate) }
        guard let key = X509_get0_pubkey(certificate) else {
            throw OpenSSLErrorQueue.error(.malformedKey, "the certificate's public key could not be read")
        }
        let components = try components(of: key)
        return (components, try Digest.sha1(der), try Digest.sha256(der))
    }

    /// Runs a d2i function and insists it consumed every byte (trailing garbage is refused, not ignored).
    static func decode(
        _ der: [UInt8], free: (OpaquePointer) -> Void = { EVP_PKEY_free($0) },
        _ d2i: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?
    ) -> OpaquePointer? {
        guard !der.isEmpty, der.count < Int(Int32.max) else { return nil }
        return der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let object = d2i(&cursor, buffer.count) else { return nil }
            if let cursor, let base = buffer.baseAddress, cursor == base + buffer.count { return object }
            free(object)  // trailing bytes after the structure
            return nil
        }
    }

    static func components(of key: OpaquePointer) throws(JWTAuditError) -> PublicKeyComponents {
        defer { OpenSSLErrorQueue.drain() }
        let type = EVP_PKEY_get_base_id(key)
        switch type {
        case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS:
            guard let n = bigNumber(key, "n"), let e = bigNumber(key, "e") else {
                throw OpenSSLErrorQueue.error(.malformedKey, "the RSA key's modulus or exponent could not be read")
            }
            return .rsa(n: BigEndian.stripLeadingZeros(n), e: BigEndian.stripLeadingZeros(e))
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(key, "group", &name, name.count, &length) == 1 else {
                throw OpenSSLErrorQueue.error(.malformedKey, "the EC key names no curve (explicit curve parameters are not accepted)")
            }
            let groupName = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard let curve = ECCurve(openSSLName: groupName) else {
                throw JWTAuditError(.malformedKey, "EC curve \(groupName) is not one JWS uses (P-256, P-384, P-521)")
            }
            guard let x = bigNumber(key, "qx"), let y = bigNumber(key, "qy") else {
                throw OpenSSLErrorQueue.error(.malformedKey, "the EC point could not be read")
            }
            return .ec(curve: curve, x: leftPad(x, curve.coordinateLength), y: leftPad(y, curve.coordinateLength))
        case EVP_PKEY_ED25519:
            var raw = [UInt8](repeating: 0, count: 32)
            var length = raw.count
            guard EVP_PKEY_get_raw_public_key(key, &raw, &length) == 1, length == 32 else {
                throw OpenSSLErrorQueue.error(.malformedKey, "the Ed25519 key could not be read")
            }
            return .ed25519(x: raw)
        default:
            throw JWTAuditError(.malformedKey, "the key type (OpenSSL id \(type)) is not one JWS signatures use (RSA, EC, Ed25519)")
        }
    }

    private static func bigNumber(_ key: OpaquePointer, _ name: String) -> [UInt8]? {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else { return nil }
        defer { BN_free(number) }
        let length = (Int(BN_num_bits(number)) + 7) / 8
        var bytes = [UInt8](repeating: 0, count: max(length, 1))
        BN_bn2binpad(number, &bytes, Int32(bytes.count))
        return bytes
    }

    private static func leftPad(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        let stripped = BigEndian.stripLeadingZeros(bytes)
        return stripped.count >= length ? stripped : [UInt8](repeating: 0, count: length - stripped.count) + stripped
    }
}
