/// A subcommand, described once for the parser, help, the man page and the completions.
public struct CommandSpec: Sendable, Equatable {
    /// The pseudo-command that stands for "before any subcommand" in `OptionSpec.commands`.
    public static let topLevel = ""

    public let name: String
    /// One line: help's OVERVIEW, the completions, the man page.
    public let abstract: String
    /// Plain sentences shown after the options in `--help` and in the man page.
    public let discussion: String
    /// The positional argument's name (`TOKEN`), if the command takes one.
    public let argument: String?
    /// What the positional argument is.
    public let argumentHelp: String
    /// How the positional argument is completed.
    public let argumentCompletion: OptionSpec.Completion
    /// Example invocations for the man page (arguments after `jwtaudit`) with one line of explanation each.
    public let examples: [(arguments: String, explanation: String)]

    public init(
        name: String, abstract: String, discussion: String, argument: String?, argumentHelp: String = "",
        argumentCompletion: OptionSpec.Completion = .none, examples: [(arguments: String, explanation: String)] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.argument = argument
        self.argumentHelp = argumentHelp
        self.argumentCompletion = argumentCompletion
        self.examples = examples
    }

    public static func == (lhs: CommandSpec, rhs: CommandSpec) -> Bool {
        lhs.name == rhs.name && lhs.abstract == rhs.abstract && lhs.discussion == rhs.discussion
            && lhs.argument == rhs.argument
    }
}
