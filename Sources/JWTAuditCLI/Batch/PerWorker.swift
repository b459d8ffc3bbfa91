/// One value per batch worker, each on cache lines of its own.
///
/// Workers write their own value on every token (a line's length as it is written, the last token parsed). Values
/// packed side by side share a 64-byte line, so each of those writes took the line away from the other core and the
/// other worker's next write took it back: with `--jobs 2` the batch spent 7% more CPU than one worker on the same
/// tokens (issue 22). Here each value starts on a 128-byte boundary (two lines: neighbouring-line prefetch pulls
/// lines in pairs) and its stride is a whole number of such blocks.
final class PerWorker<Value: ~Copyable>: @unchecked Sendable {
    private static var stride: Int { (MemoryLayout<Value>.stride + 127) / 128 * 128 }

    private let base: UnsafeMutableRawPointer
    let count: Int

    init(count: Int, _ make: (Int) -> Value) {
        self.count = max(1, count)
        base = .allocate(byteCount: Self.stride * self.count, alignment: 128)
        for worker in 0..<self.count {
            (base + worker * Self.stride).bindMemory(to: Value.self, capacity: 1).initialize(to: make(worker))
        }
    }

    deinit {
        for worker in 0..<count { self[worker].deinitialize(count: 1) }
        base.deallocate()
    }

    /// Worker `worker`'s value (0 ..< `count`).
    subscript(worker: Int) -> UnsafeMutablePointer<Value> {
        precondition(worker >= 0 && worker < count, "worker out of range")
        return (base + worker * Self.stride).assumingMemoryBound(to: Value.self)
    }
}
