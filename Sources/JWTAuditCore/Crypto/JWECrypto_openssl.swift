import COpenSSL

/// The OpenSSL calls behind JWE decryption: key unwrapping (RSA, AES Key Wrap, AES-GCM), ECDH and the Concat
/// KDF, and content decryption (AES-GCM, AES-CBC). Each returns nil on any failure, drains OpenSSL's error queue
/// (the caller turns nil into one reason; OpenSSL's own text would distinguish failures that RFC 7516 §11.5 asks
/// recipients not to distinguish), and owns its contexts for the duration of the call only.
///
/// Secrets come in and go out as `SecretBytes`; a decrypted output buffer is wiped when the operation fails, so
/// no unauthenticated plaintext survives a failed call.
enum JWECrypto {
    // MARK: Key management

    /// RSAES-OAEP or RSAES-PKCS1-v1_5 decryption of the Encrypted Key. For PKCS#1 v1.5 the caller must not act
    /// on a nil result differently from a wrong-length CEK (RFC 7516 §11.5): see `JWEDecryptor`.
    static func rsaDecrypt(
        key: OpenSSLPrivateKey, padding: JWEKeyManagement.RSAPadding, ciphertext: [UInt8]
    ) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard !ciphertext.isEmpty, let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_decrypt_init(context) == 1 else { return nil }
        switch padding {
        case .pkcs1:
            guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else { return nil }
        case .oaep(let digestName):
            // RFC 7518 §4.3: RSA-OAEP uses "default parameters" (SHA-1, MGF1 with SHA-1); RSA-OAEP-256 uses
            // "SHA-256 hash function and the MGF1 with SHA-256 mask generation function". Both set explicitly.
            guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_oaep_md_name(context, digestName, nil) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md_name(context, digestName, nil) == 1
            else { return nil }
        }
        return ciphertext.withUnsafeBufferPointer { input -> SecretBytes? in
            var capacity = 0
            guard EVP_PKEY_decrypt(context, nil, &capacity, input.baseAddress, input.count) == 1, capacity > 0 else {
                return nil
            }
            guard let buffer = SecretBytes(count: capacity, fill: { out in
                var length = capacity
                guard EVP_PKEY_decrypt(
                    context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length, input.baseAddress, input.count)
                    == 1
                else { return false }
                capacity = length
                return true
            }) else { return nil }
            return capacity == buffer.count ? buffer : buffer.slice(0..<capacity)
        }
    }

    /// RFC 3394 AES Key Unwrap (RFC 7518 §4.4) with OpenSSL's AES-*-WRAP ciphers. nil when the integrity check
    /// (the default initial value A6A6A6A6A6A6A6A6) fails or the lengths are wrong.
    static func aesKeyUnwrap(kek: SecretBytes, wrapped: [UInt8]) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        let cipher: OpaquePointer?
        switch kek.count {
        case 16: cipher = EVP_aes_128_wrap()
        case 24: cipher = EVP_aes_192_wrap()
        case 32: cipher = EVP_aes_256_wrap()
        default: return nil
        }
        // RFC 3394 §2: the wrapped key is n+1 64-bit blocks, n >= 2.
        guard let cipher, wrapped.count >= 24, wrapped.count % 8 == 0, let context = EVP_CIPHER_CTX_new() else {
            return nil
        }
        defer { EVP_CIPHER_CTX_free(context) }
        EVP_CIPHER_CTX_set_flags(context, Int32(EVP_CIPHER_CTX_FLAG_WRAP_ALLOW))
        let initialised = kek.withBytes { key in
            EVP_DecryptInit_ex(context, cipher, nil, key.baseAddress?.assumingMemoryBound(to: UInt8.self), nil)
        }
        guard initialised == 1 else { return nil }
        let unwrappedCount = wrapped.count - 8
        // The provider writes up to the input length plus a block; the key is the first `unwrappedCount` bytes.
        guard let buffer = SecretBytes(count: wrapped.count + 16, fill: { out in
            let base = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var length: Int32 = 0
            guard wrapped.withUnsafeBufferPointer({
                EVP_DecryptUpdate(context, base, &length, $0.baseAddress, Int32($0.count))
            }) == 1, Int(length) == unwrappedCount else { return false }
            var final: Int32 = 0
            return EVP_DecryptFinal_ex(context, base + Int(length), &final) == 1 && final == 0
        }) else { return nil }
        return buffer.slice(0..<unwrappedCount)
    }

    /// The ECDH shared secret Z between the recipient's private key and the sender's ephemeral public key, with
    /// OpenSSL checking the peer key again (`validate_peer`).
    static func ecdhSharedSecret(privateKey: OpenSSLPrivateKey, peer: OpenSSLPublicKey) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, privateKey.pointer, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var capacity = 0
        guard EVP_PKEY_derive_init(context) == 1, EVP_PKEY_derive_set_peer_ex(context, peer.pointer, 1) == 1,
              EVP_PKEY_derive(context, nil, &capacity) == 1, capacity > 0
        else { return nil }
        var produced = capacity
        guard let secret = SecretBytes(count: capacity, fill: { out in
            EVP_PKEY_derive(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &produced) == 1
        }), produced == capacity else { return nil }
        return secret
    }

    /// RFC 7518 §4.6.2: the Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, which is OpenSSL's single-step KDF
    /// ("SSKDF", SP 800-56C) with `info` = OtherInfo (AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo).
    static func concatKDF(sharedSecret: SecretBytes, otherInfo: [UInt8], length: Int) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard let kdf = EVP_KDF_fetch(nil, "SSKDF", nil) else { return nil }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { return nil }
        defer { EVP_KDF_CTX_free(context) }
        var digest = Array("SHA256".utf8CString)
        var info = otherInfo
        return sharedSecret.withBytes { secret -> SecretBytes? in
            SecretBytes(count: length) { out in
                digest.withUnsafeMutableBufferPointer { digestName in
                    info.withUnsafeMutableBytes { infoBytes in
                        var parameters = [
                            OSSL_PARAM_construct_utf8_string(OpenSSLKeyBuilder.Name.digest, digestName.baseAddress, 0),
                            OSSL_PARAM_construct_octet_string(
                                OpenSSLKeyBuilder.Name.key, UnsafeMutableRawPointer(mutating: secret.baseAddress), secret.count),
                            OSSL_PARAM_construct_octet_string(OpenSSLKeyBuilder.Name.info, infoBytes.baseAddress, infoBytes.count),
                            OSSL_PARAM_construct_end(),
                        ]
                        return EVP_KDF_derive(
                            context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count, &parameters) == 1
                    }
                }
            }
        }
    }

    // MARK: Content

    /// AES-GCM authenticated decryption (RFC 7518 §5.3, and §4.7 for the GCM key wrap): 96-bit IV, 128-bit tag,
    /// both already checked for length by the caller. The plaintext is released only when the tag verifies.
    static func aesGCMDecrypt(
        key: SecretBytes, iv: [UInt8], additionalData: [UInt8], ciphertext: [UInt8], tag: [UInt8]
    ) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_gcm()
        case 24: cipher = EVP_aes_192_gcm()
        case 32: cipher = EVP_aes_256_gcm()
        default: return nil
        }
        guard let cipher, iv.count == 12, tag.count == 16, let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard EVP_DecryptInit_ex(context, cipher, nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, 12, nil) == 1,
              key.withBytes({ keyBytes in
                  iv.withUnsafeBufferPointer {
                      EVP_DecryptInit_ex(
                          context, nil, nil, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.baseAddress)
                  }
              }) == 1
        else { return nil }
        var length: Int32 = 0
        if !additionalData.isEmpty {
            guard additionalData.withUnsafeBufferPointer({
                EVP_DecryptUpdate(context, nil, &length, $0.baseAddress, Int32($0.count))
            }) == 1 else { return nil }
        }
        var produced = 0
        guard let output = SecretBytes(count: ciphertext.count + 16, fill: { out in
            let base = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if !ciphertext.isEmpty {
                guard ciphertext.withUnsafeBufferPointer({
                    EVP_DecryptUpdate(context, base, &length, $0.baseAddress, Int32($0.count))
                }) == 1 else { return false }
                produced = Int(length)
            }
            var expected = tag
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, &expected) == 1 else { return false }
            var final: Int32 = 0
            // EVP_DecryptFinal_ex checks the tag; on a mismatch the buffer (already holding unauthenticated
            // plaintext) is wiped by SecretBytes when init fails.
            guard EVP_DecryptFinal_ex(context, base + produced, &final) == 1 else { return false }
            produced += Int(final)
            return true
        }) else { return nil }
        return output.slice(0..<produced)
    }

    /// AES-CBC decryption with PKCS#7 padding (RFC 7518 §5.2.2.2 step 4). Called only after the HMAC verified;
    /// a padding error is then reported exactly like a MAC error by the caller.
    static func aesCBCDecrypt(key: SecretBytes, iv: [UInt8], ciphertext: [UInt8]) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_cbc()
        case 24: cipher = EVP_aes_192_cbc()
        case 32: cipher = EVP_aes_256_cbc()
        default: return nil
        }
        guard let cipher, iv.count == 16, !ciphertext.isEmpty, ciphertext.count % 16 == 0,
              let context = EVP_CIPHER_CTX_new()
        else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        guard key.withBytes({ keyBytes in
            iv.withUnsafeBufferPointer {
                EVP_DecryptInit_ex(context, cipher, nil, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.baseAddress)
            }
        }) == 1 else { return nil }
        var produced = 0
        guard let output = SecretBytes(count: ciphertext.count + 16, fill: { out in
            let base = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var length: Int32 = 0
            guard ciphertext.withUnsafeBufferPointer({
                EVP_DecryptUpdate(context, base, &length, $0.baseAddress, Int32($0.count))
            }) == 1 else { return false }
            var final: Int32 = 0
            guard EVP_DecryptFinal_ex(context, base + Int(length), &final) == 1 else { return false }
            produced = Int(length) + Int(final)
            return true
        }) else { return nil }
        return output.slice(0..<produced)
    }

    /// HMAC with a secret key (the MAC half of a CBC-HMAC CEK). `message` is never empty here: it starts with the
    /// protected header.
    static func hmac(digestName: String, key: SecretBytes, message: [UInt8]) -> SecretBytes? {
        OpenSSLErrorQueue.drain()
        defer { OpenSSLErrorQueue.drain() }
        guard let digest = EVP_get_digestbyname(digestName) else { return nil }
        var length: UInt32 = 0
        var produced = 0
        guard let tag = SecretBytes(count: Int(EVP_MAX_MD_SIZE), fill: { out in
            let made = key.withBytes { keyBytes in
                message.withUnsafeBufferPointer { input in
                    HMAC(digest, keyBytes.baseAddress, Int32(keyBytes.count), input.baseAddress, input.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
                }
            }
            produced = Int(length)
            return made != nil
        }) else { return nil }
        return tag.slice(0..<produced)
    }
}
