import Glibc
import JWTAuditCore

extension VerifyEvaluation {
    /// DESIGN.md's exit status for a report: 0 valid, 3 the text is not a token, 1 anything else.
    var exitStatus: ExitStatus {
        if report.parseError != nil { return .badInput }
        return report.isValid ? .success : .rejected
    }
}

/// The `verify` options, checked and turned into values: what the token must satisfy and where keys come from.
struct VerifyConfiguration: Sendable {
    var policy = VerificationPolicy()
    var keySource = KeySourceOptions()
    /// The fixed instant (`--at TIME`, else now); under `--at iat` the instant a token that cannot be read is
    /// reported at, each token being judged as of its own `iat` (`atChoice`).
    var at: Int64
    var atChoice: AtChoice
    var json: Bool
    var quiet: Bool
    var batch: Bool
    /// `--jobs` of a batch (the online cores when not given); 1, unused, for one token.
    var jobs: Int
    /// `--decryption-key` files, for a JWE; nil for a command that does not decrypt (yet): it then reports a JWE
    /// as a token it cannot verify.
    var decryption: DecryptionKeyFiles?

    /// Reads and checks the options. Every rule that makes a verification meaningless without the user saying
    /// so on purpose is a usage error here (RFC 8725 §3.8/§3.9: issuer and audience MUST be validated).
    static func make(
        _ arguments: ParsedArguments, now: Int64, command: String = OptionTable.verify
    ) throws(CommandFailure) -> VerifyConfiguration {
        func usage(_ message: String) -> CommandFailure { .usage(.invalidCombination(message), command) }
        func integer(_ option: OptionSpec, range: ClosedRange<Int64>, what: String) throws(CommandFailure) -> Int64? {
            guard let text = arguments.last(option) else { return nil }
            guard let value = Int64(text), range.contains(value) else {
                throw .usage(
                    .invalidValue(
                        option: option.longSpelling, value: text,
                        reason: "expected \(what), a whole number from \(range.lowerBound) to \(range.upperBound)"),
                    command)
            }
            return value
        }

        // explain narrates one token as of one instant: --at iat is for the commands that judge logs.
        let atChoice = command == OptionTable.verify
            ? try AtChoice.parse(arguments, now: now, command: command) : .fixed(try arguments.instant(now: now, command: command))
        let at = atChoice.fixedInstant ?? now

        var keys = KeySourceOptions()
        keys.keyFile = arguments.last(.key)
        keys.jwks = arguments.last(.jwks)
        keys.secretFile = arguments.last(.secretFile)
        keys.secretEnv = arguments.last(.secretEnv)
        keys.tenant = arguments.last(.tenant)
        keys.openIDConfig = arguments.last(.openIDConfig)
        if let authority = arguments.last(.authority) { keys.authority = authority }
        keys.network = try NetworkOptions(arguments, command: command)

        let sources = [
            ("--key", keys.keyFile), ("--jwks", keys.jwks), ("--secret-file", keys.secretFile),
            ("--secret-env", keys.secretEnv), ("--tenant", keys.tenant), ("--openid-config", keys.openIDConfig),
        ].filter { $0.1 != nil }.map(\.0)
        if sources.isEmpty {
            throw usage(
                "no key source: give --key, --jwks, --secret-file, --secret-env, --tenant or --openid-config (a signature checked against nothing proves nothing)")
        }
        if sources.count > 1 {
            throw usage("\(sources.joined(separator: " and ")) are two key sources; give exactly one, so that it is clear which keys are trusted")
        }
        if let name = keys.secretEnv, name.isEmpty || name.contains("=") {
            throw .usage(
                .invalidValue(option: "--secret-env", value: name, reason: "expected the name of an environment variable"),
                command)
        }
        if let tenant = keys.tenant {
            do {
                _ = try EntraTenant(tenant)
            } catch {
                throw .usage(.invalidValue(option: "--tenant", value: tenant, reason: error.reason), command)
            }
        }
        // A plain-http URL on the command line can never be fetched as written: say so before any network use
        // (64). A plain-http jwks_uri found inside metadata is the provider's fault and is refused at fetch time (2).
        let urls: [(String, String?)] = [
            ("--jwks", keys.jwks.flatMap { KeySourceOptions.isURL($0) ? $0 : nil }), ("--openid-config", keys.openIDConfig),
            ("--authority", keys.tenant == nil ? nil : keys.authority),
        ]
        for case let (option, url?) in urls {
            let endpoint: EndpointURL
            do {
                endpoint = try EndpointURL(url)
            } catch {
                throw .usage(.invalidValue(option: option, value: url, reason: error.reason), command)
            }
            if endpoint.scheme == .http {
                if !keys.network.allowHTTP {
                    throw usage("\(option) \(url) is plain HTTP: keys and metadata must come over HTTPS (--allow-http permits http:// to a loopback address only, for tests and local providers)")
                }
                if !endpoint.isLoopback {
                    throw usage("\(option) \(url) is plain HTTP to a host that is not loopback; --allow-http permits only 127.0.0.0/8, ::1 and localhost")
                }
            }
        }
        if keys.network.offline && keys.network.noCache && keys.usesNetwork {
            throw usage("--offline and --no-cache together leave no way to obtain the keys")
        }

        var policy = VerificationPolicy()
        policy.issuers = arguments.all(.issuer)
        policy.anyIssuer = arguments.has(.anyIssuer)
        policy.audiences = arguments.all(.audience)
        policy.anyAudience = arguments.has(.anyAudience)
        if policy.anyIssuer && !policy.issuers.isEmpty {
            throw usage("--issuer and --any-issuer exclude each other")
        }
        if policy.anyAudience && !policy.audiences.isEmpty {
            throw usage("--audience and --any-audience exclude each other")
        }
        if policy.audiences.isEmpty && !policy.anyAudience {
            throw usage(
                "missing --audience (without it a token issued for another API would pass; say --any-audience to accept that on purpose)")
        }
        if !keys.suppliesIssuer && policy.issuers.isEmpty && !policy.anyIssuer {
            throw usage(
                "missing --issuer (local keys do not say who issued the token, and anyone holding the same keys, such as another tenant of the same provider, would pass; say --any-issuer to accept that on purpose)")
        }
        policy.clientIDs = arguments.all(.clientID)
        policy.requireCertificate = arguments.has(.requireCertificate)
        policy.requiredClaims = arguments.pairs(.requireClaim)
        let algorithms = arguments.all(.alg)
        if !algorithms.isEmpty {
            var allowed = Set<JWSAlgorithm>()
            for name in algorithms {
                guard let algorithm = JWSAlgorithm(rawValue: name) else {
                    throw .usage(.invalidValue(option: "--alg", value: name, reason: "not a supported algorithm"), command)
                }
                allowed.insert(algorithm)
            }
            policy.allowedAlgorithms = allowed
        }
        if let skew = try integer(.clockSkew, range: 0...86_400, what: "seconds") { policy.clockSkew = skew }
        policy.requireExpiry = !arguments.has(.allowMissingExp)

        let batch = arguments.has(.batch)
        let quiet = arguments.has(.quiet)
        let json = arguments.has(.json)
        // One token needs no thread count, and counting the online cores reads /sys at every start.
        let jobs = batch || arguments.has(.jobs) ? try BatchSession.jobs(arguments, command: command) : 1
        if !batch && arguments.positionals.count > 1 {
            throw .usage(.unexpectedArgument(arguments.positionals[1]), command)
        }
        if batch { try BatchSession.checkArguments(arguments.positionals, command: command) }
        return VerifyConfiguration(
            policy: policy, keySource: keys, at: at, atChoice: atChoice, json: json, quiet: quiet, batch: batch, jobs: jobs,
            decryption: OptionTable.decrypting.contains(command) ? DecryptionKeyFiles(arguments) : nil)
    }

    /// `sysconf(_SC_NPROCESSORS_ONLN)`: the cores this machine has online now.
    static func onlineCores() -> Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Key resolution for this configuration: the CLI's fetcher and cache behind it, made on first use. It keeps
    /// what it resolved, so a batch fetches each metadata URL once.
    func makeKeyResolution(environment: [String: String]) -> KeyResolution {
        KeyResolution(provider: makeProvider(environment: environment))
    }

    /// The CLI's key provider for these network options.
    func makeProvider(environment: [String: String]) -> CommandKeyProvider {
        CommandKeyProvider(network: keySource.network, environment: environment, clock: { Int64(time(nil)) })
    }

    /// The key source, with local key files read now.
    func source(environment: [String: String]) throws(CommandFailure) -> KeySource {
        do {
            return try keySource.source(environment: environment)
        } catch {
            throw .input(error, what: Self.keysFailure(error))
        }
    }

    /// "cannot obtain the keys" (2) when they could not be fetched, "cannot use the keys" (3) otherwise.
    static func keysFailure(_ error: JWTAuditError) -> String {
        error.code == .unavailable ? "cannot obtain the keys" : "cannot use the keys"
    }
}

/// `jwtaudit verify`: options -> `VerifyConfiguration` -> core `VerifyEvaluation` (keys through `KeyResolution`,
/// the `Verifier`) -> report -> text, JSON or nothing (`--quiet`). With `--batch`, the same per token through
/// `BatchRunner`.
enum VerifyCommand {
    static func run(
        _ arguments: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let configuration = try VerifyConfiguration.make(arguments, now: now)
        let pick = try TokenChoice.pick(arguments, command: OptionTable.verify)
        if configuration.batch {
            return try VerifyBatch.run(
                arguments, configuration: configuration, pick: pick, environment: environment, streams: streams)
        }
        let input = try TokenSource.read(argument: arguments.positionals.first, command: OptionTable.verify, streams: streams)
        var tokenText = input
        var notFound: JWTAuditError?
        do {
            tokenText = try TokenChoice.find(input, pick: pick, streams: streams, quiet: configuration.quiet).whole()
        } catch {
            notFound = error
        }
        let evaluation: VerifyEvaluation
        if let notFound {
            // No token, an altered one, one cut short, no token N: the `format` check fails with the reason.
            evaluation = .notAToken(notFound, policy: configuration.policy, at: configuration.at)
        } else {
            evaluation = try evaluate(configuration: configuration, environment: environment, tokenText: tokenText)
        }
        if configuration.quiet {
            if let line = VerifyReport.quietLine(evaluation.report) { streams.writeErrorLine(line) }
        } else {
            if configuration.json {
                streams.writeOutput(JSONWriter.write(.object(VerifyReport.json(evaluation, atIssuedAt: configuration.atChoice.isIssuedAt))) + "\n")
            } else {
                let layout = TextStyle.layout(arguments, streams: streams, environment: environment)
                streams.writeOutput(VerifyReport.text(evaluation, layout: layout, atIssuedAt: configuration.atChoice.isIssuedAt))
            }
        }
        return evaluation.exitStatus.rawValue
    }

    /// One token text (anything: a text that is not a token is a report whose `format` check fails), with the
    /// keys its options name.
    static func evaluate(
        configuration: VerifyConfiguration, environment: [String: String], tokenText: String
    ) throws(CommandFailure) -> VerifyEvaluation {
        let token: CompactToken
        do {
            token = try CompactToken.parse(try TokenInput.extract(tokenText))
        } catch {
            // Not a token (or an altered one): the `format` check fails with the extraction's or the parser's
            // reason, and the rest is skipped, without any key.
            return .notAToken(error, policy: configuration.policy, at: configuration.at)
        }
        return try evaluate(configuration: configuration, environment: environment, token: token)
    }

    /// Decrypts a JWE with the `--decryption-key` files. No usable key is "could not decide" (2): the token may be
    /// valid for a recipient who holds the key.
    static func decrypt(_ token: CompactToken, with files: DecryptionKeyFiles) throws(CommandFailure) -> DecryptionOutcome {
        let outcome: DecryptionOutcome
        do {
            outcome = try files.decrypt(token)
        } catch {
            throw .input(error, what: "cannot use the decryption key")
        }
        if outcome.status == .noKey {
            throw .input(JWTAuditError(.unavailable, outcome.reason ?? "no usable key"), what: "cannot decrypt: no key")
        }
        return outcome
    }

    /// One parsed token (`explain`'s), with the keys its options name; a JWE is decrypted first. `provider`: the
    /// one to fetch through (explain asks it afterwards what failed); `undecidedWithoutKeys`: keys that cannot be
    /// obtained give an undecided evaluation (`VerifyEvaluation.undecided`) instead of failing.
    static func evaluate(
        configuration: VerifyConfiguration, environment: [String: String], token: CompactToken,
        provider: CommandKeyProvider? = nil, undecidedWithoutKeys: Bool = false
    ) throws(CommandFailure) -> VerifyEvaluation {
        var decryption: DecryptionOutcome?
        if token.kind == .jwe, let files = configuration.decryption { decryption = try decrypt(token, with: files) }
        var configuration = configuration
        if configuration.atChoice.isIssuedAt {
            configuration.at = try DecodeCommand.instant(
                configuration.atChoice, claims: (decryption.flatMap { token.opened(with: $0) } ?? token).claims)
        }
        let source = try configuration.source(environment: environment)
        let resolution = provider.map { KeyResolution(provider: $0) } ?? configuration.makeKeyResolution(environment: environment)
        do {
            return try VerifyEvaluation.evaluate(
                token, decryption: decryption, policy: configuration.policy, keys: source, resolution: resolution,
                at: configuration.at)
        } catch {
            if undecidedWithoutKeys && error.code == .unavailable {
                return .undecided(token, decryption: decryption, policy: configuration.policy, failure: error, at: configuration.at)
            }
            throw .input(error, what: VerifyConfiguration.keysFailure(error))
        }
    }
}
