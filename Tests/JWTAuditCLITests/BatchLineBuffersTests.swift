import Testing
@testable import JWTAuditCLI

@Suite("Batch lines written as bytes by the workers")
struct BatchLineBuffersTests {
    /// Lines that workers write into their own buffers come out in input order among lines given as text, across
    /// chunks (5,000 lines is several chunks with one worker) and whatever the number of workers.
    @Test(arguments: [1, 2, 3])
    func workerWrittenLinesKeepInputOrder(jobs: Int) {
        let lines = BatchLineBuffers(workers: jobs)
        let runner = BatchRunner(
            jobs: jobs, maxLineBytes: 100,
            verify: { text, number, worker in
                guard text.hasPrefix("ok") else {
                    return BatchItemResult(jsonLine: "\(number):text:\(text)", valid: false, failedChecks: ["signature"], malformed: false)
                }
                let start = lines.writer(worker).pointee.count
                lines.writer(worker).pointee.raw("\(number):bytes:\(text)")
                return BatchItemResult(
                    jsonLine: "", lineBytes: start..<lines.writer(worker).pointee.count, valid: true, failedChecks: [],
                    malformed: false)
            },
            unreadable: { number, reason in
                BatchItemResult(jsonLine: "\(number):unreadable", valid: false, failedChecks: ["format"], malformed: true)
            },
            lines: lines)
        let input = (1...5000).map { $0 % 5 == 0 ? "no\($0)" : "ok\($0)" }
        var output = ""
        let summary = runner.run(inputs: [BatchRunnerTests.pipe(input.joined(separator: "\n") + "\n")]) {
            output += $0
            return true
        }
        let expected = input.enumerated().map { index, text in
            "\(index + 1):\(text.hasPrefix("ok") ? "bytes" : "text"):\(text)"
        }.joined(separator: "\n") + "\n"
        #expect(output == expected)
        #expect(summary.valid == 4000)
        #expect(summary.rejected == 1000)
        // Each chunk's lines are dropped once written: the buffers hold no more than the last chunk's.
        #expect((0..<jobs).allSatisfy { lines.writer($0).pointee.isEmpty })
    }
}
