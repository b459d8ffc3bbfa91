import JWTAuditCore

/// `check-policy`'s lint output without a token: one finding per line as `file:line:column: severity: id:
/// message` for people, DESIGN.md's `{"findings": [...]}` for scripts (SARIF is `Sarif`).
enum LintReport {
    /// One line per finding (`file:line:column: severity: id: message`, the scope after it in brackets for a
    /// service's sources), then one line per policy that validates no token, then the counts.
    static func text(_ report: PolicyLintReport, style: TextStyle) -> String {
        let findings = report.findings
        var out = ""
        let safe = TerminalText.escaped
        for finding in findings {
            let scope = finding.scope.map { " [\($0.description)]" } ?? ""
            out += "\(safe(finding.source ?? "policy")):\(finding.line):\(finding.column): \(CheckPolicyReport.severity(finding.severity, style)): \(finding.id): \(safe(finding.message + scope))\n"
        }
        for policy in report.policies where !policy.validatesToken {
            out += safe("\(policy.name): validates no token (no validate-jwt or validate-azure-ad-token)") + "\n"
        }
        if findings.isEmpty { return out + "no findings\n" }
        let counts = Finding.Severity.allCases.reversed().compactMap { severity -> String? in
            let n = findings.filter { $0.severity == severity }.count
            return n == 0 ? nil : "\(n) \(severity.rawValue)\(n == 1 ? "" : "s")"
        }
        out += "\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(counts.joined(separator: ", ")))\n"
        return out
    }

    /// What `--quiet` says when lint fails (`QuietReport`): how many findings reach `--fail-on`, and their ids.
    static func quietLine(_ findings: [PolicyLintFinding], failOn: Finding.Severity?) -> String {
        let failing = findings.filter { finding in failOn.map { finding.severity >= $0 } ?? false }
        var ids: [String] = []
        for finding in failing where !ids.contains(finding.id) { ids.append(finding.id) }
        let level = failOn?.rawValue ?? "never"
        return "jwtaudit: lint: \(failing.count) finding\(failing.count == 1 ? "" : "s") at or above \(level) (\(ids.joined(separator: ", ")))"
    }

    /// `{"findings": [{"id", "severity", "message", "file", "line", "scope"}]}`: the file and line where the
    /// text really is, and the scope (`{"workspace", "product", "api", "operation"}`; null for a loose file).
    static func document(_ findings: [PolicyLintFinding]) -> JSONValue {
        .object(JSONObject([("findings", json(findings))]))
    }

    /// The findings array, as the lint document and `check-policy --json` with a token both hold it.
    static func json(_ findings: [PolicyLintFinding]) -> JSONValue {
        .array(findings.map { finding in
            var object = JSONObject()
            object.append("id", .string(finding.id))
            object.append("severity", .string(finding.severity.rawValue))
            object.append("message", .string(finding.message))
            object.append("file", finding.source.map(JSONValue.string) ?? .null)
            object.append("line", .number(JSONNumber(finding.line)))
            object.append("scope", finding.scope?.jsonValue ?? .null)
            return .object(object)
        })
    }
}
