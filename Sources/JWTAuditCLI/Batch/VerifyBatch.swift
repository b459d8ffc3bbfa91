import Glibc
import JWTAuditCore
import Synchronization

/// `verify --batch`: one token per input line, one JSON object per line out (in input order), a summary on
/// standard error.
///
/// Exit status: 0 only when every token is valid; 1 when any token is rejected or a line is not a token (a log
/// line that is not a valid token is a reason to fail the gate, not a reason to stop reading); 2 when keys could
/// not be obtained for some token, whatever the other lines say (as for a single `verify`: a run that could not
/// decide on every token must not pass for one that judged them all, and 2 tells a script to retry, not to
/// reject); 3 when the input holds no token at all, a file cannot be opened or local keys cannot be used; 130 when
/// interrupted (SIGINT), the shell's convention for "stopped by ^C", so that a script cannot mistake a partial run
/// for a verdict on every token (1 would claim that some token was rejected, which may be false). So the
/// precedence is 130, then 2, then 1, then 0.
enum VerifyBatch {
    static let interruptedStatus: Int32 = 130

    static func run(
        _ arguments: ParsedArguments, configuration: VerifyConfiguration, pick: Int? = nil,
        environment: [String: String], streams: StandardStreams
    ) throws(CommandFailure) -> Int32 {
        let quiet = configuration.quiet

        let session = try BatchSession(arguments, jobs: configuration.jobs, quiet: quiet, streams: streams)

        // Local keys are read and parsed once, before any output, so a bad key file fails the run at once (3)
        // rather than on every line.
        let source = try configuration.source(environment: environment)
        let resolution = configuration.makeKeyResolution(environment: environment)
        var fixedVerifier: Verifier?
        if case .keys(let keys, _) = source {
            fixedVerifier = Verifier(keys: keys, policy: configuration.policy)
            // The lines say only which checks failed: what the keys' notes say (a member skipped) is said once.
            if !quiet, let resolved = try? resolution.keys(source, for: nil) {
                for note in resolved.notes { streams.writeErrorLine("jwtaudit: note: \(note)") }
            }
        }
        // Decryption keys, when given, are read once before any output too (a JWE in the input needs them).
        let decryption = configuration.decryption
        if let decryption, !decryption.paths.isEmpty {
            do {
                _ = try decryption.keys()
            } catch {
                throw .input(error, what: "cannot use the decryption key")
            }
        }
        let at = configuration.at
        let maxLine = CompactToken.Limits.default.maxTokenBytes
        let workerState = PerWorker<WorkerSlot>(count: configuration.jobs) { _ in WorkerSlot() }
        let lines = BatchLineBuffers(workers: configuration.jobs)
        let progress = session.progress
        // Each worker judges with a verifier of its own (`Verifier.replica`): with one shared verifier, the two
        // cores of `--jobs 2` took its cache lines from each other on every token.
        if let fixedVerifier {
            for worker in 0..<workerState.count {
                workerState[worker].pointee.verifier = worker == 0 ? fixedVerifier : fixedVerifier.replica() ?? fixedVerifier
            }
        }
        let atChoice = configuration.atChoice

        let runner = BatchRunner(
            jobs: configuration.jobs, maxLineBytes: maxLine,
            verifyLine: { line, worker in
                if batchInterrupted.load(ordering: .relaxed) { return .notJudged }
                let number = line.number
                let token: CompactToken
                var tokensOnLine = 1
                // Log text with no token in it is refused at once, as the search below would refuse it.
                if TokenInput.cannotHoldToken(bytes: line.bytes) { return malformed(number, TokenInput.noTokenFound.reason) }
                do {
                    // Tokens from one issuer and key share their header: each worker keeps its last token so the
                    // next one's identical header segment is not decoded and parsed again. (--pick 2 and on look
                    // for more than a bare token.) A line that parses is text: the token borrows it where it was
                    // read.
                    if let pick, pick > 1 { throw JWTAuditError(.malformedToken, "") }
                    token = try CompactToken.parse(line.range, in: line.block, reusingHeaderOf: workerState[worker].pointee.previous)
                    workerState[worker].pointee.previous = token
                } catch {
                    // Not a bare token: find it as every subcommand does (a pasted header, quotes, the whitespace
                    // rule, several tokens on the line), in the line read as text, when it is text.
                    let text: String
                    switch LineReader.text(of: line.bytes) {
                    case .success(let read): text = read
                    case .failure(let notText): return malformed(number, notText.reason)
                    }
                    do throws(JWTAuditError) {
                        let found = try TokenInput.find(text, pick: pick)
                        tokensOnLine = found.count
                        token = try CompactToken.parse(try found.whole())
                    } catch {
                        var result = malformed(number, error.reason)
                        result.severalTokens = tokensOnLine > 1
                        return result
                    }
                }
                // A JWE is decrypted first and the token inside is what is verified; a JWS pays one comparison.
                var outcome: DecryptionOutcome?
                if token.kind == .jwe, let decryption {
                    do throws(CommandFailure) {
                        outcome = try VerifyCommand.decrypt(token, with: decryption)
                    } catch {
                        // No usable key: undecided, like keys that cannot be obtained (the keys were read before
                        // the run, so no other failure reaches here).
                        guard case .input(let failure, let what) = error else { return malformed(number, "\(error)") }
                        return keyFailure(number, token: token, "\(what) (\(failure.reason))", check: .decryption)
                    }
                }
                let verifier: Verifier
                if let fixed = workerState[worker].pointee.verifier {
                    verifier = fixed
                } else {
                    do throws(JWTAuditError) {
                        let keys = try resolution.keys(source, for: outcome.flatMap { token.opened(with: $0) } ?? token)
                        verifier = Verifier(keys: keys.keySet, policy: configuration.policy.completed(with: keys))
                    } catch {
                        // A fetch stopped by ^C says nothing about the token.
                        if batchInterrupted.load(ordering: .relaxed) { return .notJudged }
                        return keyFailure(number, token: token, error.reason)
                    }
                }
                // --at iat: each token as of its own iat; a token without one is refused, saying so.
                if atChoice.isIssuedAt {
                    let judged = outcome.flatMap { token.opened(with: $0) } ?? token
                    let instant: Int64
                    do throws(JWTAuditError) {
                        instant = try atChoice.instant(claims: judged.claims)
                    } catch {
                        let credential = judged.claims.map { CredentialVerdict.classify(claims: $0) }
                        let line = undecidedOrMalformed(number, check: .issuedAt, credential: credential, token: judged, reason: error.reason)
                        return BatchItemResult(jsonLine: line, valid: false, failedChecks: [CheckID.issuedAt.rawValue], malformed: false)
                    }
                    var result = outcome.map { item(verifier.verify(token, decryption: $0, at: instant), number: number) }
                        ?? item(verifier.verify(token, at: instant), number: number)
                    result.jsonLine = BatchSession.withInstant(result.jsonLine, instant)
                    result.severalTokens = tokensOnLine > 1
                    return result
                }
                // The result is made where it is returned (a result held in a variable first was copied out of it).
                if let outcome {
                    var result = item(verifier.verify(token, decryption: outcome, at: at), number: number)
                    result.severalTokens = tokensOnLine > 1
                    return result
                }
                // The worker's own checks array and line buffer: no report, no array and no line String made and
                // freed per token.
                let slot = workerState[worker]
                let facts = verifier.verify(token, at: at, into: &slot.pointee.checks)
                var result = item(
                    slot.pointee.checks, credential: facts.credentialKind, malformed: false, number: number,
                    into: &lines.writer(worker).pointee
                ) { identity(token, facts: facts, into: &$0) }
                result.severalTokens = tokensOnLine > 1
                return result
            },
            unreadable: { number, reason in
                malformed(number, reason)
            },
            progress: progress, lines: lines)

        let summary = session.run(runner) { text in quiet ? true : BatchSession.writeOutput(text) }
        if summary.outputClosed { return ExitStatus.success.rawValue }
        if summary.total == 0 && !summary.interrupted {
            throw .input(JWTAuditError(.invalidArgument, "blank lines are skipped"), what: "no tokens in the input")
        }
        if quiet {
            if let line = quietLine(summary) { streams.writeErrorLine(line) }
        } else {
            streams.writeError(render(summary))
        }
        if summary.interrupted { return interruptedStatus }
        if summary.undecided > 0 { return ExitStatus.undecided.rawValue }
        if summary.valid == summary.total { return ExitStatus.success.rawValue }
        return ExitStatus.rejected.rawValue
    }

    /// The summary, on standard error: counts by verdict, then by failed check (most frequent first).
    static func render(_ summary: BatchRunner.Summary) -> String {
        var out = "jwtaudit: \(summary.total) token\(summary.total == 1 ? "" : "s"): \(summary.valid) valid, \(summary.rejected) rejected, \(summary.malformed) malformed"
        if summary.undecided > 0 { out += ", \(summary.undecided) undecided (keys unavailable)" }
        out += "\n"
        if !summary.failedByCheck.isEmpty {
            out += "jwtaudit: failed checks: " + TerminalText.escaped(BatchSession.counts(summary.failedByCheck)) + "\n"
        }
        out += BatchSession.severalTokensNote(summary, done: "verified")
        if summary.interrupted { out += "jwtaudit: interrupted: the counts cover the lines read so far\n" }
        return out
    }

    /// What `--quiet` says about a run (`QuietReport`): nothing when every token is valid; the keys that could not
    /// be obtained (exit 2); else how many tokens were rejected and the checks they failed.
    static func quietLine(_ summary: BatchRunner.Summary) -> String? {
        BatchSession.quietLine(summary, unit: "token", refused: "rejected")
    }

    /// `{"line", "valid", "failed", "credential", "client", "tokenVersion", "aud", "exp", "kid", "reasons"}`,
    /// written directly (no JSON tree, no round trip): this runs once per token. Who the token is (client, version,
    /// audience, expiry, key id) is read from what the report already holds, the parsed token and its credential
    /// verdict; the reasons are written only for the checks that failed, so a valid token pays for no text.
    static func item(_ report: VerificationReport, number: Int) -> BatchItemResult {
        var line = JSONLineWriter(capacity: 320)
        var result = item(
            report.checks, credential: report.credential?.kind, malformed: report.parseError != nil, number: number,
            into: &line
        ) { identity(report.token, credential: report.credential, into: &$0) }
        result.jsonLine = line.text
        result.lineBytes = nil
        return result
    }

    /// The line of a token judged by these checks, appended to `line` (a worker's `BatchLineBuffers` slot); the
    /// result says which bytes are the line (`lineBytes`).
    static func item(
        _ checks: [CheckResult], credential: CredentialKind?, malformed: Bool, number: Int,
        into line: inout JSONLineWriter, identity: (inout JSONLineWriter) -> Void
    ) -> BatchItemResult {
        let valid = VerificationReport.isValid(checks)
        // A valid token failed no check: its line is the common one, written in the fewest pieces.
        var failed: [String] = []
        if !valid {
            for index in checks.indices where checks[index].status == .fail { failed.append(checks[index].name) }
        }
        let start = line.count
        line.raw("{\"line\":")
        line.number(number)
        if failed.isEmpty {
            // Two calls, not one of two texts: a constant piece is copied as a few moves, not by `memcpy`.
            if valid {
                line.raw(",\"valid\":true,\"failed\":[],\"credential\":")
            } else {
                line.raw(",\"valid\":false,\"failed\":[],\"credential\":")
            }
        } else {
            line.raw(",\"valid\":false,\"failed\":[")
            for (index, id) in failed.enumerated() {
                if index > 0 { line.raw(",") }
                line.string(id)
            }
            line.raw("],\"credential\":")
        }
        quotedName(credential ?? .unknown, into: &line)
        identity(&line)
        if failed.isEmpty {
            line.raw(",\"reasons\":{}}")
        } else {
            line.raw(",\"reasons\":{")
            var first = true
            for index in checks.indices where checks[index].status == .fail {
                if !first { line.raw(",") }
                first = false
                line.string(checks[index].name)
                line.raw(":")
                line.string(reason(checks[index].text))
            }
            line.raw("}}")
        }
        return BatchItemResult(
            jsonLine: "", lineBytes: start..<line.count, valid: valid, failedChecks: failed, malformed: malformed)
    }

    /// A credential kind as a JSON string, its quotes included: one constant piece, where the name as a `String`
    /// was checked for escaping on every line.
    static func quotedName(_ kind: CredentialKind, into line: inout JSONLineWriter) {
        switch kind {
        case .certificate: line.raw("\"certificate\"")
        case .secret: line.raw("\"secret\"")
        case .publicClient: line.raw("\"public-client\"")
        case .unknown: line.raw("\"unknown\"")
        }
    }

    /// Why a check failed, in one string: its detail, and what was expected and found when the check says.
    static func reason(_ text: CheckText) -> String {
        var reason = text.detail
        switch (text.expected, text.actual) {
        case let (expected?, actual?): reason += " (expected \(expected); found \(actual))"
        case let (expected?, nil): reason += " (expected \(expected))"
        case let (nil, actual?): reason += " (found \(actual))"
        case (nil, nil): break
        }
        return reason
    }

    /// Who the token is, as every line carries it: `client` (`appid`, or `azp` in v2.0), `tokenVersion`, `aud`
    /// and `exp` exactly as the token has them, `kid`; null where the token has none (or is not a token). Read
    /// from the token's claims.
    static func identity(_ token: CompactToken?, credential: CredentialVerdict?, into line: inout JSONLineWriter) {
        let claims = token?.claims
        identity(
            client: claims.flatMap { ClientEvidence.client(in: $0, version: credential?.tokenVersion ?? .v1).value },
            tokenVersion: credential?.versionText, aud: claims?["aud"], exp: claims?["exp"], kid: token?.keyID,
            into: &line)
    }

    /// The same, as the verifier read the claims for its checks (`Verifier.Facts`): no claim is looked up again.
    static func identity(_ token: CompactToken, facts: Verifier.Facts, into line: inout JSONLineWriter) {
        identity(
            client: facts.client, tokenVersion: facts.tokenVersion, aud: facts.audience, exp: facts.expiry,
            kid: token.keyID, into: &line)
    }

    private static func identity(
        client: String?, tokenVersion: String?, aud: JSONValue?, exp: JSONValue?, kid: String?,
        into line: inout JSONLineWriter
    ) {
        line.raw(",\"client\":")
        line.string(client)
        line.raw(",\"tokenVersion\":")
        version(tokenVersion, into: &line)
        line.raw(",\"aud\":")
        line.value(aud)
        line.raw(",\"exp\":")
        line.value(exp)
        line.raw(",\"kid\":")
        line.string(kid)
    }

    /// A token version as a JSON string: "1.0" and "2.0", nearly every token's, as constant pieces (String's `==`
    /// compares a small string's two words before anything else), any other version as a string.
    static func version(_ version: String?, into line: inout JSONLineWriter) {
        guard let version else { return line.raw("null") }
        if version == "1.0" {
            line.raw("\"1.0\"")
        } else if version == "2.0" {
            line.raw("\"2.0\"")
        } else {
            line.string(version)
        }
    }

    /// A line that is not a token: `format` failed, with the reason in `error` (and `reasons`).
    static func malformed(_ number: Int, _ reason: String) -> BatchItemResult {
        let line: String
        if reason == TokenInput.noTokenFound.reason {
            var start = "{\"line\":"
            start += String(number)
            line = start + noTokenLineTail
        } else {
            line = undecidedOrMalformed(number, check: .format, credential: nil, token: nil, reason: reason)
        }
        return BatchItemResult(jsonLine: line, valid: false, failedChecks: [CheckID.format.rawValue], malformed: true)
    }

    /// What follows the line number in the line of a text that holds no token: the same for every such line (a
    /// log has many), so written once.
    static let noTokenLineTail: String = {
        let line = undecidedOrMalformed(0, check: .format, credential: nil, token: nil, reason: TokenInput.noTokenFound.reason)
        return String(line.dropFirst("{\"line\":0".count))
    }()

    /// A token whose keys could not be obtained or used (the provider failed, the cache is empty offline): the
    /// `key` check could not run, so the token is undecided, neither valid nor rejected, and the reason is given.
    /// For a JWE with no usable decryption key, the check that could not run is `decryption`.
    static func keyFailure(_ number: Int, token: CompactToken, _ reason: String, check: CheckID = .key) -> BatchItemResult {
        let credential = token.claims.map { CredentialVerdict.classify(claims: $0) }
        let line = undecidedOrMalformed(number, check: check, credential: credential, token: token, reason: reason)
        return BatchItemResult(
            jsonLine: line, valid: false, failedChecks: [check.rawValue], malformed: false, undecided: true, undecidedReason: reason)
    }

    /// The line of a token that could not be judged: the one check that could not run, with the reason in `reasons`
    /// and in `error`.
    static func undecidedOrMalformed(
        _ number: Int, check: CheckID, credential: CredentialVerdict?, token: CompactToken?, reason: String
    ) -> String {
        var line = JSONLineWriter(capacity: 512)
        line.raw("{\"line\":")
        line.number(number)
        line.raw(",\"valid\":false,\"failed\":[")
        line.string(check.rawValue)
        line.raw("],\"credential\":")
        line.string((credential?.kind ?? .unknown).rawValue)
        identity(token, credential: credential, into: &line)
        line.raw(",\"reasons\":{")
        line.string(check.rawValue)
        line.raw(":")
        line.string(reason)
        line.raw("},\"error\":")
        line.string(reason)
        line.raw("}")
        return line.text
    }

    /// What each worker keeps from one token to the next. A slot is read and written only by its worker
    /// (BatchRunner's `worker`), and sits on cache lines of its own (`PerWorker`). Raw storage, not an Array: two
    /// workers assigning into one Array at once race on its copy-on-write check.
    private struct WorkerSlot {
        /// The last token parsed: the next one's identical header segment is not decoded and parsed again.
        var previous: CompactToken?
        /// The checks of the token being judged, emptied and refilled per token (its storage is kept).
        var checks: [CheckResult] = []
        /// The worker's own verifier when the keys are fixed for the run (`Verifier.replica`); nil when each token's
        /// keys are resolved as it comes (a JWKS URL, a tenant).
        var verifier: Verifier?
    }
}

