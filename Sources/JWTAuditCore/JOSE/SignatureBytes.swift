/// A token's decoded signature, kept in the token itself when it is at most 256 bytes (every HMAC, ECDSA and EdDSA
/// signature, and RSA up to 2048-bit keys, which is what Entra signs with), in an array only when longer: one
/// allocation fewer per token in a batch (issue 22).
struct SignatureBytes: Sendable {
    static let inlineCapacity = 256

    let count: Int
    private var inline: (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private let heap: [UInt8]?

    init(_ bytes: [UInt8]) {
        count = bytes.count
        if bytes.count <= Self.inlineCapacity {
            heap = nil
            withUnsafeMutableBytes(of: &inline) { target in
                bytes.withUnsafeBytes { target.copyMemory(from: $0) }
            }
        } else {
            heap = bytes
        }
    }

    /// Strict base64url `segment` decoded, or nil when it is not canonical (the caller asks the reference decoder why).
    static func decode(_ segment: UnsafeBufferPointer<UInt8>) -> SignatureBytes? {
        guard let length = Base64URL.decodedCount(segment.count) else { return nil }
        guard length <= inlineCapacity else {
            return Base64URL.decodeContiguous(segment).map(SignatureBytes.init)
        }
        var decoded = SignatureBytes(count: length)
        let written = withUnsafeMutableBytes(of: &decoded.inline) { target -> Int? in
            Base64URL.decodeContiguous(segment, into: target.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return written == length ? decoded : nil
    }

    private init(count: Int) {
        self.count = count
        heap = nil
    }

    /// The bytes, borrowed.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let heap { return heap.withUnsafeBytes(body) }
        return withUnsafeBytes(of: inline) { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    var array: [UInt8] { withBytes { Array($0) } }
}
