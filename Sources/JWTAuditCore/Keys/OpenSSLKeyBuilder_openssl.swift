import COpenSSL
import Glibc

/// Builds an OpenSSL `EVP_PKEY` from named parameters with `EVP_PKEY_fromdata`: the one path by which every key
/// jwtaudit uses, public or private, becomes a provider-native OpenSSL key (which is never mutated lazily, so it
/// can be shared between threads). The caller takes ownership of the returned pointer.
enum OpenSSLKeyBuilder {
    /// `push` adds the parameters to the builder and returns the BIGNUMs it made (freed here once the parameters
    /// are built). `buffers` are copied into memory that stays put until then: OSSL_PARAM_BLD keeps pointers to
    /// string and octet buffers until OSSL_PARAM_BLD_to_param.
    static func build(
        typeName: String, what: String, selection: Int32, buffers: [[UInt8]],
        push: (OpaquePointer, [UnsafeMutablePointer<UInt8>]) -> [OpaquePointer]
    ) throws(JWTAuditError) -> OpaquePointer {
        OpenSSLErrorQueue.drain()
        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSLErrorQueue.error(.cryptoFailure, "out of memory") }
        defer { OSSL_PARAM_BLD_free(builder) }
        let stable = buffers.map { bytes -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            pointer.initialize(from: bytes, count: bytes.count)
            return pointer
        }
        defer {
            // A private scalar may be among them: wipe before freeing.
            for (pointer, bytes) in zip(stable, buffers) {
                OPENSSL_cleanse(pointer, bytes.count)
                pointer.deallocate()
            }
        }
        let numbers = push(builder, stable)
        // BN_clear_free: some of these numbers are private exponents and primes.
        defer { numbers.forEach { BN_clear_free($0) } }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw OpenSSLErrorQueue.error(.malformedKey, "could not encode the \(what)")
        }
        defer { OSSL_PARAM_free(params) }  // OSSL_PARAM_clear_free is OpenSSL 3.2+
        guard let context = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw OpenSSLErrorQueue.error(.cryptoFailure, "OpenSSL has no \(typeName) implementation")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, selection, params) == 1, let key
        else { throw OpenSSLErrorQueue.error(.malformedKey, "OpenSSL refused the \(what)") }
        OpenSSLErrorQueue.drain()
        return key
    }

    /// A big-endian unsigned integer as a BIGNUM (nil only when OpenSSL is out of memory).
    static func bigNumber(_ bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
    }

    /// Parameter names with static storage. OSSL_PARAM_BLD keeps the *pointer* to each name until
    /// OSSL_PARAM_BLD_to_param, and an OSSL_PARAM made with OSSL_PARAM_construct_* holds it for as long as the
    /// array is used (C callers pass string literals); a Swift string argument is a temporary, so the names live
    /// here for the life of the process instead.
    enum Name {
        nonisolated(unsafe) static let n = strdup("n")!
        nonisolated(unsafe) static let e = strdup("e")!
        nonisolated(unsafe) static let d = strdup("d")!
        nonisolated(unsafe) static let factor1 = strdup("rsa-factor1")!
        nonisolated(unsafe) static let factor2 = strdup("rsa-factor2")!
        nonisolated(unsafe) static let exponent1 = strdup("rsa-exponent1")!
        nonisolated(unsafe) static let exponent2 = strdup("rsa-exponent2")!
        nonisolated(unsafe) static let coefficient1 = strdup("rsa-coefficient1")!
        nonisolated(unsafe) static let group = strdup("group")!
        nonisolated(unsafe) static let pub = strdup("pub")!
        nonisolated(unsafe) static let priv = strdup("priv")!
        // The single-step KDF's parameters (OSSL_KDF_PARAM_DIGEST, _KEY, _INFO).
        nonisolated(unsafe) static let digest = strdup("digest")!
        nonisolated(unsafe) static let key = strdup("key")!
        nonisolated(unsafe) static let info = strdup("info")!
    }
}
