/// Where the workers of a batch write their JSON lines as bytes (`verify --batch`): one writer per worker, filled
/// during a chunk and emptied once the chunk is written, so a line costs no `String` of its own and the chunk's
/// output is copied once, from these buffers to the output buffer, in input order (`BatchRunner.run`).
///
/// A slot is written only by its worker while the chunk is judged, and read by the writing thread only after every
/// worker has finished it. Raw storage, not an Array: two workers appending through one Array at once race on its
/// copy-on-write check.
final class BatchLineBuffers: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<JSONLineWriter>
    let count: Int

    init(workers: Int) {
        count = max(1, workers)
        pointer = .allocate(capacity: count)
        for worker in 0..<count { (pointer + worker).initialize(to: JSONLineWriter(capacity: 64 << 10)) }
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
    }

    /// Empties every worker's buffer, keeping the storage, once a chunk is written.
    func reset() {
        for worker in 0..<count { pointer[worker].reset() }
    }
}
