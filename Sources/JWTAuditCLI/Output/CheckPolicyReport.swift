import JWTAuditCore

/// Text output of `check-policy`: the gateway's answer first (the verdict, the decisive element, LastError, the
/// body, the branches taken), then the checks in `CheckLayout`'s one layout (each failure with its fix), the lint
/// findings and the notes, and for a rejection where explain tells the rest; for lint, one finding per line as
/// `file:line: severity: id: message`. Every string from the evaluation is escaped by the layout: messages quote
/// the token's claims and `kid`, the policy's text and what a provider sent.
enum CheckPolicyReport {
    static func text(_ evaluation: PolicyEvaluation, layout: TextLayout, atIssuedAt: Bool = false) -> String {
        let e = layout.escape
        let verdict = evaluation.verdict
        var out: String
        if verdict.accepted {
            out = CheckLayout.verdict("ACCEPTED", "HTTP \(verdict.statusCode), the request goes on to the backend", role: .pass, layout: layout)
        } else {
            let reason = verdict.lastError.map { ", \($0.reason.rawValue)" } ?? ""
            out = CheckLayout.verdict("REJECTED", "HTTP \(verdict.statusCode)\(reason)", role: .fail, layout: layout)
        }
        var rows: [(String, String)] = []
        if let element = evaluation.decisive {
            rows.append(("policy", "\(element.policy.kind.rawValue) at \(location(element.policy.placement))"))
        } else {
            rows.append(("policy", "no token-validating element runs for this request"))
        }
        if let lastError = verdict.lastError {
            rows.append(("source", e(lastError.source)))
            rows.append(("message", e(lastError.message)))
        }
        if let body = verdict.body {
            rows.append(("body", e(JSONWriter.write(body.json, style: .compact))))
        }
        if atIssuedAt { rows.append(("judged at", AtChoice.issuedAtText(evaluation.at))) }
        for (index, decision) in evaluation.decisions.enumerated() {
            rows.append((index == 0 ? "branches" : "", e(decision.summary)))
        }
        for (index, other) in evaluation.elements.enumerated() where evaluation.elements.count > 1 {
            let mark = index == evaluation.decisiveIndex ? "*" : "-"
            let state = other.outcome.accepted ? "accepted" : "rejected \(other.outcome.statusCode) \(other.outcome.lastError?.reason.rawValue ?? "")"
            rows.append((index == 0 ? "elements" : "", "\(mark) \(other.policy.kind.rawValue) at \(location(other.policy.placement)): \(state)"))
        }
        out += layout.rows(rows)
        let steps = Explainer.steps(evaluation)
        if !steps.isEmpty { out += "\n" + layout.heading("Checks") + CheckLayout.render(steps, layout: layout) }
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
        if !verdict.accepted { out += "\n" + ExplainReport.pointer(layout: layout) }
        return out
    }

    /// What `--quiet` says (`QuietReport`): nothing when the request is accepted; else the decisive element's failed
    /// checks and the gateway's answer (`jwtaudit: rejected: claim:appidacr (401 TokenClaimValueNotAllowed)`).
    static func quietLine(_ evaluation: PolicyEvaluation) -> String? {
        guard !evaluation.accepted else { return nil }
        let answer = [String(evaluation.statusCode), evaluation.lastError?.reason.rawValue].compactMap { $0 }
        let failed = (evaluation.decisive?.outcome.checks ?? []).filter { $0.status == .fail }.map(\.name)
        return QuietReport.rejected(failed, because: answer.joined(separator: " "))
    }

    // MARK: JSON

    /// DESIGN.md's `check-policy --json` shape: the verdict's members (`VerdictJSON`, the object explain embeds),
    /// the decisive element's checks, the lint findings and notes, then the branches taken and every element
    /// that ran.
    /// `atIssuedAt` (`--at iat`): `"at"` and `"atFrom": "iat"` follow the verdict, saying the token was judged as
    /// of its own `iat`.
    static func json(_ evaluation: PolicyEvaluation, atIssuedAt: Bool = false) -> JSONValue {
        var object = JSONObject(VerdictJSON.members(evaluation.verdict))
        if atIssuedAt {
            object.append("at", .string(NumericDate.formatRFC3339(evaluation.at)))
            object.append("atFrom", .string(AtChoice.issuedAtSpelling))
        }
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
