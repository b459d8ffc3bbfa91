import COpenSSL
import Synchronization

/// The OpenSSL calls behind `verifySignature`: public-key verification, HMAC, constant-time compare, digests.
enum OpenSSLSignature {
    enum Padding: Equatable { case pkcs1, pss(saltLength: Int) }

    /// Verifies `signature` over `message`. `digestName` nil means a one-shot scheme (Ed25519), verified with a
    /// fresh `EVP_MD_CTX`. For PSS, RFC 7518 §3.5: "The size of the salt value is the same size as the hash
    /// function output" and MGF1 uses the same hash: both are set explicitly, because OpenSSL's default on
    /// verification is to accept any salt length ("auto").
    ///
    /// With a digest (RSA, ECDSA), the signing input is hashed and the hash verified with `EVP_PKEY_verify` on a
    /// context prepared once (padding, salt, digest) and reused, which is exactly what `openssl speed` measures.
    /// Preparing a context looks the algorithms up in the provider store (a quarter of an RSA-2048 verification);
    /// copying a prepared `EVP_MD_CTX` per call, as before, still allocated and duplicated two contexts.
    /// A context serves one thread at a time: the key keeps a small pool (see `OpenSSLPublicKey.takePrepared`).
    static func verify(
        key: OpenSSLPublicKey, digestName: String?, padding: Padding?, message: UnsafeRawBufferPointer,
        signature: UnsafeRawBufferPointer
    ) -> Bool {
        let setup = digestName.map { PreparedVerification.Setup(digestName: $0, padding: padding) }
        // The steady state of a batch: a context prepared by an earlier call, whose calls leave the queue as they
        // found it unless they fail.
        if let setup, let prepared = key.takePrepared(setup) {
            let verified = prepared.verify(message: message, signature: signature)
            key.returnPrepared(prepared)
            return OpenSSLErrorQueue.clearedOnFailure(verified)
        }
        // A context made here: drained on the way out, whatever the answer.
        defer { OpenSSLErrorQueue.drain() }
        guard let setup else {
            guard let context = EVP_MD_CTX_new() else { return false }
            defer { EVP_MD_CTX_free(context) }
            guard initialise(context, key: key, digestName: nil, padding: padding) else { return false }
            return digestVerify(context, message: message, signature: signature)
        }
        guard let prepared = PreparedVerification(key: key, setup: setup) else { return false }
        let verified = prepared.verify(message: message, signature: signature)
        key.returnPrepared(prepared)
        return verified
    }

    private static func digestVerify(
        _ context: OpaquePointer, message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
    ) -> Bool {
        let result = withNonNilPointer(signature) { signaturePointer, signatureCount in
            withNonNilPointer(message) { messagePointer, messageCount in
                EVP_DigestVerify(context, signaturePointer, signatureCount, messagePointer, messageCount)
            }
        }
        return result == 1
    }

    /// `EVP_DigestVerifyInit_ex` with the padding (and, for PSS, MGF1 hash and salt length) set.
    fileprivate static func initialise(
        _ context: OpaquePointer, key: OpenSSLPublicKey, digestName: String?, padding: Padding?
    ) -> Bool {
        var keyContext: OpaquePointer?
        let initialised: Int32
        if let digestName {
            initialised = EVP_DigestVerifyInit_ex(context, &keyContext, digestName, nil, nil, key.pointer, nil)
        } else {
            initialised = EVP_DigestVerifyInit_ex(context, &keyContext, nil, nil, nil, key.pointer, nil)
        }
        guard initialised == 1, let keyContext else { return false }
        switch padding {
        case .none: break
        case .pkcs1:
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else { return false }
        case .pss(let saltLength):
            guard let digestName,
                  EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md_name(keyContext, digestName, nil) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(saltLength)) == 1
            else { return false }
        }
        return true
    }

    /// HMAC (RFC 2104) with the named SHA-2 hash; returns the full tag. One-shot (the digest looked up and the key
    /// hashed on each call): verification uses `HMACKey`'s keyed contexts; the tests sign with this.
    static func hmac(digestName: String, key: [UInt8], message: [UInt8]) -> [UInt8]? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard let digest = EVP_get_digestbyname(digestName) else { return nil }
        var tag = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let produced = withNonNilPointer(key) { keyPointer, keyCount in
            withNonNilPointer(message) { messagePointer, messageCount in
                HMAC(digest, keyPointer, Int32(keyCount), messagePointer, messageCount, &tag, &length)
            }
        }
        guard produced != nil else { return nil }
        return Array(tag.prefix(Int(length)))
    }

    /// Empty Swift arrays may have a nil base address; OpenSSL wants a valid pointer even for zero bytes.
    private static func withNonNilPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        bytes.withUnsafeBytes { withNonNilPointer($0, body) }
    }

    private static func withNonNilPointer<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            var dummy: UInt8 = 0
            return body(&dummy, 0)
        }
        return body(base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
}

/// Message digests for thumbprints (RFC 7638 uses SHA-256; `x5t` is SHA-1 of the certificate, RFC 7517 §4.8),
/// and the CLI's cache file names and entry checksums: the one SHA-256 of the package.
public enum Digest {
    ///
    /// They throw rather than stop the program: an OpenSSL configuration can leave a digest without an
    /// implementation (`default_properties = fips=yes` with no FIPS provider loaded), and that is the user's
    /// configuration to fix, with a message, not a crash.
    public static func sha256(_ bytes: [UInt8]) throws(JWTAuditError) -> [UInt8] { try digest(bytes, EVP_sha256(), 32, "SHA-256") }
    static func sha1(_ bytes: [UInt8]) throws(JWTAuditError) -> [UInt8] { try digest(bytes, EVP_sha1(), 20, "SHA-1") }

    /// SHA-256 in lowercase hexadecimal.
    public static func sha256Hex(_ bytes: [UInt8]) throws(JWTAuditError) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in try sha256(bytes) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func digest(_ bytes: [UInt8], _ type: OpaquePointer?, _ size: Int, _ name: String) throws(JWTAuditError)
        -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok: Int32
        if bytes.isEmpty {
            var dummy: UInt8 = 0
            ok = EVP_Digest(&dummy, 0, &out, &length, type, nil)
        } else {
            ok = bytes.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &out, &length, type, nil) }
        }
        guard ok == 1 && Int(length) == size else {
            throw OpenSSLErrorQueue.error(
                .cryptoFailure, "OpenSSL cannot compute \(name) (does its configuration, OPENSSL_CONF, leave it no implementation?)")
        }
        OpenSSLErrorQueue.drain()
        return Array(out.prefix(size))
    }
}

/// A verification context ready for `EVP_PKEY_verify` with one key, digest and padding, and a digest context
/// to hash the signing input: both owned here and freed in `deinit`. Used by one thread at a time.
final class PreparedVerification: @unchecked Sendable {
    struct Setup: Equatable {
        let digestName: String
        let padding: OpenSSLSignature.Padding?
    }

    let setup: Setup
    private let keyContext: OpaquePointer
    private let digestContext: OpaquePointer
    private let digest: OpaquePointer

    init?(key: OpenSSLPublicKey, setup: Setup) {
        guard let digest = EVP_MD_fetch(nil, setup.digestName, nil) else { return nil }
        guard let digestContext = EVP_MD_CTX_new() else {
            EVP_MD_free(digest)
            return nil
        }
        guard let keyContext = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            EVP_MD_CTX_free(digestContext)
            EVP_MD_free(digest)
            return nil
        }
        self.setup = setup
        self.digest = digest
        self.digestContext = digestContext
        self.keyContext = keyContext
        guard EVP_PKEY_verify_init(keyContext) == 1, EVP_PKEY_CTX_set_signature_md(keyContext, digest) == 1 else {
            return nil
        }
        switch setup.padding {
        case .none: break
        case .pkcs1:
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1 else { return nil }
        case .pss(let saltLength):
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md_name(keyContext, setup.digestName, nil) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(saltLength)) == 1
            else { return nil }
        }
    }

    deinit {
        EVP_PKEY_CTX_free(keyContext)
        EVP_MD_CTX_free(digestContext)
        EVP_MD_free(digest)
    }

    /// Hashes `message` and verifies `signature` over the hash.
    func verify(message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(EVP_MAX_MD_SIZE)) { hash -> Bool in
            var hashLength: UInt32 = 0
            let hashed = EVP_DigestInit_ex2(digestContext, digest, nil) == 1
                && EVP_DigestUpdate(digestContext, message.baseAddress, message.count) == 1
                && EVP_DigestFinal_ex(digestContext, hash.baseAddress, &hashLength) == 1
            guard hashed, let signatureStart = signature.baseAddress, !signature.isEmpty else { return false }
            return EVP_PKEY_verify(
                keyContext, signatureStart.assumingMemoryBound(to: UInt8.self), signature.count, hash.baseAddress,
                Int(hashLength)) == 1
        }
    }
}
