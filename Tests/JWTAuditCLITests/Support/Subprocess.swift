import CPosix
import Glibc

/// Just enough process control for the network tests (no Foundation): run a command to completion, or start a
/// long-running one with a pipe on its stdin (closing it tells the test server to exit) and one on its stdout.
struct Subprocess {
    let pid: pid_t
    let stdinFD: Int32
    let stdoutFD: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `argv` (argv[0] looked up in PATH) with stdout/stderr to `outputFile` (or /dev/null), waits, returns
    /// the exit status.
    @discardableResult
    static func run(_ argv: [String], environment: [String]? = nil, outputFile: String = "/dev/null") throws -> Int32 {
        let child = try spawn(argv, environment: environment, stdoutPath: outputFile, stderrPath: outputFile, pipes: false)
        return child.wait()
    }

    /// Starts `argv` with stdin and stdout as pipes and stderr to `stderrPath`.
    static func start(_ argv: [String], stderrPath: String) throws -> Subprocess {
        try spawn(argv, environment: nil, stdoutPath: nil, stderrPath: stderrPath, pipes: true)
    }

    private static func spawn(_ argv: [String], environment: [String]?, stdoutPath: String?, stderrPath: String, pipes: Bool) throws -> Subprocess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        if pipes {
            // Not inherited by other tests' children (dup2 onto 0/1 clears the flag for this child). Made so, not
            // flagged after: another thread may spawn between pipe() and fcntl().
            guard jwtaudit_pipe_cloexec(&inPipe) == 0, jwtaudit_pipe_cloexec(&outPipe) == 0 else { throw Failure(description: "pipe failed") }
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let stdoutPath { posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_APPEND, 0o600) }
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc: Int32
        if let environment {
            let cEnv = environment.map { strdup($0) } + [nil]
            defer { cEnv.forEach { free($0) } }
            rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        } else {
            rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        }
        if pipes { close(inPipe[0]); close(outPipe[1]) }
        guard rc == 0 else {
            if pipes { close(inPipe[1]); close(outPipe[0]) }
            throw Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return Subprocess(pid: pid, stdinFD: inPipe[1], stdoutFD: outPipe[0])
    }

    /// Reads one line from the child's stdout, giving up after `timeoutMilliseconds`.
    func readLine(timeoutMilliseconds: Int32) -> String? {
        var line = [UInt8]()
        var byte: UInt8 = 0
        while true {
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeoutMilliseconds) == 1 else { return nil }
            guard Glibc.read(stdoutFD, &byte, 1) == 1 else { return nil }
            if byte == 0x0A { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Waits for the child; returns its exit status (128 + signal when killed).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Closes our ends of the pipes, sends SIGTERM and reaps the child.
    func terminate() {
        if stdinFD >= 0 { close(stdinFD) }
        if stdoutFD >= 0 { close(stdoutFD) }
        kill(pid, SIGTERM)
        _ = wait()
    }
}

/// A fresh directory under /tmp, removed (recursively) on deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/jwtaudit-test-XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Subprocess.Failure(description: "mkdtemp failed")
        }
        path = String(cString: p)
    }

    deinit { _ = try? Subprocess.run(["rm", "-rf", "--", path]) }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        var dir = full
        while let last = dir.lastIndex(of: "/"), dir[..<last] != "" {
            dir = String(dir[..<last])
            break
        }
        try Subprocess.run(["mkdir", "-p", "--", dir])
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Subprocess.Failure(description: "cannot write \(full)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw Subprocess.Failure(description: "short write to \(full)")
        }
    }

    func read(_ relative: String) -> String? { Support.readFile(path + "/" + relative) }
}
