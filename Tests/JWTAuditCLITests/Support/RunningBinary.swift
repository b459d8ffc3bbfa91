import Glibc

/// The built binary started in the background, for the cases where the test must act while it runs (send SIGINT)
/// or must not wait forever when it hangs (a FIFO in the cache). Output goes to files, so the child never blocks on
/// a full pipe. Waiting has a deadline far beyond any sensible run: it only turns a hang into a failure instead of a
/// stuck test run; no test asserts a duration.
final class RunningBinary {
    let pid: pid_t
    private let directory: TemporaryDirectory
    private var status: Int32?

    init(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:]) throws {
        directory = try TemporaryDirectory()
        Support.writeFile(directory.path + "/stdin", stdin)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, directory.path + "/stdin", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.path + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, directory.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let spawned = Support.posixSpawn(&pid, Support.binaryPath, arguments, environment: environment, actions: &actions)
        guard spawned == 0 else { throw Subprocess.Failure(description: "posix_spawn failed: \(spawned)") }
        self.pid = pid
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var ignored: Int32 = 0
            while waitpid(pid, &ignored, 0) < 0 && errno == EINTR {}
        }
    }

    func interrupt() { kill(pid, SIGINT) }

    /// Polls until `condition` holds, for at most `seconds`; true when it held.
    static func eventually(within seconds: Int, _ condition: () -> Bool) -> Bool {
        for _ in 0..<(seconds * 20) {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The result once the process has exited, or nil when it is still running after `seconds` (it is then
    /// killed, and the test should fail: the binary hung).
    func waitForExit(within seconds: Int) -> Support.Result? {
        let exited = Self.eventually(within: seconds) {
            if status != nil { return true }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return false }
            status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            return true
        }
        guard exited, let status else { return nil }
        return Support.Result(
            status: status, stdout: directory.read("stdout") ?? "", stderr: directory.read("stderr") ?? "")
    }
}
