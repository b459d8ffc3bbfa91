import COpenSSL

/// SHA-256 through libcrypto's one-shot `EVP_Digest`, for naming cache entries after their URL.
/// `EVP_sha256()` returns a static method object: nothing here is allocated, so nothing needs an owner.
enum Digest {
    static func sha256Hex(_ bytes: [UInt8]) -> String? {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest only fails on allocation failure; draining the error queue keeps it from leaking into the
        // next OpenSSL caller's diagnostics.
        guard ok == 1, length == 32 else { ERR_clear_error(); return nil }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
