/// One value per batch worker, each on cache lines of its own.
///
/// Workers write their own value on every token (a line writer's length with every piece of a line, the last token
/// parsed). Values packed side by side share a 64-byte line, and each such write takes the line from the other
/// worker's core. Here each value starts on a 128-byte boundary (two lines: neighbouring-line prefetch pulls lines in
/// pairs) and its stride is a whole number of such blocks. Measured alone with `--jobs 2`, the padding changed the
/// wall clock by less than the noise (the shared verifier was the cost, `Verifier.replica`); it is kept because it
/// costs a few hundred bytes and rules the question out.
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
