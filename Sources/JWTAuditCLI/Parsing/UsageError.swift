/// A command line jwtaudit cannot run. Exit status 64 (EX_USAGE, sysexits(3)).
public struct UsageError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case missingSubcommand
        case unknownSubcommand(String)
        case unknownOption(String)
        case missingValue(option: String)
        /// The value an option needs is one of the command's options (`--audience --require-certificate`).
        case optionAsValue(option: String, value: String)
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
        case .missingSubcommand: return "missing subcommand (choose one of those below)"
        case .unknownSubcommand(let name): return "unknown subcommand '\(name)'" + Self.hint(subcommand: name)
        case .unknownOption(let option): return "unknown option '\(option)'" + Self.hint(option: option, command: command)
        case .missingValue(let option): return "missing value for '\(option)'" + (expected(option).map { " (expected \($0))" } ?? "")
        case .optionAsValue(let option, let value):
            return "'\(option)' needs a value\(expected(option).map { " (\($0))" } ?? ""), but the next argument '\(value)' is an option; "
                + "give the value after \(option), or write \(option)=\(value) if that is the value"
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

    /// The three lines written to stderr; with no subcommand at all, the list of subcommands too (as git does).
    public var rendered: String {
        let see = command == CommandSpec.topLevel ? "jwtaudit --help" : "jwtaudit \(command) --help"
        let list = kind == .missingSubcommand ? "\n" + HelpRenderer.subcommandList() + "\n" : ""
        return "jwtaudit: error: \(TerminalText.escaped(message))\n\(HelpRenderer.usageLine(for: command))\n\(list)See '\(see)'.\n"
    }

    /// The value name an option expects (`AUD`), by its spelling.
    private func expected(_ spelling: String) -> String? {
        OptionTable.option(spelled: spelling, for: command)?.valueName
    }

    /// " (did you mean 'verify'?)", or how to give a token, or nothing.
    static func hint(subcommand name: String) -> String {
        if let closest = Suggestion.closest(to: name, among: OptionTable.commands.map(\.name)) {
            return " (did you mean '\(closest)'?)"
        }
        if name.contains("eyJ") || TokenSource.looksLikeAPath(name) || FileReader.isRegularFile(name) {
            return " (a token or a file comes after a subcommand: jwtaudit decode TOKEN)"
        }
        return ""
    }

    /// Which commands take the option, exactly as spelt (`decode --jwks` is verify's option, not a typo of
    /// decode's `--jobs`), or that options come after the subcommand; else " (did you mean '--audience'?)" from
    /// the command's own options.
    static func hint(option spelling: String, command: String) -> String {
        let own = OptionTable.options(for: command)
        let spellings = spelling.hasPrefix("--") ? own.map(\.longSpelling) : own.compactMap(\.shortSpelling)
        let takers = OptionTable.commands.map(\.name).filter { OptionTable.option(spelled: spelling, for: $0) != nil }
        guard !takers.isEmpty else {
            return Suggestion.closest(to: spelling, among: spellings).map { " (did you mean '\($0)'?)" } ?? ""
        }
        if command == CommandSpec.topLevel {
            return " (options come after the subcommand: jwtaudit \(takers[0]) \(spelling) ...)"
        }
        let names = takers.count == 1 ? takers[0] : takers.dropLast().joined(separator: ", ") + " and " + takers.last!
        return " (\(names) \(takers.count == 1 ? "takes" : "take") it, not \(command))"
    }
}
