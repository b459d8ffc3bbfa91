import Synchronization
import Testing
@testable import JWTAuditCLI

/// `PerWorker`: each worker's value on cache lines no other worker's value touches, made and destroyed once.
@Suite("Per-worker values")
struct PerWorkerTests {
    final class Tracked {
        /// Only `valuesAreMadeOnceAndDestroyedWithTheStorage` makes these.
        static let alive = Atomic<Int>(0)
        let worker: Int
        init(_ worker: Int) {
            self.worker = worker
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test(arguments: [1, 2, 3, 8])
    func everyValueStartsOnItsOwn128ByteBlock(_ count: Int) {
        // 24 bytes (a line writer's size): four of them would share one cache line if packed.
        let values = PerWorker<(Int, Int, Int)>(count: count) { ($0, $0 * 2, $0 * 3) }
        var starts: [Int] = []
        for worker in 0..<count {
            let address = Int(bitPattern: values[worker])
            #expect(address % 128 == 0, "worker \(worker)'s value is not on a 128-byte boundary")
            starts.append(address)
            #expect(values[worker].pointee == (worker, worker * 2, worker * 3))
        }
        for (first, second) in zip(starts, starts.dropFirst()) { #expect(second - first >= 128) }
    }

    @Test func aValueLargerThanABlockKeepsWholeBlocks() {
        let values = PerWorker<(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)>(count: 3) {
            ($0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $0)
        }
        let gap = Int(bitPattern: values[1]) - Int(bitPattern: values[0])
        #expect(gap == 256, "136-byte values need two 128-byte blocks each, got a stride of \(gap)")
        values[1].pointee.16 = 7
        #expect(values[0].pointee.16 == 0 && values[2].pointee.0 == 2)
    }

    @Test func valuesAreMadeOnceAndDestroyedWithTheStorage() {
        do {
            let values = PerWorker<Tracked>(count: 4) { Tracked($0) }
            #expect(Tracked.alive.load(ordering: .relaxed) == 4)
            #expect((0..<4).map { values[$0].pointee.worker } == [0, 1, 2, 3])
        }
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }
}
