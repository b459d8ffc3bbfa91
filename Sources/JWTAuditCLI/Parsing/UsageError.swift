/// A command line jwtaudit cannot run. Exit status 64 (EX_USAGE, sysexits(3)).
public struct UsageError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case missingSubcommand
        case unknownSubcommand(String)
        case unknownOption(String)
        case missingValue(option: String)
        case unexpectedValue(option: String)
        case invalidChoice(option: String, value: String, choices: [String])
        case invalidValue(option: String, value: String, reason: String)
        case unexpectedArgument(String)
        case missingArgument(String)
        /// A required option is absent (`check-policy` without `--policy`).
        case missingOption(String)
        case conflictingOptions(String, String)
        /// A command-specific rule (a required option, options that exclude each other), in its own words.
        case invalidCombination(String)
    }

    public let kind: Kind
    /// The command whose usage line and help the message points to (`CommandSpec.topLevel` before one).
    public let command: String

    public init(_ kind: Kind, command: String) {
        self.kind = kind
        self.command = command
    }

    public var message: String {
        switch kind {
        case .missingSubcommand: return "missing subcommand"
        case .unknownSubcommand(let name): return "unknown subcommand '\(name)'"
        case .unknownOption(let option): return "unknown option '\(option)'"
        case .missingValue(let option): return "missing value for '\(option)'"
        case .unexpectedValue(let option): return "option '\(option)' takes no value"
        case .invalidChoice(let option, let value, let choices):
            return "invalid value '\(value)' for '\(option)' (choose from \(choices.joined(separator: ", ")))"
        case .invalidValue(let option, let value, let reason): return "invalid value '\(value)' for '\(option)': \(reason)"
        case .unexpectedArgument(let argument): return "unexpected argument '\(argument)'"
        case .missingArgument(let name): return "missing \(name) (and standard input is a terminal)"
        case .missingOption(let option): return "missing required option '\(option)'"
        case .conflictingOptions(let a, let b): return "'\(a)' and '\(b)' cannot be used together"
        case .invalidCombination(let message): return message
        }
    }

    /// The three lines written to stderr.
    public var rendered: String {
        let see = command == CommandSpec.topLevel ? "jwtaudit --help" : "jwtaudit \(command) --help"
        return "jwtaudit: error: \(TerminalText.escaped(message))\n\(HelpRenderer.usageLine(for: command))\nSee '\(see)'.\n"
    }
}
