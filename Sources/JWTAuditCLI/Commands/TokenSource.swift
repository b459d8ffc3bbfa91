import JWTAuditCore

/// Where a token comes from (DESIGN.md): the argument (or the file it names, when it names one), `@FILE`, or standard input (`-`, or no argument when
/// standard input is not a terminal). Reads at most one byte past the limit, so a huge paste is refused
/// after reading 256 KiB, not 8 MB.
enum TokenSource {
    /// Largest input accepted, the same as `CompactToken.Limits.maxTokenBytes` (Microsoft.IdentityModel refuses
    /// tokens over 250 KB by default).
    static let maxInputBytes = CompactToken.Limits.default.maxTokenBytes

    /// The text, or why it could not be read: a usage error (no argument and a terminal on standard input), or
    /// "cannot read the token".
    static func read(argument: String?, command: String, streams: StandardStreams) throws(CommandFailure) -> String {
        if argument == nil && streams.inputIsTerminal { throw .usage(.missingArgument("token"), command) }
        do {
            return try text(argument: argument, streams: streams)
        } catch {
            throw .input(error, what: "cannot read the token")
        }
    }

    private static func text(argument: String?, streams: StandardStreams) throws(JWTAuditError) -> String {
        let bytes: [UInt8]
        let origin: String
        switch argument {
        case nil, "-"?:
            origin = "standard input"
            bytes = try streams.readInput(maxInputBytes + 1)
        case let value? where value.hasPrefix("@"):
            let path = String(value.dropFirst())
            if path.isEmpty { throw JWTAuditError(.invalidArgument, "'@' must be followed by a file name") }
            origin = "'\(path)'"
            bytes = try FileReader.read(path: path, maxBytes: maxInputBytes + 1)
        case let value? where FileReader.isRegularFile(value):
            // README's first command: `jwtaudit decode examples/tokens/secret-v1.jwt`.
            origin = "'\(value)'"
            bytes = try FileReader.read(path: value, maxBytes: maxInputBytes + 1)
        case let value? where looksLikeAPath(value):
            // A mistyped file name would otherwise be judged as a token ("3 segments; this one has 2").
            throw JWTAuditError(.invalidArgument, "'\(value)' is not a readable file, nor a token")
        case let value?:
            origin = "the argument"
            bytes = Array(value.utf8.prefix(maxInputBytes + 1))
        }
        if bytes.count > maxInputBytes {
            throw JWTAuditError(.limitExceeded, "\(origin) is larger than \(maxInputBytes) bytes, the limit for token text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes)
            throw JWTAuditError(.malformedToken, "\(origin) is not text: invalid UTF-8 at byte \(offset + 1)")
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw JWTAuditError(.malformedToken, "\(origin) is not text: it contains a NUL byte")
        }
        return text
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

/// What `decode` and `explain` start from: the token text and its compact parse.
struct TokenRequest {
    let text: String
    let token: CompactToken

    /// The token text (argument, `@FILE`, a file, or standard input) and its compact parse.
    static func read(_ arguments: ParsedArguments, command: String, streams: StandardStreams) throws(CommandFailure) -> TokenRequest {
        let input = try TokenSource.read(argument: arguments.positionals.first, command: command, streams: streams)
        do {
            return TokenRequest(text: input, token: try CompactToken.parse(try TokenInput.extract(input)))
        } catch {
            throw .input(error, what: "cannot decode the token")
        }
    }
}
