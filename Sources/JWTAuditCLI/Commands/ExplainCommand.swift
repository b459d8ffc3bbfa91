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
    static let reportingOptions: Set<String> = Set([OptionSpec.json, .at, .pick, .color, .quiet, .glossary, .help].map(\.long))

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
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.explain
        var explanation: Explanation
        // Keys that cannot be obtained (no network, nothing cached) do not end explain in one line: the token and
        // every check that needs no key are still told, the verdict is undecided (exit 2), and a cached copy that
        // --offline would use is named.
        var provider: CommandKeyProvider?
        switch mode(arguments) {
        case .token:
            let at = try arguments.instant(now: now, command: command)
            let token = try TokenRequest.read(arguments, command: command, streams: streams).token
            explanation = Explainer.explain(TokenInspection.inspect(token, at: at))
        case .verify:
            let configuration = try VerifyConfiguration.make(arguments, now: now, command: command)
            let token = try TokenRequest.read(arguments, command: command, streams: streams).token
            provider = configuration.makeProvider(environment: environment)
            let evaluation = try VerifyCommand.evaluate(
                configuration: configuration, environment: environment, token: token, provider: provider,
                undecidedWithoutKeys: true)
            explanation = Explainer.explain(evaluation, of: token)
        case .policy:
            let configuration = try PolicyConfiguration.make(arguments, command: command, now: now)
            let token = try TokenRequest.read(arguments, command: command, streams: streams).token
            provider = configuration.makeProvider(environment: environment, now: now)
            do {
                let evaluation = try configuration.evaluate(
                    tokenText: token.text, environment: environment, now: now, command: command, provider: provider,
                    undecidedWithoutKeys: true)
                explanation = Explainer.explain(evaluation, of: token)
            } catch {
                // A missing named value or an expression the tool cannot run is still explained: what is
                // missing and how to supply it.
                guard case .input(let failure, _) = error, failure.code == .unevaluable else { throw error }
                explanation = Explainer.explain(
                    TokenInspection.inspect(token, at: configuration.at), unevaluable: failure,
                    policySource: arguments.all(.policy).first)
            }
        }
        if explanation.verdict.status == "undecided" { explanation.verdict.hint = provider?.offlineHint() }
        ExplainReport.write(explanation, arguments: arguments, environment: environment, streams: streams)
        return explanation.verdict.exitCode
    }
}
