import Glibc
import Synchronization
import Testing
@testable import JWTAuditCLI

@Suite("Worker pool: every worker once per run, each on its own thread")
struct WorkerPoolTests {
    /// What one `perform` saw: for each worker index, how often it ran and on which thread.
    final class Record: Sendable {
        let state: Mutex<(runs: [Int], threads: [UInt])>
        init(count: Int) { state = Mutex((Array(repeating: 0, count: count), Array(repeating: 0, count: count))) }
        func ran(_ worker: Int) {
            state.withLock {
                $0.runs[worker] += 1
                $0.threads[worker] = UInt(pthread_self())
            }
        }
        var runs: [Int] { state.withLock { $0.runs } }
        var threads: [UInt] { state.withLock { $0.threads } }
    }

    @Test(arguments: [1, 2, 4])
    func everyWorkerRunsOnceOnItsOwnThreadAndPerformWaitsForAll(capacity: Int) {
        let pool = WorkerPool(capacity: capacity)
        let record = Record(count: capacity)
        pool.perform(capacity) { worker in
            // Slow enough that a perform returning before its workers end would see a count of 0.
            usleep(2_000)
            record.ran(worker)
        }
        #expect(record.runs == Array(repeating: 1, count: capacity))
        let threads = record.threads
        #expect(threads[0] == UInt(pthread_self()))
        #expect(Set(threads).count == capacity)
    }

    @Test func chunksWithFewerWorkersThanThePoolRunOnlyThose() {
        let pool = WorkerPool(capacity: 4)
        let counts = [4, 1, 3, 2, 4, 2, 1, 3]
        let record = Record(count: 4)
        for round in 0..<50 {
            pool.perform(counts[round % counts.count]) { worker in record.ran(worker) }
        }
        // Over 50 rounds of the 8 counts (6 full cycles and 4, 1): worker w runs whenever the round's count exceeds w.
        let expected = (0..<4).map { worker in (0..<50).filter { counts[$0 % counts.count] > worker }.count }
        #expect(record.runs == expected)
    }

    @Test func aCountAboveTheCapacityIsCappedAtIt() {
        let pool = WorkerPool(capacity: 2)
        let record = Record(count: 8)
        pool.perform(8) { worker in record.ran(worker) }
        #expect(record.runs == [1, 1, 0, 0, 0, 0, 0, 0])
    }

    /// SIGINT must reach the thread blocked in read(2), not a worker: the read's EINTR is how a batch stops at once.
    @Test func workerThreadsBlockSignalsSoAnInterruptReachesTheReader() {
        // The test's own thread may block SIGINT already (the test runner's threads do): unblock it, so that a
        // worker that merely inherited the mask would fail, and put it back at the end.
        var interrupt = sigset_t()
        var original = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &original)
        defer { pthread_sigmask(SIG_SETMASK, &original, nil) }
        var before = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &before)
        let pool = WorkerPool(capacity: 2)
        let blocked = Mutex<Bool?>(nil)
        pool.perform(2) { worker in
            guard worker == 1 else { return }
            var mask = sigset_t()
            pthread_sigmask(SIG_BLOCK, nil, &mask)
            let isBlocked = sigismember(&mask, SIGINT) == 1
            blocked.withLock { $0 = isBlocked }
        }
        #expect(blocked.withLock { $0 } == true)
        var after = sigset_t()
        pthread_sigmask(SIG_BLOCK, nil, &after)
        #expect((1..<32).allSatisfy { sigismember(&before, $0) == sigismember(&after, $0) }, "the calling thread's mask is left as it was")
    }
}
