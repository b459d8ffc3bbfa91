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
            out += "  \(status)  \(safe(check.id))\n"
            if let expected = check.expected { out += "          expected: \(safe(expected))\n" }
            if let actual = check.actual { out += "          actual:   \(safe(actual))\n" }
            out += "          \(safe(check.detail))\n"
        }
        if !evaluation.findings.isEmpty {
            out += "\n\(style.heading("findings")) (lint)\n"
            for finding in evaluation.findings {
                out += "  \(severity(finding.severity, style))  \(finding.id) (line \(finding.line)): \(safe(finding.message))\n"
            }
        }
        let notes = evaluation.notes + element.keyNotes + outcome.notes
        if !notes.isEmpty {
            out += "\n\(style.heading("notes"))\n"
            for note in notes { out += "  - \(safe(note))\n" }
        }
        return out
    }

    /// One line per finding (`file:line:column: severity: id: message`, the scope after it for a service's
    /// sources), then one line per policy that validates no token, then the counts.
    static func lintText(_ report: PolicyLintReport, style: TextStyle) -> String {
        let findings = report.findings
        var out = ""
        for finding in findings {
            let safe = TerminalText.escaped
            let scope = finding.scope.map { " [\($0.description)]" } ?? ""
            out += "\(safe(finding.source ?? "policy")):\(finding.line):\(finding.column): \(severity(finding.severity, style)): \(finding.id): \(safe(finding.message + scope))\n"
        }
        for policy in report.policies where !policy.validatesToken {
            out += TerminalText.escaped("\(policy.name): validates no token (no validate-jwt or validate-azure-ad-token)") + "\n"
        }
        if findings.isEmpty { return out + "no findings\n" }
        let counts = Finding.Severity.allCases.reversed().compactMap { severity -> String? in
            let n = findings.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)\(n == 1 ? "" : "s")"
        }
        out += "\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(counts.joined(separator: ", ")))\n"
        return out
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
