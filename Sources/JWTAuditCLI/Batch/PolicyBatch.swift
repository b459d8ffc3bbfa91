import JWTAuditCore
import Synchronization

/// `check-policy --batch`: a dry run of the policy over real traffic. Each line's token is evaluated against the
/// effective policy exactly as `check-policy TOKEN` evaluates one (`PolicyConfiguration.evaluate`, the core's one
/// evaluation), with the same keys (the policy's metadata through the cache, `--certificate`, `--offline`), on
/// every core, in input order; one JSON object per line out, or with `--summary` one row per caller.
///
/// Exit status: 130 interrupted; 2 when the keys of any line could not be obtained (the run could not decide on
/// every token); 3 when no line held a token, or when the policy cannot be evaluated for some line (an expression
/// nobody supplied); 1 when any line was refused or held no token; 0 when every line was admitted.
enum PolicyBatch {
    /// Why a line was not judged, as `--summary` counts it next to the gateway's reasons.
    enum Unjudged: String {
        case malformed
        case keysUnavailable = "keys-unavailable"
        case noIssuedAt = "no-iat"
        case unevaluable
    }

    static func run(
        _ parsed: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.checkPolicy
        if !parsed.all(.requestHeader).isEmpty { throw .usage(.conflictingOptions("--batch", "--request-header"), command) }
        try BatchSession.checkArguments(parsed.positionals, command: command)
        let jobs = try BatchSession.jobs(parsed, command: command)
        let pick = try TokenChoice.pick(parsed, command: command)
        let quiet = parsed.has(.quiet)
        let summaryOnly = parsed.has(.summary)
        let configuration = try PolicyConfiguration.make(parsed, command: command, now: now)
        let keys = KeyResolution(provider: configuration.makeProvider(environment: environment, now: now))
        // The policy is read, composed and prepared once, before any output (a policy that cannot be read fails the
        // run, 3, rather than every line): each line pays only for its token (`PreparedPolicy`).
        let prepared = try configuration.prepare(command: command, keys: keys)
        let atChoice = configuration.atChoice
        let session = try BatchSession(parsed, jobs: jobs, quiet: quiet, streams: streams)
        let maxLine = CompactToken.Limits.default.maxTokenBytes

        let runner = BatchRunner(
            jobs: jobs, maxLineBytes: maxLine,
            verify: { line, number, _ in
                if batchInterrupted.load(ordering: .relaxed) { return .notJudged }
                // The token as `check-policy TOKEN` reads it: found in the line (`--pick`), which extracts it. A line
                // that parses as a compact token is one whole (`TokenInput.find` returns such a line as it is, unless
                // it ends in "...", a token cut short), and its parse is kept for the evaluation.
                let token: String
                var parsed: CompactToken?
                var severalTokens = false
                if pick ?? 1 == 1, !line.utf8.reversed().starts(with: "...".utf8), let bare = try? CompactToken.parse(line) {
                    token = line
                    parsed = bare
                } else {
                    do throws(JWTAuditError) {
                        let found = try TokenInput.find(line, pick: pick)
                        severalTokens = found.count > 1
                        token = try found.whole()
                    } catch {
                        return unjudged(number, .malformed, error.reason, caller: .notAToken, summaryOnly: summaryOnly)
                    }
                }
                let at: Int64
                do throws(JWTAuditError) {
                    at = try configuration.instant(token: token, parsed: parsed)
                } catch {
                    return unjudged(number, .noIssuedAt, error.reason, caller: caller(of: token, nil), summaryOnly: summaryOnly)
                }
                var result: BatchItemResult
                do throws(JWTAuditError) {
                    let evaluation: PolicyEvaluation
                    if let parsed {
                        evaluation = try prepared.evaluate(token: parsed, at: at)
                    } else {
                        evaluation = try prepared.evaluate(token: token, at: at)
                    }
                    result = item(evaluation, number: number, caller: caller(of: token, evaluation), summaryOnly: summaryOnly)
                } catch {
                    // A fetch stopped by ^C says nothing about the token.
                    if batchInterrupted.load(ordering: .relaxed) { return .notJudged }
                    let why: Unjudged = error.code == .unavailable ? .keysUnavailable : .unevaluable
                    result = unjudged(
                        number, why, PolicyConfiguration.withOption(error).reason, caller: caller(of: token, nil), summaryOnly: summaryOnly)
                }
                if atChoice.isIssuedAt && !result.jsonLine.isEmpty { result.jsonLine = BatchSession.withInstant(result.jsonLine, at) }
                result.severalTokens = severalTokens
                return result
            },
            unreadable: { number, reason in
                unjudged(number, .malformed, reason, caller: .notAToken, summaryOnly: summaryOnly)
            },
            progress: session.progress)

        let summary = session.run(runner) { text in quiet ? true : BatchSession.writeOutput(text) }
        if summary.outputClosed { return ExitStatus.success.rawValue }
        if summaryOnly && !BatchSession.writeSummary(
            summary, policy: true, at: atChoice, quiet: quiet, parsed: parsed, streams: streams, environment: environment) {
            return ExitStatus.success.rawValue
        }
        if quiet {
            if let line = quietLine(summary) { streams.writeErrorLine(line) }
        } else if !summaryOnly {
            streams.writeError(render(summary))
        } else if summary.interrupted {
            streams.writeErrorLine("jwtaudit: interrupted: the counts cover the lines read so far")
        }
        if summary.interrupted { return VerifyBatch.interruptedStatus }
        if summary.undecided > 0 { return ExitStatus.undecided.rawValue }
        if summary.total == summary.malformed {
            throw BatchSession.noToken(lines: summary.total)
        }
        if summary.failedByCheck[Unjudged.unevaluable.rawValue] != nil { return ExitStatus.badInput.rawValue }
        return summary.valid == summary.total ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue
    }

    /// Who sent the token: from the token the policy judged (the one inside a decrypted JWE), else as extracted.
    static func caller(of token: String, _ evaluation: PolicyEvaluation?) -> BatchCaller {
        if let judged = evaluation?.elements.last?.report?.token { return BatchCaller(claims: judged.claims) }
        return BatchCaller(claims: (try? CompactToken.parse(token))?.claims)
    }

    /// `{"line", "accepted", "statusCode", "lastError", "tenant", "client", "tokenVersion", "credential"}`: the verdict
    /// object's members as `check-policy --json` writes them (`VerdictJSON`), the body and checks left out.
    static func item(_ evaluation: PolicyEvaluation, number: Int, caller: BatchCaller, summaryOnly: Bool) -> BatchItemResult {
        let accepted = evaluation.accepted
        let reason = evaluation.lastError?.reason.rawValue
        var result = BatchItemResult(jsonLine: "", valid: accepted, failedChecks: reason.map { [$0] } ?? [], malformed: false)
        if summaryOnly {
            result.tally = BatchTally.Entry(caller: caller, admitted: accepted, reason: reason)
            return result
        }
        var line = JSONLineWriter(capacity: 512)
        line.raw("{\"line\":")
        line.number(number)
        line.raw(accepted ? ",\"accepted\":true,\"statusCode\":" : ",\"accepted\":false,\"statusCode\":")
        line.number(evaluation.statusCode)
        line.raw(",\"lastError\":")
        if let lastError = evaluation.lastError {
            line.raw("{\"source\":")
            line.string(lastError.source)
            line.raw(",\"reason\":")
            line.string(lastError.reason.rawValue)
            line.raw(",\"message\":")
            line.string(lastError.message)
            line.raw("}")
        } else {
            line.raw("null")
        }
        caller.write(into: &line)
        line.raw("}")
        result.jsonLine = line.text
        return result
    }

    /// A line the policy could not judge: no token in it, keys that could not be obtained, no `iat` under
    /// `--at iat`, an expression nobody supplied. `accepted` is false, `statusCode` and `lastError` null (the
    /// gateway's answer is not known), and `error` says why.
    static func unjudged(_ number: Int, _ why: Unjudged, _ reason: String, caller: BatchCaller, summaryOnly: Bool) -> BatchItemResult {
        var result = BatchItemResult(
            jsonLine: "", valid: false, failedChecks: [why.rawValue], malformed: why == .malformed,
            undecided: why == .keysUnavailable, undecidedReason: why == .keysUnavailable ? reason : nil)
        if summaryOnly {
            result.tally = BatchTally.Entry(caller: caller, admitted: false, reason: why.rawValue)
            return result
        }
        var line = JSONLineWriter(capacity: 256 + reason.utf8.count)
        line.raw("{\"line\":")
        line.number(number)
        line.raw(",\"accepted\":false,\"statusCode\":null,\"lastError\":null")
        caller.write(into: &line)
        line.raw(",\"error\":")
        line.string(reason)
        line.raw("}")
        result.jsonLine = line.text
        return result
    }

    /// The summary on standard error: counts by verdict, then the refusals by reason, most frequent first.
    static func render(_ summary: BatchRunner.Summary) -> String {
        let judged = summary.total - summary.malformed - summary.undecided
        let refused = judged - summary.valid
        var out = "jwtaudit: \(summary.total) line\(summary.total == 1 ? "" : "s"): \(summary.valid) admitted, \(refused) refused, \(summary.malformed) without a token"
        if summary.undecided > 0 { out += ", \(summary.undecided) undecided (keys unavailable)" }
        out += "\n"
        let reasons = summary.failedByCheck.filter { $0.key != Unjudged.malformed.rawValue && $0.key != Unjudged.keysUnavailable.rawValue }
        if !reasons.isEmpty { out += "jwtaudit: refused: " + TerminalText.escaped(BatchSession.counts(reasons)) + "\n" }
        out += BatchSession.severalTokensNote(summary, done: "evaluated")
        if summary.interrupted { out += "jwtaudit: interrupted: the counts cover the lines read so far\n" }
        return out
    }

    /// `--quiet`: nothing when every line was admitted; else the keys that could not be obtained, or the refusals.
    static func quietLine(_ summary: BatchRunner.Summary) -> String? {
        BatchSession.quietLine(summary, unit: "line", refused: "refused")
    }
}
