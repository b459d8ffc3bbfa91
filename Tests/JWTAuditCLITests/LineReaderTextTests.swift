import Glibc
import Testing
import TestSupport
@testable import JWTAuditCLI

/// A line is read as its bytes, and as text in one pass when it is text, judged byte by byte when it is not
/// (`LineReader.text(of:)`): wherever the bad byte sits, at the start, inside, or last, in a short line or a long
/// one, the answer is the one the byte-by-byte path gives, and the lines around it are read whole.
@Suite("Batch lines: text or not, wherever the bad byte is")
struct LineReaderTextTests {
    enum Read: Equatable {
        case text(String, Int)
        case unreadable(Int, String)
    }

    /// Every line of `bytes`, as the reader gives them.
    static func read(_ bytes: [UInt8], maxLine: Int = 1000) throws -> [Read] {
        let fd = BatchRunnerTests.pipe(bytes: bytes)
        // Closed here: this suite reads thousands of inputs, and descriptors left open reached every child process
        // the other suites started meanwhile (a test server then had sockets past select()'s 1024 and failed).
        defer { close(fd) }
        var reader = LineReader(fd: fd, maxLineBytes: maxLine)
        var lines: [Read] = []
        while let line = try reader.next() {
            switch line {
            case .bytes(let bytes, let number):
                switch LineReader.text(of: bytes) {
                case .success(let text): lines.append(.text(text, number))
                case .failure(let notText): lines.append(.unreadable(number, notText.reason))
                }
            case .unreadable(let number, let reason): lines.append(.unreadable(number, reason))
            }
        }
        return lines
    }

    static let nul = "the line is not text: it contains a NUL byte"
    static func invalid(at offset: Int) -> String { "the line is not text: invalid UTF-8 at byte \(offset + 1)" }

    /// Lines of 1 to 17 bytes and some longer ones (a word, two, a token's length), with a NUL or a 0x80 at each
    /// position, between two good lines, ended by `\n` or `\r\n` or by the end of the input.
    @Test(arguments: Array(1...17) + [31, 32, 33, 900])
    func aBadByteAnywhereMakesTheLineUnreadableAndNoOtherLine(length: Int) throws {
        let good = Array(repeating: UInt8(ascii: "a"), count: length)
        for (ending, last) in [("\n", "\n"), ("\r\n", "\r\n"), ("\n", "")] {
            for position in 0..<length {
                for (bad, reason) in [(UInt8(0), Self.nul), (UInt8(0x80), Self.invalid(at: position))] {
                    var line = good
                    line[position] = bad
                    let input = Array("before\(ending)".utf8) + line + Array("\(ending)after\(ending)".utf8) + line
                        + Array(last.utf8)
                    let expected: [Read] = [.text("before", 1), .unreadable(2, reason), .text("after", 3), .unreadable(4, reason)]
                    #expect(try Self.read(input) == expected, "length \(length), byte \(bad) at \(position), ending \(Array(last.utf8))")
                }
            }
        }
    }

    /// The good lines themselves, of every length, come back whole, last line or not.
    @Test(arguments: Array(1...17) + [31, 32, 33, 900])
    func aTextLineIsReadWhole(length: Int) throws {
        let text = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x21 + $0 % 90))) })
        #expect(try Self.read(Array("\(text)\n\(text)\r\n\(text)".utf8)) == [.text(text, 1), .text(text, 2), .text(text, 3)])
    }

    /// UTF-8 beyond ASCII is text; a truncated sequence or a lone continuation byte is not, and the byte named is
    /// the first one that cannot be decoded.
    @Test func utf8BeyondASCIIIsTextAndBrokenUTF8IsNot() throws {
        let input = Array("café ✓ 🔑\n".utf8) + [0x61, 0xC3] + Array("\n".utf8) + [0x61, 0x62, 0xBF, 0x63] + Array("\nok".utf8)
        #expect(try Self.read(input) == [
            .text("café ✓ 🔑", 1), .unreadable(2, Self.invalid(at: 1)), .unreadable(3, Self.invalid(at: 2)), .text("ok", 4),
        ])
    }

    /// The text check accepts exactly what the standard library's strict validation accepts, and gives back those
    /// bytes; what it refuses, it refuses at the first byte that cannot be decoded. Among the cases are sequences cut
    /// short whose replacement character is as long as they are (`F0 90 80` before a letter): decoding with
    /// replacement and comparing lengths alone would take them for text.
    @Test func agreesWithTheStandardLibraryOnEveryLeadAndSecondByte() {
        var disagreements: [String] = []
        UTF8Cases.leadAndSecondByte { bytes, valid in
            let outcome: String
            switch LineReader.text(of: bytes) {
            case .success(let text): outcome = Array(text.utf8) == bytes ? "text" : "misread"
            case .failure(let notText):
                outcome = notText.reason == Self.invalid(at: TokenSource.firstInvalidUTF8(bytes)) ? "refused" : notText.reason
            }
            if outcome != (valid ? "text" : "refused"), disagreements.count < 10 {
                disagreements.append("\(UTF8Cases.hex(bytes)): \(outcome)")
            }
        }
        #expect(disagreements.isEmpty, "disagrees with String(validating:) on \(disagreements)")
    }

    /// An empty line and a line of one NUL: text, and not text.
    @Test func theShortestLines() {
        #expect((try? LineReader.text(of: []).get()) == "")
        #expect(LineReader.text(of: [0]).failureReason == Self.nul)
        #expect(LineReader.text(of: [0x80, 0]).failureReason == Self.invalid(at: 0))
    }
}

extension LineReader {
    static func text(of bytes: [UInt8]) -> Result<String, NotText> {
        bytes.withUnsafeBufferPointer { text(of: $0) }
    }
}

extension Result where Failure == LineReader.NotText {
    var failureReason: String? {
        if case .failure(let notText) = self { return notText.reason }
        return nil
    }
}
