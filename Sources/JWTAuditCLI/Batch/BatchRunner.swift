import Glibc
import Synchronization

/// One result of a batch: the JSON line to print and what the summary counts.
struct BatchItemResult: Sendable {
    var jsonLine: String
    /// The line, when the worker wrote it into its `BatchLineBuffers` slot instead of `jsonLine`: these bytes of it.
    var lineBytes: Range<Int>? = nil
    var valid: Bool
    /// The ids of the checks that failed (`format` for a line that is not a token).
    var failedChecks: [String]
    /// True when the line could not be read as a token at all.
    var malformed: Bool
    /// True when the keys for this token could not be obtained (network, offline cache miss).
    var undecided = false
    /// True when the run was interrupted before this line was judged: it is neither printed nor counted.
    var interrupted = false
    /// True when the line holds more than one token (one was judged, as `--pick` says).
    var severalTokens = false
    /// Why the keys could not be obtained, for an undecided token (`--quiet` says the first).
    var undecidedReason: String? = nil
    /// What the line adds to `--summary` (who sent it, admitted or not, why); nil when no summary is asked for.
    var tally: BatchTally.Entry? = nil

    /// The worker that judged the line, whose `BatchLineBuffers` slot holds `lineBytes` (set by the runner). Kept in
    /// the result, which its worker writes anyway, rather than in an array of its own: neighbouring entries of such
    /// an array are written by different workers, and each write took the shared cache line from the other core.
    var judgedBy: Int32 = 0

    /// A line not judged because of an interrupt.
    static let notJudged = BatchItemResult(jsonLine: "", valid: false, failedChecks: [], malformed: false, interrupted: true)
}

extension BatchItemResult {
    /// The result's line: `lineBytes` of `lineBuffer` (the writer its worker wrote the line into), or `jsonLine`;
    /// nothing for a summary-only run (`--summary`), which writes no line per token.
    func write(into out: inout JSONLineWriter, lineBuffer: UnsafeMutablePointer<JSONLineWriter>?) {
        if let range = lineBytes, let lineBuffer {
            out.line(range, of: lineBuffer)
            return
        }
        if jsonLine.isEmpty { return }
        out.raw(jsonLine)
        out.newline()
    }
}

/// Set from the SIGINT handler; checked between reads, between chunks or takes, and before each line.
let batchInterrupted = Atomic<Bool>(false)

/// Streams tokens through a verification closure on every core and writes results in input order.
///
/// With one job the calling thread reads a chunk of lines, judges them and writes them, chunk after chunk, so memory
/// is bounded by the chunk whatever the input size. A chunk ends at 128 lines or 16 MiB of text, whichever comes
/// first, or as soon as the input pauses (the writer has not sent the next line yet), so a stream is answered line
/// by line.
///
/// With more, the workers feed themselves (`TakeFeed`): each takes up to eight lines at a time from the shared
/// reader, judges them and writes the lines that are ready, in input order, through a window of takes that bounds
/// the memory. An earlier design read and wrote on a thread of its own while the workers judged chunks; on a machine
/// with as many cores as jobs that thread shared the workers' cores, and `--jobs 2` judged 7% fewer tokens a second
/// than two `--jobs 1` processes (issue 22, bench/README.md). A worker's state (`worker` in `verify`) has one user:
/// the worker's own thread.
struct BatchRunner {
    struct Summary: Sendable {
        var total = 0
        var valid = 0
        var rejected = 0
        var malformed = 0
        var undecided = 0
        var failedByCheck: [String: Int] = [:]
        /// Lines that held more than one token.
        var severalTokens = 0
        /// Why the keys of the first undecided token could not be obtained.
        var firstUndecidedReason: String?
        var interrupted = false
        var outputClosed = false
        /// The `--summary` rows, from the lines' `tally` entries.
        var tally = BatchTally()

        /// Counts a line's result; false when the line was not judged (an interrupt), and is neither counted nor printed.
        mutating func count(_ result: borrowing BatchItemResult) -> Bool {
            if result.interrupted {
                interrupted = true
                return false
            }
            total += 1
            if result.malformed {
                malformed += 1
            } else if result.undecided {
                undecided += 1
                if firstUndecidedReason == nil { firstUndecidedReason = result.undecidedReason }
            } else if result.valid {
                valid += 1
            } else {
                rejected += 1
            }
            if !result.failedChecks.isEmpty {
                for id in result.failedChecks { failedByCheck[id, default: 0] += 1 }
            }
            if result.severalTokens { severalTokens += 1 }
            if let entry = result.tally { tally.add(entry) }
            return true
        }
    }

    let jobs: Int
    let maxLineBytes: Int
    /// The lines of a full chunk, with one job: 128. A chunk's lines are copied out of the read buffer and judged
    /// only when the chunk is full; 1,024 lines of ~1.2 KB tokens (1.2 MB) no longer sat in the level-2 cache by
    /// then, and each token's text was read back from further away. With 128 lines (and a 64 KiB read buffer,
    /// `LineReader.firstBufferBytes`) an RS256 batch ran 1.0% faster (median of 12 runs taking turns; 1.5% in another
    /// 14), with 1% less CPU; 64 and 256 lines did as well (issue 22).
    let chunkSize: Int
    /// The most line text a chunk holds, whatever its line count (lines may be up to `maxLineBytes` each).
    let chunkBytes = 16 << 20
    /// Verifies one line, given as its bytes where they were read into (`BatchLine`). `worker` (0 ..< jobs) names the
    /// thread's slot: one worker runs at a time per slot, so the closure may keep per-worker state there without a
    /// lock.
    let verify: @Sendable (_ line: BatchLine, _ worker: Int) -> BatchItemResult
    /// A line that cannot be read as a token's text: too long (`LineReader.Line.unreadable`), or not text.
    let unreadable: @Sendable (_ number: Int, _ reason: String) -> BatchItemResult
    /// Counts the lines judged for the progress line, when there is one.
    let progress: BatchProgress?
    /// The workers' line buffers, for results that carry `lineBytes` (one slot per job, `worker` as in `verify`).
    let lines: BatchLineBuffers?

    /// A run whose lines are judged as text: a line that is not text (invalid UTF-8, a NUL byte) goes to
    /// `unreadable` with the reason (`LineReader.text(of:)`), and `verify` gets the others as Strings.
    init(
        jobs: Int, maxLineBytes: Int,
        verify: @escaping @Sendable (String, Int, Int) -> BatchItemResult,
        unreadable: @escaping @Sendable (Int, String) -> BatchItemResult,
        progress: BatchProgress? = nil, lines: BatchLineBuffers? = nil
    ) {
        self.init(
            jobs: jobs, maxLineBytes: maxLineBytes,
            verifyLine: { line, worker in
                switch LineReader.text(of: line.bytes) {
                case .success(let text): verify(text, line.number, worker)
                case .failure(let notText): unreadable(line.number, notText.reason)
                }
            },
            unreadable: unreadable, progress: progress, lines: lines)
    }

    /// A run whose lines are judged as the bytes read (`verify --batch`, whose token lines are never made Strings):
    /// `verifyLine` says itself when a line is not text, with `LineReader.text(of:)`.
    init(
        jobs: Int, maxLineBytes: Int,
        verifyLine: @escaping @Sendable (BatchLine, Int) -> BatchItemResult,
        unreadable: @escaping @Sendable (Int, String) -> BatchItemResult,
        progress: BatchProgress? = nil, lines: BatchLineBuffers? = nil
    ) {
        self.progress = progress
        self.lines = lines
        self.jobs = max(1, jobs)
        self.maxLineBytes = maxLineBytes
        self.chunkSize = 128
        self.verify = verifyLine
        self.unreadable = unreadable
    }

    /// The one-job run's result slots for a chunk: each index is initialised once as its line is judged and then
    /// moved out once as it is written, so a slot needs no Optional, no empty value written first and none destroyed
    /// per line.
    private final class Slots: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<BatchItemResult>
        init(count: Int) { pointer = .allocate(capacity: count) }
        deinit { pointer.deallocate() }
    }

    /// Runs over the given descriptors in order. `write` returns false when the output is closed.
    func run(inputs: [Int32], write: (String) -> Bool) -> Summary {
        run(reading: inputs, writing: { write(String(decoding: $0, as: UTF8.self)) })
    }

    /// Runs over the given descriptors in order, handing each chunk's output to `write` as bytes.
    func run(reading inputs: [Int32], writing write: (UnsafeRawBufferPointer) -> Bool) -> Summary {
        if jobs > 1 {
            return withoutActuallyEscaping(write) { write in
                TakeFeed(
                    inputs: inputs, maxLineBytes: maxLineBytes, verify: self.verify, unreadable: self.unreadable, progress: self.progress,
                    lines: self.lines, write: write
                ).run(jobs: jobs)
            }
        }
        var summary = Summary()
        // The chunk's output, its storage kept from one chunk to the next (bytes copied in with memcpy: appending a
        // line's bytes to an Array cost 270 instructions).
        var out = JSONLineWriter(capacity: 64 << 10)
        var items = ChunkLines(capacity: chunkSize)
        let verify = self.verify
        let unreadable = self.unreadable
        let progress = self.progress


        /// Counts a chunk's results and writes their lines in input order: `result(index)` moves a result out of its
        /// slot, `lineBuffer(worker)` is the buffer of the worker that judged it (`judgedBy`). False when the output is
        /// closed. The summary and the output buffer come as `inout`: reached as the variables the nested functions
        /// share, each line's access to them was checked for exclusivity at run time.
        @inline(__always)
        func writeChunk(
            _ count: Int, _ result: (Int) -> BatchItemResult, lineBuffer: (Int32) -> UnsafeMutablePointer<JSONLineWriter>,
            summary: inout Summary, out: inout JSONLineWriter
        ) -> Bool {
            out.reset()
            let buffered = lines != nil
            for index in 0..<count {
                // Moved out of its slot, not copied: the result is a large struct of strings and arrays.
                let result = result(index)
                guard summary.count(result) else { continue }
                result.write(into: &out, lineBuffer: buffered ? lineBuffer(result.judgedBy) : nil)
            }
            if !out.isEmpty && !out.withBytes({ write(UnsafeRawBufferPointer($0)) }) {
                summary.outputClosed = true
                return false
            }
            return true
        }

        // One job: the calling thread judges each chunk and writes it.
        func flush() -> Bool {
            guard !items.isEmpty else { return true }
            items.finish()
            let count = items.count
            let slots = Slots(count: count)
            do {
                let work = items
                for index in 0..<count {
                    (slots.pointer + index).initialize(to: work.judge(index, worker: 0, verify: verify, unreadable: unreadable))
                    progress?.judged(worker: 0)
                }
            }
            items.removeAll()
            defer { lines?.reset() }
            return writeChunk(
                count, { (slots.pointer + $0).move() }, lineBuffer: { _ in lines!.writer(0) }, summary: &summary, out: &out)
        }


        // Line numbers run on across the inputs, as if they were concatenated (`cat a b | jwtaudit verify --batch`).
        var lineBase = 0
        for fd in inputs {
            var reader = LineReader(fd: fd, maxLineBytes: maxLineBytes) { batchInterrupted.load(ordering: .relaxed) }
            defer { lineBase += reader.lineNumber }
            do {
                var closedWhileWaiting = false
                // Every line read so far is judged and written when the input pauses.
                while let line = try reader.next(beforeWaiting: { if !flush() { closedWhileWaiting = true } }) {
                    if closedWhileWaiting { return summary }
                    // One access to the chunk a line: each access to a variable the nested functions share is
                    // checked for exclusivity at run time (five a line cost 400 instructions).
                    if items.add(line, after: lineBase, fullAt: chunkSize, bytes: chunkBytes) {
                        if !flush() { return summary }
                        if batchInterrupted.load(ordering: .relaxed) {
                            summary.interrupted = true
                            _ = flush()
                            return summary
                        }
                    }
                }
            } catch {
                if case .interrupted = error { summary.interrupted = true }
                _ = flush()
                return summary
            }
        }
        _ = flush()
        if batchInterrupted.load(ordering: .relaxed) { summary.interrupted = true }
        return summary
    }

    /// SIGINT stops the batch cleanly: fetches in flight are abandoned at once (`HTTPFetcher.abortAll`), the lines
    /// read and not judged yet are dropped, and the summary so far is printed.
    /// SIGPIPE is ignored so that a closed stdout shows up as EPIPE from write(2), which ends the run quietly.
    static func installSignalHandlers() {
        signal(SIGPIPE, SIG_IGN)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // Both are single atomic stores: async-signal-safe.
            batchInterrupted.store(true, ordering: .relaxed)
            HTTPFetcher.abortAll()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocked read(2) returns EINTR so the flag is seen at once
        sigaction(SIGINT, &action, nil)
        // A parent may have spawned us with SIGINT blocked (test runners and some shells' job control do):
        // unblock it, or ^C would never reach the handler.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
}
