import COpenSSL
import Synchronization

/// An HMAC secret keyed into OpenSSL once, not per token.
///
/// The one-shot `HMAC()` looks the digest up by name, allocates a MAC context and hashes the key's inner and
/// outer pads on every call: in an HS256 batch that was half of the token's cost and 13 of its allocations
/// (issue 22). Here a context is keyed once per digest and per thread (`EVP_MAC_init` with the key), and each
/// tag after that re-initialises it without a key, which OpenSSL documents for exactly this: "If key is NULL,
/// the key set in a previous call [...] is reused" (EVP_MAC_init(3)).
///
/// A keyed context serves one thread at a time: they are kept in a pool and taken for one computation, as
/// `OpenSSLPublicKey` does with its verification contexts, so a batch on N threads ends up with N of them.
/// The secret itself is kept as `SecretBytes` (wiped when the key goes), for contexts made later by other threads.
final class HMACKey: @unchecked Sendable {
    private let secret: SecretBytes
    private let contexts = ContextPool<KeyedMAC>()

    init(secret: [UInt8]) { self.secret = SecretBytes(copying: secret) }

    /// Whether `tag` is the HMAC of `message` under this key with the named SHA-2 digest: computed on a keyed
    /// context and compared in constant time (RFC 8725 §3.6 asks for it; `CRYPTO_memcmp` takes time independent
    /// of where the inputs differ). nil when OpenSSL cannot compute the MAC at all.
    func verify(digestName: String, message: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool? {
        // A keyed context from an earlier call: its MAC calls leave the queue as they found it unless they fail
        // (nil). A tag that differs is no OpenSSL failure.
        if let context = contexts.take(where: { $0.digestName == digestName }) {
            defer { contexts.give(context) }
            let verified = context.verify(message: message, tag: tag)
            return OpenSSLErrorQueue.clearedOnFailure(verified != nil) ? verified : nil
        }
        // A context keyed here: drained on the way out, whatever the answer.
        defer { OpenSSLErrorQueue.drain() }
        guard let context = KeyedMAC(secret: secret, digestName: digestName) else { return nil }
        defer { contexts.give(context) }
        return context.verify(message: message, tag: tag)
    }
}

/// One `EVP_MAC_CTX` keyed with a secret for one digest: owned here and freed in `deinit`. Used by one thread
/// at a time (`HMACKey`'s pool).
final class KeyedMAC: @unchecked Sendable {
    let digestName: String
    private let context: OpaquePointer

    init?(secret: SecretBytes, digestName: String) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { return nil }
        defer { EVP_MAC_free(mac) }  // the context holds its own reference
        guard let context = EVP_MAC_CTX_new(mac) else { return nil }
        self.context = context
        self.digestName = digestName
        var name = Array(digestName.utf8CString)
        let keyed = name.withUnsafeMutableBufferPointer { nameBuffer -> Bool in
            var params = [
                OSSL_PARAM_construct_utf8_string("digest", nameBuffer.baseAddress, 0),
                OSSL_PARAM_construct_end(),
            ]
            return secret.withBytes { key in
                EVP_MAC_init(context, key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, &params) == 1
            }
        }
        if !keyed { return nil }
    }

    deinit { EVP_MAC_CTX_free(context) }

    func verify(message: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(EVP_MAX_MD_SIZE)) { computed -> Bool? in
            var length = 0
            // Re-initialised without a key: the key given when the context was made is reused. (An empty message
            // has no base address; OpenSSL reads nothing for a zero length.)
            guard EVP_MAC_init(context, nil, 0, nil) == 1,
                EVP_MAC_update(context, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1,
                EVP_MAC_final(context, computed.baseAddress, &length, computed.count) == 1
            else { return nil }
            guard length == tag.count, let tagStart = tag.baseAddress else { return false }
            return CRYPTO_memcmp(computed.baseAddress, tagStart, length) == 0
        }
    }
}
