import COpenSSL
import Synchronization

/// The OpenSSL calls behind `verifySignature`: public-key verification, HMAC, constant-time compare, digests.
enum OpenSSLSignature {
    enum Padding { case pkcs1, pss(saltLength: Int) }

    /// Verifies `signature` over `message` with a fresh `EVP_MD_CTX` per call, so one key serves every thread.
    /// `digestName` nil means a one-shot scheme (Ed25519). For PSS, RFC 7518 §3.5: "The size of the salt value
    /// is the same size as the hash function output" and MGF1 uses the same hash: both are set explicitly,
    /// because OpenSSL's default on verification is to accept any salt length ("auto").
    ///
    /// With a digest, the context is not initialised per call: `EVP_DigestVerifyInit_ex` looks the digest and the
    /// signature method up in the provider store every time (a quarter of an RSA-2048 verification). Instead one
    /// context per key, digest and padding is initialised once and copied (`EVP_MD_CTX_copy_ex`) for each call,
    /// under the key's lock; measured at 28 000 verifications/s against 22 600 with per-call initialisation.
    static func verify(
        key: OpenSSLPublicKey, digestName: String?, padding: Padding?, message: [UInt8], signature: [UInt8]
    ) -> Bool {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        if let digestName {
            let name: String
            switch padding {
            case .none: name = digestName
            case .pkcs1: name = digestName + "/pkcs1"
            case .pss(let saltLength): name = digestName + "/pss/\(saltLength)"
            }
            let copied = key.verifyTemplates.withLock { templates -> Bool in
                let template: VerifyContextTemplate
                if let existing = templates[name] {
                    template = existing
                } else {
                    guard let made = VerifyContextTemplate(key: key, digestName: digestName, padding: padding) else { return false }
                    templates[name] = made
                    template = made
                }
                return EVP_MD_CTX_copy_ex(context, template.pointer) == 1
            }
            if copied { return digestVerify(context, message: message, signature: signature) }
            // Could not make or copy the template: initialise this context directly, as below.
            EVP_MD_CTX_reset(context)
        }
        guard initialise(context, key: key, digestName: digestName, padding: padding) else { return false }
        return digestVerify(context, message: message, signature: signature)
    }

    private static func digestVerify(_ context: OpaquePointer, message: [UInt8], signature: [UInt8]) -> Bool {
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

    /// HMAC (RFC 2104) with the named SHA-2 hash; returns the full tag.
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

    /// RFC 8725 §3.6 asks for constant-time comparison of MACs: `CRYPTO_memcmp` takes time independent of where
    /// the inputs differ. Lengths are public (the algorithm fixes them) and are compared first.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) } } == 0
    }

    /// Empty Swift arrays may have a nil base address; OpenSSL wants a valid pointer even for zero bytes.
    private static func withNonNilPointer<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if bytes.isEmpty {
            var dummy: UInt8 = 0
            return body(&dummy, 0)
        }
        return bytes.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}

/// Message digests for thumbprints (RFC 7638 uses SHA-256; `x5t` is SHA-1 of the certificate, RFC 7517 §4.8).
enum Digest {
    static func sha256(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha256(), 32) }
    static func sha1(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha1(), 20) }

    private static func digest(_ bytes: [UInt8], _ type: OpaquePointer?, _ size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok: Int32
        if bytes.isEmpty {
            var dummy: UInt8 = 0
            ok = EVP_Digest(&dummy, 0, &out, &length, type, nil)
        } else {
            ok = bytes.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &out, &length, type, nil) }
        }
        OpenSSLErrorQueue.drain()
        precondition(ok == 1 && Int(length) == size, "OpenSSL digest failed")
        return Array(out.prefix(size))
    }
}

/// Owns one `EVP_MD_CTX` initialised for verification with a key, a digest and a padding, never used directly:
/// `OpenSSLSignature.verify` copies it for each verification. Freed in `deinit`.
final class VerifyContextTemplate: @unchecked Sendable {
    let pointer: OpaquePointer

    init?(key: OpenSSLPublicKey, digestName: String, padding: OpenSSLSignature.Padding?) {
        guard let context = EVP_MD_CTX_new() else { return nil }
        guard OpenSSLSignature.initialise(context, key: key, digestName: digestName, padding: padding) else {
            EVP_MD_CTX_free(context)
            return nil
        }
        pointer = context
    }

    deinit { EVP_MD_CTX_free(pointer) }
}
