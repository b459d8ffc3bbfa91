import CBase64

/// Strict base64url, as RFC 7515 §2 defines it for JWS: "Base64 encoding using the URL- and filename-safe
/// character set defined in Section 5 of RFC 4648, with all trailing '=' characters omitted ... and without the
/// inclusion of any line breaks, whitespace, or other additional characters."
///
/// Lenient decoders (padding accepted, `+`/`/` accepted, non-zero unused bits ignored) let one token have many
/// encodings, which breaks signature-over-exact-bytes reasoning and hides tampering; this one refuses them all.
public enum Base64URL {
    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            case padding(offset: Int)
            case invalidCharacter(UInt8, offset: Int)
            case invalidLength(Int)
            case nonCanonicalTrailingBits
        }

        public let kind: Kind

        public var description: String {
            switch kind {
            case .padding(let offset):
                return "padding '=' at offset \(offset) (base64url in JWS has no padding)"
            case .invalidCharacter(let byte, let offset):
                let shown: String
                if byte >= 0x21 && byte < 0x7F {
                    shown = "'\(Character(Unicode.Scalar(byte)))'"
                } else {
                    shown = "byte 0x" + String(byte, radix: 16, uppercase: true)
                }
                return "invalid base64url character \(shown) at offset \(offset)"
            case .invalidLength(let length):
                return "invalid base64url length \(length) (a length of 4n+1 characters cannot be decoded)"
            case .nonCanonicalTrailingBits:
                return "non-canonical base64url: the unused bits of the last character are not zero"
            }
        }
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// `decodeTable` spread over four 256-entry tables, one per position in a group of four characters, each
    /// holding the character's six bits already moved to where they land in the three output bytes (as a
    /// little-endian word: byte 0, 1, 2 of the output in bits 0-7, 8-15, 16-23). OR-ing the four entries gives the
    /// group's three bytes in one step; a character outside the alphabet has the entry 1 << 24, which no valid
    /// combination sets.
    private static let groupTables: [UInt32] = {
        var tables = [UInt32](repeating: 1 << 24, count: 1024)
        for (index, byte) in alphabet.enumerated() {
            let value = UInt32(index)
            tables[Int(byte)] = value << 2
            tables[256 + Int(byte)] = value >> 4 | (value & 0x0F) << 12
            tables[512 + Int(byte)] = (value >> 2) << 8 | (value & 0x03) << 22
            tables[768 + Int(byte)] = value << 16
        }
        return tables
    }()

    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let n = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest == 1 {
            let n = UInt32(input[index]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
        } else if rest == 2 {
            let n = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        try decode(bytes: Array(text.utf8))
    }

    /// Decodes strict base64url. Offsets in errors are relative to the start of `bytes`.
    ///
    /// Contiguous input (every token segment) takes `decodeContiguous`: 32 characters a step with AVX2 (CBase64),
    /// then four characters to three bytes per step over raw pointers; it only says "not valid", and then
    /// `decodeReference` runs to find and name the first problem, so errors (kind and offset) are exactly the
    /// reference decoder's.
    public static func decode<C: Collection>(bytes: C) throws(DecodeError) -> [UInt8]
    where C.Element == UInt8, C.Index == Int {
        let fast: [UInt8]?? = bytes.withContiguousStorageIfAvailable { decodeContiguous($0) }
        if let fast, let decoded = fast { return decoded }
        return try decodeReference(bytes: bytes)
    }

    /// The fast path: nil when the input is not canonical strict base64url (a stray character, padding, a
    /// length of 4n+1, non-zero unused bits), with no attempt to say why.
    static func decodeContiguous(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let outputCount = decodedCount(input.count) else { return nil }
        var valid = true
        let decoded = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
            let written = output.baseAddress.flatMap { decodeContiguous(input, into: $0) }
            valid = written != nil || outputCount == 0
            initialized = written ?? 0
        }
        return valid ? decoded : nil
    }

    /// How many bytes `count` characters of unpadded base64url decode to; nil for a length no encoding has (4n+1).
    static func decodedCount(_ count: Int) -> Int? {
        let remainder = count & 3
        if remainder == 1 { return nil }
        return count / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
    }

    /// The vector step: decodes whole 32-character blocks from the start of `input` while every character of a
    /// block is in the alphabet and its 32-byte store fits in `capacity` bytes at `out`, and returns how many
    /// characters it consumed (a multiple of 32; it wrote 3/4 as many bytes). 0 on a CPU without AVX2.
    ///
    /// Decoding was the largest single Swift function of a batch token (issue 22): ~2.9k instructions for the
    /// ~1,200 characters of header and payload and ~1.3k for an RS256 signature, at ~2.5 instructions a character.
    /// A block of 32 takes 23 (Muła & Lemire's method, adapted to '-' and '_': see Sources/CBase64); an RS256
    /// token's decoding now takes 1.4k instructions.
    static func decodeBlocks(
        _ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, capacity: Int
    ) -> Int {
        guard let source = input.baseAddress else { return 0 }
        return jwtaudit_base64url_decode_blocks(source, input.count, out, capacity)
    }

    /// The fast path into caller's memory (`decodedCount` bytes): how many bytes it wrote, or nil when the input is
    /// not canonical strict base64url. A token's signature is decoded this way into the token itself.
    ///
    /// `decodeBlocks` goes first and stops before a block with any byte outside the alphabet, or whose 32-byte store
    /// would pass the end of the output; the scalar steps below continue where it stopped, so every refusal (stray
    /// character, padding, length, trailing bits) and the tail are theirs.
    static func decodeContiguous(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        let count = input.count
        let remainder = count & 3
        guard let outputCount = decodedCount(count) else { return nil }
        guard let source = input.baseAddress else { return 0 }
        let vectorRead = decodeBlocks(input, into: out, capacity: outputCount)
        let vectorWritten = vectorRead / 4 * 3
        let groups = groupTables
        return decodeTable.withUnsafeBufferPointer { tableBuffer -> Int? in
            let table = tableBuffer.baseAddress!
            var valid = true
            do {
                var read = 0
                var written = 0
                let whole = count - remainder
                groups.withUnsafeBufferPointer { groupBuffer in
                    let g = groupBuffer.baseAddress!
                    // Whole groups whose four-byte store stays inside the output (all but the last whole group
                    // when nothing follows it): one word store each, two groups per step.
                    var fast = min((whole - vectorRead) / 4, (outputCount - vectorWritten - 1) / 3)
                    var input = source + vectorRead
                    var output = out + vectorWritten
                    while fast >= 2 {
                        let n = g[Int(input[0])] | g[256 + Int(input[1])] | g[512 + Int(input[2])] | g[768 + Int(input[3])]
                        let m = g[Int(input[4])] | g[256 + Int(input[5])] | g[512 + Int(input[6])] | g[768 + Int(input[7])]
                        // A stray character: leave the pair to the loop below, which finds it.
                        if (n | m) >> 24 != 0 { break }
                        UnsafeMutableRawPointer(output).storeBytes(of: n.littleEndian, as: UInt32.self)
                        UnsafeMutableRawPointer(output + 3).storeBytes(of: m.littleEndian, as: UInt32.self)
                        input += 8
                        output += 6
                        fast -= 2
                    }
                    read = input - source
                    written = output - out
                }
                // The whole groups left (at most two, or from a pair with a stray character, which is found here),
                // three byte stores each. Table entries are 0...63 for the alphabet and 0xFF otherwise: OR-ing four of them has the top bit
                // set exactly when one character is outside the alphabet.
                while valid && read < whole {
                    let a = table[Int(source[read])]
                    let b = table[Int(source[read + 1])]
                    let c = table[Int(source[read + 2])]
                    let d = table[Int(source[read + 3])]
                    if (a | b | c | d) & 0x80 != 0 {
                        valid = false
                        break
                    }
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[written] = UInt8(truncatingIfNeeded: n >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: n)
                    read += 4
                    written += 3
                }
                if valid && remainder != 0 {
                    let a = table[Int(source[read])]
                    let b = table[Int(source[read + 1])]
                    let c = remainder == 3 ? table[Int(source[read + 2])] : 0
                    // RFC 4648 §3.5: the pad bits must be zero for the encoding to be canonical.
                    if (a | b | c) & 0x80 != 0 || (remainder == 2 ? b & 0x0F : c & 0x03) != 0 {
                        valid = false
                    } else {
                        let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                        out[written] = UInt8(truncatingIfNeeded: n >> 16)
                        written += 1
                        if remainder == 3 {
                            out[written] = UInt8(truncatingIfNeeded: n >> 8)
                            written += 1
                        }
                    }
                }
                return valid ? written : nil
            }
        }
    }

    /// The reference decoder, one character at a time: the definition of what is accepted and of every error and
    /// its offset. The fast path must agree with it on every input (Base64URLTests compares them).
    static func decodeReference<C: Collection>(bytes: C) throws(DecodeError) -> [UInt8]
    where C.Element == UInt8, C.Index == Int {
        let count = bytes.count
        let start = bytes.startIndex
        if count % 4 == 1 {
            // Still report a stray character first: it is the more useful message.
            for i in 0..<count where decodeTable[Int(bytes[start + i])] == 0xFF {
                if bytes[start + i] == UInt8(ascii: "=") { throw DecodeError(kind: .padding(offset: i)) }
                throw DecodeError(kind: .invalidCharacter(bytes[start + i], offset: i))
            }
            throw DecodeError(kind: .invalidLength(count))
        }
        var out = [UInt8]()
        out.reserveCapacity(count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for i in 0..<count {
            let byte = bytes[start + i]
            let value = decodeTable[Int(byte)]
            if value == 0xFF {
                if byte == UInt8(ascii: "=") { throw DecodeError(kind: .padding(offset: i)) }
                throw DecodeError(kind: .invalidCharacter(byte, offset: i))
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // RFC 4648 §3.5: the pad bits must be zero for the encoding to be canonical.
        if bits > 0 && accumulator != 0 { throw DecodeError(kind: .nonCanonicalTrailingBits) }
        return out
    }
}
