import Glibc

/// Reads a file descriptor line by line with a fixed buffer, so memory does not grow with the input.
/// A line longer than `maxLineBytes` is not kept: it is reported as `.unreadable` and the reader skips to the
/// next newline, so one absurd line cannot exhaust memory or stop a batch. A line that is not text (invalid
/// UTF-8, a NUL byte) is `.unreadable` too, with the words a single run uses for such input (TokenSource), so a
/// batch line and the same line given alone get the same answer.
struct LineReader {
    enum Line {
        case text(String, number: Int)
        case unreadable(number: Int, reason: String)
    }

    enum Stop: Error {
        case interrupted
        case readError(Int32)
    }

    let fd: Int32
    let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private(set) var lineNumber = 0
    private let shouldStop: () -> Bool

    init(fd: Int32, maxLineBytes: Int, shouldStop: @escaping () -> Bool = { false }) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.buffer = [UInt8](repeating: 0, count: max(65_536, maxLineBytes + 2))
        self.shouldStop = shouldStop
    }

    func tooLong(_ bytes: Int) -> String { "the line is \(bytes) bytes, over the \(maxLineBytes)-byte limit for a token" }

    /// The line's bytes as text, or why they are not text.
    ///
    /// Nearly every line is text, and is read in one pass: the byte after the line (its `\n` or `\r`, or a stale
    /// byte after the input's last line) is set to 0 for the time of `String(validatingCString:)`, which finds that end with strlen(3)
    /// and validates the UTF-8 once, eight bytes at a time while the bytes are ASCII. A NUL inside the line ends
    /// that C string early, so the string comes back shorter than the line. Whatever is not accepted so (a NUL,
    /// invalid UTF-8, a last line that fills the buffer) is judged again below, where the reason names the byte.
    /// (`String(validating:)`, a generic path, then a byte-by-byte search for a NUL, cost 6,000 instructions for a
    /// 900-byte token line, more than splitting and decoding the token; this costs 900, most of it the String's
    /// allocation and copy.)
    private mutating func text(_ range: Range<Int>) -> Line {
        let number = lineNumber
        return buffer.withUnsafeMutableBufferPointer { all in
            if range.upperBound < all.count {
                let terminator = all[range.upperBound]
                all[range.upperBound] = 0
                let text = UnsafeRawPointer(all.baseAddress! + range.lowerBound)
                    .withMemoryRebound(to: CChar.self, capacity: range.count + 1) { String(validatingCString: $0) }
                all[range.upperBound] = terminator
                if let text, text.utf8.count == range.count { return .text(text, number: number) }
            }
            let bytes = UnsafeBufferPointer(rebasing: all[range])
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .unreadable(number: number, reason: "the line is not text: invalid UTF-8 at byte \(TokenSource.firstInvalidUTF8(Array(bytes)) + 1)")
            }
            if bytes.contains(0) { return .unreadable(number: number, reason: "the line is not text: it contains a NUL byte") }
            return .text(text, number: number)
        }
    }

    /// The next line without its terminator (`\n` or `\r\n`), or nil at end of input. `beforeWaiting` runs when
    /// the next line is not there yet and reading would wait for the writer: a batch writes the results it holds
    /// then, so that `tail -f log | jwtaudit verify --batch` answers each line as it comes.
    mutating func next(beforeWaiting: () -> Void = {}) throws(Stop) -> Line? {
        var discarding = false
        var discarded = 0
        while true {
            if let newline = firstNewline() {
                lineNumber += 1
                let lineEnd = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
                defer { start = newline + 1 }
                if discarding {
                    return .unreadable(number: lineNumber, reason: tooLong(discarded + (newline - start)))
                }
                if lineEnd - start > maxLineBytes {
                    return .unreadable(number: lineNumber, reason: tooLong(lineEnd - start))
                }
                return text(start..<lineEnd)
            }
            if eof {
                guard end > start || discarding else { return nil }
                lineNumber += 1
                let length = end - start
                defer { start = end }
                if discarding || length > maxLineBytes {
                    return .unreadable(number: lineNumber, reason: tooLong(discarded + length))
                }
                return text(start..<end)
            }
            // Compact, and when a line does not fit in the buffer, drop what we have and remember we are inside
            // an over-long line.
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    let base = raw.baseAddress!
                    memmove(base, base + start, end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count {
                discarding = true
                discarded += end
                end = 0
            }
            try fill(beforeWaiting: beforeWaiting)
        }
    }

    /// memchr(3): a token line is ~1 KB, and a byte-by-byte Swift loop with bounds checks cost as much as
    /// decoding the token's base64url.
    private func firstNewline() -> Int? {
        guard end > start else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            let base = raw.baseAddress!
            guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
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
            let count = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + end, raw.count - end)
            }
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
