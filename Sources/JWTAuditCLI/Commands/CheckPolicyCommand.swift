public import JWTAuditCore

/// `jwtaudit check-policy`: evaluate APIM token policies against a request (the evaluation is the core's), or
/// lint them; here only the options and the rendering.
public enum CheckPolicyCommand {
    // MARK: running

    static func run(
        _ parsed: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.checkPolicy
        let format = parsed.has(.json) ? "json" : (parsed.last(.format) ?? "text")
        let style = TextStyle.resolve(parsed, streams: streams, environment: environment)
        // --json is --format json: with another --format it would silently win over what was asked.
        if parsed.has(.json), let asked = parsed.last(.format), asked != "json" {
            throw .usage(.conflictingOptions("--json", "--format \(asked)"), command)
        }
        if parsed.all(.policy).isEmpty { throw .usage(.missingOption("--policy"), command) }
        // The token comes only from the argument (`-` for standard input): lint in CI runs with a non-terminal
        // standard input and must not wait on it.
        let wantsToken = parsed.positionals.first != nil || !parsed.all(.requestHeader).isEmpty
        if !wantsToken {
            let findings = try lint(parsed)
            let fails = PolicyLint.fails(findings, failOn: failOn(parsed))
            if parsed.has(.quiet) {
                if fails { streams.writeErrorLine(LintReport.quietLine(findings, failOn: failOn(parsed))) }
                return fails ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
            }
            switch format {
            case "json": streams.writeOutput(JSONWriter.write(LintReport.document(findings)) + "\n")
            case "sarif":
                streams.writeOutput(JSONWriter.write(Sarif.log(findings: findings, toolVersion: OptionTable.version)) + "\n")
            default: streams.writeOutput(LintReport.text(findings, style: style))
            }
            return fails ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
        }
        if parsed.has(.format) && format == "sarif" {
            throw .usage(
                .invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; give no token to lint"),
                command)
        }
        let pick = try TokenChoice.pick(parsed, command: command)
        let tokenText = try parsed.positionals.first.map { (argument) throws(CommandFailure) in
            let input = try TokenSource.read(argument: argument, command: command, streams: streams)
            do throws(JWTAuditError) {
                return try TokenChoice.find(input, pick: pick, streams: streams).whole()
            } catch {
                throw .input(error, what: "cannot read the token")
            }
        }
        let evaluation = try PolicyConfiguration.make(parsed, command: command, now: now)
            .evaluate(tokenText: tokenText, environment: environment, now: now, command: command)
        if parsed.has(.quiet) {
            if let line = CheckPolicyReport.quietLine(evaluation) { streams.writeErrorLine(line) }
        } else if format == "json" {
            streams.writeOutput(JSONWriter.write(CheckPolicyReport.json(evaluation)) + "\n")
        } else {
            streams.writeOutput(CheckPolicyReport.text(evaluation, layout: TextStyle.layout(parsed, streams: streams, environment: environment)))
        }
        return evaluation.accepted ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue
    }

    /// `--fail-on`: the least severity that fails lint (nil: never).
    static func failOn(_ parsed: ParsedArguments) -> Finding.Severity? {
        switch parsed.last(.failOn) ?? "warning" {
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

    static func inputs(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)] = []
        for path in parsed.all(.policy) {
            do {
                // One byte past XMLReader's limit, so that the reader names the limit.
                files.append((try FileReader.read(path: path, maxBytes: XMLReader.Limits.default.maxBytes + 1), path))
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        }
        var named: [String: String]?
        if let path = parsed.last(.namedValues) {
            named = try namedValuesFile(path)
        }
        for (name, value) in parsed.pairs(.namedValue) {
            named = named ?? [:]
            named![name.hasPrefix("{{") && name.hasSuffix("}}") ? String(name.dropFirst(2).dropLast(2)) : name] = value
        }
        var expressions: [String: String] = [:]
        for (expression, value) in parsed.pairs(.expressionValue) { expressions[expression] = value }
        var certificates: [String: String] = [:]
        for (id, path) in parsed.pairs(.certificate) { certificates[id] = path }
        return PolicyInputs(files: files, namedValues: named, expressionValues: expressions, certificates: certificates)
    }

    static func namedValuesFile(_ path: String) throws(CommandFailure) -> [String: String] {
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
    static func lint(_ parsed: ParsedArguments, command: String = OptionTable.checkPolicy) throws(CommandFailure) -> [PolicyLintFinding] {
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

    static func make(_ parsed: ParsedArguments, command: String, now: Int64) throws(CommandFailure) -> PolicyConfiguration {
        let at = try parsed.instant(now: now, command: command)
        let inputs = try CheckPolicyCommand.inputs(parsed, command: command)
        let network = try PolicyNetworkOptions(parsed, command: command)
        return PolicyConfiguration(inputs: inputs, network: network, at: at, headerLines: parsed.all(.requestHeader))
    }

    /// Evaluates the effective policy (the `--policy` scopes composed, named values substituted) against one
    /// request, in the core: the token placed where each element reads it, or the `--request-header` lines
    /// exactly as given. Keys come through the CLI's provider: `openid-config` metadata through the cache and
    /// network, `--certificate` files for the policy's certificate ids.
    func evaluate(
        tokenText: String?, environment: [String: String], now: Int64, command: String
    ) throws(CommandFailure) -> PolicyEvaluation {
        if tokenText != nil && !headerLines.isEmpty { throw .usage(.conflictingOptions("TOKEN", "--request-header"), command) }
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
            throw .usage(
                .invalidValue(option: "--request-header", value: headerLines.joined(separator: " | "), reason: error.reason),
                command)
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

    init(_ parsed: ParsedArguments, command: String) throws(CommandFailure) {
        authority = parsed.last(.authority)
        network = try NetworkOptions(parsed, command: command)
    }
}
