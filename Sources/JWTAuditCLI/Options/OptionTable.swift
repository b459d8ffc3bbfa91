/// THE table: every subcommand and every option, in documentation order (help and the man page list them in
/// this order). To add an option, add one record here; the parser, help, man page and completions follow, and
/// the drift tests say which checked-in files to regenerate (`jwtaudit __generate man|bash|zsh|fish`).
public enum OptionTable {
    public static let toolName = "jwtaudit"
    public static let version = "0.1.0"
    /// The man page's date. Fixed (not today) so that regenerating the page is reproducible; bump it when
    /// the page changes in substance.
    public static let manualDate = "November 29, 2026"
    public static let abstract =
        "Inspect and audit JSON Web Tokens from Microsoft Entra ID and Azure API Management."

    public static let decode = "decode"
    public static let help = "help"

    /// Registered subcommands. `verify`, `check-policy` and `explain` are added here by later work.
    public static let commands: [CommandSpec] = [
        CommandSpec(
            name: decode,
            abstract: "Show what a token holds and how its client authenticated, without verifying it.",
            discussion:
                "The token may be bare, or inside a 'Bearer' value, an 'Authorization:' header line, a token "
                + "endpoint's JSON response (access_token, then id_token) or a URL with access_token= or "
                + "id_token=. Quotes, surrounding white space and line breaks inside a pasted token are ignored. "
                + "The output lists the header and the claims in the token's own order, the signature, and a "
                + "summary: the client credential (certificate, secret or public client, read from appidacr in "
                + "v1.0 tokens and azpacr in v2.0 tokens), any proof-of-possession binding, and findings a "
                + "reviewer should see. It never verifies the signature: use it to read a token, not to trust it.",
            argument: "TOKEN",
            argumentHelp:
                "The token, a file holding it (FILE or @FILE), or - for standard input. When omitted, standard input is read if it is not a terminal.",
            argumentCompletion: .file,
            examples: [
                ("decode examples/tokens/secret-v1.jwt", "Show a token and its credential verdict."),
                ("decode --json @token.txt", "Print the decoded token as one JSON document."),
                ("decode --at 2026-01-01T00:00:00Z -", "Read the token from standard input; judge times as of a given instant."),
            ]),
        CommandSpec(
            name: help,
            abstract: "Show help for a subcommand.",
            discussion: "'jwtaudit help decode' prints the same text as 'jwtaudit decode --help'.",
            argument: "SUBCOMMAND",
            argumentHelp: "The subcommand to describe.",
            argumentCompletion: .choices),
    ]

    /// Subcommands that produce a report and so take the shared output options.
    static let reporting = [decode]

    public static let options: [OptionSpec] = [
        OptionSpec(
            long: "json", kind: .flag, commands: reporting,
            abstract: "Print one JSON document on standard output instead of text.",
            discussion:
                "Header and claims keep the token's member order and exact values. Nothing is printed on standard output when the command fails."),
        OptionSpec(
            long: "at", kind: .value, valueName: "TIME", commands: reporting,
            abstract: "Judge times as of TIME (RFC 3339 or Unix seconds) instead of now.",
            discussion:
                "TIME is an RFC 3339 date-time such as 2026-01-01T00:00:00Z or a number of seconds since 1970-01-01T00:00:00Z. Relative times and the expired and not-yet-valid findings use it."),
        OptionSpec(
            long: "color", kind: .value, valueName: "WHEN", commands: reporting,
            abstract: "Colour text output: auto, always or never (default auto).",
            discussion:
                "With auto, text is coloured only when standard output is a terminal and the NO_COLOR environment variable is not set; always and never override both.",
            choices: ["auto", "always", "never"], completion: .choices),
        OptionSpec(
            long: "help", short: "h", kind: .flag, commands: [CommandSpec.topLevel] + commands.map(\.name),
            abstract: "Show help information."),
        OptionSpec(
            long: "version", kind: .flag, commands: [CommandSpec.topLevel],
            abstract: "Show the version."),
    ]

    public static func command(named name: String) -> CommandSpec? { commands.first { $0.name == name } }

    /// The options a command accepts, in table order.
    public static func options(for command: String) -> [OptionSpec] { options.filter { $0.applies(to: command) } }

    /// Finds `--long` or `-s` among a command's options.
    public static func option(spelled spelling: String, for command: String) -> OptionSpec? {
        options(for: command).first { $0.spellings.contains(spelling) }
    }
}
