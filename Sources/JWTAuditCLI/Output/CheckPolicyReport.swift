import JWTAuditCore

/// Text output of `check-policy`: the gateway's answer first (verdict, status, LastError, body), then every
/// check and what is inferred; for lint, one finding per line as `file:line: severity: id: message`.
/// Every string from the evaluation is escaped (`TerminalText`): messages quote the token's claims and `kid`, the
/// policy's text and what a provider sent.
enum CheckPolicyReport {
    static func text(_ evaluation: PolicyEvaluation, style: TextStyle) -> String {
        let safe = TerminalText.escaped
        let verdict = evaluation.verdict
        var out = ""
        out += "\(style.heading("verdict")) \(verdict.accepted ? style.green("accepted") : style.red("rejected")): \(verdict.statusCode)"
        if let lastError = verdict.lastError { out += " \(lastError.reason.rawValue)" }
        out += "\n"
        if let element = evaluation.decisive {
            out += row("policy", "\(element.policy.kind.rawValue) at \(location(element.policy.placement))")
        } else {
            out += row("policy", "no token-validating element runs for this request")
        }
        out += row("status", verdict.accepted ? "200 (the request goes on to the backend)" : String(verdict.statusCode))
        if let lastError = verdict.lastError {
            out += row("source", safe(lastError.source))
            out += row("reason", lastError.reason.rawValue)
            out += row("message", safe(lastError.message))
        }
        if let body = verdict.body {
            out += row("body", safe(JSONWriter.write(body.json, style: .compact)))
        }
        for (index, decision) in evaluation.decisions.enumerated() {
            out += row(index == 0 ? "branches" : "", safe(decision.summary))
        }
        for (index, other) in evaluation.elements.enumerated() where evaluation.elements.count > 1 {
            let mark = index == evaluation.decisiveIndex ? "*" : "-"
            let state = other.outcome.accepted ? "accepted" : "rejected \(other.outcome.statusCode) \(other.outcome.lastError?.reason.rawValue ?? "")"
            out += row(index == 0 ? "elements" : "", "\(mark) \(other.policy.kind.rawValue) at \(location(other.policy.placement)): \(state)")
        }
        out += "\n\(style.heading("checks"))\n"
        for check in evaluation.decisive?.outcome.checks ?? [] {
            let status = style.status(check.status)
            let text = check.text
            out += "  \(status)  \(safe(check.name))\n"
            if let expected = text.expected { out += "          expected: \(safe(expected))\n" }
            if let actual = text.actual { out += "          actual:   \(safe(actual))\n" }
            out += "          \(safe(text.detail))\n"
        }
        if !evaluation.findings.isEmpty {
            out += "\n\(style.heading("findings")) (lint)\n"
            for finding in evaluation.findings {
                out += "  \(severity(finding.severity, style))  \(finding.id) (line \(finding.line)): \(safe(finding.message))\n"
            }
        }
        let notes = evaluation.allNotes
        if !notes.isEmpty {
            out += "\n\(style.heading("notes"))\n"
            for note in notes { out += "  - \(safe(note))\n" }
        }
        return out
    }

    // MARK: JSON

    /// DESIGN.md's `check-policy --json` shape: the verdict's members (`VerdictJSON`, the object explain embeds),
    /// the decisive element's checks, the lint findings and notes, then the branches taken and every element
    /// that ran.
    static func json(_ evaluation: PolicyEvaluation) -> JSONValue {
        var object = JSONObject(VerdictJSON.members(evaluation.verdict))
        object.append("checks", .array((evaluation.decisive?.outcome.checks ?? []).map(CheckJSON.json)))
        object.append("findings", LintReport.json(evaluation.findings))
        object.append("notes", .array(evaluation.allNotes.map(JSONValue.string)))
        object.append("branches", .array(evaluation.decisions.map { decision in
            var entry = JSONObject()
            entry.append("line", .number(JSONNumber(decision.line)))
            switch decision.branch {
            case .when(_, let line):
                entry.append("taken", .string("when"))
                entry.append("takenLine", .number(JSONNumber(line)))
            case .otherwise:
                entry.append("taken", .string("otherwise"))
                entry.append("takenLine", .null)
            case .none:
                entry.append("taken", .null)
                entry.append("takenLine", .null)
            }
            entry.append("conditions", .array(decision.conditions.map { condition in
                .object(JSONObject([
                    ("expression", .string(condition.text)), ("value", .bool(condition.value)),
                    ("supplied", .bool(condition.supplied)),
                ]))
            }))
            return .object(entry)
        }))
        object.append("validations", .array(evaluation.elements.map { element in
            var entry = JSONObject()
            entry.append("element", .string(element.policy.kind.rawValue))
            entry.append("file", element.policy.placement.source.map(JSONValue.string) ?? .null)
            entry.append("line", .number(JSONNumber(element.policy.placement.line)))
            entry.append("conditional", .bool(element.conditional))
            for (name, value) in VerdictJSON.members(element.outcome.verdict) { entry.append(name, value) }
            entry.append("checks", .array(element.outcome.checks.map(CheckJSON.json)))
            if !element.outcome.notes.isEmpty { entry.append("notes", .array(element.outcome.notes.map(JSONValue.string))) }
            return .object(entry)
        }))
        return .object(object)
    }

    static func severity(_ severity: Finding.Severity, _ style: TextStyle) -> String {
        switch severity {
        case .error: return style.red("error")
        case .warning: return style.yellow("warning")
        case .info: return style.cyan("info")
        }
    }

    static func location(_ placement: PolicyPlacement) -> String {
        TerminalText.escaped("\(placement.source.map { "\($0) " } ?? "")line \(placement.line)")
    }

    static func row(_ label: String, _ value: String) -> String {
        let padded = label + String(repeating: " ", count: max(0, 9 - label.count))
        return "  \(padded)\(value)\n"
    }
}
