import JWTAuditCore

/// Where a token comes from (DESIGN.md): the argument (or the file it names, when it names one), `@FILE`, or standard input (`-`, or no argument when
/// standard input is not a terminal). Reads at most one byte past the limit, so a huge paste is refused
/// after reading 256 KiB, not 8 MB.
enum TokenSource {
    /// Largest input accepted, the same as `CompactToken.Limits.maxTokenBytes` (Microsoft.IdentityModel refuses
    /// tokens over 250 KB by default).
    static let maxInputBytes = CompactToken.Limits.default.maxTokenBytes

    /// The text, or why it could not be read: a usage error (no argument and a terminal on standard input), or
    /// "cannot read the token"; input that holds no token at all (an empty argument, an empty standard input,
    /// `Bearer ` with nothing after it: an unset CI secret) is "no token", in one line, whatever the command.
    static func read(argument: String?, command: String, streams: StandardStreams) throws(CommandFailure) -> String {
        if argument == nil && streams.inputIsTerminal { throw .usage(.missingArgument("token"), command) }
        let read: (text: String, origin: Origin)
        do {
            read = try text(argument: argument, streams: streams)
        } catch {
            throw .input(error, what: "cannot read the token")
        }
        if let emptiness = TokenInput.emptiness(of: read.text) {
            throw .input(JWTAuditError(.malformedToken, read.origin.describe(emptiness)), what: "no token")
        }
        return read.text
    }

    /// Where the text came from, for the messages.
    enum Origin: Equatable {
        case argument
        case standardInput
        case file(String)

        var name: String {
            switch self {
            case .argument: return "the argument"
            case .standardInput: return "standard input"
            case .file(let path): return "'\(path)'"
            }
        }

        /// "the argument is empty; ..." for `TokenInput.emptiness`. An empty argument is nearly always a
        /// variable that expanded to nothing, and saying so is the fix.
        func describe(_ emptiness: TokenInput.Emptiness) -> String {
            let what: String
            switch emptiness {
            case .empty: what = "\(name) is empty"
            case .blank: what = "\(name) holds only white space"
            case .prefixOnly(let prefix): what = "\(name) is '\(prefix)' with no token after it"
            }
            guard self == .argument else { return what }
            return what + "; if it comes from a variable (\"$TOKEN\", a CI secret), that variable is empty or unset"
        }
    }

    private static func text(argument: String?, streams: StandardStreams) throws(JWTAuditError) -> (text: String, origin: Origin) {
        let bytes: [UInt8]
        let origin: Origin
        switch argument {
        case nil, "-"?:
            origin = .standardInput
            // `-` on a terminal: the token is to be pasted; say so rather than seem to hang.
            if streams.inputIsTerminal { streams.writeErrorLine("jwtaudit: reading the token from standard input (Ctrl-D ends)") }
            bytes = try streams.readInput(maxInputBytes + 1)
        case let value? where value.hasPrefix("@"):
            let path = String(value.dropFirst())
            if path.isEmpty { throw JWTAuditError(.invalidArgument, "'@' must be followed by a file name") }
            origin = .file(path)
            bytes = try FileReader.read(path: path, maxBytes: maxInputBytes + 1)
        case let value? where FileReader.isRegularFile(value):
            // README's first command: `jwtaudit decode examples/tokens/secret-v1.jwt`.
            origin = .file(value)
            bytes = try FileReader.read(path: value, maxBytes: maxInputBytes + 1)
        case let value? where looksLikeAPath(value):
            // A mistyped file name would otherwise be judged as a token ("3 segments; this one has 2").
            throw JWTAuditError(.invalidArgument, "'\(value)' is not a readable file, nor a token")
        case let value?:
            origin = .argument
            bytes = Array(value.utf8.prefix(maxInputBytes + 1))
        }
        if bytes.count > maxInputBytes {
            throw JWTAuditError(.limitExceeded, "\(origin.name) is larger than \(maxInputBytes) bytes, the limit for token text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes)
            throw JWTAuditError(.malformedToken, "\(origin.name) is not text: invalid UTF-8 at byte \(offset + 1)")
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw JWTAuditError(.malformedToken, "\(origin.name) is not text: it contains a NUL byte")
        }
        return (text, origin)
    }

    /// A path, not a token: has a slash or a file extension, and none of a token's `eyJ` segments.
    static func looksLikeAPath(_ value: String) -> Bool {
        guard !value.contains("eyJ"), !value.contains(" ") else { return false }
        return value.contains("/") || [".jwt", ".txt", ".json", ".token"].contains { value.hasSuffix($0) }
    }

    /// Offset of the first byte where UTF-8 decoding fails.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: return offset
            }
        }
    }
}

/// Which token of the input a command takes (`--pick N`), and the note that says so when there was a choice.
enum TokenChoice {
    /// `--pick`: a whole number from 1; nil when not given.
    static func pick(_ arguments: ParsedArguments, command: String) throws(CommandFailure) -> Int? {
        guard let text = arguments.last(.pick) else { return nil }
        guard let value = Int(text), value >= 1, value <= 100_000 else {
            throw .usage(.invalidValue(option: "--pick", value: text, reason: "expected the number of a token in the input, from 1"), command)
        }
        return value
    }

    /// The token `--pick` names (or the default one), with the note on stderr when the input held several.
    static func find(_ input: String, pick: Int?, streams: StandardStreams, quiet: Bool = false) throws(JWTAuditError)
        -> TokenInput.Found
    {
        let found = try TokenInput.find(input, pick: pick)
        if !quiet, let note = note(found) { streams.writeErrorLine("jwtaudit: note: \(note)") }
        return found
    }

    /// "the input holds 2 tokens; using token 1 (line 3); --pick 2 takes the other", or nil for a lone token.
    static func note(_ found: TokenInput.Found) -> String? {
        guard found.count > 1 else { return nil }
        let name = found.label == "access_token" || found.label == "id_token" ? ", \(found.label!)" : ""
        let other = found.count == 2
            ? "--pick \(found.number == 1 ? 2 : 1) takes the other"
            : "--pick N (1 to \(found.count)) takes another"
        return "the input holds \(found.count) tokens; using token \(found.number) (line \(found.line)\(name)); \(other)"
    }
}

/// What `decode` and `explain` start from: the token chosen in the input and its compact parse.
struct TokenRequest {
    /// The compact token chosen in the input (`--pick`).
    let text: String
    let token: CompactToken
    /// Why the signature segment cannot be read (only `forReading`, `CompactToken.parseForReading`).
    var signatureProblem: String? = nil

    /// The token text (argument, `@FILE`, a file, or standard input), the token `--pick` chooses in it, and its
    /// compact parse. `forReading` (`decode`): a signature segment that cannot be read, or a token cut short in
    /// its signature, is a finding rather than a failure (`CompactToken.parseForReading`).
    static func read(
        _ arguments: ParsedArguments, command: String, streams: StandardStreams, forReading: Bool = false
    ) throws(CommandFailure) -> TokenRequest {
        let pick = try TokenChoice.pick(arguments, command: command)
        let input = try TokenSource.read(argument: arguments.positionals.first, command: command, streams: streams)
        do {
            let found = try TokenChoice.find(input, pick: pick, streams: streams)
            guard forReading else {
                return TokenRequest(text: found.token, token: try CompactToken.parse(try found.whole()))
            }
            let reading = try CompactToken.parseForReading(found)
            return TokenRequest(text: found.token, token: reading.token, signatureProblem: reading.signatureProblem)
        } catch {
            throw .input(error, what: "cannot decode the token")
        }
    }
}
