import JWTAuditCore
/// What the user asked for, as typed ("low args" in ripgrep's terms): validated against the table, not yet
/// interpreted.
public enum Invocation: Sendable, Equatable {
    case help(command: String)
    case version
    /// The hidden documentation generator: `jwtaudit __generate man|bash|zsh|fish`.
    case generate(String)
    case run(command: String, ParsedArguments)
}

extension ParsedArguments {
    /// The instant times are judged at: `--at` (RFC 3339 or Unix seconds), else `now`. A malformed `--at` is a
    /// usage error, so that a typo never silently means "now".
    func instant(now: Int64, command: String) throws(CommandFailure) -> Int64 {
        guard let text = last(.at) else { return now }
        do {
            return try NumericDate.parseTime(text)
        } catch {
            throw .usage(.invalidValue(option: "--at", value: text, reason: error.reason), command)
        }
    }
}

/// Options and arguments of one subcommand, read through the option table's handles (`parsed.last(.clockSkew)`,
/// swift-driver's `getLastArgument(_ option:)`): an option that is not in the table cannot be asked for. The last
/// occurrence of a non-repeatable option wins.
public struct ParsedArguments: Sendable, Equatable {
    public private(set) var values: [(option: String, value: String?)] = []
    public private(set) var positionals: [String] = []

    public init() {}

    mutating func add(_ option: OptionSpec, _ value: String?) { values.append((option.long, value)) }
    mutating func addPositional(_ argument: String) { positionals.append(argument) }

    public func has(_ option: OptionSpec) -> Bool { values.contains { $0.option == option.long } }
    public func last(_ option: OptionSpec) -> String? { values.last { $0.option == option.long }?.value ?? nil }
    public func all(_ option: OptionSpec) -> [String] { values.filter { $0.option == option.long }.compactMap(\.value) }

    /// Every `NAME=VALUE` of a pair option, split as its table entry says (the parser refused any other value).
    public func pairs(_ option: OptionSpec) -> [(name: String, value: String)] {
        guard let pair = option.pair else { return [] }
        return all(option).compactMap(pair.split)
    }

    public static func == (lhs: ParsedArguments, rhs: ParsedArguments) -> Bool {
        lhs.positionals == rhs.positionals && lhs.values.count == rhs.values.count
            && zip(lhs.values, rhs.values).allSatisfy { $0.option == $1.option && $0.value == $1.value }
    }
}

/// The hand-built parser: `--long`, `--long=value`, `--long value`, `-s`, `-s value`, `--` (the rest are
/// arguments) and `-` (an argument meaning standard input). One loop over argv, looking options up in
/// `OptionTable`.
public enum CommandLineParser {
    public static let generateCommand = "__generate"
    public static let generateKinds = ["man", "bash", "zsh", "fish"]

    public static func parse(_ arguments: [String]) throws(UsageError) -> Invocation {
        var index = 0
        let top = CommandSpec.topLevel
        // Options before the subcommand.
        while index < arguments.count, arguments[index].hasPrefix("-"), arguments[index] != "-" {
            let argument = arguments[index]
            guard let option = OptionTable.option(spelled: argument, for: top) else {
                if argument.hasPrefix("--"), argument.contains("="),
                    OptionTable.option(spelled: String(argument.prefix(while: { $0 != "=" })), for: top) != nil
                {
                    throw UsageError(.unexpectedValue(option: String(argument.prefix(while: { $0 != "=" }))), command: top)
                }
                throw UsageError(.unknownOption(argument), command: top)
            }
            switch option.long {
            case OptionSpec.help.long: return .help(command: top)
            case OptionSpec.version.long: return .version
            default: index += 1
            }
        }
        guard index < arguments.count else { throw UsageError(.missingSubcommand, command: top) }
        let name = arguments[index]
        index += 1
        if name == generateCommand {
            guard index < arguments.count, generateKinds.contains(arguments[index]) else {
                throw UsageError(
                    .invalidChoice(option: generateCommand, value: index < arguments.count ? arguments[index] : "", choices: generateKinds),
                    command: top)
            }
            return .generate(arguments[index])
        }
        guard let command = OptionTable.command(named: name) else {
            throw UsageError(.unknownSubcommand(name), command: top)
        }
        let parsed = try parseCommand(command, Array(arguments[index...]))
        if parsed.has(.help) { return .help(command: command.name) }
        if parsed.has(.version) { return .version }
        if command.name == OptionTable.help {
            guard let target = parsed.positionals.first else { return .help(command: top) }
            guard OptionTable.command(named: target) != nil else {
                throw UsageError(.unknownSubcommand(target), command: OptionTable.help)
            }
            return .help(command: target)
        }
        return .run(command: command.name, parsed)
    }

    /// Whether `argument` is one of `command`'s option spellings, alone or as `--long=value`, or `--`, which ends
    /// the options.
    static func isOption(_ argument: String, of command: CommandSpec) -> Bool {
        guard argument.hasPrefix("-"), argument != "-" else { return false }
        if argument == "--" { return true }
        let spelling = argument.hasPrefix("--") ? String(argument.prefix { $0 != "=" }) : argument
        return OptionTable.option(spelled: spelling, for: command.name) != nil
    }

    static func parseCommand(_ command: CommandSpec, _ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyArguments = false
        func positional(_ argument: String) throws(UsageError) {
            // `verify --batch` reads several files; `verify` itself refuses a second argument without --batch.
            guard command.argument != nil, parsed.positionals.isEmpty || command.name == OptionTable.verify else {
                throw UsageError(.unexpectedArgument(argument), command: command.name)
            }
            parsed.addPositional(argument)
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyArguments || argument == "-" || !argument.hasPrefix("-") {
                try positional(argument)
                continue
            }
            if argument == "--" {
                onlyArguments = true
                continue
            }
            var spelling = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                spelling = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            } else if !argument.hasPrefix("--"), argument.count > 2 {
                // `-xVALUE`: a short option with its value attached.
                spelling = String(argument.prefix(2))
                inlineValue = String(argument.dropFirst(2))
            }
            guard let option = OptionTable.option(spelled: spelling, for: command.name) else {
                throw UsageError(.unknownOption(inlineValue == nil || argument.hasPrefix("--") ? spelling : argument), command: command.name)
            }
            switch option.kind {
            case .flag:
                if inlineValue != nil { throw UsageError(.unexpectedValue(option: spelling), command: command.name) }
                parsed.add(option, nil)
            case .value:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError(.missingValue(option: spelling), command: command.name) }
                    value = arguments[index]
                    index += 1
                    // `--audience --require-certificate`: the value was forgotten, and taking the next option as the
                    // value would silently drop that option. A value that is an option is written --audience=VALUE.
                    if isOption(value, of: command) {
                        throw UsageError(.optionAsValue(option: spelling, value: value), command: command.name)
                    }
                }
                if !option.choices.isEmpty && !option.choices.contains(value) {
                    throw UsageError(
                        .invalidChoice(option: option.longSpelling, value: value, choices: option.choices),
                        command: command.name)
                }
                if let pair = option.pair, pair.split(value) == nil {
                    throw UsageError(
                        .invalidValue(option: option.longSpelling, value: value, reason: "expected " + pair.expected),
                        command: command.name)
                }
                parsed.add(option, value)
            }
        }
        return parsed
    }
}
