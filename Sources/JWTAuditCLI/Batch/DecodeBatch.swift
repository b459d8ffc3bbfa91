import JWTAuditCore
import Synchronization

/// `decode --batch`: one token per line, each line's `decode --json` document out on one line (with `"line"` first),
/// in input order, on every core; with `--summary`, the inventory instead: who calls with which credential and
/// token version, before anyone writes a policy.
///
/// Exit status: 130 interrupted; 3 when no line held a token; 1 when some line did not decode (no token in it, a
/// JWE that does not decrypt, no `iat` under `--at iat`); 0 when every line decoded.
enum DecodeBatch {
    static func run(
        _ parsed: ParsedArguments, environment: [String: String], streams: StandardStreams, now: Int64
    ) throws(CommandFailure) -> Int32 {
        let command = OptionTable.decode
        try BatchSession.checkArguments(parsed.positionals, command: command)
        let jobs = try BatchSession.jobs(parsed, command: command)
        let pick = try TokenChoice.pick(parsed, command: command)
        let atChoice = try AtChoice.parse(parsed, now: now, command: command)
        let quiet = parsed.has(.quiet)
        let summaryOnly = parsed.has(.summary)
        // Decryption keys, when given, are read once before any output (a JWE in the input needs them).
        let decryption = DecryptionKeyFiles(parsed)
        if !parsed.all(.decryptionKey).isEmpty {
            do {
                _ = try decryption.keys()
            } catch {
                throw .input(error, what: "cannot use the decryption key")
            }
        }
        let session = try BatchSession(parsed, jobs: jobs, quiet: quiet, streams: streams)
        let maxLine = CompactToken.Limits.default.maxTokenBytes

        let runner = BatchRunner(
            jobs: jobs, maxLineBytes: maxLine,
            verify: { line, number, _ in
                if batchInterrupted.load(ordering: .relaxed) { return .notJudged }
                let reading: CompactToken.Reading
                var severalTokens = false
                do throws(JWTAuditError) {
                    let found = try TokenInput.find(line, pick: pick)
                    severalTokens = found.count > 1
                    reading = try CompactToken.parseForReading(found)
                } catch {
                    return failed(number, error.reason, caller: .notAToken, summaryOnly: summaryOnly)
                }
                let token = reading.token
                var outcome: DecryptionOutcome?
                if token.kind == .jwe {
                    do throws(JWTAuditError) {
                        outcome = try decryption.decrypt(token)
                    } catch {
                        return failed(number, error.reason, caller: BatchCaller(claims: nil), summaryOnly: summaryOnly)
                    }
                }
                let judged = outcome.flatMap { token.opened(with: $0) } ?? token
                let caller = BatchCaller(claims: judged.claims)
                let at: Int64
                do throws(JWTAuditError) {
                    at = try atChoice.instant(claims: judged.claims)
                } catch {
                    return failed(number, error.reason, caller: caller, summaryOnly: summaryOnly)
                }
                let decrypted = outcome?.status != .failed
                var result = BatchItemResult(jsonLine: "", valid: decrypted, failedChecks: decrypted ? [] : ["decryption"], malformed: false)
                result.severalTokens = severalTokens
                if summaryOnly {
                    result.tally = BatchTally.Entry(caller: caller, admitted: nil, reason: decrypted ? nil : "decryption")
                    return result
                }
                let inspection = outcome.map { TokenInspection.inspect(token, decryption: $0, at: at) }
                    ?? TokenInspection.inspect(token, at: at, signatureProblem: reading.signatureProblem)
                var document = JSONObject()
                document.append("line", .number(JSONNumber(number)))
                for (key, value) in DecodeReport.json(inspection, atIssuedAt: atChoice.isIssuedAt).members { document.append(key, value) }
                result.jsonLine = JSONWriter.write(.object(document), style: .compact)
                return result
            },
            unreadable: { number, reason in
                failed(number, reason, caller: .notAToken, summaryOnly: summaryOnly)
            },
            progress: session.progress)

        let summary = session.run(runner) { text in quiet ? true : BatchSession.writeOutput(text) }
        if summary.outputClosed { return ExitStatus.success.rawValue }
        if summaryOnly && !BatchSession.writeSummary(
            summary, policy: false, at: atChoice, quiet: quiet, parsed: parsed, streams: streams, environment: environment) {
            return ExitStatus.success.rawValue
        }
        let undecoded = summary.total - summary.valid
        if !quiet && !summaryOnly {
            streams.writeErrorLine("jwtaudit: \(summary.total) line\(summary.total == 1 ? "" : "s"): \(summary.valid) decoded, \(undecoded) not decoded (\(summary.malformed) without a token)")
        } else if quiet && undecoded > 0 && summary.total > summary.malformed {
            streams.writeErrorLine("jwtaudit: not decoded: \(undecoded) of \(summary.total) lines")
        }
        if summary.interrupted {
            if !quiet { streams.writeErrorLine("jwtaudit: interrupted: the counts cover the lines read so far") }
            return VerifyBatch.interruptedStatus
        }
        if summary.total == summary.malformed {
            throw BatchSession.noToken(lines: summary.total)
        }
        return undecoded == 0 ? ExitStatus.success.rawValue : ExitStatus.rejected.rawValue
    }

    /// A line that did not decode: `{"line", "error"}`, and in the summary, its caller with the reason.
    static func failed(_ number: Int, _ reason: String, caller: BatchCaller, summaryOnly: Bool) -> BatchItemResult {
        let malformed = caller.malformed
        var result = BatchItemResult(jsonLine: "", valid: false, failedChecks: [malformed ? "malformed" : "error"], malformed: malformed)
        if summaryOnly {
            result.tally = BatchTally.Entry(caller: caller, admitted: nil, reason: malformed ? "malformed" : "not decoded")
            return result
        }
        var line = JSONLineWriter(capacity: 64 + reason.utf8.count)
        line.raw("{\"line\":")
        line.number(number)
        line.raw(",\"error\":")
        line.string(reason)
        line.raw("}")
        result.jsonLine = line.text
        return result
    }
}
