import Glibc

/// Reads a file descriptor line by line with a fixed buffer, so memory does not grow with the input.
/// A line longer than `maxLineBytes` is not kept: it is reported as `.unreadable` and the reader skips to the
/// next newline, so one absurd line cannot exhaust memory or stop a batch. Other lines come as their bytes, borrowed
/// from the buffer until the next call: whether they are text is asked by who reads them (`text(of:)`), since a
/// line that parses as a token is text already and need not be made a String (`CompactToken.parse(_:in:)`).
struct LineReader {
    enum Line {
        /// The line's bytes, in the reader's buffer: valid until `next` is called again.
        case bytes(UnsafeBufferPointer<UInt8>, number: Int)
        case unreadable(number: Int, reason: String)
    }

    enum Stop: Error {
        case interrupted
        case readError(Int32)
    }

    /// Why a line is not text, in the words a single run uses for such input (TokenSource), so that a batch line and
    /// the same line given alone get the same answer.
    struct NotText: Error {
        let reason: String
    }

    /// The read buffer: raw memory, so that a line can be lent out of it without an array's storage escaping its
    /// closure.
    private final class Buffer {
        let base: UnsafeMutablePointer<UInt8>
        let count: Int
        init(count: Int) {
            self.count = count
            base = .allocate(capacity: count)
        }
        deinit { base.deallocate() }
    }

    /// What `nextIfReady` found.
    enum Ready {
        case line(Line)
        /// The end of the input.
        case end
        /// No whole line yet: reading on would wait for the writer.
        case notYet
    }

    let fd: Int32
    let maxLineBytes: Int
    private var buffer: Buffer
    /// Inside a line over the limit: its bytes so far are dropped, and counted for the message.
    private var discarding = false
    private var discarded = 0
    /// The most the buffer grows to: the longest line kept, with its `\r\n`.
    private let fullCount: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private(set) var lineNumber = 0
    private let shouldStop: () -> Bool

    /// The buffer's first size. It grows (doubling) only when a line does not fit, up to `maxLineBytes` + 2.
    ///
    /// Why not the full size at once: a batch's lines are ~1 KB tokens, and a 256 KiB buffer read full at each
    /// read(2) was mostly out of the level-2 cache by the time its lines were parsed; the kernel then copied into
    /// cold memory and the parser read it back from further away. With 64 KiB (and a one-job chunk of 128 lines),
    /// an RS256 `--jobs 1` batch ran 1.0% faster (`BatchRunner.chunkSize`, issue 22).
    static let firstBufferBytes = 65_536

    init(fd: Int32, maxLineBytes: Int, shouldStop: @escaping () -> Bool = { false }) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        fullCount = max(Self.firstBufferBytes, maxLineBytes + 2)
        buffer = Buffer(count: Self.firstBufferBytes)
        self.shouldStop = shouldStop
    }

    /// The read buffer's size now (tests).
    var bufferBytes: Int { buffer.count }

    func tooLong(_ bytes: Int) -> String { "the line is \(bytes) bytes, over the \(maxLineBytes)-byte limit for a token" }

    /// A line's bytes as text, or why they are not text: invalid UTF-8 (the byte named), or a NUL byte.
    ///
    /// `String(validating:)` checks the UTF-8 eight bytes at a time while the bytes are ASCII and gives up at the
    /// first byte that is not UTF-8; then memchr(3) looks for a NUL. (`String(decoding:)` would repair what is not
    /// UTF-8 instead of giving up: 260 instructions a byte on a line of binary.)
    static func text(of bytes: UnsafeBufferPointer<UInt8>) -> Result<String, NotText> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(NotText(reason: "the line is not text: invalid UTF-8 at byte \(TokenSource.firstInvalidUTF8(Array(bytes)) + 1)"))
        }
        if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
            return .failure(NotText(reason: "the line is not text: it contains a NUL byte"))
        }
        return .success(text)
    }

    /// The bytes of the line in `range` of the buffer, lent until the next call.
    private func line(_ range: Range<Int>) -> Line {
        .bytes(UnsafeBufferPointer(start: buffer.base + range.lowerBound, count: range.count), number: lineNumber)
    }

    /// The next line without its terminator (`\n` or `\r\n`), or nil at end of input. `beforeWaiting` runs when
    /// the next line is not there yet and reading would wait for the writer: a batch writes the results it holds
    /// then, so that `tail -f log | jwtaudit verify --batch` answers each line as it comes. (Not inlined: inlined into
    /// a batch's loop, it made each line check the exclusive access of the four variables `beforeWaiting` captures,
    /// some 400 instructions a line.)
    @inline(never)
    mutating func next(beforeWaiting: () -> Void = {}) throws(Stop) -> Line? {
        switch try advance(waiting: true, beforeWaiting: beforeWaiting) {
        case .line(let line): return line
        case .end, .notYet: return nil
        }
    }

    /// The next line when it can be had without waiting for the writer; `.notYet` when reading on would wait.
    /// (The workers of a batch take their own lines a few at a time: one that holds some lines judges them rather than
    /// wait with them for the rest of a stream.)
    @inline(never)
    mutating func nextIfReady() throws(Stop) -> Ready {
        try advance(waiting: false, beforeWaiting: {})
    }

    private mutating func advance(waiting: Bool, beforeWaiting: () -> Void) throws(Stop) -> Ready {
        while true {
            if let newline = firstNewline() {
                lineNumber += 1
                let lineEnd = newline > start && buffer.base[newline - 1] == 0x0D ? newline - 1 : newline
                defer { start = newline + 1 }
                if discarding {
                    let length = discarded + (newline - start)
                    discarding = false
                    discarded = 0
                    return .line(.unreadable(number: lineNumber, reason: tooLong(length)))
                }
                if lineEnd - start > maxLineBytes {
                    return .line(.unreadable(number: lineNumber, reason: tooLong(lineEnd - start)))
                }
                return .line(line(start..<lineEnd))
            }
            if eof {
                guard end > start || discarding else { return .end }
                lineNumber += 1
                let length = end - start
                defer { start = end }
                if discarding || length > maxLineBytes {
                    let total = discarded + length
                    discarding = false
                    discarded = 0
                    return .line(.unreadable(number: lineNumber, reason: tooLong(total)))
                }
                return .line(line(start..<end))
            }
            // Compact, and when a line does not fit in the buffer, grow the buffer, or at its full size drop what we
            // have and remember we are inside an over-long line.
            if start > 0 {
                memmove(buffer.base, buffer.base + start, end - start)
                end -= start
                start = 0
            }
            if end == buffer.count {
                if buffer.count < fullCount {
                    grow()
                } else {
                    discarding = true
                    discarded += end
                    end = 0
                }
            }
            if !waiting {
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&ready, 1, 0) == 0 { return .notYet }
            }
            try fill(beforeWaiting: beforeWaiting)
        }
    }

    /// A buffer twice as large (at most `fullCount`), holding the bytes read so far: the line being read is longer
    /// than the buffer, and no line lent out is in use any more (`next` is running).
    private mutating func grow() {
        let larger = Buffer(count: min(fullCount, 2 * buffer.count))
        memcpy(larger.base, buffer.base, end)
        buffer = larger
    }

    /// memchr(3): a token line is ~1 KB, and a byte-by-byte Swift loop with bounds checks cost as much as
    /// decoding the token's base64url.
    private func firstNewline() -> Int? {
        guard end > start else { return nil }
        guard let found = memchr(buffer.base + start, 0x0A, end - start) else { return nil }
        return UnsafeRawPointer(buffer.base).distance(to: UnsafeRawPointer(found))
    }

    private mutating func fill(beforeWaiting: () -> Void) throws(Stop) {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&ready, 1, 0) == 0 { beforeWaiting() }
        while true {
            if shouldStop() { throw .interrupted }
            // Wait with a timeout rather than block in read(2): SIGINT may be delivered to another thread of the
            // process, and then this thread's read would never return EINTR. Polling every 200 ms sees the flag.
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 200)
            if polled == 0 || (polled < 0 && errno == EINTR) { continue }
            let count = read(fd, buffer.base + end, buffer.count - end)
            if count > 0 {
                end += count
                return
            }
            if count == 0 {
                eof = true
                return
            }
            let error = errno
            if error == EINTR {
                if shouldStop() { throw .interrupted }
                continue
            }
            throw .readError(error)
        }
    }
}
