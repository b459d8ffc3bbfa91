/// Where the workers of a batch write their JSON lines as bytes (`verify --batch`): one writer per worker, filled
/// during a chunk and emptied once the chunk is written, so a line costs no `String` of its own and the chunk's
/// output is copied once, from these buffers to the output buffer, in input order (`BatchRunner.run`).
///
/// A slot is written only by its worker while the chunk is judged, and read by the writing thread only after every
/// worker has finished it. Raw storage, not an Array: two workers appending through one Array at once race on its
/// copy-on-write check.
///
/// With more than one worker a second bank, `written`, holds the last chunk's lines while the workers fill `pointer`
/// with the next chunk's (`BatchRunner`'s pipelined run): `setAside` swaps the two banks' writers once a chunk is
/// judged, so the workers always write at `pointer[worker]` and a line is never copied between banks.
final class BatchLineBuffers: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<JSONLineWriter>
    /// The lines of the chunk being written while the next one is judged (nil with one worker: nothing overlaps).
    let written: UnsafeMutablePointer<JSONLineWriter>?
    let count: Int

    init(workers: Int) {
        count = max(1, workers)
        pointer = .allocate(capacity: count)
        for worker in 0..<count { (pointer + worker).initialize(to: JSONLineWriter(capacity: 64 << 10)) }
        if count > 1 {
            let written = UnsafeMutablePointer<JSONLineWriter>.allocate(capacity: count)
            for worker in 0..<count { (written + worker).initialize(to: JSONLineWriter(capacity: 64 << 10)) }
            self.written = written
        } else {
            written = nil
        }
    }

    deinit {
        pointer.deinitialize(count: count)
        pointer.deallocate()
        if let written {
            written.deinitialize(count: count)
            written.deallocate()
        }
    }

    /// Empties every worker's buffer, keeping the storage, once a chunk is written.
    func reset() {
        for worker in 0..<count { pointer[worker].reset() }
    }

    /// Moves the lines the workers just wrote to `written`, and the emptied `written` writers back to the workers.
    /// Called between chunks, when no worker runs.
    func setAside() {
        guard let written else { return }
        for worker in 0..<count { swap(&pointer[worker], &written[worker]) }
    }

    /// Empties `written` once its chunk is out.
    func resetWritten() {
        guard let written else { return }
        for worker in 0..<count { written[worker].reset() }
    }
}
