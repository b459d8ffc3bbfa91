import Glibc
import Testing

/// Tests run in parallel in one process, and a descriptor one test leaves open without close-on-exec reaches every
/// child another test starts meanwhile. That once gave a test proxy thousands of inherited descriptors, its own
/// sockets numbers past select()'s limit, and a TLS failure in an unrelated test. A child started while this test
/// holds the pipes the suites make (`BatchRunnerTests.pipe`) holds none of them.
@Suite("Child processes do not inherit the tests' pipes")
struct ChildDescriptorTests {
    /// What `/proc/<pid>/fd/<fd>` points at: `pipe:[inode]` for a pipe.
    static func target(_ link: String) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(link, &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    @Test func aChildHoldsNoneOfTheTestsPipes() throws {
        let held = (0..<8).map { _ in BatchRunnerTests.pipe("held open while the child starts\n") }
        defer { held.forEach { close($0) } }
        let heldTargets = Set(held.map { Self.target("/proc/self/fd/\($0)") })
        try #require(heldTargets.allSatisfy { $0.hasPrefix("pipe:") }, "\(heldTargets)")
        // Each line: "/proc/self/fd/N -> target" for every descriptor the child has.
        let result = Support.spawn("/usr/bin/find", ["/proc/self/fd/", "-mindepth", "1", "-printf", "%p -> %l\\n"])
        #expect(result.status == 0, "\(result.stderr)")
        let childTargets = result.stdout.split(separator: "\n").compactMap { $0.split(separator: " -> ").last.map(String.init) }
        #expect(!childTargets.isEmpty, "\(result.stdout)")
        #expect(heldTargets.isDisjoint(with: childTargets), "the child holds \(childTargets)")
    }
}
