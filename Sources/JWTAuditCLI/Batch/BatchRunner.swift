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

    /// A line not judged because of an interrupt.
    static let notJudged = BatchItemResult(jsonLine: "", valid: false, failedChecks: [], malformed: false, interrupted: true)
}

/// Set from the SIGINT handler; checked between reads, between chunks and before each line.
let batchInterrupted = Atomic<Bool>(false)

/// Streams tokens through a verification closure on every core and writes results in input order.
///
/// Work is cut into chunks: a chunk is read, verified in parallel (`jobs` workers striding over it), then written
/// in order, so memory is bounded by the chunk size whatever the input size, and the output order equals the
/// input order without a reorder buffer. A chunk ends at 1,024 lines per worker or 16 MiB of text, whichever
/// comes first, or as soon as the input pauses (the writer has not sent the next line yet), so a stream is
/// answered line by line. Each chunk ends with the workers meeting and one thread writing: chunks of 128
/// lines per worker left a core idle a tenth of the time with `--jobs 2`. The workers are a `WorkerPool`'s POSIX
/// threads, the calling thread being worker 0.
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
    }

    let jobs: Int
    let maxLineBytes: Int
    let chunkSize: Int
    /// The most line text a chunk holds, whatever its line count (lines may be up to `maxLineBytes` each).
    let chunkBytes = 16 << 20
    /// Verifies one line. `worker` (0 ..< jobs) names the thread's slot: one worker runs at a time per slot, so
    /// the closure may keep per-worker state there without a lock.
    let verify: @Sendable (_ line: String, _ number: Int, _ worker: Int) -> BatchItemResult
    /// A line that cannot be read as a token's text: too long, or not text (`LineReader.Line.unreadable`).
    let unreadable: @Sendable (_ number: Int, _ reason: String) -> BatchItemResult
    /// Counts the lines judged for the progress line, when there is one.
    let progress: BatchProgress?
    /// The workers' line buffers, for results that carry `lineBytes` (one slot per job, `worker` as in `verify`).
    let lines: BatchLineBuffers?

    init(
        jobs: Int, maxLineBytes: Int,
        verify: @escaping @Sendable (String, Int, Int) -> BatchItemResult,
        unreadable: @escaping @Sendable (Int, String) -> BatchItemResult,
        progress: BatchProgress? = nil, lines: BatchLineBuffers? = nil
    ) {
        self.progress = progress
        self.lines = lines
        self.jobs = max(1, jobs)
        self.maxLineBytes = maxLineBytes
        self.chunkSize = max(64, 1024 * max(1, jobs))
        self.verify = verify
        self.unreadable = unreadable
    }

    /// A fixed-size slot array the workers write into: each index is initialised by exactly one worker (`body` strides
    /// over every index once) and then moved out exactly once by the writing thread, so a slot needs no Optional,
    /// no empty value written first and none destroyed per line.
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
        var summary = Summary()
        // The chunk's output, its storage kept from one chunk to the next (bytes copied in with memcpy: appending a
        // line's bytes to an Array cost 270 instructions).
        var out = JSONLineWriter(capacity: 64 << 10)
        var items: [LineReader.Line] = []
        items.reserveCapacity(chunkSize)
        var itemBytes = 0
        // Threads start at the first chunk with more than one worker, wait between chunks, and end with the run.
        let pool = WorkerPool(capacity: jobs)

        func flush() -> Bool {
            guard !items.isEmpty else { return true }
            let slots = Slots(count: items.count)
            let work = items
            let workers = min(jobs, work.count)
            let verify = self.verify
            let unreadable = self.unreadable
            let progress = self.progress
            let stride = workers
            let body: @Sendable (Int) -> Void = { worker in
                var index = worker
                while index < work.count {
                    switch work[index] {
                    case .text(let text, let number): (slots.pointer + index).initialize(to: verify(text, number, worker))
                    case .unreadable(let number, let reason): (slots.pointer + index).initialize(to: unreadable(number, reason))
                    }
                    progress?.judged(worker: worker)
                    index += stride
                }
            }
            if workers == 1 {
                body(0)
            } else {
                pool.perform(workers, body)
            }
            items.removeAll(keepingCapacity: true)
            itemBytes = 0
            out.reset()
            for index in 0..<work.count {
                // Moved out of its slot, not copied: the result is a large struct of strings and arrays.
                let result = (slots.pointer + index).move()
                if result.interrupted {
                    summary.interrupted = true
                    continue
                }
                summary.total += 1
                if result.malformed {
                    summary.malformed += 1
                } else if result.undecided {
                    summary.undecided += 1
                    if summary.firstUndecidedReason == nil { summary.firstUndecidedReason = result.undecidedReason }
                } else if result.valid {
                    summary.valid += 1
                } else {
                    summary.rejected += 1
                }
                for id in result.failedChecks { summary.failedByCheck[id, default: 0] += 1 }
                if result.severalTokens { summary.severalTokens += 1 }
                if let entry = result.tally { summary.tally.add(entry) }
                if let range = result.lineBytes, let lines {
                    // Worker w judged the lines w, w + workers, ... of the chunk (`body` above).
                    lines.pointer[index % workers].withBytes { out.bytes(UnsafeBufferPointer(rebasing: $0[range])) }
                    out.newline()
                    continue
                }
                // A summary-only run (`--summary`) writes no line per token.
                if result.jsonLine.isEmpty { continue }
                out.raw(result.jsonLine)
                out.newline()
            }
            lines?.reset()
            if !out.isEmpty && !out.withBytes({ write(UnsafeRawBufferPointer($0)) }) {
                summary.outputClosed = true
                return false
            }
            return true
        }

        // Line numbers run on across the inputs, as if they were concatenated (`cat a b | jwtaudit verify --batch`).
        var lineBase = 0
        for fd in inputs {
            var reader = LineReader(fd: fd, maxLineBytes: maxLineBytes) { batchInterrupted.load(ordering: .relaxed) }
            defer { lineBase += reader.lineNumber }
            do {
                var closedWhileWaiting = false
                while let line = try reader.next(beforeWaiting: { if !flush() { closedWhileWaiting = true } }) {
                    if closedWhileWaiting { return summary }
                    switch line {
                    case .text(let text, let number):
                        // Bytes, not Characters: a blank line's characters are these bytes, and a token line
                        // answers at its first byte.
                        if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                            continue  // blank lines are skipped, but keep their numbers
                        }
                        items.append(.text(text, number: lineBase + number))
                        itemBytes += text.utf8.count
                    case .unreadable(let number, let reason):
                        items.append(.unreadable(number: lineBase + number, reason: reason))
                    }
                    if items.count >= chunkSize || itemBytes >= chunkBytes {
                        if !flush() { return summary }
                        if batchInterrupted.load(ordering: .relaxed) {
                            summary.interrupted = true
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
    /// of the chunk in flight that were not judged yet are dropped, and the summary so far is printed.
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
