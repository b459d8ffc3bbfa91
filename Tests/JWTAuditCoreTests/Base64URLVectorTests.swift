#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import JWTAuditCore

/// The vector step of base64url decoding (Sources/CBase64, 32 characters a block with AVX2) against its rules and
/// the one-character-at-a-time reference: what it consumes, the bytes it writes, the memory it touches, and what
/// `Base64URL.decode` makes of the rest.
@Suite("Base64url vector step decodes whole blocks exactly as the reference does")
struct Base64URLVectorTests {

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Whether the kernel reports AVX2 for this CPU: asked of /proc/cpuinfo, not of the code under test, so that a
    /// step that never runs (or runs where it must not) fails the tests below.
    static let cpuHasAVX2: Bool = {
        guard let info = PackageFiles.readBytes("/proc/cpuinfo") else { return false }
        let text = String(decoding: info, as: UTF8.self)
        guard let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        return flags.split(separator: " ").contains("avx2")
    }()

    /// What the step must consume, from its rules: block k (characters 32k..<32k+32) is decoded when the blocks
    /// before it were, it is whole, every character of it is in the alphabet, and its 32-byte store (output bytes
    /// 24k..<24k+32) fits in `capacity`. Nothing without AVX2.
    static func expectedConsumed(_ input: [UInt8], capacity: Int) -> Int {
        guard cpuHasAVX2 else { return 0 }
        var blocks = 0
        while 32 * (blocks + 1) <= input.count, 24 * blocks + 32 <= capacity,
            input[(32 * blocks)..<(32 * blocks + 32)].allSatisfy(alphabet.contains)
        {
            blocks += 1
        }
        return 32 * blocks
    }

    static func reference<C: Collection>(_ input: C) -> Result<[UInt8], Base64URL.DecodeError>
    where C.Element == UInt8, C.Index == Int {
        do throws(Base64URL.DecodeError) { return .success(try Base64URL.decodeReference(bytes: input)) } catch {
            return .failure(error)
        }
    }

    static func decoded(_ input: UnsafeBufferPointer<UInt8>) -> Result<[UInt8], Base64URL.DecodeError> {
        do throws(Base64URL.DecodeError) { return .success(try Base64URL.decode(bytes: input)) } catch {
            return .failure(error)
        }
    }

    /// Input memory that ends at a page the process may not touch: input placed so that it ends 0...31 bytes before
    /// it, starting at a chosen offset from a 32-byte boundary, faults on any read past its end of a whole block.
    /// (Unaligned loads: every offset; reading past the end: the offset at which the input ends at the page.)
    final class GuardedInput {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let base: UnsafeMutableRawPointer

        init() {
            let mapped = mmap(nil, 2 * pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            precondition(mapped != UnsafeMutableRawPointer(bitPattern: -1), "mmap failed")
            base = mapped!
            precondition(mprotect(base + pageSize, pageSize, PROT_NONE) == 0, "mprotect failed")
        }

        deinit { munmap(base, 2 * pageSize) }

        /// `input` copied to start at `offset` (mod 32) and end within 32 bytes of the guard page.
        func place<R>(_ input: [UInt8], offset: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            precondition(input.count + 32 <= pageSize)
            let pad = (32 - (input.count + offset) % 32) % 32
            let start = (base + pageSize - pad - input.count).assumingMemoryBound(to: UInt8.self)
            input.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: input.count) }
            return body(UnsafeBufferPointer(start: start, count: input.count))
        }
    }

    struct Step {
        let consumed: Int
        let output: [UInt8]
        let canariesIntact: Bool
    }

    /// Runs the step with `capacity` bytes of output between two 64-byte canary zones, twice with different
    /// canary and output fill (so that no write can match the canary by chance), and checks that both runs agree.
    static func step(_ input: UnsafeBufferPointer<UInt8>, capacity: Int) -> Step {
        var runs: [Step] = []
        for fill: UInt8 in [0x00, 0xFF] {
            var buffer = [UInt8](repeating: fill, count: 64 + capacity + 64)
            let consumed = buffer.withUnsafeMutableBufferPointer { out in
                Base64URL.decodeBlocks(input, into: out.baseAddress! + 64, capacity: capacity)
            }
            let intact = buffer[..<64].allSatisfy { $0 == fill } && buffer[(64 + capacity)...].allSatisfy { $0 == fill }
            runs.append(Step(consumed: consumed, output: Array(buffer[64..<(64 + capacity)]), canariesIntact: intact))
        }
        let written = runs[0].consumed / 4 * 3
        #expect(runs[0].consumed == runs[1].consumed, "the step consumed differently over other memory contents")
        #expect(runs[0].output.prefix(written) == runs[1].output.prefix(written), "the step wrote different bytes")
        return Step(consumed: runs[0].consumed, output: runs[0].output,
                    canariesIntact: runs[0].canariesIntact && runs[1].canariesIntact)
    }

    /// The step on `input` as `decodeContiguous` calls it (capacity: the decoded length), and the whole decoder on
    /// the same memory, against the rules and the reference.
    static func check(_ input: UnsafeBufferPointer<UInt8>, _ label: String) {
        let bytes = Array(input)
        let capacity = Base64URL.decodedCount(bytes.count) ?? bytes.count
        let result = step(input, capacity: capacity)
        let expected = expectedConsumed(bytes, capacity: capacity)
        #expect(result.consumed == expected, "\(label): consumed")
        #expect(result.canariesIntact, "\(label): wrote outside its output")
        if case .success(let prefix) = reference(bytes[..<result.consumed]) {
            #expect(Array(result.output.prefix(result.consumed / 4 * 3)) == prefix, "\(label): decoded bytes")
        } else {
            Issue.record("\(label): consumed \(result.consumed) characters the reference refuses")
        }
        #expect(decoded(input) == reference(bytes), "\(label): Base64URL.decode")
        // The whole fast path into exactly `decodedCount` bytes (how a signature is decoded into its token): the
        // scalar steps after the vector step keep within them too.
        guard let count = Base64URL.decodedCount(bytes.count) else { return }
        for fill: UInt8 in [0x00, 0xFF] {
            var buffer = [UInt8](repeating: fill, count: 64 + count + 64)
            let written = buffer.withUnsafeMutableBufferPointer { out in
                Base64URL.decodeContiguous(input, into: out.baseAddress! + 64)
            }
            #expect(buffer[..<64].allSatisfy { $0 == fill } && buffer[(64 + count)...].allSatisfy { $0 == fill },
                    "\(label): decodeContiguous wrote outside its output")
            switch reference(bytes) {
            case .success(let expected):
                #expect(written == count && Array(buffer[64..<(64 + count)]) == expected, "\(label): decodeContiguous")
            case .failure: #expect(written == nil, "\(label): decodeContiguous accepted invalid input")
            }
        }
    }

    @Test func randomInputOfEveryLengthAtEveryAlignment() {
        var random = SplitMix64(seed: 22)
        let memory = GuardedInput()
        for length in 0...300 {
            for offset in 0..<32 {
                // An encoding of random bytes where the length has one (canonical); random characters at 4n+1.
                let input: [UInt8]
                if let count = Base64URL.decodedCount(length) {
                    let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    input = Array(Base64URL.encode(bytes).utf8)
                } else {
                    input = (0..<length).map { _ in Self.alphabet[random.below(64)] }
                }
                memory.place(input, offset: offset) { Self.check($0, "length \(length) at offset \(offset)") }
            }
        }
    }

    /// Bytes a producer gets wrong (padding, the standard alphabet, whitespace, the separator, NUL, DEL,
    /// non-ASCII) and the bytes just outside each range of the alphabet: ',' and '.' around '-', '/' and ':'
    /// around the digits, '@' and '[' around 'A'-'Z', '^' and '`' around '_', '`' and '{' around 'a'-'z'.
    static let strays: [UInt8] = Array("=+/ .".utf8) + [0x00, 0x7F, 0x80, 0xFF] + Array("@[`{:,^".utf8)

    @Test func oneStrayByteAtEveryPositionStopsBeforeItsBlock() {
        var random = SplitMix64(seed: 23)
        let memory = GuardedInput()
        let valid = Array(Base64URL.encode((0..<150).map { _ in UInt8(truncatingIfNeeded: random.next()) }).utf8)
        #expect(valid.count == 200)
        for position in valid.indices {
            for stray in Self.strays {
                var input = valid
                input[position] = stray
                memory.place(input, offset: position % 32) { buffer in
                    Self.check(buffer, "byte \(stray) at \(position)")
                    // The blocks before the stray's, of the five whose stores fit in 150 bytes.
                    let expected = Self.cpuHasAVX2 ? min(position / 32 * 32, 160) : 0
                    #expect(Self.step(buffer, capacity: 150).consumed == expected, "byte \(stray) at \(position)")
                    // The error is the reference's, kind and offset.
                    #expect(Self.decoded(buffer) == Self.reference(input), "byte \(stray) at \(position): error")
                    #expect(Self.decoded(buffer) != Self.reference(valid), "byte \(stray) at \(position): accepted")
                }
            }
        }
    }

    /// Every byte value at every position of two blocks (the lookups are per 128-bit lane, so both lanes of both
    /// blocks): the step takes the block exactly when the byte is in the alphabet, and decodes it as the reference.
    @Test func everyByteValueAtEveryPositionOfABlock() {
        let memory = GuardedInput()
        var random = SplitMix64(seed: 24)
        let valid = Array(Base64URL.encode((0..<72).map { _ in UInt8(truncatingIfNeeded: random.next()) }).utf8)
        #expect(valid.count == 96)
        for position in 0..<64 {
            for byte in 0...255 {
                var input = valid
                input[position] = UInt8(byte)
                memory.place(input, offset: 0) { buffer in
                    Self.check(buffer, "byte \(byte) at \(position)")
                    let expected = Self.cpuHasAVX2 ? (Self.alphabet.contains(UInt8(byte)) ? 64 : position / 32 * 32) : 0
                    #expect(Self.step(buffer, capacity: 72).consumed == expected, "byte \(byte) at \(position)")
                }
            }
        }
    }

    /// The 32-byte store writes 8 bytes past a block's 24: a block is decoded only when they fit, at every
    /// capacity around that limit, and nothing beyond the capacity is ever written.
    @Test func outputCapacityIsNeverExceeded() {
        let memory = GuardedInput()
        var random = SplitMix64(seed: 25)
        let valid = Array(Base64URL.encode((0..<192).map { _ in UInt8(truncatingIfNeeded: random.next()) }).utf8)
        #expect(valid.count == 256)
        for offset in [0, 1, 31] {
            memory.place(valid, offset: offset) { buffer in
                for capacity in 0...200 {
                    let result = Self.step(buffer, capacity: capacity)
                    let label = "capacity \(capacity) at offset \(offset)"
                    #expect(result.consumed == Self.expectedConsumed(valid, capacity: capacity), "\(label): consumed")
                    #expect(result.canariesIntact, "\(label): wrote outside its output")
                    #expect(result.consumed / 4 * 3 <= capacity, "\(label): consumed more than it wrote")
                }
            }
        }
        if Self.cpuHasAVX2 {
            // The limit itself: 31 bytes hold no block's store, 32 one, 55 still one, 56 two.
            memory.place(valid, offset: 0) { buffer in
                #expect([31, 32, 55, 56].map { Self.step(buffer, capacity: $0).consumed } == [0, 32, 32, 64])
            }
        }
    }

    /// The step runs where the CPU has AVX2 and nowhere else: decoding a long segment either takes blocks or
    /// returns 0, as /proc/cpuinfo says.
    @Test func theStepRunsExactlyWhenTheCPUHasAVX2() {
        let valid = Array(Base64URL.encode([UInt8](repeating: 0xA5, count: 600)).utf8)
        let consumed = valid.withUnsafeBufferPointer { Self.step($0, capacity: 600).consumed }
        #expect(consumed == (Self.cpuHasAVX2 ? 768 : 0))
    }
}
