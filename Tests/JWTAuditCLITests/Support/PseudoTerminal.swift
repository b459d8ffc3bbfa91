import Glibc

/// Runs the built binary with its standard output on a pseudo-terminal, as a person's shell would: what depends
/// on `isatty(1)` (colour, width) is then what a user sees. Standard input is /dev/null, standard error a file.
enum PseudoTerminal {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// The output (line ends as the terminal driver writes them, `\r\n`, turned back into `\n`), standard error and
    /// the exit status.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Support.Result {
        // posix_openpt(3) and friends are not visible from Swift's Glibc module; they are these calls on Linux
        // (pts(4)): open the multiplexer, unlock the new terminal (TIOCSPTLCK), ask its number (TIOCGPTN).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw Failure(description: "no pseudo-terminal: \(String(cString: strerror(errno)))") }
        defer { close(master) }
        let lockRequest: UInt = 0x4004_5431  // _IOW('T', 0x31, int)
        let numberRequest: UInt = 0x8004_5430  // _IOR('T', 0x30, unsigned int)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, lockRequest, &unlock) == 0, ioctl(master, numberRequest, &number) == 0 else {
            throw Failure(description: "cannot set up the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        let directory = try TemporaryDirectory()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, name, O_RDWR | O_NOCTTY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, directory.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let spawned = Support.posixSpawn(&pid, Support.binaryPath, arguments, environment: environment, actions: &actions)
        guard spawned == 0 else { throw Failure(description: "posix_spawn failed: \(spawned)") }
        // Read until the child has exited and closed the terminal (read then fails with EIO).
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 {
                output += buffer[0..<count]
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let text = String(decoding: output, as: UTF8.self).replacing("\r\n", with: "\n")
        return Support.Result(status: exit, stdout: text, stderr: directory.read("stderr") ?? "")
    }
}
