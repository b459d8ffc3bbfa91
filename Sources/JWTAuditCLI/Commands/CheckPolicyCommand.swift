public import JWTAuditCore

/// `jwtaudit check-policy`: evaluate APIM token policies against a request, or lint them.
public enum CheckPolicyCommand {
    public enum Failure: Error, Sendable {
        case usage(UsageError)
        /// Bad input (exit 3) or keys/metadata unavailable (exit 2), with what could not be done.
        case input(JWTAuditError, what: String)
    }

    // MARK: running

    static func run(_ parsed: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64) -> Int32 {
        let command = OptionTable.checkPolicy
        let format = parsed.has("json") ? "json" : (parsed.last("format") ?? "text")
        let style = TextStyle.resolve(parsed, streams: streams, environment: environment)
        do throws(Failure) {
            if parsed.all("policy").isEmpty {
                throw .usage(UsageError(.missingOption("--policy"), command: command))
            }
            // The token comes only from the argument (`-` for standard input): lint in CI runs with a
            // non-terminal standard input and must not wait on it.
            let wantsToken = parsed.positionals.first != nil || !parsed.all("request-header").isEmpty
            if !wantsToken {
                let findings = try lint(parsed)
                let threshold = try failOn(parsed)
                switch format {
                case "json": streams.writeOutput(JSONWriter.write(PolicyLint.jsonValue(findings)) + "\n")
                case "sarif":
                    streams.writeOutput(JSONWriter.write(Sarif.log(findings: findings, toolVersion: OptionTable.version)) + "\n")
                default: streams.writeOutput(CheckPolicyReport.lintText(findings, style: style))
                }
                return PolicyLint.fails(findings, failOn: threshold) ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
            }
            if parsed.has("format") && format == "sarif" {
                throw .usage(UsageError(
                    .invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; give no token to lint"),
                    command: command))
            }
            var tokenText: String?
            if let argument = parsed.positionals.first {
                do {
                    tokenText = try TokenSource.read(argument: argument, command: command, streams: streams)
                } catch {
                    switch error {
                    case .usage(let usage): throw .usage(usage)
                    case .input(let failure): throw .input(failure, what: "cannot read the token")
                    }
                }
            }
            let evaluation = try PolicyConfiguration.make(parsed, command: command, now: now)
                .evaluate(tokenText: tokenText, environment: environment, now: now, command: command)
            if format == "json" {
                streams.writeOutput(JSONWriter.write(CheckPolicyReport.json(evaluation)) + "\n")
            } else {
                streams.writeOutput(CheckPolicyReport.text(evaluation, style: style))
            }
            return evaluation.accepted ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue
        } catch {
            switch error {
            case .usage(let usage): return JWTAuditCLI.fail(usage, streams)
            case .input(let failure, let what): return JWTAuditCLI.fail(failure, what: what, streams)
            }
        }
    }

    static func failOn(_ parsed: ParsedArguments) throws(Failure) -> Finding.Severity? {
        switch parsed.last("fail-on") ?? "warning" {
        case "never": return nil
        case "error": return .error
        case "info": return .info
        default: return .warning
        }
    }

    // MARK: inputs

    /// The policy inputs every mode shares.
    struct PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)]
        /// nil when the user supplied no named values at all (lint then reads `{{name}}` as written).
        var namedValues: [String: String]?
        var expressionValues: [String: String]
        var certificates: [String: String]
    }

    static func inputs(_ parsed: ParsedArguments, command: String) throws(Failure) -> PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)] = []
        for path in parsed.all("policy") {
            do {
                // One byte past XMLReader's limit, so that the reader names the limit.
                files.append((try FileReader.read(path: path, maxBytes: XMLReader.Limits.default.maxBytes + 1), path))
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        var named: [String: String]?
        if let path = parsed.last("named-values") {
            named = try namedValuesFile(path)
        }
        for pair in parsed.all("named-value") {
            guard let (name, value) = split(pair, option: "--named-value", valueName: "NAME=VALUE"), !name.isEmpty else {
                throw .usage(UsageError(
                    .invalidValue(option: "--named-value", value: pair, reason: "expected NAME=VALUE"), command: command))
            }
            named = named ?? [:]
            named![name.hasPrefix("{{") && name.hasSuffix("}}") ? String(name.dropFirst(2).dropLast(2)) : name] = value
        }
        var expressions: [String: String] = [:]
        for pair in parsed.all("expression-value") {
            guard let (expression, value) = splitExpression(pair) else {
                throw .usage(UsageError(
                    .invalidValue(option: "--expression-value", value: pair,
                                  reason: "expected @(expression)=VALUE or @{statements}=VALUE, the expression exactly as in the policy"),
                    command: command))
            }
            expressions[expression] = value
        }
        var certificates: [String: String] = [:]
        for pair in parsed.all("certificate") {
            guard let (id, path) = split(pair, option: "--certificate", valueName: "ID=FILE"), !id.isEmpty, !path.isEmpty else {
                throw .usage(UsageError(
                    .invalidValue(option: "--certificate", value: pair, reason: "expected ID=FILE"), command: command))
            }
            certificates[id] = path
        }
        return PolicyInputs(files: files, namedValues: named, expressionValues: expressions, certificates: certificates)
    }

    static func split(_ pair: String, option: String, valueName: String) -> (String, String)? {
        guard let equals = pair.firstIndex(of: "=") else { return nil }
        return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
    }

    /// `@(expr)=VALUE` / `@{stmts}=VALUE`: the expression runs from `@` to its matching bracket (brackets inside
    /// C# string and character literals do not count); the `=` right after it starts the value.
    static func splitExpression(_ pair: String) -> (String, String)? {
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

    static func namedValuesFile(_ path: String) throws(Failure) -> [String: String] {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readWhole(path: path, what: "named values file")
        } catch {
            throw .input(error, what: "cannot read the named values")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw .input(JWTAuditError(.malformedJSON, "'\(path)' is not valid JSON: \(error)"), what: "cannot read the named values")
        }
        guard let object = json.objectValue else {
            throw .input(JWTAuditError(.invalidArgument, "'\(path)' must be a JSON object of names to string values"),
                         what: "cannot read the named values")
        }
        if let duplicate = object.duplicateKeys.first {
            throw .input(JWTAuditError(.invalidArgument, "'\(path)': \"\(duplicate)\" appears more than once"),
                         what: "cannot read the named values")
        }
        var values: [String: String] = [:]
        for (name, value) in object.members {
            guard let text = value.stringValue else {
                throw .input(JWTAuditError(.invalidArgument, "'\(path)': the value of \"\(name)\" is \(value.kindDescription), not a string"),
                             what: "cannot read the named values")
            }
            values[name] = text
        }
        return values
    }

    // MARK: lint

    /// Lint without a token. Each `--policy` file is linted on its own (findings name their file and line):
    /// lint judges what each file says, and CI lints every file of a repository, most of which are not scopes of
    /// one another. A file with no token-validating element has nothing to lint; if no file has one, that is bad
    /// input (exit 3) as it is when evaluating.
    public static func lint(_ parsed: ParsedArguments, command: String = OptionTable.checkPolicy) throws(Failure) -> [PolicyLintFinding] {
        let inputs = try inputs(parsed, command: command)
        var findings: [PolicyLintFinding] = []
        var linted = 0
        var lastError: JWTAuditError?
        for file in inputs.files {
            do {
                var roots = try XMLReader.parse(file.bytes, sourceName: file.sourceName)
                if let named = inputs.namedValues { roots = try NamedValues.resolve(roots, values: named) }
                guard containsValidation(roots) else {
                    lastError = JWTAuditError(.malformedPolicy, "\(file.sourceName): no validate-jwt or validate-azure-ad-token element in the policy")
                    continue
                }
                findings += PolicyLint.lint(try PolicyDocument(roots: roots))
                linted += 1
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        if linted == 0, let lastError { throw .input(lastError, what: "cannot read the policy") }
        return findings
    }

    static func containsValidation(_ elements: [XMLElement]) -> Bool {
        elements.contains { TokenValidationKind(rawValue: $0.name) != nil || containsValidation($0.elements) }
    }
}

/// The request `check-policy` (and `explain --policy`) evaluates, from the options: the policy scopes and named
/// values, expression values, certificates, network settings, the instant and the request headers.
struct PolicyConfiguration {
    var inputs: CheckPolicyCommand.PolicyInputs
    var network: PolicyNetworkOptions
    var at: Int64
    var headerLines: [String]

    static func make(_ parsed: ParsedArguments, command: String, now: Int64) throws(CheckPolicyCommand.Failure) -> PolicyConfiguration {
        let at: Int64
        do {
            at = try parsed.instant(now: now, command: command)
        } catch {
            throw .usage(error)
        }
        let inputs = try CheckPolicyCommand.inputs(parsed, command: command)
        let network: PolicyNetworkOptions
        do {
            network = try PolicyNetworkOptions(parsed, command: command)
        } catch {
            throw .usage(error)
        }
        return PolicyConfiguration(inputs: inputs, network: network, at: at, headerLines: parsed.all("request-header"))
    }

    /// Evaluates the effective policy (the `--policy` scopes composed, named values substituted) against one
    /// request, in the core: the token placed where each element reads it, or the `--request-header` lines
    /// exactly as given. Keys come through the CLI's provider: `openid-config` metadata through the cache and
    /// network, `--certificate` files for the policy's certificate ids.
    func evaluate(
        tokenText: String?, environment: [String: String], now: Int64, command: String
    ) throws(CheckPolicyCommand.Failure) -> PolicyEvaluation {
        if tokenText != nil && !headerLines.isEmpty {
            throw .usage(UsageError(.conflictingOptions("TOKEN", "--request-header"), command: command))
        }
        var token: String?
        if let tokenText {
            do {
                token = try TokenInput.extract(tokenText)
            } catch {
                throw .input(error, what: "cannot read the token")
            }
        }
        let request: PolicyRequest?
        do {
            request = headerLines.isEmpty ? nil : try PolicyRequest.parsing(headerLines: headerLines)
        } catch {
            throw .usage(UsageError(
                .invalidValue(option: "--request-header", value: headerLines.joined(separator: " | "), reason: error.reason),
                command: command))
        }
        let document: PolicyDocument
        do {
            document = try PolicyDocument(scopes: inputs.files, namedValues: inputs.namedValues ?? [:])
        } catch {
            throw .input(error, what: "cannot read the policy")
        }
        // The cache's freshness is judged by the real clock; --at only moves the token's times.
        let provider = CommandKeyProvider(
            network: network.network, environment: environment, certificates: inputs.certificates, clock: { now })
        do {
            return try PolicyEvaluator.evaluate(
                document,
                PolicyEvaluationRequest(
                    token: token, request: request, expressionValues: inputs.expressionValues, at: at,
                    authority: network.authority),
                keys: KeyResolution(provider: provider))
        } catch {
            // An expression the policy needs has no value: say how to give one.
            let reason = error.code == .unevaluable ? error.reason + " with --expression-value 'EXPRESSION=VALUE'" : error.reason
            throw .input(JWTAuditError(error.code, reason), what: "cannot evaluate the policy")
        }
    }
}

/// `check-policy`'s network settings: the shared ones, and the authority for `validate-azure-ad-token`.
struct PolicyNetworkOptions: Sendable {
    /// `--authority`; nil: the policy's `authentication-endpoint`, else the public cloud.
    var authority: String?
    var network: NetworkOptions

    init(_ parsed: ParsedArguments, command: String) throws(UsageError) {
        authority = parsed.last("authority")
        network = try NetworkOptions(parsed, command: command)
    }
}
