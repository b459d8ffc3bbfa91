/// One command-line option, described once. The parser, `--help`, the man page and the three completion
/// scripts are all produced from these records (swift-driver's `Option` record with ripgrep's documentation
/// fields), so an option cannot exist in one place and be missing from another.
public struct OptionSpec: Sendable, Equatable {
    /// Whether the option stands alone or takes a value (`--at TIME`, `--at=TIME`).
    public enum Kind: Sendable, Equatable { case flag, value }

    /// What a shell should offer for the value.
    public enum Completion: Sendable, Equatable {
        case none
        case file
        case directory
        /// The option's `choices`.
        case choices
    }

    /// The long name without dashes (`json`).
    public let long: String
    /// The single-letter name, if any (`h`).
    public let short: Character?
    public let kind: Kind
    /// How help and the man page name the value (`TIME`); nil for flags.
    public let valueName: String?
    /// The commands that accept the option: subcommand names, and `CommandSpec.topLevel` for options that come
    /// before any subcommand (`--version`).
    public let commands: [String]
    /// One line for `--help`, the completions and the man page's first sentence.
    public let abstract: String
    /// More for the man page: plain sentences, one paragraph.
    public let discussion: String
    /// Accepted values, when the set is closed (`auto`, `always`, `never`).
    public let choices: [String]
    public let completion: Completion
    /// Whether every occurrence counts (`--require-claim` later); otherwise the last occurrence wins.
    public let repeatable: Bool

    public init(
        long: String, short: Character? = nil, kind: Kind, valueName: String? = nil, commands: [String],
        abstract: String, discussion: String = "", choices: [String] = [], completion: Completion = .none,
        repeatable: Bool = false
    ) {
        self.long = long
        self.short = short
        self.kind = kind
        self.valueName = valueName
        self.commands = commands
        self.abstract = abstract
        self.discussion = discussion
        self.choices = choices
        self.completion = completion
        self.repeatable = repeatable
    }

    /// `--json`
    public var longSpelling: String { "--" + long }
    /// `-h`, when there is a short name.
    public var shortSpelling: String? { short.map { "-\($0)" } }
    /// Every way to write the option: `["-h", "--help"]`.
    public var spellings: [String] { (shortSpelling.map { [$0] } ?? []) + [longSpelling] }

    /// `-h, --help` or `--at <TIME>` as help shows it.
    public var displayName: String {
        let names = spellings.joined(separator: ", ")
        guard kind == .value, let valueName else { return names }
        return "\(names) <\(valueName.lowercased())>"
    }

    public func applies(to command: String) -> Bool { commands.contains(command) }
}
