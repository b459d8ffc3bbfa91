import Glibc

/// Runs the built binary with some of its standard streams on a pseudo-terminal, as a person's shell would: what
/// depends on `isatty` (colour, width, the pager, batch progress, the standard-input hint) is then what a user sees.
enum PseudoTerminal {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// An open pseudo-terminal: the test's end (`master`) and the path of the program's end.
    struct Terminal {
        let master: Int32
        let name: String

        /// Everything the program writes to the terminal until it has exited and closed it (read then fails with
        /// EIO), line ends as the terminal driver writes them (`\r\n`) turned back into `\n`.
        func readToEnd() -> String {
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
                if count > 0 {
                    output += buffer[0..<count]
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            return String(decoding: output, as: UTF8.self).replacing("\r\n", with: "\n")
        }

        /// Reads until `condition` holds for what was read so far, or `seconds` pass (a hang becomes a failure
        /// instead of a stuck test run; no test asserts a duration). Returns what was read.
        func read(until condition: (String) -> Bool, within seconds: Int) -> String {
            var output: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            for _ in 0..<(seconds * 20) {
                var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, 50) > 0 {
                    let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    output += buffer[0..<count]
                    if condition(String(decoding: output, as: UTF8.self)) { break }
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Opens a pseudo-terminal `columns` wide (the size `TIOCGWINSZ` reports; nil leaves the driver's default).
    static func open(columns: Int? = nil) throws -> Terminal {
        // posix_openpt(3) and friends are not visible from Swift's Glibc module; they are these calls on Linux
        // (pts(4)): open the multiplexer, unlock the new terminal (TIOCSPTLCK), ask its number (TIOCGPTN).
        let master = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Failure(description: "no pseudo-terminal: \(String(cString: strerror(errno)))") }
        let lockRequest: UInt = 0x4004_5431  // _IOW('T', 0x31, int)
        let numberRequest: UInt = 0x8004_5430  // _IOR('T', 0x30, unsigned int)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, lockRequest, &unlock) == 0, ioctl(master, numberRequest, &number) == 0 else {
            close(master)
            throw Failure(description: "cannot set up the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        if let columns {
            var size = winsize(ws_row: 40, ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
            guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
                close(master)
                throw Failure(description: "cannot set the terminal's size: \(String(cString: strerror(errno)))")
            }
        }
        return Terminal(master: master, name: "/dev/pts/\(number)")
    }

    /// Runs the binary with its standard output on a terminal `columns` wide; standard input is /dev/null,
    /// standard error a file.
    static func run(_ arguments: [String], environment: [String: String] = [:], columns: Int? = nil) throws -> Support.Result {
        let terminal = try open(columns: columns)
        defer { close(terminal.master) }
        let directory = try TemporaryDirectory()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, terminal.name, O_RDWR | O_NOCTTY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, directory.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let spawned = Support.posixSpawn(&pid, Support.binaryPath, arguments, environment: environment, actions: &actions)
        guard spawned == 0 else { throw Failure(description: "posix_spawn failed: \(spawned)") }
        let text = terminal.readToEnd()
        return Support.Result(status: wait(pid), stdout: text, stderr: directory.read("stderr") ?? "")
    }

    /// The exit status of `pid`, once it has exited (128 + the signal when a signal ended it).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
