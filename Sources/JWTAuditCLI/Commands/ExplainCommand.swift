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

    /// Options that choose no mode: those `decode` takes too (the output options, `--at`, `--decryption-key`).
    static let modelessOptions: Set<String> = Set(OptionTable.options(for: OptionTable.decode).map(\.long))

    /// The mode is chosen by the options given: any option explain shares with check-policy but not with
    /// verify (the `--policy` family) means policy mode; any other option it shares with verify (keys,
    /// expectations, network) means verify mode. Deriving it from the option table keeps it right as options
    /// are added.
    static func mode(_ arguments: ParsedArguments) -> Mode {
        let given = Set(arguments.values.map(\.option)).subtracting(modelessOptions)
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
            if token.kind == .jwe {
                let outcome: DecryptionOutcome
                do {
                    outcome = try DecryptionKeyFiles(arguments).decrypt(token)
                } catch {
                    throw .input(error, what: "cannot use the decryption key")
                }
                explanation = Explainer.explain(TokenInspection.inspect(token, decryption: outcome, at: at))
            } else {
                explanation = Explainer.explain(TokenInspection.inspect(token, at: at))
            }
        case .verify:
            let configuration = try VerifyConfiguration.make(arguments, now: now, command: command)
            let token = try TokenRequest.read(arguments, command: command, streams: streams).token
            provider = configuration.makeProvider(environment: environment)
            let evaluation = try VerifyCommand.evaluate(
                configuration: configuration, environment: environment, token: token, provider: provider,
                undecidedWithoutKeys: true)
            explanation = Explainer.explain(evaluation, of: token)
        case .policy:
            (explanation, provider) = try policy(arguments, environment: environment, streams: streams, now: now)
        }
        if explanation.verdict.status == "undecided" { explanation.verdict.hint = provider?.offlineHint() }
        ExplainReport.write(explanation, arguments: arguments, environment: environment, streams: streams)
        return explanation.verdict.exitCode
    }

    /// check-policy's evaluation of the same request, narrated: the same options read the same way
    /// (`PolicyConfiguration`), the token argument optional when `--request-header` or `--expression-value`
    /// describe the request. A value the evaluation needs and nobody supplied is said as check-policy says it (the
    /// same error on standard error, exit 3), and explained on standard output.
    static func policy(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> (Explanation, CommandKeyProvider) {
        let command = OptionTable.explain
        let configuration = try PolicyConfiguration.make(arguments, command: command, now: now)
        let tokenText = try PolicyConfiguration.tokenText(
            arguments, command: command, streams: streams,
            fromStandardInput: !PolicyConfiguration.describesRequest(arguments))
        let provider = configuration.makeProvider(environment: environment, now: now)
        do {
            let evaluation = try configuration.evaluate(
                tokenText: tokenText, environment: environment, now: now, command: command, provider: provider,
                undecidedWithoutKeys: true)
            return (Explainer.explain(evaluation), provider)
        } catch {
            guard case .input(let failure, _) = error, failure.code == .unevaluable else { throw error }
            streams.writeError(error.message)
            let token = tokenText.flatMap { try? CompactToken.parse(try TokenInput.extract($0)) }
            return (Explainer.explain(
                token.map { TokenInspection.inspect($0, at: configuration.at) }, unevaluable: failure,
                policySource: arguments.all(.policy).first), provider)
        }
    }
}
