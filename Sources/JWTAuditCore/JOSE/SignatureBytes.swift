/// A token's decoded signature, kept in the token itself when it is at most 256 bytes (every HMAC, ECDSA and EdDSA
/// signature, and RSA up to 2048-bit keys, which is what Entra signs with), in an array only when longer: one
/// allocation fewer per token in a batch (issue 22).
struct SignatureBytes: Sendable {
    static let inlineCapacity = 256

    private(set) var count: Int
    private var inline: (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var heap: [UInt8]?
    /// False only for a value `init(decoding:)` could not decode.
    private(set) var isDecoded = true

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

    /// Decodes strict base64url `segment` into this value, in place (the inline bytes are 256: copying them
    /// around cost more than decoding a short signature). False when it is not canonical: the caller asks the
    /// reference decoder why.
    mutating func decode(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let length = Base64URL.decodedCount(segment.count) else { return false }
        guard length <= Self.inlineCapacity else {
            guard let decoded = Base64URL.decodeContiguous(segment) else { return false }
            self = SignatureBytes(decoded)
            return true
        }
        let written = withUnsafeMutableBytes(of: &inline) { target -> Int? in
            Base64URL.decodeContiguous(segment, into: target.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        count = length
        return written == length
    }

    /// No bytes, to decode into.
    init() {
        count = 0
        heap = nil
    }

    /// `segment` decoded as strict base64url, made where it is stored (a token's `init`): a value made first and
    /// stored after was zeroed twice and copied three times, through the type's outlined copies (issue 22).
    /// `isDecoded` is false when the segment is not canonical (the token is then not made, and the reference
    /// decoder says why).
    init(decoding segment: UnsafeBufferPointer<UInt8>) {
        count = 0
        heap = nil
        isDecoded = decode(segment)
    }

    /// The bytes, borrowed.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let heap { return heap.withUnsafeBytes(body) }
        return withUnsafeBytes(of: inline) { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    var array: [UInt8] { withBytes { Array($0) } }
}
