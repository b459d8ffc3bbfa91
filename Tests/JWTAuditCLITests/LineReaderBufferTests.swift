import CPosix
import Glibc
import Testing
@testable import JWTAuditCLI

/// The reader starts with a small buffer, which stays in the processor's cache while its lines are parsed, and grows
/// it only for a line that does not fit, up to the longest line it keeps: a long line is read whole, a line over the
/// limit is still reported with its length, and the lines around either are read as before.
@Suite("Batch lines: a small read buffer that grows for long lines")
struct LineReaderBufferTests {
    /// Every line the reader gives for `input`: its text, or "unreadable: <reason>", with its number.
    static func lines(_ input: [UInt8], maxLineBytes: Int) throws -> (lines: [String], bufferBytes: [Int]) {
        var reader = LineReader(fd: BatchRunnerTests.pipe(bytes: input), maxLineBytes: maxLineBytes)
        defer { close(reader.fd) }
        var lines: [String] = []
        var sizes = [reader.bufferBytes]
        while let line = try reader.next() {
            switch line {
            case .bytes(let bytes, let number): lines.append("\(number):\(String(decoding: bytes, as: UTF8.self))")
            case .unreadable(let number, let reason): lines.append("\(number):unreadable: \(reason)")
            }
            sizes.append(reader.bufferBytes)
        }
        return (lines, sizes)
    }

    @Test func tokenSizedLinesNeverGrowTheBuffer() throws {
        let input = (1...2000).map { "ok\($0)" + String(repeating: "t", count: 1200) }.joined(separator: "\n") + "\n"
        let read = try Self.lines(Array(input.utf8), maxLineBytes: 256 * 1024)
        #expect(read.lines.count == 2000)
        #expect(read.lines[1999] == "2000:ok2000" + String(repeating: "t", count: 1200))
        #expect(Set(read.bufferBytes) == [LineReader.firstBufferBytes])
    }

    /// Lines of 64 KiB and more: at, just over and far over the first buffer, and the longest a batch keeps.
    @Test(arguments: [65_534, 65_535, 65_536, 65_537, 150_000, 262_144])
    func aLongLineWithinTheLimitIsReadWhole(length: Int) throws {
        let long = String(repeating: "x", count: length)
        for ending in ["\n", "\r\n"] {
            let input = "ok1\(ending)\(long)\(ending)ok3\(ending)"
            let read = try Self.lines(Array(input.utf8), maxLineBytes: 256 * 1024)
            #expect(read.lines == ["1:ok1", "2:" + long, "3:ok3"], "\(length) bytes, \(ending.count)-byte ending")
            #expect(read.bufferBytes.first == LineReader.firstBufferBytes)
            #expect(read.bufferBytes.max()! <= 256 * 1024 + 2)
        }
    }

    @Test(arguments: [100_001, 100_002, 300_000])
    func aLineOverTheLimitIsReportedWithItsLengthAfterTheBufferGrew(length: Int) throws {
        let input = "ok1\n" + String(repeating: "y", count: length) + "\nok3\n" + String(repeating: "z", count: 100_000) + "\n"
        let read = try Self.lines(Array(input.utf8), maxLineBytes: 100_000)
        #expect(read.lines.count == 4)
        #expect(read.lines[0] == "1:ok1")
        #expect(read.lines[1] == "2:unreadable: the line is \(length) bytes, over the 100000-byte limit for a token")
        #expect(read.lines[2] == "3:ok3")
        #expect(read.lines[3] == "4:" + String(repeating: "z", count: 100_000), "a line at the limit is kept")
        #expect(read.bufferBytes.max() == 100_002, "the buffer grows to the longest line kept and no further")
    }

    static func describe(_ ready: LineReader.Ready) -> String {
        switch ready {
        case .line(.bytes(let bytes, let number)): "\(number): \(String(decoding: bytes, as: UTF8.self))"
        case .line(.unreadable(let number, let reason)): "\(number): unreadable: \(reason)"
        case .end: "end"
        case .notYet: "not yet"
        }
    }

    /// A worker that holds some lines asks for more only if they are there (`nextIfReady`, `TakeFeed`): no whole line
    /// yet is "not yet", never a wait; a line over the limit that arrives across several such calls is still one
    /// line, reported with its whole length; the end is the end.
    @Test func nextIfReadyNeverWaitsAndKeepsALongLineAcrossCalls() throws {
        var fds: [Int32] = [0, 0]
        try #require(jwtaudit_pipe_cloexec(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd) }
        func send(_ text: String) { _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(writeEnd, $0.baseAddress, $0.count - 1) } }
        var reader = LineReader(fd: readEnd, maxLineBytes: 100_000)
        send("ok1\n")
        #expect(Self.describe(try reader.nextIfReady()) == "1: ok1")
        #expect(Self.describe(try reader.nextIfReady()) == "not yet")
        for _ in 0..<4 {
            send(String(repeating: "x", count: 40_000))
            #expect(Self.describe(try reader.nextIfReady()) == "not yet")
        }
        send("\nok3\n")
        #expect(Self.describe(try reader.nextIfReady()) == "2: unreadable: the line is 160000 bytes, over the 100000-byte limit for a token")
        #expect(Self.describe(try reader.nextIfReady()) == "3: ok3")
        #expect(Self.describe(try reader.nextIfReady()) == "not yet")
        send("ok4")
        #expect(Self.describe(try reader.nextIfReady()) == "not yet", "a line without its newline is not whole yet")
        close(writeEnd)
        #expect(Self.describe(try reader.nextIfReady()) == "4: ok4")
        #expect(Self.describe(try reader.nextIfReady()) == "end")
    }

    /// The last line without a newline, longer than the first buffer: read whole at the end of the input.
    @Test func aLongLastLineWithoutNewlineIsReadWhole() throws {
        let long = String(repeating: "w", count: 200_000)
        let read = try Self.lines(Array("ok1\n\(long)".utf8), maxLineBytes: 256 * 1024)
        #expect(read.lines == ["1:ok1", "2:" + long])
    }
}
