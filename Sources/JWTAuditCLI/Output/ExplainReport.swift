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
        let layout = TextStyle.layout(arguments, streams: streams, environment: environment)
        let text = ExplanationText.render(explanation, layout: layout, glossary: arguments.has(.glossary))
        Pager.write(text, streams: streams, environment: environment)
    }

    /// The last line of a rejection in verify and check-policy: where the whole story is told.
    static func pointer(layout: TextLayout) -> String {
        layout.wrap("'jwtaudit explain' with the same options tells what the token is and the cause of each failure.", indent: 0, role: .dim)
    }

    /// What `--quiet` says (`QuietReport`), from the verdict: the failed steps of a rejection (with the gateway's
    /// answer in policy mode), or why the keys could not be obtained; nothing otherwise.
    static func quietLine(_ explanation: Explanation) -> String? {
        let verdict = explanation.verdict
        switch verdict.exitCode {
        case 0: return nil
        case 1:
            let failed = explanation.steps.filter { $0.status == .fail }.map(\.check)
            let answer = [verdict.httpStatus.map(String.init), verdict.httpStatus == nil ? nil : verdict.reason].compactMap { $0 }
            return QuietReport.rejected(failed, because: answer.isEmpty ? nil : answer.joined(separator: " "))
        case 2:
            return "jwtaudit: error: cannot obtain the keys (\(verdict.message ?? "no reason given"))"
        default:
            // The policy cannot be evaluated offline (3): explain has already said so on standard error, in
            // check-policy's words (`ExplainCommand.policy`).
            return nil
        }
    }

    /// DESIGN.md / issue 6: `{"verdict", "status", "exitCode", "token", "evaluator", "steps", "glossary"}` (plus
    /// `notes` when there are any). With `--policy`, `"verdict"` is check-policy's verdict object (`VerdictJSON`,
    /// null when the policy cannot be evaluated); with a token alone or verify's options, it states that
    /// evaluation (`status`, `httpStatus`, `reason`, `message`, `body`, `exitCode`). Each step is the check record
    /// of verify and check-policy with explain's prose added (`CheckJSON`). When the keys could not be obtained,
    /// `status` is `undecided` (the policy's verdict is then null) and `hint` names what `--offline` would use.
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
        // Policy mode: the gateway's verdict, or null when there is none (cannot evaluate, keys unavailable).
        let isPolicy = explanation.verdict.policy != nil || explanation.verdict.status == "cannot-evaluate"
            || (explanation.evaluator != nil && explanation.evaluator != "jwtaudit verifier")
        object.append("verdict", isPolicy ? explanation.verdict.policy.map(VerdictJSON.object) ?? .null : .object(verdictObject))
        object.append("status", .string(explanation.verdict.status))
        object.append("exitCode", .number(JSONNumber(Int(explanation.verdict.exitCode))))
        if let hint = explanation.verdict.hint { object.append("hint", .string(hint)) }
        object.append("token", .object(tokenObject))
        object.append("evaluator", optional(explanation.evaluator))
        object.append("steps", .array(explanation.steps.map(CheckJSON.json)))
        object.append("glossary", .array(explanation.glossary.map { entry in
            .object(JSONObject([
                ("claim", .string(entry.claim)), ("value", .string(entry.value)), ("meaning", .string(entry.meaning)),
            ]))
        }))
        if !explanation.notes.isEmpty { object.append("notes", .array(explanation.notes.map(JSONValue.string))) }
        return .object(object)
    }
}
