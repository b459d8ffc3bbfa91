import Glibc
import JWTAuditCore
import Synchronization

/// The run of a batch with more than one job: the workers read their own lines, a take at a time, and write the
/// results in input order through a window of takes.
///
/// Why not a reading thread: the pipelined run this replaces read and wrote on a thread of its own while the workers
/// judged, and on a machine with as many cores as jobs that thread shared the workers' cores. Two `--jobs 1`
/// processes, one per core, each reading for itself, judged 7% more tokens a second than `--jobs 2` (bench/README.md,
/// row 2c; issue 22): the workers took as long on the tokens as one `--jobs 1` thread that also reads, and the
/// reading thread's 4% came on top. Here the worker that takes lines copies them into its own block (still in its
/// cache when it parses them), and writes the lines that are ready when it has judged its take.
///
/// - The reader has one user at a time (`readerBusy`), who reads up to `ChunkLines.linesPerTake` lines without the
///   lock; the take's number is its place in the output.
/// - A worker that holds some lines judges them rather than wait for more (`LineReader.nextIfReady`). One that holds
///   none and would wait first writes every take before its own (`flushBeforeWaiting`), so that
///   `tail -f log | jwtaudit verify --batch` answers each line as it comes.
/// - A take's results and lines go to its slot; whoever finishes a take writes the finished takes from `next` on, in
///   order. At most `window` takes are taken and not yet written, which bounds the memory.
/// - An interrupt or a closed output stops the taking; the takes already taken are finished (their lines not yet
///   judged come back not judged) and written.
final class TakeFeed: @unchecked Sendable {
    /// A take's results and the JSON lines its worker wrote, from the worker's judging until the take is written.
    final class Slot: @unchecked Sendable {
        var results: [BatchItemResult] = []
        var text = JSONLineWriter(capacity: 4 << 10)
        var ready = false
        /// Write the output out once this take is written: the input paused after it, or ended.
        var flush = false
    }

    /// Takes taken and not yet written, at most: 64 takes of 8 lines, 512 lines (a few hundred KB of output).
    static let window = 64
    private let signal = ThreadSignal()
    private let slots: [Slot]
    private let verify: @Sendable (BatchLine, Int) -> BatchItemResult
    private let unreadable: @Sendable (Int, String) -> BatchItemResult
    private let progress: BatchProgress?
    private let lines: BatchLineBuffers?
    private let write: (UnsafeRawBufferPointer) -> Bool
    private let maxLineBytes: Int

    // Guarded by `signal`'s mutex.
    private var readerBusy = false
    private var taken = 0
    private var next = 0
    private var inputDone = false
    private var stopped = false
    private var summary = BatchRunner.Summary()
    private var out = JSONLineWriter(capacity: 64 << 10)

    // The reader's, used only by the worker that holds it (`readerBusy`).
    private var inputs: [Int32]
    private var inputIndex = 0
    private var lineBase = 0
    private var reader: LineReader?

    init(
        inputs: [Int32], maxLineBytes: Int, verify: @escaping @Sendable (BatchLine, Int) -> BatchItemResult,
        unreadable: @escaping @Sendable (Int, String) -> BatchItemResult, progress: BatchProgress?, lines: BatchLineBuffers?,
        write: @escaping (UnsafeRawBufferPointer) -> Bool
    ) {
        self.inputs = inputs
        self.maxLineBytes = maxLineBytes
        self.verify = verify
        self.unreadable = unreadable
        self.progress = progress
        self.lines = lines
        self.write = write
        slots = (0..<Self.window).map { _ in Slot() }
        reader = inputs.first.map { Self.reader($0, maxLineBytes) }
        inputDone = inputs.isEmpty
    }

    private static func reader(_ fd: Int32, _ maxLineBytes: Int) -> LineReader {
        LineReader(fd: fd, maxLineBytes: maxLineBytes) { batchInterrupted.load(ordering: .relaxed) }
    }

    /// Runs `jobs` workers (the calling thread is the first) until the input ends or the run stops; the summary.
    func run(jobs: Int) -> BatchRunner.Summary {
        let pool = WorkerPool(capacity: jobs)
        pool.perform(jobs) { worker in self.work(worker) }
        signal.notify { self.writeOut() }
        if batchInterrupted.load(ordering: .relaxed) { summary.interrupted = true }
        return summary
    }

    /// One worker: take lines, judge them, write what is ready; until there is nothing left to take.
    private func work(_ worker: Int) {
        // The worker's take: its lines copied into blocks of its own, kept from take to take (`ChunkLines`; a block
        // its last token still holds is not reused).
        var take = ChunkLines(capacity: ChunkLines.linesPerTake)
        while true {
            let seq: Int? = signal.wait(
                until: { self.stopped || self.inputDone || (!self.readerBusy && self.taken - self.next < Self.window) },
                then: {
                    if self.stopped || self.inputDone { return nil }
                    self.readerBusy = true
                    self.taken += 1
                    return self.taken - 1
                })
            guard let seq else { return }
            take.removeAll()
            let (paused, ended, interrupted) = read(seq, into: &take)
            signal.notify {
                self.readerBusy = false
                if ended { self.inputDone = true }
                if interrupted { self.stopped = true }
            }
            // The slot is this worker's until it is marked ready: the window kept its last take written.
            let slot = slots[seq % Self.window]
            slot.results.removeAll(keepingCapacity: true)
            slot.text.reset()
            // The take's lines are written into the slot's own writer: swapped in as the worker's line buffer.
            let buffer = lines?.writer(worker)
            if let buffer { swap(&slot.text, &buffer.pointee) }
            for index in 0..<take.count {
                var result = take.judge(index, worker: worker, verify: verify, unreadable: unreadable)
                result.judgedBy = Int32(truncatingIfNeeded: worker)
                slot.results.append(result)
                progress?.judged(worker: worker)
            }
            if let buffer { swap(&slot.text, &buffer.pointee) }
            signal.notify {
                slot.flush = paused || ended || interrupted
                slot.ready = true
                self.writeReady()
            }
        }
    }

    /// Reads take `seq`'s lines into `take`, up to `ChunkLines.linesPerTake`. The worker holds the reader.
    private func read(_ seq: Int, into take: inout ChunkLines) -> (paused: Bool, ended: Bool, interrupted: Bool) {
        while true {
            guard reader != nil else { return (false, true, false) }
            let step: LineReader.Ready
            do throws(LineReader.Stop) {
                if take.isEmpty {
                    step = try reader!.next(beforeWaiting: { self.flushBeforeWaiting(seq) }).map { .line($0) } ?? .end
                } else {
                    step = try reader!.nextIfReady()
                }
            } catch {
                if case .interrupted = error { return (false, true, true) }
                return (false, true, false)
            }
            switch step {
            case .notYet:
                return (true, false, false)
            case .end:
                lineBase += reader!.lineNumber
                inputIndex += 1
                reader = inputIndex < inputs.count ? Self.reader(inputs[inputIndex], maxLineBytes) : nil
            case .line(let line):
                if take.add(line, after: lineBase, fullAt: ChunkLines.linesPerTake, bytes: .max) { return (false, false, false) }
            }
            if batchInterrupted.load(ordering: .relaxed) { return (false, false, true) }
        }
    }

    /// The worker holding the reader has no line and would wait for the writer: every take before its own is written
    /// out first.
    private func flushBeforeWaiting(_ seq: Int) {
        signal.wait(until: { self.next >= seq || self.stopped }, then: { self.writeOut() })
    }

    /// Writes the finished takes from `next` on, in order, into the output (called with the mutex held).
    private func writeReady() {
        while true {
            let slot = slots[next % Self.window]
            guard slot.ready, next < taken else { return }
            withUnsafeMutablePointer(to: &slot.text) { text in
                for index in slot.results.indices {
                    guard summary.count(slot.results[index]) else { continue }
                    slot.results[index].write(into: &out, lineBuffer: lines == nil ? nil : text)
                }
            }
            // The results are destroyed by the worker that reuses the slot, outside the lock.
            slot.ready = false
            next += 1
            if slot.flush || out.count >= 64 << 10 { writeOut() }
        }
    }

    /// Hands the output gathered so far to `write` (called with the mutex held); a closed output stops the run.
    private func writeOut() {
        guard !out.isEmpty, !summary.outputClosed else {
            out.reset()
            return
        }
        if !out.withBytes({ write(UnsafeRawBufferPointer($0)) }) {
            summary.outputClosed = true
            stopped = true
        }
        out.reset()
    }
}
