import CPosix
import Glibc
import Synchronization
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// With more than one job the workers take their own lines, a take of up to eight at a time, and write the finished
/// takes in input order (`TakeFeed`). What one job prints, byte for byte, they print too, over many takes, with
/// unreadable, long and blank lines among the tokens, when the input pauses with takes being judged, and up to an
/// interrupt; a slow take holds back at most the window of takes.
@Suite("Batch workers: takes in flight, the same bytes as one job")
struct BatchPipelineTests {
    /// A runner whose lines starting "ok" are written by the workers into their line buffers (as `verify --batch`
    /// writes its lines), the others given as text; a line's answer depends on its text and number only.
    static func runner(jobs: Int, lines: BatchLineBuffers) -> BatchRunner {
        BatchRunner(
            jobs: jobs, maxLineBytes: 100,
            verify: { text, number, worker in
                guard text.hasPrefix("ok") else {
                    return BatchItemResult(
                        jsonLine: "\(number):text:\(text)", valid: false, failedChecks: text.hasPrefix("no") ? ["signature", "expiry"] : ["format"],
                        malformed: !text.hasPrefix("no"))
                }
                let start = lines.writer(worker).pointee.count
                lines.writer(worker).pointee.raw("\(number):bytes:\(text)")
                return BatchItemResult(
                    jsonLine: "", lineBytes: start..<lines.writer(worker).pointee.count, valid: true, failedChecks: [], malformed: false)
            },
            unreadable: { number, reason in
                BatchItemResult(jsonLine: "\(number):unreadable:\(reason)", valid: false, failedChecks: ["format"], malformed: true)
            },
            lines: lines)
    }

    /// `count` lines of every kind a batch meets: tokens judged valid (bytes) or not (text), garbage, blank lines
    /// (empty, spaces, a lone CR), CRLF endings, lines over the limit, invalid UTF-8 and a NUL.
    static func mixedInput(count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for number in 1...count {
            switch number % 97 {
            case 3: bytes += Array("  ".utf8)
            case 5: bytes += Array("\r".utf8)
            case 11: bytes += Array(String(repeating: "x", count: 150 + number % 7).utf8)
            case 13: bytes += Array("ok".utf8) + [0xC3, 0x28] + Array("\(number)".utf8)
            case 17: bytes += Array("ok\(number)".utf8) + [0] + Array("z".utf8)
            case 19: bytes += Array("garbage \(number)".utf8)
            case 23: break  // an empty line
            default: bytes += Array((number % 5 == 0 ? "no\(number)" : "ok\(number)").utf8)
            }
            bytes += Array((number % 4 == 0 ? "\r\n" : "\n").utf8)
        }
        return bytes
    }

    /// Everything one run printed, as bytes, and its summary.
    static func run(jobs: Int, _ input: [UInt8]) -> (output: [UInt8], summary: BatchRunner.Summary, buffersEmpty: Bool) {
        let lines = BatchLineBuffers(workers: jobs)
        var output: [UInt8] = []
        let summary = runner(jobs: jobs, lines: lines).run(reading: [BatchRunnerTests.pipe(bytes: input)]) {
            output += $0
            return true
        }
        let empty = (0..<jobs).allSatisfy { worker in lines.writer(worker).pointee.isEmpty }
        return (output, summary, empty)
    }

    /// 20,000 lines are some 2,500 takes, taken by the workers as they come free and written in order. Whatever the
    /// pipe's writer's pace, the bytes are one job's.
    @Test(arguments: [2, 3, 4])
    func manyChunksPrintWhatOneJobPrintsByteForByte(jobs: Int) {
        let input = Self.mixedInput(count: 20_000)
        let one = Self.run(jobs: 1, input)
        let many = Self.run(jobs: jobs, input)
        #expect(one.output.count > 200_000)
        #expect(many.output == one.output)
        #expect(many.summary.total == one.summary.total)
        #expect(many.summary.valid == one.summary.valid)
        #expect(many.summary.rejected == one.summary.rejected)
        #expect(many.summary.malformed == one.summary.malformed)
        #expect(many.summary.failedByCheck == one.summary.failedByCheck)
        #expect(!many.summary.interrupted && !many.summary.outputClosed)
        #expect(many.buffersEmpty, "every worker's line buffer is given back empty")
        // The answers themselves: numbered in input order, blank lines skipped but counted.
        let printed = Set(String(decoding: one.output, as: UTF8.self).split(separator: "\n"))
        #expect(one.output.starts(with: Array("1:bytes:ok1\n2:bytes:ok2\n4:bytes:ok4\n".utf8)))
        #expect(printed.contains("11:unreadable:the line is 154 bytes, over the 100-byte limit for a token"))
        #expect(printed.contains("13:unreadable:the line is not text: invalid UTF-8 at byte 3"))
        #expect(printed.contains("17:unreadable:the line is not text: it contains a NUL byte"))
        #expect(!printed.contains { $0.hasPrefix("3:") || $0.hasPrefix("5:") || $0.hasPrefix("23:") })
    }

    /// Lines of 2 to 20 KB among short ones: a take's lines outgrow its worker's block, and the lines after go to a
    /// block of their own. None is lost, none is judged twice, and the order holds.
    @Test(arguments: [2, 3])
    func takesWhoseLinesOutgrowTheirBlockKeepEveryLine(jobs: Int) {
        var bytes: [UInt8] = []
        for number in 1...3_000 {
            let length = number % 7 == 0 ? 2_000 + (number * 37) % 18_000 : 5 + number % 40
            bytes += Array("ok\(number):".utf8) + [UInt8](repeating: UInt8(ascii: "t"), count: length) + [0x0A]
        }
        let lines = BatchLineBuffers(workers: jobs)
        var output: [UInt8] = []
        let summary = BatchRunner(
            jobs: jobs, maxLineBytes: 100_000,
            verify: { text, number, _ in
                BatchItemResult(jsonLine: "\(number):\(text.utf8.count):\(text.prefix(12))", valid: true, failedChecks: [], malformed: false)
            },
            unreadable: { number, reason in
                BatchItemResult(jsonLine: "\(number):unreadable:\(reason)", valid: false, failedChecks: ["format"], malformed: true)
            },
            lines: lines
        ).run(reading: [BatchRunnerTests.pipe(bytes: bytes)]) {
            output += $0
            return true
        }
        let expected = (1...3_000).map { number in
            let length = number % 7 == 0 ? 2_000 + (number * 37) % 18_000 : 5 + number % 40
            let text = "ok\(number):" + String(repeating: "t", count: length)
            return "\(number):\(text.utf8.count):\(text.prefix(12))\n"
        }.joined()
        #expect(String(decoding: output, as: UTF8.self) == expected)
        #expect(summary.total == 3_000 && summary.valid == 3_000)
    }

    /// A take that is slow to judge holds back the writing of the takes after it, and the workers take no more than
    /// the window allows meanwhile: the lines held in memory stay bounded whatever the input.
    @Test func aSlowTakeHoldsBackAtMostTheWindow() {
        let judged = Atomic<Int>(0)
        let seenWhileHeld = Atomic<Int>(-1)
        let runner = BatchRunner(
            jobs: 2, maxLineBytes: 100,
            verify: { text, number, _ in
                if number == 1 {
                    // Held until the other worker can take no more (bounded, so that a missing bound fails rather
                    // than hangs: 5,000 lines would all be judged meanwhile).
                    var spins = 0
                    var last = -1
                    while spins < 400 {
                        usleep(2_000)
                        spins += 1
                        let now = judged.load(ordering: .acquiring)
                        if now == last && now > 0 && spins > 50 { break }
                        last = now
                    }
                    seenWhileHeld.store(judged.load(ordering: .acquiring), ordering: .releasing)
                }
                judged.add(1, ordering: .acquiringAndReleasing)
                return BatchItemResult(jsonLine: "\(number):\(text)", valid: true, failedChecks: [], malformed: false)
            },
            unreadable: { number, _ in
                BatchItemResult(jsonLine: "\(number)", valid: false, failedChecks: ["format"], malformed: true)
            })
        let input = (1...5_000).map { "ok\($0)" }.joined(separator: "\n") + "\n"
        var output = ""
        let summary = runner.run(inputs: [BatchRunnerTests.pipe(input)]) {
            output += $0
            return true
        }
        let held = seenWhileHeld.load(ordering: .acquiring)
        #expect(held > 0, "the other worker went on while the first line was held")
        #expect(held <= TakeFeed.window * ChunkLines.linesPerTake, "\(held) lines judged while the first take was held")
        #expect(summary.total == 5_000)
        #expect(output == (1...5_000).map { "\($0):ok\($0)\n" }.joined())
    }

    /// A regular file never makes the reader wait, so no take ends early: only full takes, then the last.
    @Test func aFileOfManyChunksPrintsWhatOneJobPrints() throws {
        let directory = try TemporaryDirectory()
        let input = Self.mixedInput(count: 9_000)
        Support.writeFile(directory.path + "/lines", input)
        func run(_ jobs: Int) -> [UInt8] {
            let fd = open(directory.path + "/lines", O_RDONLY | O_CLOEXEC)
            defer { close(fd) }
            var output: [UInt8] = []
            _ = Self.runner(jobs: jobs, lines: BatchLineBuffers(workers: jobs)).run(reading: [fd]) {
                output += $0
                return true
            }
            return output
        }
        let one = run(1)
        #expect(!one.isEmpty)
        #expect(run(2) == one)
    }

    /// `tail -f log | jwtaudit verify --batch`: 3,100 lines arrive, then a pause with takes being judged: every line
    /// sent is answered while the input stays open. Then the same again, and the end.
    @Test func aPauseWithTakesInFlightAnswersEveryLineSent() throws {
        var fds: [Int32] = [0, 0]
        try #require(jwtaudit_pipe_cloexec(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let input = Self.mixedInput(count: 5_000)
        let cuts = [0, Self.offset(ofLine: 3_100, in: input), Self.offset(ofLine: 4_400, in: input), input.count]
        let expected = Self.run(jobs: 1, input).output
        let output = Mutex<[UInt8]>([])
        let finished = Atomic(false)
        let lines = BatchLineBuffers(workers: 2)
        let runner = Self.runner(jobs: 2, lines: lines)
        BatchRunnerTests.Thread {
            _ = runner.run(reading: [readEnd]) { bytes in
                output.withLock { $0 += bytes }
                return true
            }
            finished.store(true, ordering: .releasing)
        }.start()
        for part in 0..<3 {
            let piece = Array(input[cuts[part]..<cuts[part + 1]])
            var sent = 0
            while sent < piece.count {
                let count = piece[sent...].withUnsafeBytes { Glibc.write(writeEnd, $0.baseAddress, $0.count) }
                try #require(count > 0)
                sent += count
            }
            // What one job prints for the lines sent so far (the text up to the cut ends with a line's newline).
            let soFar = Self.run(jobs: 1, Array(input[0..<cuts[part + 1]])).output
            if part < 2 {
                let answered = RunningBinary.eventually(within: 60) { output.withLock { $0 } == soFar }
                #expect(answered, "every line up to the pause is answered while the input stays open (part \(part + 1))")
            }
        }
        close(writeEnd)
        let ended = RunningBinary.eventually(within: 60) { finished.load(ordering: .acquiring) }
        #expect(ended)
        #expect(output.withLock { $0 } == expected)
        close(readEnd)
    }

    /// The byte offset just past line `line`'s newline.
    static func offset(ofLine line: Int, in bytes: [UInt8]) -> Int {
        var seen = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            seen += 1
            if seen == line { return index + 1 }
        }
        return bytes.count
    }

    /// A closed output ends the run with takes in flight: nothing more is written, and the run returns.
    @Test func aClosedOutputWithTakesInFlightStopsTheRun() {
        let input = Self.mixedInput(count: 12_000)
        var writes = 0
        let summary = Self.runner(jobs: 2, lines: BatchLineBuffers(workers: 2)).run(reading: [BatchRunnerTests.pipe(bytes: input)]) { _ in
            writes += 1
            return false
        }
        #expect(writes == 1)
        #expect(summary.outputClosed)
        #expect(summary.total < 12_000)
    }

    // MARK: The built binary

    static let tokenNames = ["certificate-v1.jwt", "secret-v1.jwt", "expired-v1.jwt", "managed-identity-v1.jwt"]

    /// 12,000 lines of tokens, with blank lines, garbage, invalid UTF-8 and a NUL among them.
    static func tokenInput() throws -> [UInt8] {
        let tokens = try tokenNames.map(VerifyBatchTests.token)
        var bytes: [UInt8] = []
        for number in 1...12_000 {
            switch number % 89 {
            case 7: break
            case 8: bytes += Array("   ".utf8)
            case 9: bytes += Array("not a token \(number)".utf8)
            case 10: bytes += Array("eyJ".utf8) + [0xFF, 0xFE]
            case 11: bytes += Array("eyJ".utf8) + [0] + Array("x".utf8)
            default: bytes += Array(tokens[(number * 7 + number / 3) % tokens.count].utf8)
            }
            bytes += [0x0A]
        }
        return bytes
    }

    static func verify(jobs: Int, _ input: [UInt8]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, ["verify", "--batch", "--jobs", String(jobs)] + VerifyBatchTests.keyArguments, stdin: input)
    }

    @Test func verifyBatchPrintsTheSameBytesWithOneJobAndWithTwoOrThree() throws {
        let input = try Self.tokenInput()
        let one = try Self.verify(jobs: 1, input)
        #expect(one.status == 1, "\(one.stderr)")
        #expect(one.stdout.split(separator: "\n").count > 11_000)
        #expect(one.stdout.contains(#"{"line":9,"valid":false,"failed":["format"]"#))
        #expect(one.stdout.contains(#"{"line":10,"valid":false,"failed":["format"]"#))
        for jobs in [2, 3] {
            let many = try Self.verify(jobs: jobs, input)
            #expect(many.status == one.status)
            #expect(many.stdout == one.stdout, "jobs \(jobs)")
            #expect(many.stderr == one.stderr, "jobs \(jobs)")
        }
    }

    /// SIGINT while takes stream through the workers (some judged, some written, one being read): exit 130,
    /// the summary counts exactly the lines printed, and every printed line is the line one job prints for it, in
    /// input order.
    @Test func sigintWithTakesInFlightPrintsOnlyWholeJudgedLinesAndExits130() throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let input = try Self.tokenInput()
        let oneJob = try Self.verify(jobs: 1, input)
        var expected: [Int: Substring] = [:]
        for line in oneJob.stdout.split(separator: "\n") {
            let number = try #require(line.split(separator: ",").first?.split(separator: ":").last.flatMap { Int($0) })
            expected[number] = line
        }
        let directory = try TemporaryDirectory()
        let child = try Subprocess.start(
            [Support.binaryPath, "verify", "--batch", "--jobs", "2"] + VerifyBatchTests.keyArguments,
            stderrPath: directory.path + "/stderr")
        // Standard output drained on one thread, standard input fed on another, the input four times over so that
        // the pipe stays full until the interrupt (a paused input would let the batch write everything first).
        let printed = Mutex<[UInt8]>([])
        let drained = Atomic(false)
        BatchRunnerTests.Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(child.stdoutFD, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                printed.withLock { $0 += buffer[0..<count] }
            }
            drained.store(true, ordering: .releasing)
        }.start()
        let stopFeeding = Atomic(false)
        let fed = Atomic(false)
        BatchRunnerTests.Thread {
            defer { fed.store(true, ordering: .releasing) }
            // EPIPE once the child has gone, not SIGPIPE for the test process.
            var pipe = sigset_t()
            sigemptyset(&pipe)
            sigaddset(&pipe, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipe, nil)
            for _ in 0..<4 {
                var sent = 0
                while sent < input.count && !stopFeeding.load(ordering: .relaxed) {
                    let count = input[sent...].withUnsafeBytes { Glibc.write(child.stdinFD, $0.baseAddress, $0.count) }
                    if count <= 0 { return }
                    sent += count
                }
            }
        }.start()
        // Once some lines are out, takes are being judged and read.
        let started = RunningBinary.eventually(within: 60) { printed.withLock { $0.count } > 0 }
        #expect(started)
        kill(child.pid, SIGINT)
        var exited = false
        var raw: Int32 = 0
        exited = RunningBinary.eventually(within: 60) { waitpid(child.pid, &raw, WNOHANG) == child.pid }
        if !exited {
            kill(child.pid, SIGKILL)
            _ = child.wait()
        }
        stopFeeding.store(true, ordering: .relaxed)
        #expect(exited, "the batch stopped after SIGINT")
        #expect((raw & 0x7F) == 0 && (raw >> 8) & 0xFF == 130, "status \(raw)")
        // Both threads are done with the descriptors before they are closed (a closed number may be reused at once).
        let threadsEnded = RunningBinary.eventually(within: 60) { drained.load(ordering: .acquiring) && fed.load(ordering: .acquiring) }
        try #require(threadsEnded)
        close(child.stdinFD)
        close(child.stdoutFD)
        let stdout = String(decoding: printed.withLock { $0 }, as: UTF8.self)
        #expect(stdout.hasSuffix("\n"))
        let lines = stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        // Line numbers run on across the four copies of the input: line n + 12,000k is line n of the input.
        var previous = 0
        var malformed = 0
        for line in lines {
            let number = try #require(line.split(separator: ",").first?.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
            #expect(number > previous, "in input order: \(number) after \(previous)")
            previous = number
            let original = (number - 1) % 12_000 + 1
            let want = try #require(expected[original])
            #expect(String(line) == String(want).replacingLineNumber(original, with: number))
            if line.contains(#""failed":["format"]"#) { malformed += 1 }
        }
        let stderr = directory.read("stderr") ?? ""
        #expect(stderr.contains("jwtaudit: \(lines.count) token\(lines.count == 1 ? "" : "s"): "), "\(stderr)")
        #expect(stderr.contains(", \(malformed) malformed"), "\(stderr)")
        #expect(stderr.contains("interrupted"), "\(stderr)")
    }
}

extension String {
    /// `{"line":N,` with another N.
    func replacingLineNumber(_ old: Int, with new: Int) -> String {
        let prefix = #"{"line":\#(old),"#
        guard hasPrefix(prefix) else { return self }
        return #"{"line":\#(new),"# + dropFirst(prefix.count)
    }
}
