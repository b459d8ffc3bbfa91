import Testing
@testable import JWTAuditCore

/// The fast decoder (32-character vector blocks where the CPU has AVX2, then four characters per step) must accept
/// exactly what the one-character-at-a-time reference accepts, decode it to the same bytes, and (through `decode`)
/// fail with the same error kind and offset. Base64URLVectorTests checks the vector step itself.
@Suite("Base64url fast path agrees with the reference decoder")
struct Base64URLFastPathTests {

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Bytes a hostile or careless producer puts in a segment: padding, the standard alphabet, whitespace, the
    /// segment separator, NUL, DEL and non-ASCII.
    static let hostile: [UInt8] = Array("=+/ \t\r\n.".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xFF]

    func reference(_ input: [UInt8]) -> Result<[UInt8], Base64URL.DecodeError> {
        do throws(Base64URL.DecodeError) { return .success(try Base64URL.decodeReference(bytes: input)) } catch {
            return .failure(error)
        }
    }

    func fast(_ input: [UInt8]) -> Result<[UInt8], Base64URL.DecodeError> {
        do throws(Base64URL.DecodeError) { return .success(try Base64URL.decode(bytes: input)) } catch {
            return .failure(error)
        }
    }

    func check(_ input: [UInt8], _ label: String) {
        let expected = reference(input)
        #expect(fast(input) == expected, "\(label): \(input)")
        // decode() on an ArraySlice (how CompactToken calls it) must agree too, with offsets relative to the slice.
        let padded = [UInt8(ascii: "x")] + input + [UInt8(ascii: ".")]
        let slice = padded[1..<(padded.count - 1)]
        let sliced: Result<[UInt8], Base64URL.DecodeError>
        do throws(Base64URL.DecodeError) { sliced = .success(try Base64URL.decode(bytes: slice)) } catch {
            sliced = .failure(error)
        }
        #expect(sliced == expected, "\(label) as a slice: \(input)")
        // The fast path on its own: a result exactly when the reference accepts the input.
        let direct = input.withUnsafeBufferPointer { Base64URL.decodeContiguous($0) }
        switch expected {
        case .success(let bytes): #expect(direct == bytes, "\(label): fast path refused valid input \(input)")
        case .failure: #expect(direct == nil, "\(label): fast path accepted invalid input \(input)")
        }
    }

    @Test func validEncodingsOfRandomBytesOfEveryLength() {
        var random = SplitMix64(seed: 1)
        for length in 0..<200 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                let encoded = Array(Base64URL.encode(bytes).utf8)
                #expect(reference(encoded) == .success(bytes), "length \(length)")
                check(encoded, "encoding of \(length) random bytes")
            }
        }
    }

    @Test func randomAlphabetStringsIncludingNonCanonicalTails() {
        // Random alphabet characters of every length: every 4n+1 length, and most 4n+2/4n+3 tails, are invalid.
        var random = SplitMix64(seed: 2)
        for length in 0..<64 {
            for _ in 0..<40 {
                check((0..<length).map { _ in Self.alphabet[random.below(64)] }, "random alphabet length \(length)")
            }
        }
    }

    @Test func oneHostileByteAtEveryPosition() {
        var random = SplitMix64(seed: 3)
        for length in 1..<48 {
            let valid = Array(Base64URL.encode((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }).utf8)
            for position in valid.indices {
                for byte in Self.hostile {
                    var input = valid
                    input[position] = byte
                    check(input, "byte \(byte) at \(position) of \(valid.count)")
                }
            }
        }
    }

    @Test func severalHostileBytesAndEveryByteValue() {
        var random = SplitMix64(seed: 4)
        for _ in 0..<3000 {
            let length = random.below(40)
            let input = (0..<length).map { _ -> UInt8 in
                random.below(5) == 0 ? Self.hostile[random.below(Self.hostile.count)] : Self.alphabet[random.below(64)]
            }
            check(input, "mixed")
        }
        for byte in 0...255 {
            check([UInt8(ascii: "Y"), UInt8(byte)], "tail byte \(byte)")
            check([UInt8(ascii: "Y"), UInt8(ascii: "W"), UInt8(byte)], "three-character tail byte \(byte)")
            check([UInt8(byte), UInt8(ascii: "W"), UInt8(ascii: "J"), UInt8(ascii: "j")], "head byte \(byte)")
        }
    }

    /// Every byte value in every position of a group, in groups decoded with one word store and in the last whole
    /// group (decoded byte by byte): each of the four per-position tables must refuse exactly what the reference does.
    @Test func everyByteValueAtEveryPositionOfEveryGroupKind() {
        let valid = Array("YWJjZGVmZ2hp".utf8)  // "abcdefghi": three whole groups
        for position in valid.indices {
            for byte in 0...255 {
                var input = valid
                input[position] = UInt8(byte)
                check(input, "byte \(byte) at \(position) of \(valid.count)")
            }
        }
    }

    @Test func namedErrorsKeepTheirKindAndOffset() {
        #expect(fast(Array("YWJjYQ==".utf8)) == .failure(Base64URL.DecodeError(kind: .padding(offset: 6))))
        #expect(fast(Array("YWJj+Q".utf8)) == .failure(Base64URL.DecodeError(kind: .invalidCharacter(0x2B, offset: 4))))
        #expect(fast(Array("YWJjY".utf8)) == .failure(Base64URL.DecodeError(kind: .invalidLength(5))))
        #expect(fast(Array("YWJjY=".utf8)) == .failure(Base64URL.DecodeError(kind: .padding(offset: 5))))
        #expect(fast(Array("YWJjYR".utf8)) == .failure(Base64URL.DecodeError(kind: .nonCanonicalTrailingBits)))
        #expect(fast(Array("YWJjYWJ".utf8)) == .failure(Base64URL.DecodeError(kind: .nonCanonicalTrailingBits)))
    }
}
