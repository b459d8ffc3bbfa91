import CPosix
import Glibc
import Synchronization
import Testing
@testable import JWTAuditCLI

@Suite("Batch streaming: order, limits, blank lines")
struct BatchRunnerTests {
    /// Writes `text` to a pipe on a background thread and returns the read end. Both ends are close-on-exec:
    /// tests run in parallel, and a child process another test starts meanwhile must not inherit them.
    static func pipe(_ text: String) -> Int32 { pipe(bytes: Array(text.utf8)) }

    static func pipe(bytes: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        jwtaudit_pipe_cloexec(&fds)
        let writeEnd = fds[1]
        let thread = Thread {
            // A test may close the read end before everything is written (a run stopped early, descriptors closed
            // at a test's end): the write then fails with EPIPE. SIGPIPE would end the whole test process.
            var pipe = sigset_t()
            sigemptyset(&pipe)
            sigaddset(&pipe, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipe, nil)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        thread.start()
        return fds[0]
    }

    final class Thread: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
        func start() {
            var tid = pthread_t()
            let box = Unmanaged.passRetained(self).toOpaque()
            pthread_create(&tid, nil, { raw in
                let me = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                me.body()
                return nil
            }, box)
            pthread_detach(tid)
        }
    }

    static func runner(jobs: Int, maxLine: Int = 100) -> BatchRunner {
        BatchRunner(
            jobs: jobs, maxLineBytes: maxLine,
            verify: { text, number, _ in
                BatchItemResult(
                    jsonLine: "\(number):\(text)", valid: text.hasPrefix("ok"), failedChecks: text.hasPrefix("ok") ? [] : ["signature"],
                    malformed: text.hasPrefix("bad"))
            },
            unreadable: { number, reason in
                BatchItemResult(jsonLine: "\(number):unreadable:\(reason)", valid: false, failedChecks: ["format"], malformed: true)
            })
    }

    @Test(arguments: [1, 2, 4])
    func keepsInputOrderAcrossWorkers(jobs: Int) {
        let lines = (1...5000).map { $0 % 7 == 0 ? "no\($0)" : "ok\($0)" }
        var output = ""
        let summary = Self.runner(jobs: jobs).run(inputs: [Self.pipe(lines.joined(separator: "\n") + "\n")]) {
            output += $0
            return true
        }
        let expected = lines.enumerated().map { "\($0.offset + 1):\($0.element)" }.joined(separator: "\n") + "\n"
        #expect(output == expected)
        #expect(summary.total == 5000)
        #expect(summary.rejected == 5000 / 7)
        #expect(summary.failedByCheck["signature"] == 5000 / 7)
    }

    /// VerifyBatch keeps each worker's last token in the worker's slot without a lock: a slot must never be in
    /// use by two calls at once, and must lie in 0 ..< jobs.
    @Test(arguments: [1, 2, 4])
    func eachWorkerSlotServesOneCallAtATime(jobs: Int) {
        let slots = Mutex<[Bool]>(Array(repeating: false, count: jobs))
        let misuse = Mutex<[String]>([])
        let runner = BatchRunner(
            jobs: jobs, maxLineBytes: 100,
            verify: { text, number, worker in
                let entered = slots.withLock { inUse -> Bool in
                    guard worker >= 0, worker < inUse.count, !inUse[worker] else { return false }
                    inUse[worker] = true
                    return true
                }
                if !entered { misuse.withLock { $0.append("line \(number): worker \(worker)") } }
                var spin = 0
                for byte in text.utf8 { spin &+= Int(byte) }  // a little work while the slot is held
                if entered { slots.withLock { $0[worker] = false } }
                return BatchItemResult(jsonLine: "\(number):\(spin)", valid: true, failedChecks: [], malformed: false)
            },
            unreadable: { number, _ in
                BatchItemResult(jsonLine: "\(number)", valid: false, failedChecks: ["format"], malformed: true)
            })
        let lines = (1...3000).map { "ok\($0)" }
        let summary = runner.run(inputs: [Self.pipe(lines.joined(separator: "\n") + "\n")]) { _ in true }
        #expect(summary.total == 3000)
        #expect(misuse.withLock { $0 } == [], "jobs \(jobs)")
    }

    /// `tail -f log | jwtaudit verify --batch`: lines are answered when the input pauses, not when a chunk fills.
    @Test func answersEachLineWhenTheInputPauses() throws {
        var fds: [Int32] = [0, 0]
        try #require(jwtaudit_pipe_cloexec(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) } }
        let output = Mutex("")
        let finished = Atomic(false)
        let runner = Self.runner(jobs: 2)
        Thread {
            _ = runner.run(inputs: [readEnd]) { text in
                output.withLock { $0 += text }
                return true
            }
            finished.store(true, ordering: .releasing)
        }.start()
        send("ok1\nok2\n")
        var waited = 0
        while output.withLock({ $0 }) != "1:ok1\n2:ok2\n" && waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        #expect(output.withLock { $0 } == "1:ok1\n2:ok2\n", "the first two lines are answered while the input stays open")
        send("ok3\n")
        close(writeEnd)
        waited = 0
        while !finished.load(ordering: .acquiring) && waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        let done = finished.load(ordering: .acquiring)
        #expect(done)
        #expect(output.withLock { $0 } == "1:ok1\n2:ok2\n3:ok3\n")
        close(readEnd)
    }

    @Test func skipsBlankLinesButKeepsLineNumbers() {
        var output = ""
        let summary = Self.runner(jobs: 2).run(inputs: [Self.pipe("ok-a\n\n  \r\nok-b\r\nbad-c")]) {
            output += $0
            return true
        }
        #expect(output == "1:ok-a\n4:ok-b\n5:bad-c\n")
        #expect(summary.valid == 2)
        #expect(summary.malformed == 1)
    }

    @Test func anOverlongLineIsReportedAndTheBatchGoesOn() {
        let long = String(repeating: "x", count: 200_000)
        var output = ""
        let summary = Self.runner(jobs: 2, maxLine: 1000).run(inputs: [Self.pipe("ok1\n\(long)\nok3\n")]) {
            output += $0
            return true
        }
        #expect(output == "1:ok1\n2:unreadable:the line is 200000 bytes, over the 1000-byte limit for a token\n3:ok3\n")
        #expect(summary.malformed == 1)
        #expect(summary.valid == 2)
    }

    /// A line that is not text is never decoded with replacement characters (which could then look like a token to
    /// a later stage): it is unreadable, with the byte named, as a single run says of the same input.
    @Test func aLineThatIsNotTextIsUnreadableAndTheBatchGoesOn() {
        let bytes: [UInt8] = Array("ok1\na".utf8) + [0xFF] + Array("b.c\nx\u{0}y.z\nok4\n".utf8)
        var output = ""
        let summary = Self.runner(jobs: 2).run(inputs: [Self.pipe(bytes: bytes)]) {
            output += $0
            return true
        }
        #expect(output == "1:ok1\n2:unreadable:the line is not text: invalid UTF-8 at byte 2\n"
            + "3:unreadable:the line is not text: it contains a NUL byte\n4:ok4\n")
        #expect(summary.malformed == 2)
    }

    @Test func aClosedOutputStopsTheRun() {
        let lines = (1...2000).map { "ok\($0)" }.joined(separator: "\n")
        var writes = 0
        let summary = Self.runner(jobs: 1).run(inputs: [Self.pipe(lines)]) { _ in
            writes += 1
            return false
        }
        #expect(writes == 1)
        #expect(summary.outputClosed)
        #expect(summary.total < 2000)
    }
}
