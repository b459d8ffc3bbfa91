import JWTAuditCore

/// `--help` text, rendered from the table in swift-argument-parser's layout: upper-case headings, two-space
/// indent, help text at column 26, wrapped at 80.
public enum HelpRenderer {
    static let column = 26
    static let width = 80

    public static func usageLine(for command: String) -> String {
        guard let spec = OptionTable.command(named: command) else {
            return "Usage: jwtaudit <subcommand> [<options>]"
        }
        var parts = ["Usage: jwtaudit", spec.name]
        for option in OptionTable.options(for: spec.name) where !OptionTable.standalone.contains(option.long) {
            let name = option.kind == .value ? "\(option.longSpelling) <\(option.valueName!.lowercased())>" : option.longSpelling
            parts.append(option.repeatable ? "[\(name) ...]" : "[\(name)]")
        }
        if let argument = spec.argument { parts.append("[<\(argument.lowercased())>]") }
        let full = parts.joined(separator: " ")
        guard full.count > width else { return full }
        // Too many options to list on one line: help lists them below anyway.
        return "Usage: jwtaudit \(spec.name) [<options>]" + (spec.argument.map { " [<\($0.lowercased())>]" } ?? "")
    }

    public static func render(command: String) -> String {
        guard let spec = OptionTable.command(named: command) else { return renderTopLevel() }
        var out = wrap("OVERVIEW: \(spec.abstract)", indent: 2, firstIndent: 0) + "\n\n"
        out += "USAGE: \(usageLine(for: spec.name).dropFirst("Usage: ".count))\n\n"
        if let argument = spec.argument {
            out += "ARGUMENTS:\n"
            out += row("<\(argument.lowercased())>", spec.argumentHelp)
            out += "\n"
        }
        // The options by section (`OptionTable.sections`); an option's abstract says when it is repeatable.
        for (title, options) in OptionTable.sectioned(for: spec.name) {
            out += "\(title.uppercased()):\n"
            for option in options { out += row(option.displayName, option.abstract) }
            out += "\n"
        }
        if !spec.examples.isEmpty {
            out += "EXAMPLES:\n"
            for example in spec.examples.prefix(2) {
                out += wrap(example.explanation, indent: 2, firstIndent: 2) + "\n"
                out += commandLine("$ jwtaudit " + example.arguments) + "\n\n"
            }
        }
        out += wrap(spec.discussion, indent: 0, firstIndent: 0) + "\n"
        return out
    }

    /// `SUBCOMMANDS:` and one row per subcommand: part of the top-level help, and what a bare `jwtaudit` prints.
    public static func subcommandList() -> String {
        var out = "SUBCOMMANDS:\n"
        for command in OptionTable.commands { out += row(command.name, command.abstract) }
        return out
    }

    /// An example command, indented by four and broken with shell continuations (` \`) where it is longer than the
    /// help's width, so that it can still be pasted into a shell as it reads.
    static func commandLine(_ command: String) -> String {
        var lines: [String] = []
        var line = "    "
        var lineHasWord = false
        for word in command.split(separator: " ") {
            if lineHasWord && line.count + 1 + word.count + 2 > width {
                lines.append(line + " \\")
                line = "        "
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    public static func renderTopLevel() -> String {
        var out = wrap("OVERVIEW: \(OptionTable.abstract)", indent: 2, firstIndent: 0) + "\n\n"
        out += "USAGE: jwtaudit <subcommand> [<options>]\n\n"
        out += "OPTIONS:\n"
        for option in OptionTable.options(for: CommandSpec.topLevel) {
            out += row(option.displayName, option.abstract)
        }
        out += "\n" + subcommandList()
        out += "\n  See 'jwtaudit help <subcommand>' for detailed help.\n"
        return out
    }

    /// `  name                    text`, wrapping `text` at column 26; a long name gets its own line.
    static func row(_ name: String, _ text: String) -> String {
        let label = "  " + name
        if label.count >= column - 1 {
            return label + "\n" + wrap(text, indent: column, firstIndent: column) + "\n"
        }
        let padded = label + String(repeating: " ", count: column - label.count)
        return padded + wrap(text, indent: column, firstIndent: column).dropFirst(column) + "\n"
    }

    /// Wrapped to `width` columns (help's 80 unless said) by the one wrapping renderer (`TextLayout.lines`):
    /// help is text output too.
    static func wrap(_ text: String, indent: Int, firstIndent: Int, width: Int = width) -> String {
        let lines = TextLayout.lines(of: text, first: width - firstIndent, rest: width - indent)
        return lines.enumerated().map { index, line in
            String(repeating: " ", count: index == 0 ? firstIndent : indent) + line
        }.joined(separator: "\n")
    }
}
