/// Where the workers of a batch write their JSON lines as bytes (`verify --batch`): one writer per worker, filled
/// during a chunk and emptied once the chunk is written, so a line costs no `String` of its own and the chunk's
/// output is copied once, from these buffers to the output buffer, in input order (`BatchRunner.run`).
///
/// A slot is written only by its worker while the chunk is judged, and read by the writing thread only after every
/// worker has finished it. Raw storage, not an Array: two workers appending through one Array at once race on its
/// copy-on-write check.
///
/// With more than one worker a second bank holds the last chunk's lines (`written`) while the workers fill the first
/// with the next chunk's (`BatchRunner`'s pipelined run): `setAside` swaps the two banks' writers once a chunk is
/// judged, so the workers always write at `writer(worker)` and a line is never copied between banks.
final class BatchLineBuffers: @unchecked Sendable {
    /// The workers' writers, each on cache lines of its own: a writer's length changes with every piece of a line.
    private let filling: PerWorker<JSONLineWriter>
    /// The lines of the chunk being written while the next one is judged (nil with one worker: nothing overlaps).
    private let settled: PerWorker<JSONLineWriter>?
    let count: Int

    init(workers: Int) {
        count = max(1, workers)
        filling = PerWorker(count: count) { _ in JSONLineWriter(capacity: 64 << 10) }
        settled = count > 1 ? PerWorker(count: count) { _ in JSONLineWriter(capacity: 64 << 10) } : nil
    }

    /// The writer `worker` fills while a chunk is judged.
    func writer(_ worker: Int) -> UnsafeMutablePointer<JSONLineWriter> { filling[worker] }

    /// The lines `worker` wrote for the chunk now being written (`setAside`); with one worker, its only writer.
    func written(_ worker: Int) -> UnsafeMutablePointer<JSONLineWriter> { settled?[worker] ?? filling[worker] }

    /// Empties every worker's buffer, keeping the storage, once a chunk is written.
    func reset() {
        for worker in 0..<count { filling[worker].pointee.reset() }
    }

    /// Moves the lines the workers just wrote to `written`, and the emptied `written` writers back to the workers.
    /// Called between chunks, when no worker runs.
    func setAside() {
        guard let settled else { return }
        for worker in 0..<count { swap(&filling[worker].pointee, &settled[worker].pointee) }
    }

    /// Empties `written` once its chunk is out.
    func resetWritten() {
        guard let settled else { return }
        for worker in 0..<count { settled[worker].pointee.reset() }
    }
}
