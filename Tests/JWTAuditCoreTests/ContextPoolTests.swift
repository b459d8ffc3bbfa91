import Synchronization
import Testing
@testable import JWTAuditCore

/// `ContextPool` hands a context to one thread at a time: the slot's atomic exchange and the locked list together
/// must never give one context to two takers, never lose one, and free what they hold when the pool goes.
@Suite("Context pool: one thread per context")
struct ContextPoolTests {
    final class Context: Sendable {
        let kind: Int
        let inUse = Atomic<Bool>(false)
        init(kind: Int) { self.kind = kind }
    }

    final class Counts: Sendable {
        let made = Atomic<Int>(0)
        let overlaps = Atomic<Int>(0)
    }

    @Test func aContextServesOneTakerAtATimeAndNoneIsLost() async {
        let pool = ContextPool<Context>()
        let counts = Counts()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<2_000 {
                        let kind = (worker + round) % 2
                        let context = pool.take { $0.kind == kind } ?? {
                            counts.made.add(1, ordering: .relaxed)
                            return Context(kind: kind)
                        }()
                        #expect(context.kind == kind)
                        if context.inUse.exchange(true, ordering: .acquiring) { counts.overlaps.add(1, ordering: .relaxed) }
                        context.inUse.store(false, ordering: .releasing)
                        pool.give(context)
                    }
                }
            }
        }
        #expect(counts.overlaps.load(ordering: .relaxed) == 0, "a context was handed to two takers at once")
        // At most one context per worker and kind is ever needed; every one made is back in the pool.
        #expect(counts.made.load(ordering: .relaxed) <= 16)
        var back = 0
        for kind in 0..<2 { while pool.take(where: { $0.kind == kind }) != nil { back += 1 } }
        #expect(back == counts.made.load(ordering: .relaxed), "made \(counts.made.load(ordering: .relaxed)), found \(back)")
    }

    @Test func theSlotAndTheListAreFreedWithThePool() {
        weak var inSlot: Context?
        weak var inList: Context?
        do {
            let pool = ContextPool<Context>()
            let first = Context(kind: 1)
            let second = Context(kind: 2)
            inSlot = first
            inList = second
            pool.give(first)
            pool.give(second)
            #expect(pool.take { $0.kind == 2 } === second)
            pool.give(second)
        }
        #expect(inSlot == nil)
        #expect(inList == nil)
    }
}
