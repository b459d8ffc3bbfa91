import JWTAuditCore

/// Why a command printed no report: the CLI's one failure type, reported in one place (`JWTAuditCLI.run`) with
/// DESIGN.md's message shape and exit status.
enum CommandFailure: Error {
    /// The command line is wrong (64): the message names the usage and where help is.
    case usage(UsageError)
    /// Bad input (3), or keys and metadata that could not be obtained (2): `what` could not be done, and the
    /// core's error says why.
    case input(JWTAuditError, what: String)

    var exitStatus: ExitStatus {
        switch self {
        case .usage: return .usage
        case .input(let error, _): return ExitStatus(error.code)
        }
    }

    /// `jwtaudit: error: <what> (<why>)`, or the usage error's three lines. What came from the input (a file
    /// name, a provider's answer, a token's text) is escaped for the terminal.
    var message: String {
        switch self {
        case .usage(let usage): return usage.rendered
        case .input(let error, let what): return TerminalText.escaped("jwtaudit: error: \(what) (\(error.reason))") + "\n"
        }
    }
}

extension CommandFailure {
    /// A usage error of `command`.
    static func usage(_ kind: UsageError.Kind, _ command: String) -> CommandFailure { .usage(UsageError(kind, command: command)) }
}
