/// The verdict on one signature.
public enum SignatureOutcome: Sendable, Equatable {
    case valid
    /// Why not, for the report: wrong length, wrong key type, or "the signature does not match".
    case invalid(String)
}

/// Verifies `signature` over `message` (the exact signing-input bytes received, RFC 7515 §5.2 step 8) with `key`
/// under `algorithm`. The entry point below the token layer; the algorithm must be one the key allows.
public func verifySignature(
    algorithm: JWSAlgorithm, key: VerificationKey, message: [UInt8], signature: [UInt8]
) -> SignatureOutcome {
    message.withUnsafeBytes { message in
        signature.withUnsafeBytes { verifySignature(algorithm: algorithm, key: key, message: message, signature: $0) }
    }
}

/// The same over borrowed bytes: the verifier passes the token's own text (`CompactToken.withSigningInput`), so
/// the signing input is never copied.
func verifySignature(
    algorithm: JWSAlgorithm, key: VerificationKey, message: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
) -> SignatureOutcome {
    guard key.canVerify(algorithm) else {
        let can = key.compatibleAlgorithms.map(\.rawValue).sorted().joined(separator: ", ")
        return .invalid("\(key.summary) cannot verify \(algorithm.rawValue) (it can verify: \(can))")
    }
    switch (algorithm.family, key.material) {
    case (.hmac, .secret):
        // RFC 7518 §3.2: the MAC is the full HMAC output; truncated tags are not JWS.
        let length = algorithm.hashLength!
        guard signature.count == length else {
            return .invalid("an \(algorithm.rawValue) signature is \(length) bytes; this one is \(signature.count)")
        }
        let matches = key.hmacKey?.verify(digestName: algorithm.digestName!, message: message, tag: signature)
        guard let matches else { return .invalid("HMAC could not be computed") }
        return matches ? .valid : .invalid("the HMAC does not match")

    case (.rsaPKCS1, .publicKey(let openSSLKey, .rsa)), (.rsaPSS, .publicKey(let openSSLKey, .rsa)):
        // RFC 8017 §8.2.2 step 1 / §8.1.2 step 1: "If the length of the signature S is not k octets, output
        // "invalid signature"" (k = the modulus length in octets). No padding or stripping of zeros. The
        // modulus's bits were counted at import (`bits`), not per token.
        let k = ((key.bits ?? 0) + 7) / 8
        guard signature.count == k else {
            return .invalid("an RSA signature with this \(k * 8)-bit key is \(k) bytes; this one is \(signature.count)")
        }
        let padding: OpenSSLSignature.Padding =
            algorithm.family == .rsaPSS ? .pss(saltLength: algorithm.hashLength!) : .pkcs1
        let matches = OpenSSLSignature.verify(
            key: openSSLKey, digestName: algorithm.digestName, padding: padding, message: message, signature: signature)
        return matches ? .valid : .invalid("the signature does not match")

    case (.ecdsa, .publicKey(let openSSLKey, .ec(let curve, _, _))):
        // RFC 7518 §3.4: "the JWS Signature value [is] the concatenation of the two octet sequences ... R and S",
        // each exactly the coordinate length. DER (what OpenSSL wants) is rejected as input, never guessed at.
        let half = curve.coordinateLength
        guard signature.count == 2 * half else {
            return .invalid(
                "an \(algorithm.rawValue) signature is \(2 * half) bytes (R || S); this one is \(signature.count)\(signature.first == 0x30 ? " and looks like DER, which JWS does not use" : "")")
        }
        let r = signature[0..<half]
        let s = signature[half...]
        guard r.contains(where: { $0 != 0 }), s.contains(where: { $0 != 0 }) else {
            return .invalid("ECDSA r or s is zero, which no valid signature has")
        }
        let matches = ECDSASignature.withDER(r: r, s: s) {
            OpenSSLSignature.verify(key: openSSLKey, digestName: algorithm.digestName, padding: nil, message: message, signature: $0)
        }
        return matches ? .valid : .invalid("the signature does not match")

    case (.eddsa, .publicKey(let openSSLKey, .ed25519)):
        // RFC 8032 §5.1.7: an Ed25519 signature is 64 octets.
        guard signature.count == 64 else {
            return .invalid("an Ed25519 signature is 64 bytes; this one is \(signature.count)")
        }
        let matches = OpenSSLSignature.verify(
            key: openSSLKey, digestName: nil, padding: nil, message: message, signature: signature)
        return matches ? .valid : .invalid("the signature does not match")

    default:
        return .invalid("\(key.summary) cannot verify \(algorithm.rawValue)")
    }
}

/// The DER form OpenSSL verifies: `SEQUENCE { INTEGER r, INTEGER s }` (RFC 3279 §2.2.3), written into scratch
/// memory that lives for the verification only (no array per token: an ES256 batch once made some ten small arrays
/// per token putting it together from pieces, then one).
enum ECDSASignature {
    /// Calls `body` with the DER of (r, s).
    static func withDER<R>(r: Slice<UnsafeRawBufferPointer>, s: Slice<UnsafeRawBufferPointer>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        // Each INTEGER: a tag, a length of up to 3 bytes, a 0x00 pad and the digits; the SEQUENCE: a tag and a
        // length of up to 3 bytes.
        let capacity = 2 * (1 + 3 + 1) + r.count + s.count + 1 + 3
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var writer = Writer(buffer: buffer)
            writer.write(r: r, s: s)
            return body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[0..<writer.count])))
        }
    }

    private struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func write(r: Slice<UnsafeRawBufferPointer>, s: Slice<UnsafeRawBufferPointer>) {
            let (rDigits, rPad) = ECDSASignature.content(r)
            let (sDigits, sPad) = ECDSASignature.content(s)
            let rLength = rDigits.count + (rPad ? 1 : 0)
            let sLength = sDigits.count + (sPad ? 1 : 0)
            let body = 1 + ECDSASignature.lengthSize(rLength) + rLength + 1 + ECDSASignature.lengthSize(sLength) + sLength
            byte(0x30)
            length(body)
            integer(rDigits, pad: rPad, length: rLength)
            integer(sDigits, pad: sPad, length: sLength)
        }

        private mutating func byte(_ value: UInt8) {
            buffer[count] = value
            count += 1
        }

        private mutating func integer(_ digits: Slice<UnsafeRawBufferPointer>, pad: Bool, length: Int) {
            byte(0x02)
            self.length(length)
            if pad { byte(0) }
            for digit in digits { byte(digit) }
        }

        private mutating func length(_ value: Int) {
            if value < 0x80 {
                byte(UInt8(value))
            } else if value < 0x100 {
                byte(0x81)
                byte(UInt8(value))
            } else {
                byte(0x82)
                byte(UInt8(value >> 8))
                byte(UInt8(value & 0xFF))
            }
        }
    }

    /// An INTEGER's content: minimal (leading zeros dropped, one kept for zero) and positive (a 0x00 goes before a
    /// high bit).
    fileprivate static func content(_ value: Slice<UnsafeRawBufferPointer>) -> (digits: Slice<UnsafeRawBufferPointer>, pad: Bool) {
        var digits = value.drop { $0 == 0 }
        if digits.isEmpty { digits = value.suffix(1) }
        return (digits, (digits.first ?? 0) & 0x80 != 0)
    }

    fileprivate static func lengthSize(_ count: Int) -> Int { count < 0x80 ? 1 : count < 0x100 ? 2 : 3 }
}
