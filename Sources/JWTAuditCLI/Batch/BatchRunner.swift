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

/// Set from the SIGINT handler; checked between reads, between chunks and before each line.
let batchInterrupted = Atomic<Bool>(false)

/// Streams tokens through a verification closure on every core and writes results in input order.
///
/// Work is cut into chunks: a chunk is read, verified in parallel, then written in order, so memory is bounded by
/// the chunk size whatever the input size, and the output order equals the input order without a reorder buffer.
/// A chunk ends at 1,024 lines per worker or 16 MiB of text, whichever comes first, or as soon as the input pauses
/// (the writer has not sent the next line yet), so a stream is answered line by line.
///
/// With one job the calling thread reads, judges and writes each chunk in turn. With more, the run is a pipeline of
/// two chunks: `jobs` threads of a `WorkerPool` judge chunk N while the calling thread reads chunk N + 1, then writes
/// chunk N while N + 1 is judged. Reading (read(2) and a copy of each line; when this was measured, a UTF-8 check and
/// a String per line too) and writing were about 6% of a chunk's time; done between chunks by the calling thread as
/// worker 0, they left the other core idle for it (`--jobs 2` scaled 1.87x where `openssl speed -multi 2` scales
/// 1.96x). Only one chunk is judged at a time, so a worker's state (`worker` in `verify`) still has one user. Within
/// a chunk the workers take lines a take at a time (up to eight that share a block, `ChunkLines`) from a shared
/// counter rather than a fixed share each: the thread that shares its core with the reader then judges fewer lines
/// instead of making the others wait for it at the chunk's end.
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
    /// The lines of a full chunk: `chunkLines(_:)` says how many the first chunks hold.
    ///
    /// One job: 128 lines. A chunk's lines are copied out of the read buffer and judged only when the chunk is full;
    /// 1,024 lines of ~1.2 KB tokens (1.2 MB) no longer sat in the level-2 cache by then, and each token's text was
    /// read back from further away. With 128 lines (and a 64 KiB read buffer, `LineReader.firstBufferBytes`) an
    /// RS256 batch ran 1.0% faster (median of 12 runs taking turns; 1.5% in another 14), with 1% less CPU; 64 and
    /// 256 lines did as well (issue 22).
    /// More jobs: 1,024 lines a worker, so that the workers meet rarely (smaller chunks measured no faster).
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
        self.chunkSize = self.jobs == 1 ? 128 : 1024 * self.jobs
        self.verify = verifyLine
        self.unreadable = unreadable
    }

    /// The lines chunk `index` (0 the first) holds when full. With more jobs the first chunks are small and double up
    /// to `chunkSize`: the workers wait for the first chunk to be read, and 2,048 lines took 2.4 ms to read, 1% of a
    /// 20,000-token run with both cores idle (issue 22). Reading a chunk takes a small part of judging one, so
    /// each chunk, twice the last, is read while the last is judged.
    func chunkLines(_ index: Int) -> Int {
        guard jobs > 1 else { return chunkSize }
        let first = ChunkLines.linesPerTake * jobs * 4
        return index >= 16 ? chunkSize : min(chunkSize, first << index)
    }

    /// The one-job run's result slots for a chunk: each index is initialised once as its line is judged and then
    /// moved out once as it is written, so a slot needs no Optional, no empty value written first and none destroyed
    /// per line.
    private final class Slots: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<BatchItemResult>
        init(count: Int) { pointer = .allocate(capacity: count) }
        deinit { pointer.deallocate() }
    }

    /// One of the pipelined run's two chunks, its storage kept from one use to the next: the lines, the results the
    /// workers put in place (each initialised once by the worker that took its line, moved out once by the writer),
    /// and the counter the workers take lines from.
    private final class Chunk: @unchecked Sendable {
        var lines: ChunkLines
        let results: UnsafeMutablePointer<BatchItemResult>
        /// The takes handed out (`ChunkLines.take`).
        let taken = Atomic<Int>(0)

        init(capacity: Int) {
            lines = ChunkLines(capacity: capacity)
            results = .allocate(capacity: capacity)
        }

        deinit {
            results.deallocate()
        }
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
        var items = ChunkLines(capacity: chunkSize)
        let verify = self.verify
        let unreadable = self.unreadable
        let progress = self.progress

        /// Judges item `index` of `lines`.
        @Sendable @inline(__always)
        func judge(_ lines: borrowing ChunkLines, _ index: Int, worker: Int) -> BatchItemResult {
            switch lines.items[index] {
            case .line(let block, let range, let number):
                verify(BatchLine(block: lines.blocks[block], range: range, number: number), worker)
            case .unreadable(let number, let reason): unreadable(number, reason)
            }
        }

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
                if !result.failedChecks.isEmpty {
                    for id in result.failedChecks { summary.failedByCheck[id, default: 0] += 1 }
                }
                if result.severalTokens { summary.severalTokens += 1 }
                if let entry = result.tally { summary.tally.add(entry) }
                if let range = result.lineBytes, buffered {
                    out.line(range, of: lineBuffer(result.judgedBy))
                    continue
                }
                // A summary-only run (`--summary`) writes no line per token.
                if result.jsonLine.isEmpty { continue }
                out.raw(result.jsonLine)
                out.newline()
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
                    (slots.pointer + index).initialize(to: judge(work, index, worker: 0))
                    progress?.judged(worker: 0)
                }
            }
            items.removeAll()
            defer { lines?.reset() }
            return writeChunk(
                count, { (slots.pointer + $0).move() }, lineBuffer: { _ in lines!.written(0) }, summary: &summary, out: &out)
        }

        // More jobs: the pipeline of two chunks. Threads start at the first chunk, wait between chunks, and end
        // with the run.
        let pool = WorkerPool(capacity: jobs)
        let chunks = jobs > 1 ? [Chunk(capacity: chunkSize), Chunk(capacity: chunkSize)] : []
        var nextChunk = 0
        var inFlight: Chunk?

        /// Waits for the chunk being judged (if any), starts judging the lines read since (if any), then writes the
        /// finished chunk while the new one is judged. False when the output is closed: nothing is in flight then.
        /// Called with no lines read, it finishes and writes the chunk in flight.
        func handOff() -> Bool {
            let finished = inFlight
            if finished != nil {
                pool.wait()
                lines?.setAside()
            }
            inFlight = nil
            if !items.isEmpty {
                items.finish()
                let chunk = chunks[nextChunk]
                nextChunk ^= 1
                swap(&items, &chunk.lines)
                chunk.taken.store(0, ordering: .relaxed)
                let work = chunk.lines
                pool.start(min(jobs, work.takeCount)) { worker in
                    while true {
                        let take = chunk.taken.add(1, ordering: .relaxed).oldValue
                        if take >= work.takeCount { return }
                        for index in work.take(take) {
                            var result = judge(work, index, worker: worker)
                            result.judgedBy = Int32(truncatingIfNeeded: worker)
                            (chunk.results + index).initialize(to: result)
                            progress?.judged(worker: worker)
                        }
                    }
                }
                inFlight = chunk
            }
            guard let finished else { return true }
            let count = finished.lines.count
            finished.lines.removeAll()
            items.takeSpareBlocks(from: &finished.lines)
            let written = writeChunk(
                count, { (finished.results + $0).move() }, lineBuffer: { lines!.written(Int($0)) }, summary: &summary,
                out: &out)
            lines?.resetWritten()
            if !written, let abandoned = inFlight {
                pool.wait()
                abandoned.results.deinitialize(count: abandoned.lines.count)
                abandoned.lines.removeAll()
                lines?.reset()
                inFlight = nil
            }
            return written
        }

        /// A full chunk: judged now (one job) or handed to the workers (more).
        func chunkFull() -> Bool { jobs == 1 ? flush() : handOff() }
        /// Every line read so far judged and written: the input pauses or ends, or the run stops.
        func drain() -> Bool { jobs == 1 ? flush() : handOff() && handOff() }

        // Line numbers run on across the inputs, as if they were concatenated (`cat a b | jwtaudit verify --batch`).
        var lineBase = 0
        // The chunks filled so far, and the lines the one being filled holds when full (`chunkLines`). Kept here, out
        // of the nested functions' reach: a variable they share is checked for exclusivity at each access.
        var chunksFilled = 0
        var fullAt = chunkLines(0)
        for fd in inputs {
            var reader = LineReader(fd: fd, maxLineBytes: maxLineBytes) { batchInterrupted.load(ordering: .relaxed) }
            defer { lineBase += reader.lineNumber }
            do {
                var closedWhileWaiting = false
                while let line = try reader.next(beforeWaiting: { if !drain() { closedWhileWaiting = true } }) {
                    if closedWhileWaiting { return summary }
                    // One access to the chunk a line: each access to a variable the nested functions share is
                    // checked for exclusivity at run time (five a line cost 400 instructions).
                    if items.add(line, after: lineBase, fullAt: fullAt, bytes: chunkBytes) {
                        if !chunkFull() { return summary }
                        chunksFilled += 1
                        fullAt = chunkLines(chunksFilled)
                        if batchInterrupted.load(ordering: .relaxed) {
                            summary.interrupted = true
                            _ = drain()
                            return summary
                        }
                    }
                }
            } catch {
                if case .interrupted = error { summary.interrupted = true }
                _ = drain()
                return summary
            }
        }
        _ = drain()
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
