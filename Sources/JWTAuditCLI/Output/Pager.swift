import CPosix
import Glibc

/// `explain`'s text through the user's pager on a terminal, as git does (git-config(1), core.pager: "When the
/// LESS environment variable is unset, Git sets it to FRX"): `$PAGER`, else `less`; an empty `PAGER` or `cat`
/// means none. With `F` less exits at once when the text fits on one screen, `R` keeps the colours and `X` leaves
/// the text on the screen afterwards. Never when standard output is not a terminal (a pipe, a file, a CI log),
/// and never on a terminal that says `TERM=dumb` (an Emacs shell buffer, some CI consoles), where less cannot work.
enum Pager {
    /// The command to page with, or nil to write directly.
    static func command(environment: [String: String], outputIsTerminal: Bool) -> String? {
        guard outputIsTerminal, environment["TERM"] != "dumb" else { return nil }
        let pager = (environment["PAGER"] ?? "less").trimmingSpaces
        return pager.isEmpty || pager == "cat" ? nil : pager
    }

    /// Writes `text` through the pager when there is one and `streams` can run it, else to standard output.
    static func write(_ text: String, streams: StandardStreams, environment: [String: String]) {
        if let command = command(environment: environment, outputIsTerminal: streams.outputIsTerminal),
            let page = streams.page, page(text, command, environment)
        {
            return
        }
        streams.writeOutput(text)
    }

    /// Runs `/bin/sh -c command` with `text` on its standard input and this process's standard output and error,
    /// and waits for it (a reader may page for minutes; ^C belongs to the pager meanwhile). False when the pager
    /// could not be started at all (sh's 126 or 127, having read nothing): the caller then writes the text itself.
    static func run(_ text: String, command: String, environment: [String: String]) -> Bool {
        var fds: [Int32] = [0, 0]
        // Close-on-exec from the start: the pager gets the read end as its standard input (dup2 clears the flag).
        guard jwtaudit_pipe_cloexec(&fds) == 0 else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var childEnvironment = environment
        if childEnvironment["LESS"] == nil { childEnvironment["LESS"] = "FRX" }
        if childEnvironment["LV"] == nil { childEnvironment["LV"] = "-c" }
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (word: String) in strdup(word) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = childEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return false
        }
        // A reader who quits early closes the pipe: the write ends with EPIPE, not with SIGPIPE's death. ^C and
        // ^\ go to the pager, which handles them; this process waits for it rather than leave it orphaned.
        let previous = (pipe: signal(SIGPIPE, SIG_IGN), interrupt: signal(SIGINT, SIG_IGN), quit: signal(SIGQUIT, SIG_IGN))
        defer {
            signal(SIGPIPE, previous.pipe)
            signal(SIGINT, previous.interrupt)
            signal(SIGQUIT, previous.quit)
        }
        FileReader.writeAll(text, to: fds[1])
        close(fds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        return !(exited && (code == 126 || code == 127))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
