import JWTAuditCore

/// `jwtaudit explain`: the verdict told as cause and fix. It narrates evaluations made in the core, never
/// judging anything itself: decode's inspection with a token alone, `VerifyEvaluation` with verify's options,
/// `PolicyEvaluation` with `--policy` (DESIGN.md: "there is one verifier, not four"). The options are read by
/// the configurations verify and check-policy read them with; the token and `--at` are read once.
enum ExplainCommand {
    /// What the options ask for.
    enum Mode: Equatable {
        /// A token alone: what it is, its findings and its claims.
        case token
        /// verify's options: the verifier's checks, narrated.
        case verify
        /// `--policy` and check-policy's options: the gateway's evaluation, narrated.
        case policy
    }

    /// Options every reporting command has; they choose no mode.
    static let reportingOptions: Set<String> = ["json", "at", "color", "help"]

    /// The mode is chosen by the options given: any option explain shares with check-policy but not with
    /// verify (the `--policy` family) means policy mode; any other option it shares with verify (keys,
    /// expectations, network) means verify mode. Deriving it from the option table keeps it right as options
    /// are added.
    static func mode(_ arguments: ParsedArguments) -> Mode {
        let given = Set(arguments.values.map(\.option)).subtracting(reportingOptions)
        let specs = OptionTable.options(for: OptionTable.explain).filter { given.contains($0.long) }
        if specs.contains(where: { $0.applies(to: OptionTable.checkPolicy) && !$0.applies(to: OptionTable.verify) }) {
            return .policy
        }
        if specs.contains(where: { $0.applies(to: OptionTable.verify) }) { return .verify }
        return .token
    }

    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) -> Int32 {
        let command = OptionTable.explain
        let explanation: Explanation
        switch mode(arguments) {
        case .token:
            let at: Int64
            do {
                at = try arguments.instant(now: now, command: command)
            } catch {
                return JWTAuditCLI.fail(error, streams)
            }
            let request: TokenRequest
            switch TokenRequest.read(arguments, command: command, streams: streams) {
            case .success(let read): request = read
            case .failure(let exit): return exit.status
            }
            explanation = Explainer.explain(TokenInspection.inspect(request.token, at: at))
        case .verify:
            let configuration: VerifyConfiguration
            do {
                configuration = try VerifyConfiguration.make(arguments, now: now, command: command)
            } catch {
                return JWTAuditCLI.fail(error, streams)
            }
            let request: TokenRequest
            switch TokenRequest.read(arguments, command: command, streams: streams) {
            case .success(let read): request = read
            case .failure(let exit): return exit.status
            }
            do {
                let evaluation = try VerifyCommand.evaluate(
                    configuration: configuration, environment: environment, token: request.token)
                explanation = Explainer.explain(evaluation, of: request.token)
            } catch {
                switch error {
                case .usage(let usage): return JWTAuditCLI.fail(usage, streams)
                case .input(let failure, let what): return JWTAuditCLI.fail(failure, what: what, streams)
                }
            }
        case .policy:
            let configuration: PolicyConfiguration
            do {
                configuration = try PolicyConfiguration.make(arguments, command: command, now: now)
            } catch {
                return fail(error, streams)
            }
            let request: TokenRequest
            switch TokenRequest.read(arguments, command: command, streams: streams) {
            case .success(let read): request = read
            case .failure(let exit): return exit.status
            }
            do {
                let evaluation = try configuration.evaluate(
                    tokenText: request.token.text, environment: environment, now: now, command: command)
                explanation = Explainer.explain(evaluation, of: request.token)
            } catch {
                // A missing named value or an expression the tool cannot run is still explained: what is
                // missing and how to supply it.
                guard case .input(let failure, _) = error, failure.code == .unevaluable else { return fail(error, streams) }
                explanation = Explainer.explain(
                    TokenInspection.inspect(request.token, at: configuration.at), unevaluable: failure,
                    policySource: arguments.all("policy").first)
            }
        }
        write(explanation, arguments: arguments, environment: environment, streams: streams)
        return explanation.verdict.exitCode
    }

    static func fail(_ error: CheckPolicyCommand.Failure, _ streams: StandardStreams) -> Int32 {
        switch error {
        case .usage(let usage): return JWTAuditCLI.fail(usage, streams)
        case .input(let failure, let what): return JWTAuditCLI.fail(failure, what: what, streams)
        }
    }

    /// Renders the explanation, JSON or text, in one write (nothing partial on stdout).
    static func write(_ explanation: Explanation, arguments: ParsedArguments, environment: [String: String], streams: StandardStreams) {
        if arguments.has("json") {
            streams.writeOutput(JSONWriter.write(explanation.jsonValue) + "\n")
            return
        }
        let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
        let width = TerminalWidth.columns(environment: environment, outputIsTerminal: streams.outputIsTerminal)
        streams.writeOutput(ExplanationText.render(explanation, width: width, paint: style.painter))
    }
}

extension TextStyle {
    /// Colours as decode does: bold headings, green for passes and fixes, red for failures, yellow warnings.
    var painter: ExplanationText.Painter {
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
}
