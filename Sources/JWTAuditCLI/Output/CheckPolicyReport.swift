import JWTAuditCore

/// Text output of `check-policy`: the gateway's answer first (the verdict, the decisive element, LastError, the
/// body), then the checks in `CheckLayout`'s one layout (each failure with its fix), the lint findings and the
/// notes; for lint, one finding per line as `file:line: severity: id: message`. Every string from the evaluation
/// is escaped by the layout: messages quote the token's claims and `kid`, the policy's text and what a provider sent.
enum CheckPolicyReport {
    static func text(_ evaluation: PolicyEvaluation, layout: TextLayout) -> String {
        let e = layout.escape
        let element = evaluation.decisive
        let outcome = element.outcome
        var out: String
        if evaluation.accepted {
            out = CheckLayout.verdict("ACCEPTED", "HTTP 200, the request goes on to the backend", role: .pass, layout: layout)
        } else {
            let reason = outcome.lastError.map { ", \($0.reason.rawValue)" } ?? ""
            out = CheckLayout.verdict("REJECTED", "HTTP \(outcome.statusCode)\(reason)", role: .fail, layout: layout)
        }
        var rows: [(String, String)] = [("policy", "\(element.policy.kind.rawValue) at \(location(element.policy.placement))")]
        if let lastError = outcome.lastError, !evaluation.accepted {
            rows.append(("source", e(lastError.source)))
            rows.append(("message", e(lastError.message)))
        }
        if let body = outcome.body, !evaluation.accepted {
            rows.append(("body", e(JSONWriter.write(body, style: .compact))))
        }
        for (index, other) in evaluation.elements.enumerated() where evaluation.elements.count > 1 {
            let mark = index == evaluation.decisiveIndex ? "*" : "-"
            let state = other.outcome.accepted ? "accepted" : "rejected \(other.outcome.statusCode) \(other.outcome.lastError?.reason.rawValue ?? "")"
            var flags: [String] = []
            if other.conditional { flags.append("conditional") }
            if !other.reached { flags.append("not reached") }
            rows.append((index == 0 ? "elements" : "", "\(mark) \(other.policy.kind.rawValue) at \(location(other.policy.placement)): \(state)\(flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")"))
        }
        out += layout.rows(rows)
        out += "\n" + layout.heading("Checks") + CheckLayout.render(Explainer.steps(evaluation), layout: layout)
        if !evaluation.findings.isEmpty {
            out += "\n" + layout.heading("Findings (lint)")
            for finding in evaluation.findings {
                let (word, role) = severity(finding.severity)
                out += layout.labelled(word, e("\(finding.id) (line \(finding.line)): \(finding.message)"), indent: 2, labelWidth: 9, role: role)
            }
        }
        let notes = evaluation.allNotes
        if !notes.isEmpty {
            out += "\n" + layout.heading("Notes")
            for note in notes { out += layout.wrap("- " + e(note), indent: 2, hanging: 2) }
        }
        if !evaluation.accepted { out += "\n" + ExplainReport.pointer(layout: layout) }
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
        let (word, role) = self.severity(severity)
        return style.painter(word, role)
    }

    /// A finding's severity as reports show it: error red, warning yellow, info cyan.
    static func severity(_ severity: Finding.Severity) -> (String, TextLayout.Role) {
        switch severity {
        case .error: return ("error", .fail)
        case .warning: return ("warning", .warn)
        case .info: return ("info", .label)
        }
    }

    static func location(_ placement: PolicyPlacement) -> String {
        TerminalText.escaped("\(placement.source.map { "\($0) " } ?? "")line \(placement.line)")
    }

}
