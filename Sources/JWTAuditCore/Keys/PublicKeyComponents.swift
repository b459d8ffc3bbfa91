/// The public numbers of a key, whatever form it came in (JWK, PEM, DER, certificate).
///
/// Every import path reduces a key to these numbers first, applies the key policy to them in Swift, and only
/// then builds the OpenSSL key from them: one policy, one builder, whatever the input format.
enum PublicKeyComponents: Sendable, Equatable {
    /// Modulus and exponent, big-endian, without leading zero bytes.
    case rsa(n: [UInt8], e: [UInt8])
    /// Full-length affine coordinates on a named curve.
    case ec(curve: ECCurve, x: [UInt8], y: [UInt8])
    /// An Ed25519 public key (RFC 8037 §2: "x" is the 32-byte public key).
    case ed25519(x: [UInt8])

    var keyType: String {
        switch self {
        case .rsa: return "RSA"
        case .ec: return "EC"
        case .ed25519: return "OKP"
        }
    }

    var curveName: String? {
        switch self {
        case .rsa: return nil
        case .ec(let curve, _, _): return curve.rawValue
        case .ed25519: return "Ed25519"
        }
    }

    var bits: Int {
        switch self {
        case .rsa(let n, _): return BigEndian.bitLength(n)
        case .ec(let curve, _, _): return curve.bits
        case .ed25519: return 256
        }
    }

    /// RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
    var thumbprintInput: String {
        switch self {
        case .rsa(let n, let e):
            return #"{"e":"\#(Base64URL.encode(e))","kty":"RSA","n":"\#(Base64URL.encode(n))"}"#
        case .ec(let curve, let x, let y):
            return #"{"crv":"\#(curve.rawValue)","kty":"EC","x":"\#(Base64URL.encode(x))","y":"\#(Base64URL.encode(y))"}"#
        case .ed25519(let x):
            return #"{"crv":"Ed25519","kty":"OKP","x":"\#(Base64URL.encode(x))"}"#
        }
    }
}

/// Small helpers for big-endian unsigned integers held as bytes.
enum BigEndian {
    static func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(bytes[first...])
    }

    static func bitLength(_ bytes: [UInt8]) -> Int {
        let stripped = stripLeadingZeros(bytes)
        guard let top = stripped.first else { return 0 }
        return (stripped.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }

    /// The value modulo a small number, for fingerprint tests.
    static func remainder(_ bytes: [UInt8], modulo m: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for byte in bytes { r = (r << 8 | UInt64(byte)) % m }
        return r
    }

    /// The value as an integer when it fits in 64 bits.
    static func uint64(_ bytes: [UInt8]) -> UInt64? {
        let stripped = stripLeadingZeros(bytes)
        guard stripped.count <= 8 else { return nil }
        return stripped.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
