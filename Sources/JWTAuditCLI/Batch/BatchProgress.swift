import Glibc
import Synchronization

/// The progress line `verify --batch` keeps on standard error when a person watches it: lines judged, the rate and
/// the time elapsed, rewritten in place (carriage return, erase to the end of the line) a few times a second once
/// the run has taken a second, and erased before the summary. Made only when standard error is a terminal and
/// `--quiet` is not given: a log or a pipe never receives it.
///
/// Each worker counts in its own counter (no two threads write one cache line per token), and a background thread
/// reads their sum; the tokens themselves never wait for it.
final class BatchProgress: Sendable {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        /// Two counters made one after the other are neighbours on the heap: without these 112 bytes two workers'
        /// counters would share a cache line, and each token would move it between their cores.
        private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    private let counters: [Counter]
    /// Wakes the progress thread early when the run ends (`stopRequested` is read and written under it).
    private let signal = ThreadSignal()
    private let stopRequested = Atomic<Bool>(false)
    private let thread = Mutex<pthread_t?>(nil)
    private let shown = Atomic<Bool>(false)
    private let started = BatchProgress.monotonicNanoseconds()
    /// The run must take this long before the line appears: a short run has nothing to wait for.
    static let delayNanoseconds: Int64 = 1_000_000_000
    static let intervalMilliseconds = 250

    init(workers: Int) {
        counters = (0..<max(1, workers)).map { _ in Counter() }
    }

    /// A token was judged by `worker`.
    func judged(worker: Int) { counters[worker].value.add(1, ordering: .relaxed) }

    func begin() {
        // Without a thread (the system refused one) the run goes on without a progress line.
        let started = ThreadSignal.startThread { [self] in
            while !signal.wait(until: { stopRequested.load(ordering: .relaxed) }, milliseconds: Self.intervalMilliseconds) {
                let elapsed = Self.monotonicNanoseconds() - self.started
                guard elapsed >= Self.delayNanoseconds else { continue }
                FileReader.writeAll("\r" + Self.line(lines: counters.reduce(0) { $0 + $1.value.load(ordering: .relaxed) }, elapsedNanoseconds: elapsed) + "\u{1B}[K", to: 2)
                shown.store(true, ordering: .relaxed)
            }
        }
        thread.withLock { $0 = started }
    }

    /// Stops the line and erases it, so that what follows starts on a clean line.
    func end() {
        signal.notify { stopRequested.store(true, ordering: .relaxed) }
        if let running = thread.withLock({ $0.take() }) { pthread_join(running, nil) }
        if shown.load(ordering: .relaxed) { FileReader.writeAll("\r\u{1B}[K", to: 2) }
    }

    /// `jwtaudit: 12,345 lines, 4,100 lines/s, 3 s elapsed`
    static func line(lines: Int, elapsedNanoseconds: Int64) -> String {
        let seconds = max(elapsedNanoseconds / 1_000_000_000, 1)
        let rate = Int(Int64(lines) * 1_000_000_000 / max(elapsedNanoseconds, 1))
        return "jwtaudit: \(grouped(lines)) lines, \(grouped(rate)) lines/s, \(grouped(Int(seconds))) s elapsed"
    }

    /// `12,345`: digits in groups of three, as people read counts.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
