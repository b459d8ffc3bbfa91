import Glibc
import Testing

/// The offline path must not pay for the network: libcurl is dlopen()ed by the first fetch, never at start-up.
/// Checked in a fresh process (this test process may already have fetched): the built `jwtaudit` binary is run
/// with the dynamic loader's own trace (LD_DEBUG=libs), which lists every library it loads.
@Suite("libcurl is loaded on demand")
struct NetworkLibcurlLoadingTests {
    @Test func jwtauditDoesNotLoadLibcurlAtStartup() throws {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        try #require(n > 0)
        let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var binary = String(exe[..<exe.lastIndex(of: "/")!]) + "/jwtaudit"
        if access(binary, X_OK) != 0 {
            // swift test may run the tests through a helper; fall back to the package's .build/debug.
            let file = "\(#filePath)"
            let package = file.components(upTo: "/Tests/")
            binary = package + "/.build/debug/jwtaudit"
        }
        try #require(access(binary, X_OK) == 0, "built jwtaudit binary not found at \(binary)")
        let tmp = try TemporaryDirectory()
        let trace = tmp.path + "/ld.trace"
        let status = try Subprocess.run([binary, "--version"], environment: ["LD_DEBUG=libs", "PATH=/usr/bin:/bin"], outputFile: trace)
        let text = tmp.read("ld.trace") ?? ""
        #expect(status == 0)
        #expect(text.contains("libcrypto.so"), "the trace works and shows the libraries jwtaudit does link")
        #expect(!text.contains("libcurl"), "libcurl loaded at start-up:\n\(text.split(separator: "\n").filter { $0.contains("curl") }.prefix(5))")
    }
}

extension String {
    func components(upTo marker: String) -> String {
        guard let range = firstRange(of: marker) else { return self }
        return String(self[..<range.lowerBound])
    }
}
