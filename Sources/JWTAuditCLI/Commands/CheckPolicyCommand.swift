import JWTAuditCore

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
        // --matrix is a report on the policies themselves: a token or request headers are a usage error there.
        if parsed.has(.summary) && !parsed.has(.batch) {
            throw .usage(.invalidCombination("--summary summarizes a --batch run: give --batch"), command)
        }
        _ = try BatchSession.jobs(parsed, command: command)  // --jobs without --batch is a usage error
        // A dry run over traffic: a token per line, the same evaluation as for one token.
        if parsed.has(.batch) {
            if parsed.has(.matrix) { throw .usage(.conflictingOptions("--batch", "--matrix"), command) }
            if format == "sarif" {
                throw .usage(.invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; --batch evaluates tokens"), command)
            }
            return try PolicyBatch.run(parsed, environment: environment, streams: streams, now: now)
        }
        if parsed.has(.matrix) {
            let wantsToken = parsed.positionals.first != nil || !parsed.all(.requestHeader).isEmpty
            return try AdmissionMatrixRun.run(
                parsed, wantsToken: wantsToken, format: format, style: style, environment: environment, streams: streams,
                now: now)
        }
        // A request is evaluated when anything describes one (a token argument, --request-header, or an
        // --expression-value, which may carry the token-value); otherwise the policy is linted. The token comes only
        // from the argument (`-` for standard input): lint in CI runs with a non-terminal standard input and must
        // not wait on it.
        if !PolicyConfiguration.describesRequest(parsed) {
            let report = try lint(parsed)
            let fails = PolicyLint.fails(report.findings, failOn: failOn(parsed))
            if parsed.has(.quiet) {
                if fails { streams.writeErrorLine(LintReport.quietLine(report.findings, failOn: failOn(parsed))) }
                return fails ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
            }
            switch format {
            case "json": streams.writeOutput(JSONWriter.write(LintReport.document(report.findings)) + "\n")
            case "sarif":
                streams.writeOutput(JSONWriter.write(Sarif.log(findings: report.findings, toolVersion: OptionTable.version)) + "\n")
            default: streams.writeOutput(LintReport.text(report, style: style))
            }
            return fails ? ExitStatus.rejected.rawValue : ExitStatus.success.rawValue
        }
        if parsed.has(.format) && format == "sarif" {
            throw .usage(
                .invalidValue(option: "--format", value: "sarif", reason: "SARIF is for lint findings; give no token to lint"),
                command)
        }
        let configuration = try PolicyConfiguration.make(parsed, command: command, now: now)
        let tokenText = try PolicyConfiguration.tokenText(
            parsed, command: command, streams: streams, fromStandardInput: false)
        let evaluation = try configuration.evaluate(tokenText: tokenText, environment: environment, now: now, command: command)
        let atIssuedAt = configuration.atChoice.isIssuedAt && tokenText != nil
        if parsed.has(.quiet) {
            if let line = CheckPolicyReport.quietLine(evaluation) { streams.writeErrorLine(line) }
        } else if format == "json" {
            streams.writeOutput(JSONWriter.write(CheckPolicyReport.json(evaluation, atIssuedAt: atIssuedAt)) + "\n")
        } else {
            streams.writeOutput(CheckPolicyReport.text(
                evaluation, layout: TextStyle.layout(parsed, streams: streams, environment: environment), atIssuedAt: atIssuedAt))
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

    /// `readingPolicyFiles`: token evaluation over XML scopes (`PolicySourceChoice.scopeFiles`) reads the
    /// `--policy` files here; lint and trees read sources.
    static func inputs(_ parsed: ParsedArguments, command: String, readingPolicyFiles: Bool = true) throws(CommandFailure) -> PolicyInputs {
        var files: [(bytes: [UInt8], sourceName: String)] = []
        for path in parsed.all(.policy) where readingPolicyFiles {
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

    /// Lint without a token. Each `--policy` PATH is read on its own into one or more trees (a loose file, an
    /// APIOps tree, a template, a repository's worth), each tree composed and linted as one service; findings
    /// name the file and line where the text is. A policy that validates no token is linted all the same (most
    /// policies at most scopes validate none) and the report says so; only what is not a policy at all, or a
    /// PATH that cannot be read, is bad input. With --api/--operation/--product/--no-product, one effective policy
    /// is chosen and judged.
    static func lint(_ parsed: ParsedArguments, command: String = OptionTable.checkPolicy) throws(CommandFailure) -> PolicyLintReport {
        let inputs = try inputs(parsed, command: command, readingPolicyFiles: false)
        let selection = try policySelection(parsed, command: command)
        var report = PolicyLintReport()
        for (_, services) in try PolicySourceSet.services(parsed, namedValues: inputs.namedValues) {
            for each in services {
                if selection.isEmpty {
                    report.merge(each.lint())
                } else {
                    do {
                        report.merge(try each.lint(selecting: selection))
                    } catch {
                        throw .input(error, what: "cannot choose one effective policy")
                    }
                }
            }
        }
        return report
    }

    /// `--api`, `--operation`, `--product`, `--no-product` (the last two exclude each other).
    static func policySelection(_ parsed: ParsedArguments, command: String) throws(CommandFailure) -> PolicySelection {
        let selection = PolicySelection(
            api: parsed.last(.api), operation: parsed.last(.operation), product: parsed.last(.product),
            noProduct: parsed.has(.noProduct))
        if selection.product != nil && selection.noProduct {
            throw .usage(.conflictingOptions("--product", "--no-product"), command)
        }
        return selection
    }
}

/// The request `check-policy` and `explain --policy` evaluate, read from the same options by both: the policy
/// scopes and named values, the request (a token argument, or `--request-header` lines exactly as a client sent
/// them), expression values, certificates and decryption keys, network settings and the instant. Both commands
/// hand it to the one evaluation in the core, so they cannot reach different verdicts.
struct PolicyConfiguration {
    var inputs: CheckPolicyCommand.PolicyInputs
    var network: PolicyNetworkOptions
    /// The fixed instant (`--at TIME`, else now); under `--at iat` (check-policy only) each token is judged as of
    /// its own `iat` (`atChoice`).
    var at: Int64
    var atChoice: AtChoice
    var headerLines: [String]
    var decryption: DecryptionKeyFiles
    /// Where the effective policy comes from: XML scope files, or one operation of a tree or a template.
    var sources: PolicySourceChoice

    static func make(_ parsed: ParsedArguments, command: String, now: Int64) throws(CommandFailure) -> PolicyConfiguration {
        let atChoice = command == OptionTable.checkPolicy
            ? try AtChoice.parse(parsed, now: now, command: command) : .fixed(try parsed.instant(now: now, command: command))
        let at = atChoice.fixedInstant ?? now
        let sources = try PolicySourceChoice.make(parsed, command: command)
        let inputs = try CheckPolicyCommand.inputs(parsed, command: command, readingPolicyFiles: sources == .scopeFiles)
        let network = try PolicyNetworkOptions(parsed, command: command)
        return PolicyConfiguration(
            inputs: inputs, network: network, at: at, atChoice: atChoice, headerLines: parsed.all(.requestHeader),
            decryption: DecryptionKeyFiles(parsed), sources: sources)
    }

    /// The effective policy to evaluate: the `--policy` XML files composed as scopes, or the operation and
    /// product context the selection names in a tree or a template (its chain composed, fragments inlined,
    /// named values substituted; what the validation needs and the sources do not hold is bad input, named).
    func document() throws(CommandFailure) -> PolicyDocument {
        switch sources {
        case .scopeFiles:
            do {
                return try PolicyDocument(scopes: inputs.files, namedValues: inputs.namedValues ?? [:])
            } catch {
                throw .input(error, what: "cannot read the policy")
            }
        case .tree(let path, let selection, let environment):
            let (service, policy) = try PolicySourceSet.choose(
                selection, path: path, environment: environment, namedValues: inputs.namedValues)
            do {
                return try service.evaluationDocument(policy)
            } catch {
                throw .input(error, what: "cannot evaluate the policy")
            }
        }
    }

    /// The token of the request: the argument (`-` for standard input), the token `--pick` chooses in it; when
    /// there is no argument, standard input only if `fromStandardInput` (explain, with nothing else describing the
    /// request). check-policy and explain read it here, the same way.
    static func tokenText(
        _ parsed: ParsedArguments, command: String, streams: StandardStreams, fromStandardInput: Bool
    ) throws(CommandFailure) -> String? {
        guard parsed.positionals.first != nil || fromStandardInput else { return nil }
        let pick = try TokenChoice.pick(parsed, command: command)
        let input = try TokenSource.read(argument: parsed.positionals.first, command: command, streams: streams)
        do throws(JWTAuditError) {
            return try TokenChoice.find(input, pick: pick, streams: streams).whole()
        } catch {
            throw .input(error, what: "cannot read the token")
        }
    }

    /// Whether the options describe a request to evaluate without a token argument: headers as a client sent them,
    /// or expression values (a `token-value` expression's value is the token).
    static func describesRequest(_ parsed: ParsedArguments) -> Bool {
        parsed.positionals.first != nil || !parsed.all(.requestHeader).isEmpty || !parsed.all(.expressionValue).isEmpty
    }

    /// The CLI's key provider for this request: metadata through the cache and network, `--certificate` files
    /// for the policy's certificate ids. The cache's freshness is judged by the real clock; --at only moves the
    /// token's times.
    func makeProvider(environment: [String: String], now: Int64) -> CommandKeyProvider {
        CommandKeyProvider(network: network.network, environment: environment, certificates: inputs.certificates, clock: { now })
    }

    /// Evaluates the effective policy (the `--policy` scopes composed, or the selection in a tree or template)
    /// against one request, in the core: the token placed where each element reads it, or the
    /// `--request-header` lines exactly as given. `tokenText` is the token as found in the input
    /// (`tokenText(_:command:streams:fromStandardInput:)`), extracted already.
    /// `provider`: the one to fetch through (explain asks it afterwards what failed); `undecidedWithoutKeys`:
    /// keys that cannot be obtained leave the elements undecided (`PolicyEvaluation.keysFailure`) instead of
    /// failing the run.
    func evaluate(
        tokenText token: String?, environment: [String: String], now: Int64, command: String,
        provider given: CommandKeyProvider? = nil, undecidedWithoutKeys: Bool = false
    ) throws(CommandFailure) -> PolicyEvaluation {
        if token != nil && !headerLines.isEmpty { throw .usage(.conflictingOptions("TOKEN", "--request-header"), command) }
        let provider = given ?? makeProvider(environment: environment, now: now)
        let prepared = try prepare(
            command: command, keys: KeyResolution(provider: provider), undecidedWithoutKeys: undecidedWithoutKeys)
        var at = self.at
        if let token {
            do {
                at = try instant(token: token, parsed: nil)
            } catch {
                throw .input(error, what: "cannot judge the token as of its iat")
            }
        }
        do {
            return try prepared.evaluate(token: token, at: at)
        } catch {
            throw .input(Self.withOption(error), what: "cannot evaluate the policy")
        }
    }

    /// The effective policy prepared for the requests of this run (`PreparedPolicy`: one request for
    /// `check-policy` and `explain`, every line for `check-policy --batch`): the policy read and composed, the
    /// `--request-header` request, expression values, `--authority` and decryption keys, resolved through `keys`.
    func prepare(command: String, keys: KeyResolution, undecidedWithoutKeys: Bool = false) throws(CommandFailure) -> PreparedPolicy {
        let request: PolicyRequest?
        do {
            request = headerLines.isEmpty ? nil : try PolicyRequest.parsing(headerLines: headerLines)
        } catch {
            throw .usage(
                .invalidValue(option: "--request-header", value: headerLines.joined(separator: " | "), reason: error.reason),
                command)
        }
        let decryption = decryption
        let shared = PolicyEvaluationRequest(
            token: nil, request: request, expressionValues: inputs.expressionValues, at: at,
            authority: network.authority, decryptionKeys: { () throws(JWTAuditError) in try decryption.keys() },
            undecidedWithoutKeys: undecidedWithoutKeys)
        return PreparedPolicy(try document(), shared: shared, keys: keys)
    }

    /// The instant an extracted token is judged at: the fixed one, or under `--at iat` its own `iat`. A token
    /// that does not parse has none: it is judged as of now, and its verdict is that it is not well formed,
    /// whatever the instant. `parsed`: the token parsed already, when it was.
    func instant(token: String, parsed: CompactToken?) throws(JWTAuditError) -> Int64 {
        guard atChoice.isIssuedAt, let parsed = parsed ?? (try? CompactToken.parse(token)) else { return at }
        return try atChoice.instant(claims: parsed.claims)
    }

    /// An expression the policy needs has no value: the core says "supply its value"; this says how.
    static func withOption(_ error: JWTAuditError) -> JWTAuditError {
        guard error.code == .unevaluable, error.reason.contains("supply its value") else { return error }
        return JWTAuditError(error.code, error.reason + " with --expression-value 'EXPRESSION=VALUE'")
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
