import Testing
@testable import JWTAuditCLI

/// glibc's malloc_usable_size(3), which Swift's Glibc module does not bring in (it lives in <malloc.h>).
@_silgen_name("malloc_usable_size")
private func mallocUsableSize(_ pointer: UnsafeMutableRawPointer) -> Int

/// Each worker adds to its own progress counter once per token: two counters that shared a cache line would move it
/// between the workers' cores on every token.
@Suite("Progress counters of different workers never share a cache line")
struct BatchProgressTests {
    @Test func eachCounterFillsMoreThanTwoCacheLinesOfHeap() {
        // Counters are made one after the other and sit side by side on the heap; each taking more than 128 bytes
        // (two lines, the pair an adjacent-line prefetcher fetches together) keeps their values apart.
        let counters = (0..<4).map { _ in BatchProgress.Counter() }
        for (index, counter) in counters.enumerated() {
            let size = mallocUsableSize(Unmanaged.passUnretained(counter).toOpaque())
            #expect(size > 128, "counter \(index) takes \(size) bytes of heap")
        }
    }
}
