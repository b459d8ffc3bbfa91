import CPosix
import Glibc
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `verify --batch` as a person at a terminal sees it (issue 17, item 9): a progress line on standard error when it
/// is a terminal and the run passes a second (cleared before the summary), never otherwise; and a hint when the
/// tokens are to be typed on a terminal. The run lasts as long as the test keeps standard input open, so no test
/// depends on how fast the machine is.
@Suite("verify --batch at a terminal: progress and the standard-input hint")
struct BatchTerminalTests {
    static var options: [String] { VerifyBatchTests.keyArguments }

    /// The binary with standard input a pipe the test writes and closes, standard output a file, and standard
    /// error either a terminal or a file.
    final class Run {
        let pid: pid_t
        let input: Int32
        let terminal: PseudoTerminal.Terminal?
        let directory: TemporaryDirectory

        init(_ arguments: [String], errorOnTerminal: Bool) throws {
            directory = try TemporaryDirectory()
            terminal = errorOnTerminal ? try PseudoTerminal.open(columns: 80) : nil
            var fds: [Int32] = [0, 0]
            guard jwtaudit_pipe_cloexec(&fds) == 0 else { throw PseudoTerminal.Failure(description: "pipe failed") }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
            posix_spawn_file_actions_addclose(&actions, fds[0])
            posix_spawn_file_actions_addopen(&actions, 1, directory.path + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            if let terminal {
                posix_spawn_file_actions_addopen(&actions, 2, terminal.name, O_RDWR | O_NOCTTY, 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 2, directory.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            }
            var pid: pid_t = 0
            let spawned = Support.posixSpawn(&pid, Support.binaryPath, arguments, environment: [:], actions: &actions)
            close(fds[0])
            guard spawned == 0 else { throw PseudoTerminal.Failure(description: "posix_spawn failed: \(spawned)") }
            self.pid = pid
            input = fds[1]
        }

        func send(_ text: String) { FileReader.writeAll(text, to: input) }

        /// Closes standard input and returns the exit status, standard output and standard error.
        func finish() -> Support.Result {
            close(input)
            let error = terminal?.readToEnd()
            let status = PseudoTerminal.wait(pid)
            if let terminal { close(terminal.master) }
            return Support.Result(status: status, stdout: directory.read("stdout") ?? "", stderr: error ?? directory.read("stderr") ?? "")
        }
    }

    @Test func aLongRunShowsItsProgressOnATerminalAndClearsIt() throws {
        let run = try Run(["verify", "--batch"] + Self.options, errorOnTerminal: true)
        let token = try VerifyBatchTests.token("certificate-v1.jwt")
        run.send(String(repeating: token + "\n", count: 3))
        let terminal = try #require(run.terminal)
        let seen = terminal.read(until: { $0.contains("lines/s") }, within: 30)
        #expect(seen.contains("\rjwtaudit: 3 lines, "), "\(seen)")
        #expect(seen.contains(" lines/s, ") && seen.contains(" s elapsed"), "\(seen)")
        run.send(token + "\n")
        let result = run.finish()
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 4)
        // The progress line is cleared (carriage return, erase to end of line) before the summary.
        #expect(result.stderr.hasSuffix("\r\u{1B}[Kjwtaudit: 4 tokens: 4 valid, 0 rejected, 0 malformed\n"), "\(result.stderr)")
    }

    @Test(arguments: [false, true])
    func noProgressWhenStandardErrorIsNotATerminalOrWithQuiet(_ quiet: Bool) throws {
        let run = try Run(["verify", "--batch"] + Self.options + (quiet ? ["-q"] : []), errorOnTerminal: quiet)
        run.send(try VerifyBatchTests.token("certificate-v1.jwt") + "\n")
        // Long enough for a progress line, were there to be one; nothing below depends on the time it took.
        usleep(1_600_000)
        let result = run.finish()
        #expect(result.status == 0)
        #expect(!result.stderr.contains("lines/s"), "\(result.stderr)")
        #expect(quiet ? result.stderr.isEmpty : result.stderr == "jwtaudit: 1 token: 1 valid, 0 rejected, 0 malformed\n")
    }

    @Test func tokensTypedOnATerminalAreAskedFor() throws {
        let terminal = try PseudoTerminal.open()
        defer { close(terminal.master) }
        let directory = try TemporaryDirectory()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, terminal.name, O_RDWR | O_NOCTTY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.path + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, directory.path + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let spawned = Support.posixSpawn(&pid, Support.binaryPath, ["verify", "--batch"] + Self.options, environment: [:], actions: &actions)
        try #require(spawned == 0)
        // ^D at the start of a line: end of input on a terminal.
        FileReader.writeAll("\u{04}", to: terminal.master)
        let status = PseudoTerminal.wait(pid)
        #expect(status == 3, "no tokens typed")
        let stderr = directory.read("stderr") ?? ""
        #expect(stderr.hasPrefix("jwtaudit: reading tokens from standard input, one per line (Ctrl-D ends)\n"), "\(stderr)")
        // From a file or a pipe, nothing is asked.
        let piped = Support.spawn(Support.binaryPath, ["verify", "--batch"] + Self.options, stdin: Array("\n".utf8))
        #expect(!piped.stderr.contains("reading tokens"))
    }

    @Test func aTokenPastedOnATerminalIsAskedForToo() throws {
        let token = try VerifyBatchTests.token("certificate-v1.jwt")
        let asked = Support.run(["decode", "-"], stdin: Array(token.utf8), stdinIsTerminal: true)
        #expect(asked.status == 0)
        #expect(asked.stderr == "jwtaudit: reading the token from standard input (Ctrl-D ends)\n")
        let piped = Support.run(["decode", "-"], stdin: Array(token.utf8))
        #expect(piped.stderr.isEmpty)
    }
}
