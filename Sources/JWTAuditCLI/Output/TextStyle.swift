import JWTAuditCore
/// Whether and how text output is coloured. DESIGN.md: "Text output is coloured only on a terminal and never
/// when `NO_COLOR` is set; `--color auto|always|never` overrides." no-color.org: "Command-line software which
/// adds ANSI color to its output by default should check for a NO_COLOR environment variable that, when
/// present and not an empty string (regardless of its value), prevents the addition of ANSI color." A terminal
/// that says `TERM=dumb` (Emacs shell buffers, some CI consoles) cannot show colours either (terminfo's `dumb`
/// entry has no `colors` capability), so it gets none unless `--color always` says otherwise.
struct TextStyle {
    let enabled: Bool

    /// The style a command's `--color` asks for, on this run's standard output.
    static func resolve(_ arguments: ParsedArguments, streams: StandardStreams, environment: [String: String]) -> TextStyle {
        resolve(choice: arguments.last(.color), outputIsTerminal: streams.outputIsTerminal, environment: environment)
    }

    static func resolve(choice: String?, outputIsTerminal: Bool, environment: [String: String]) -> TextStyle {
        switch choice {
        case "always": return TextStyle(enabled: true)
        case "never": return TextStyle(enabled: false)
        default:
            let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            let dumb = environment["TERM"] == "dumb"
            return TextStyle(enabled: outputIsTerminal && !noColor && !dumb)
        }
    }

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func heading(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func red(_ text: String) -> String { paint(text, "31") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }

    /// The layout every text report is written with: this style's colours, the terminal's width (`TerminalWidth`)
    /// and the escaping of untrusted text (`TerminalText`).
    static func layout(
        _ arguments: ParsedArguments, streams: StandardStreams, environment: [String: String]
    ) -> TextLayout {
        let style = resolve(arguments, streams: streams, environment: environment)
        let width = TerminalWidth.columns(environment: environment, outputIsTerminal: streams.outputIsTerminal)
        return TextLayout(width: width, paint: style.painter, escape: TerminalText.escaped)
    }

    /// Colours as every report uses them: bold headings, green for passes and fixes, red for failures, yellow
    /// warnings, cyan labels.
    var painter: TextLayout.Painter {
        let style = self
        return { text, role in
            switch role {
            case .heading: return style.heading(text)
            case .label: return style.cyan(text)
            case .pass: return style.green(text)
            case .fail: return style.red(text)
            case .warn: return style.yellow(text)
            case .skip, .dim: return style.dim(text)
            }
        }
    }

    /// A check's status as every report shows it: pass green, fail red, warn yellow, skip dim.
    func status(_ status: CheckResult.Status) -> String {
        switch status {
        case .pass: return green("pass")
        case .fail: return red("fail")
        case .warn: return yellow("warn")
        case .skip: return dim("skip")
        }
    }
}
