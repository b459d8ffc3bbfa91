import COpenSSL

/// Key material that must not outlive its use: a content encryption key, a key encryption key, an ECDH shared
/// secret, a symmetric decryption key. Allocated once, never copied by Swift's array machinery, wiped with
/// `OPENSSL_cleanse` (which the compiler may not optimise away) and freed in `deinit`.
///
/// Immutable once made (the initialisers fill it), so it may be shared between threads.
final class SecretBytes: @unchecked Sendable {
    let count: Int
    private let storage: UnsafeMutableRawPointer

    /// `count` bytes filled by `fill`, which returns false to abandon them (they are wiped, and init fails).
    init?(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Bool) {
        self.count = count
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        if !fill(UnsafeMutableRawBufferPointer(start: storage, count: count)) { return nil }
    }

    convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        self.init(count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
            return true
        }!
    }

    deinit {
        OPENSSL_cleanse(storage, max(count, 1))
        storage.deallocate()
    }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// A copy of `range` (RFC 7518 §5.2.2.1 splits the CBC-HMAC key into its MAC and encryption halves).
    func slice(_ range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return SecretBytes(count: range.count) { buffer in
            buffer.copyMemory(from: UnsafeRawBufferPointer(start: storage + range.lowerBound, count: range.count))
            return true
        }!
    }

    /// `count` bytes from OpenSSL's CSPRNG (RFC 7516 §11.5's substitute CEK).
    static func random(count: Int) -> SecretBytes? {
        SecretBytes(count: count) { buffer in
            guard let base = buffer.baseAddress else { return true }
            return RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1
        }
    }

    /// Equal length and content, compared in constant time.
    func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return CRYPTO_memcmp(storage, other.storage, count) == 0
    }

    /// Wipes an array that held secret bytes before it goes (copies Swift made earlier are out of reach; this
    /// wipes the one in hand).
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
        }
    }
}
