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
    /// For a `NAME=VALUE` option, how the value splits; nil for a plain value.
    public let pair: Pair?

    /// How a `NAME=VALUE` value is split. The parser splits it and refuses a value that is not a pair (a usage
    /// error, before any command runs); commands read the halves with `ParsedArguments.pairs(_:)`.
    public struct Pair: Sendable, Equatable {
        public enum Name: Sendable, Equatable {
            /// The first `=` ends the name, which may not be empty.
            case plain
            /// A policy expression, `@(…)` or `@{…}`, up to its matching bracket (brackets inside C# string and
            /// character literals do not count); the `=` right after it starts the value.
            case expression
        }

        public let name: Name
        /// Whether the value after `=` must not be empty.
        public let valueRequired: Bool
        /// What a value must look like, for the usage error ("NAME=VALUE, such as roles=Orders.Read").
        public let expected: String

        public init(_ name: Name = .plain, valueRequired: Bool = false, expected: String) {
            self.name = name
            self.valueRequired = valueRequired
            self.expected = expected
        }

        /// The name and the value, or nil when `text` is not such a pair.
        public func split(_ text: String) -> (name: String, value: String)? {
            let halves: (name: String, value: String)?
            switch name {
            case .plain:
                halves = text.firstIndex(of: "=").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) }
            case .expression:
                halves = Self.splitExpression(text)
            }
            guard let halves, !halves.name.isEmpty, !(valueRequired && halves.value.isEmpty) else { return nil }
            return halves
        }

        private static func splitExpression(_ pair: String) -> (name: String, value: String)? {
            let scalars = Array(pair.unicodeScalars)
            guard scalars.count >= 3, scalars[0] == "@", scalars[1] == "(" || scalars[1] == "{" else { return nil }
            let open = scalars[1]
            let close: Unicode.Scalar = open == "(" ? ")" : "}"
            var depth = 0
            var quote: Unicode.Scalar?
            var index = 1
            while index < scalars.count {
                let c = scalars[index]
                if let q = quote {
                    if c == "\\" { index += 2; continue }
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == open {
                    depth += 1
                } else if c == close {
                    depth -= 1
                    if depth == 0 {
                        guard index + 1 < scalars.count, scalars[index + 1] == "=" else { return nil }
                        var expression = String.UnicodeScalarView()
                        expression.append(contentsOf: scalars[...index])
                        var value = String.UnicodeScalarView()
                        value.append(contentsOf: scalars[(index + 2)...])
                        return (String(expression), String(value))
                    }
                }
                index += 1
            }
            return nil
        }
    }

    public init(
        long: String, short: Character? = nil, kind: Kind, valueName: String? = nil, commands: [String],
        abstract: String, discussion: String = "", choices: [String] = [], completion: Completion = .none,
        repeatable: Bool = false, pair: Pair? = nil
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
        self.pair = pair
    }

    /// `--json`
    public var longSpelling: String { "--" + long }
    /// `-h`, when there is a short name.
    public var shortSpelling: String? { short.map { "-\($0)" } }
    /// Every way to write the option: `["-h", "--help"]`.
    public var spellings: [String] { (shortSpelling.map { [$0] } ?? []) + [longSpelling] }

    /// Whether `spelling` is one of `spellings`. Names are ASCII (OptionTableInvariantTests checks it), and ASCII
    /// has no other canonically equivalent spelling, so comparing bytes answers as String's `==` would.
    public func isSpelled(_ spelling: String) -> Bool {
        let bytes = spelling.utf8
        if bytes.starts(with: "--".utf8) { return bytes.dropFirst(2).elementsEqual(long.utf8) }
        guard let short, bytes.count == 1 + short.utf8.count, bytes.first == UInt8(ascii: "-") else { return false }
        return bytes.dropFirst().elementsEqual(short.utf8)
    }

    /// `-h, --help` or `--at <TIME>` as help shows it.
    public var displayName: String {
        let names = spellings.joined(separator: ", ")
        guard kind == .value, let valueName else { return names }
        return "\(names) <\(valueName.lowercased())>"
    }

    public func applies(to command: String) -> Bool { commands.contains(command) }
}
