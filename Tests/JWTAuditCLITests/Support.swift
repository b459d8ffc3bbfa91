import CPosix
#if canImport(Glibc)
import Glibc
#endif
@testable import JWTAuditCLI
import JWTAuditCore
import TestSupport

/// Paths and process helpers shared by the CLI tests.
enum Support {
    static let packageRoot = PackageFiles.root

    /// The instant every test runs at unless it says otherwise: 2026-01-01T00:10:00Z.
    static let now: Int64 = 1_767_225_600 + 600

    /// Text output with its wrapped lines joined again (a line break and the indentation after it become one
    /// space), for tests that look for a sentence whatever the width it was wrapped at.
    static func unwrapped(_ text: String) -> String {
        var out = ""
        var pendingBreak = false
        for character in text {
            if character == "\n" {
                pendingBreak = true
            } else if pendingBreak && character == " " {
                continue
            } else {
                if pendingBreak { out += out.isEmpty || out.hasSuffix(" ") ? "" : " " }
                pendingBreak = false
                out.append(character)
            }
        }
        return out
    }

    /// A file's text; a relative path is taken from the package root.
    static func readFile(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A file's bytes; a relative path is taken from the package root.
    static func readBytes(_ path: String) -> [UInt8]? { PackageFiles.readBytes(path) }

    static func writeFile(_ path: String, _ bytes: [UInt8]) { PackageFiles.writeBytes(path, bytes) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the CLI in-process with the given standard input and terminal flags.
    static func run(
        _ arguments: [String], stdin: [UInt8] = [], stdinIsTerminal: Bool = false, stdoutIsTerminal: Bool = false,
        environment: [String: String] = [:], now: Int64 = Support.now
    ) -> Result {
        final class Box {
            var out = ""
            var err = ""
        }
        let box = Box()
        let streams = StandardStreams(
            readInput: { (maxBytes: Int) throws(JWTAuditError) -> [UInt8] in Array(stdin.prefix(maxBytes)) },
            inputIsTerminal: stdinIsTerminal, outputIsTerminal: stdoutIsTerminal,
            writeOutput: { box.out += $0 }, writeError: { box.err += $0 })
        let status = JWTAuditCLI.run(arguments: arguments, environment: environment, streams: streams, now: now)
        return Result(status: status, stdout: box.out, stderr: box.err)
    }

    /// `.build/debug/jwtaudit`, or `$JWTAUDIT_TEST_BINARY`: the AddressSanitizer run (fuzz/README.md) points it
    /// at the instrumented binary in its own scratch path, so the end-to-end tests check that binary too.
    static var binaryPath: String {
        getenv("JWTAUDIT_TEST_BINARY").map { String(cString: $0) } ?? packageRoot + "/.build/debug/jwtaudit"
    }

    static let tempDirectory: String = {
        var template = Array("/tmp/jwtaudit-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        return made.map { String(cString: $0) } ?? "/tmp"
    }()

    /// `posix_spawn(3)` of `executable` with `arguments` (after argv[0]) and exactly `environment`, the C strings
    /// made for the call only. Returns posix_spawn's status.
    static func posixSpawn(
        _ pid: inout pid_t, _ executable: String, _ arguments: [String], environment: [String: String],
        actions: inout posix_spawn_file_actions_t
    ) -> Int32 {
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        return posix_spawn(&pid, executable, &actions, nil, argv, envp)
    }

    /// Runs an executable with posix_spawn: standard input from `stdin` (through a file, so a huge input never
    /// blocks the test), standard output and error through pipes, read to EOF.
    static func spawn(_ executable: String, _ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:]) -> Result {
        let unique = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let inputPath = tempDirectory + "/stdin-\(unique)"
        writeFile(inputPath, stdin)
        defer { unlink(inputPath) }
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        // Close-on-exec: the child gets them as 1 and 2 (dup2 clears the flag), and no other test's child gets them.
        guard jwtaudit_pipe_cloexec(&outPipe) == 0, jwtaudit_pipe_cloexec(&errPipe) == 0 else { return Result(status: -1, stdout: "", stderr: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var pid: pid_t = 0
        let spawned = posixSpawn(&pid, executable, arguments, environment: environment, actions: &actions)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            return Result(status: -1, stdout: "", stderr: "posix_spawn failed: \(spawned)")
        }
        // Drain both pipes with poll so neither can fill up and stall the child.
        var out: [UInt8] = []
        var err: [UInt8] = []
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == outPipe[0] { out += buffer[0..<count] } else { err += buffer[0..<count] }
                } else {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: exitCode, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
