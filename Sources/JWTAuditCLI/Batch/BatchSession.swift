import Glibc
import JWTAuditCore

/// What every `--batch` run shares around `BatchRunner` (verify, check-policy, decode): its arguments are files of
/// tokens (standard input when none), opened before any output so that a missing file fails the run at once (3);
/// a hint when the tokens are to be typed at a terminal; the progress line on a terminal; SIGINT and a closed
/// standard output.
final class BatchSession {
    /// The input descriptors, in the order given; standard input (0) is never closed.
    let inputs: [Int32]
    let progress: BatchProgress?

    init(_ arguments: ParsedArguments, jobs: Int, quiet: Bool, streams: StandardStreams) throws(CommandFailure) {
        var descriptors: [Int32] = []
        for path in arguments.positionals {
            if path == "-" {
                descriptors.append(0)
                continue
            }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                let failure = JWTAuditError(.invalidArgument, String(cString: strerror(errno)))
                for fd in descriptors where fd != 0 { close(fd) }
                throw .input(failure, what: "cannot open '\(path)'")
            }
            descriptors.append(fd)
        }
        if descriptors.isEmpty { descriptors = [0] }
        inputs = descriptors
        // Someone at a terminal is to type (or paste) the tokens: say so, rather than seem to hang.
        if !quiet && streams.inputIsTerminal && descriptors.contains(0) {
            streams.writeErrorLine("jwtaudit: reading tokens from standard input, one per line (Ctrl-D ends)")
        }
        progress = !quiet && streams.errorIsTerminal ? BatchProgress(workers: jobs) : nil
    }

    deinit {
        for fd in inputs where fd != 0 { close(fd) }
    }

    /// Runs `runner` over the inputs with the signal handlers in place and the progress line shown.
    func run(_ runner: BatchRunner, write: (UnsafeRawBufferPointer) -> Bool) -> BatchRunner.Summary {
        BatchRunner.installSignalHandlers()
        progress?.begin()
        let summary = runner.run(reading: inputs, writing: write)
        progress?.end()
        return summary
    }

    /// The usage rules on a batch's arguments, before anything is read: an empty argument is a variable that
    /// expanded to nothing; text that is neither a file nor a path is a token pasted where files are expected. A
    /// path that does not exist is reported when it is opened (3).
    static func checkArguments(_ positionals: [String], command: String) throws(CommandFailure) {
        if positionals.contains("") {
            throw .usage(.invalidCombination(
                "--batch was given an empty argument where a file of tokens was expected; if it comes from a variable, that variable is empty or unset"),
                command)
        }
        if positionals.contains(where: { $0 != "-" && !FileReader.isRegularFile($0) && !TokenSource.looksLikeAPath($0) }) {
            throw .usage(.invalidCombination(
                "--batch reads tokens from files or standard input, not from the command line: put the token in a file or pipe it in"),
                command)
        }
    }

    /// `--jobs`: 1 to 1024 threads, for --batch only; the number of cores when not given.
    static func jobs(_ arguments: ParsedArguments, command: String) throws(CommandFailure) -> Int {
        guard let text = arguments.last(.jobs) else { return VerifyConfiguration.onlineCores() }
        guard let value = Int(text), (1...1024).contains(value) else {
            throw .usage(.invalidValue(option: "--jobs", value: text, reason: "expected threads, a whole number from 1 to 1024"), command)
        }
        guard arguments.has(.batch) else { throw .usage(.invalidCombination("--jobs applies to --batch only"), command) }
        return value
    }

    /// Writes to standard output; false once the reader has gone (EPIPE), which ends the run quietly.
    static func writeOutput(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { writeOutput(UnsafeRawBufferPointer($0)) }
    }

    /// Writes these bytes to standard output; false once the reader has gone (EPIPE).
    static func writeOutput(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// `reason count, reason count`, the most frequent first (ties by name): how every batch totals its failures.
    static func counts(_ byReason: [String: Int]) -> String {
        byReason.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
    }

    /// What `--quiet` says about a batch (`QuietReport`): nothing when every line passed; the keys that could not be
    /// obtained (exit 2); else how many were turned down and why. `unit` names a line ("token", "line"), `refused`
    /// what happened to those turned down ("rejected", "refused").
    static func quietLine(_ summary: BatchRunner.Summary, unit: String, refused: String) -> String? {
        let counted = "\(summary.total) \(unit)\(summary.total == 1 ? "" : "s")"
        if summary.interrupted { return "jwtaudit: interrupted after \(counted)" }
        if summary.undecided > 0 {
            return "jwtaudit: error: cannot obtain the keys for \(summary.undecided) of \(counted) (\(summary.firstUndecidedReason ?? "no reason given"))"
        }
        guard summary.valid < summary.total else { return nil }
        return "jwtaudit: \(refused): \(summary.total - summary.valid) of \(counted) (" + counts(summary.failedByCheck) + ")"
    }

    /// The note for lines that held several tokens (`--pick`), naming what was done with the first (`done`:
    /// "verified", "evaluated"); empty when there were none.
    static func severalTokensNote(_ summary: BatchRunner.Summary, done: String) -> String {
        guard summary.severalTokens > 0 else { return "" }
        let lines = summary.severalTokens == 1 ? "1 line holds" : "\(summary.severalTokens) lines hold"
        return "jwtaudit: note: \(lines) more than one token; the first of each was \(done) (--pick N takes the Nth)\n"
    }

    /// `--summary`'s report on standard output (text, or JSON with --json), unless quiet. False when the output was
    /// closed (`| head`): the run then ends quietly with 0.
    static func writeSummary(
        _ summary: BatchRunner.Summary, policy: Bool, at atChoice: AtChoice, quiet: Bool, parsed: ParsedArguments,
        streams: StandardStreams, environment: [String: String]
    ) -> Bool {
        guard !quiet else { return true }
        let layout = TextStyle.layout(parsed, streams: streams, environment: environment)
        let text = parsed.has(.json)
            ? JSONWriter.write(BatchSummaryReport.json(summary.tally, policy: policy, at: atChoice)) + "\n"
            : BatchSummaryReport.text(summary.tally, policy: policy, at: atChoice, layout: layout)
        return writeOutput(text)
    }

    /// Exit 3 for an input in which no line held a token (blank lines are not counted).
    static func noToken(lines: Int) -> CommandFailure {
        let why = switch lines {
        case 0: "blank lines are skipped"
        case 1: "its one line held none"
        default: "none of its \(lines) lines held one"
        }
        return .input(JWTAuditError(.malformedToken, why), what: "no tokens in the input")
    }

    /// `,"at":"2025-12-03T10:15:00Z"` appended to a batch line under `--at iat`: the instant the token was judged at.
    static func withInstant(_ line: String, _ instant: Int64) -> String {
        guard line.hasSuffix("}") else { return line }
        return String(line.dropLast()) + ",\"at\":\"\(NumericDate.formatRFC3339(instant))\"}"
    }
}
