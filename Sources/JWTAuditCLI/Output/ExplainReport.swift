import JWTAuditCore

/// `explain`'s output: the explanation as prose (`ExplanationText`, which stays in the core beside the narration
/// its golden files pin, and takes the width and the colours from here) or as DESIGN.md's JSON.
enum ExplainReport {
    /// Renders the explanation, JSON or text, in one write (nothing partial on stdout).
    static func write(_ explanation: Explanation, arguments: ParsedArguments, environment: [String: String], streams: StandardStreams) {
        if arguments.has(.quiet) {
            if let line = quietLine(explanation) { streams.writeErrorLine(line) }
            return
        }
        if arguments.has(.json) {
            streams.writeOutput(JSONWriter.write(json(explanation)) + "\n")
            return
        }
        let style = TextStyle.resolve(arguments, streams: streams, environment: environment)
        let width = TerminalWidth.columns(environment: environment, outputIsTerminal: streams.outputIsTerminal)
        streams.writeOutput(ExplanationText.render(explanation, width: width, paint: style.painter, escape: TerminalText.escaped))
    }

    /// What `--quiet` says (`QuietReport`), from the verdict: the failed steps of a rejection (with the gateway's
    /// answer in policy mode), or why the policy could not be evaluated; nothing otherwise.
    static func quietLine(_ explanation: Explanation) -> String? {
        let verdict = explanation.verdict
        switch verdict.exitCode {
        case 0: return nil
        case 1:
            let failed = explanation.steps.filter { $0.status == .fail }.map(\.check)
            let answer = [verdict.httpStatus.map(String.init), verdict.httpStatus == nil ? nil : verdict.reason].compactMap { $0 }
            return QuietReport.rejected(failed, because: answer.isEmpty ? nil : answer.joined(separator: " "))
        default:
            return "jwtaudit: error: \(verdict.status) (\(verdict.message ?? verdict.reason ?? "no reason given"))"
        }
    }

    /// DESIGN.md / issue 6: `{"verdict", "token", "steps", "glossary"}` (plus `notes` when there are any).
    static func json(_ explanation: Explanation) -> JSONValue {
        func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        var verdictObject = JSONObject()
        verdictObject.append("status", .string(explanation.verdict.status))
        verdictObject.append("httpStatus", explanation.verdict.httpStatus.map { .number(JSONNumber($0)) } ?? .null)
        verdictObject.append("reason", optional(explanation.verdict.reason))
        verdictObject.append("message", optional(explanation.verdict.message))
        verdictObject.append("body", optional(explanation.verdict.body))
        verdictObject.append("exitCode", .number(JSONNumber(Int(explanation.verdict.exitCode))))
        var tokenObject = JSONObject()
        tokenObject.append("paragraph", .string(explanation.token.paragraph))
        var facts = JSONObject()
        for fact in explanation.token.facts { facts.append(fact.label, .string(fact.value)) }
        tokenObject.append("facts", .object(facts))
        tokenObject.append("findings", .array(explanation.token.findings.map { note in
            .object(JSONObject([
                ("id", .string(note.id)), ("severity", .string(note.severity.rawValue)),
                ("message", .string(note.message)), ("meaning", .string(note.meaning)),
            ]))
        }))
        var object = JSONObject()
        object.append("verdict", .object(verdictObject))
        object.append("token", .object(tokenObject))
        object.append("evaluator", optional(explanation.evaluator))
        object.append("steps", .array(explanation.steps.map { step in
            .object(JSONObject([
                ("check", .string(step.check)), ("status", .string(step.status.rawValue)),
                ("expected", optional(step.expected)), ("actual", optional(step.actual)),
                ("explanation", .string(step.explanation)), ("fix", optional(step.fix)),
            ]))
        }))
        object.append("glossary", .array(explanation.glossary.map { entry in
            .object(JSONObject([
                ("claim", .string(entry.claim)), ("value", .string(entry.value)), ("meaning", .string(entry.meaning)),
            ]))
        }))
        if !explanation.notes.isEmpty { object.append("notes", .array(explanation.notes.map(JSONValue.string))) }
        return .object(object)
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
