/// Where the workers of a batch write their JSON lines as bytes (`verify --batch`): one writer per worker, so a line
/// costs no `String` of its own and is copied once, from the writer to the output buffer, in input order.
///
/// With one job the writer fills during a chunk and is emptied once the chunk is written (`BatchRunner.run`). With
/// more, each take's lines go to the take's own writer: the worker swaps it in as its writer while it judges the
/// take (`TakeFeed`), so that lines another take's worker is still writing are never read.
///
/// A slot is written only by its worker. Raw storage, not an Array: two workers appending through one Array at once
/// race on its copy-on-write check.
final class BatchLineBuffers: @unchecked Sendable {
    /// The workers' writers, each on cache lines of its own: a writer's length changes with every piece of a line.
    private let filling: PerWorker<JSONLineWriter>
    let count: Int

    init(workers: Int) {
        count = max(1, workers)
        filling = PerWorker(count: count) { _ in JSONLineWriter(capacity: 64 << 10) }
    }

    /// The writer `worker` writes its lines into.
    func writer(_ worker: Int) -> UnsafeMutablePointer<JSONLineWriter> { filling[worker] }

    /// Empties every worker's buffer, keeping the storage, once a chunk is written.
    func reset() {
        for worker in 0..<count { filling[worker].pointee.reset() }
    }
}
