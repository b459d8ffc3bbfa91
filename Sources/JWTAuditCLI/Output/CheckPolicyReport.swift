import JWTAuditCore

/// Text output of `check-policy`: the gateway's answer first (verdict, status, LastError, body), then every
/// check and what is inferred; for lint, one finding per line as `file:line: severity: id: message`.
/// Every string from the evaluation is escaped (`TerminalText`): messages quote the token's claims and `kid`, the
/// policy's text and what a provider sent.
enum CheckPolicyReport {
    static func text(_ evaluation: PolicyEvaluation, style: TextStyle) -> String {
        let safe = TerminalText.escaped
        let element = evaluation.decisive
        let outcome = element.outcome
        var out = ""
        let verdict = evaluation.accepted
            ? style.green("accepted")
            : style.red("rejected")
        out += "\(style.heading("verdict")) \(verdict): \(evaluation.accepted ? 200 : outcome.statusCode)"
        if let lastError = outcome.lastError, !evaluation.accepted { out += " \(lastError.reason.rawValue)" }
        out += "\n"
        out += row("policy", "\(element.policy.kind.rawValue) at \(location(element.policy.placement))")
        out += row("status", evaluation.accepted ? "200 (the request goes on to the backend)" : String(outcome.statusCode))
        if let lastError = outcome.lastError, !evaluation.accepted {
            out += row("source", safe(lastError.source))
            out += row("reason", lastError.reason.rawValue)
            out += row("message", safe(lastError.message))
        }
        if let body = outcome.body, !evaluation.accepted {
            out += row("body", safe(JSONWriter.write(body, style: .compact)))
        }
        for (index, other) in evaluation.elements.enumerated() where evaluation.elements.count > 1 {
            let mark = index == evaluation.decisiveIndex ? "*" : "-"
            let state = other.outcome.accepted ? "accepted" : "rejected \(other.outcome.statusCode) \(other.outcome.lastError?.reason.rawValue ?? "")"
            var flags: [String] = []
            if other.conditional { flags.append("conditional") }
            if !other.reached { flags.append("not reached") }
            out += row(index == 0 ? "elements" : "", "\(mark) \(other.policy.kind.rawValue) at \(location(other.policy.placement)): \(state)\(flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")")
        }
        out += "\n\(style.heading("checks"))\n"
        for check in outcome.checks {
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

    /// What `--quiet` says (`QuietReport`): nothing when the request is accepted; else the decisive element's failed
    /// checks and the gateway's answer (`jwtaudit: rejected: claim:appidacr (401 TokenClaimValueNotAllowed)`).
    static func quietLine(_ evaluation: PolicyEvaluation) -> String? {
        guard !evaluation.accepted else { return nil }
        let answer = [String(evaluation.statusCode), evaluation.lastError?.reason.rawValue].compactMap { $0 }
        let failed = evaluation.decisive.outcome.checks.filter { $0.status == .fail }.map(\.name)
        return QuietReport.rejected(failed, because: answer.joined(separator: " "))
    }

    // MARK: JSON

    /// DESIGN.md's `check-policy --json` shape: the request's answer (the decisive element's outcome, or 200 when
    /// only conditional elements reject), its checks, the lint findings and notes, then every element's outcome.
    static func json(_ evaluation: PolicyEvaluation) -> JSONValue {
        let decisive = evaluation.decisive.outcome
        var object = JSONObject()
        object.append("accepted", .bool(evaluation.accepted))
        object.append("statusCode", .number(JSONNumber(evaluation.statusCode)))
        object.append("body", evaluation.accepted ? .null : decisive.body ?? .null)
        object.append("lastError", json(evaluation.lastError))
        object.append("checks", .array(decisive.checks.map(CheckJSON.json)))
        object.append("findings", LintReport.json(evaluation.findings))
        object.append("notes", .array(evaluation.allNotes.map(JSONValue.string)))
        object.append("validations", .array(evaluation.elements.map { element in
            var entry = JSONObject()
            entry.append("element", .string(element.policy.kind.rawValue))
            entry.append("file", element.policy.placement.source.map(JSONValue.string) ?? .null)
            entry.append("line", .number(JSONNumber(element.policy.placement.line)))
            entry.append("conditional", .bool(element.conditional))
            entry.append("reached", .bool(element.reached))
            let outcome = element.outcome
            entry.append("accepted", .bool(outcome.accepted))
            entry.append("statusCode", .number(JSONNumber(outcome.statusCode)))
            entry.append("body", outcome.body ?? .null)
            entry.append("lastError", json(outcome.lastError))
            entry.append("checks", .array(outcome.checks.map(CheckJSON.json)))
            if !outcome.notes.isEmpty { entry.append("notes", .array(outcome.notes.map(JSONValue.string))) }
            return .object(entry)
        }))
        return .object(object)
    }

    static func json(_ lastError: PolicyLastError?) -> JSONValue {
        guard let lastError else { return .null }
        return .object(JSONObject([
            ("source", .string(lastError.source)), ("reason", .string(lastError.reason.rawValue)),
            ("message", .string(lastError.message)),
        ]))
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
