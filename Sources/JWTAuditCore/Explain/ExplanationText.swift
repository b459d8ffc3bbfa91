/// The explanation as text for people, leading with the answer (issue 17): the verdict, then the steps as every
/// report shows checks (`CheckLayout`: each failure with its cause and fix, the passed steps on one line), then
/// what the token is, its findings and the notes. The claims glossary is long and read once; it comes only when
/// asked for. Pure: the layout carries the width, the colours and the escaping, so the same text is what the
/// golden tests compare.
public enum ExplanationText {
    public static func render(_ explanation: Explanation, layout: TextLayout, glossary: Bool = false) -> String {
        let e = layout.escape
        var sections: [String] = [verdict(explanation, layout: layout)]

        if !explanation.steps.isEmpty {
            let who = explanation.evaluator.map { $0 == "jwtaudit verifier" ? "the verifier runs them" : "\($0) runs them (inferred order)" } ?? "they ran"
            sections.append(
                layout.heading("Steps, in the order \(who)")
                    + CheckLayout.render(explanation.steps, layout: layout, causes: true, numbered: true))
        }

        let summary = explanation.token
        var token = layout.heading("What this token is") + layout.wrap(e(summary.paragraph), indent: 2)
        if !summary.facts.isEmpty { token += "\n" + layout.rows(summary.facts.map { (e($0.label), e($0.value)) }, maxLabel: 12) }
        sections.append(token)

        if !summary.findings.isEmpty {
            var out = layout.heading("Findings")
            for note in summary.findings {
                let role: TextLayout.Role = note.severity == .error ? .fail : note.severity == .warning ? .warn : .skip
                out += layout.labelled(note.severity.rawValue, e("\(note.id): \(note.message)"), indent: 2, labelWidth: 9, role: role)
                out += layout.wrap(e(note.meaning), indent: 11, role: .dim)
            }
            sections.append(out)
        }

        if !explanation.notes.isEmpty {
            var out = layout.heading("Notes")
            for note in explanation.notes { out += layout.wrap("- " + e(note), indent: 2, hanging: 2, role: .dim) }
            sections.append(out)
        }

        if glossary && !explanation.glossary.isEmpty {
            var out = layout.heading("Claims")
            let claimWidth = min(explanation.glossary.map { e($0.claim).count }.max() ?? 0, 18) + 2
            for entry in explanation.glossary {
                out += layout.labelled(e(entry.claim), e(entry.value), indent: 2, labelWidth: claimWidth)
                out += layout.wrap(e(entry.meaning), indent: 2 + claimWidth, role: .dim)
            }
            sections.append(out)
        } else if !explanation.glossary.isEmpty {
            let count = explanation.glossary.count
            sections.append(layout.wrap("--glossary explains each of the token's \(count) claim\(count == 1 ? "" : "s").", indent: 0, role: .dim))
        }
        return sections.joined(separator: "\n")
    }

    /// The answer, as the verifier or the gateway gives it: `REJECTED: HTTP 401, TokenClaimValueNotAllowed`, then
    /// the message, the response body and the exit status.
    static func verdict(_ explanation: Explanation, layout: TextLayout) -> String {
        let verdict = explanation.verdict
        let e = layout.escape
        let failed = explanation.steps.filter { $0.status == .fail }.map(\.check)
        let role: TextLayout.Role
        var summary: String
        var message = verdict.message
        switch verdict.status {
        case "valid", "accepted":
            role = .pass
            summary = verdict.httpStatus.map { "HTTP \($0), " } ?? ""
            summary += message ?? ""
            message = nil
        case "decoded":
            role = .skip
            summary = "nothing was verified"
        case "rejected":
            role = .fail
            if let http = verdict.httpStatus {
                summary = "HTTP \(http)" + (verdict.reason.map { ", \($0)" } ?? "")
            } else {
                summary = failed.isEmpty
                    ? "the signature was not verified"
                    : "\(failed.count) check\(failed.count == 1 ? "" : "s") failed (\(failed.joined(separator: ", ")))"
            }
        case "undecided":
            role = .warn
            summary = "the keys could not be obtained, so the signature was not checked"
            if !failed.isEmpty {
                summary += "; whatever the keys say, the token fails \(failed.joined(separator: ", "))"
            }
        default:
            role = .fail
            summary = verdict.reason ?? verdict.status
        }
        var out = CheckLayout.verdict(verdict.status.uppercased().replacing("-", with: " "), summary, role: role, layout: layout)
        var rows: [(String, String)] = []
        // verify's verdict message is its first failure's detail, which the steps show right below.
        if let message, !explanation.steps.contains(where: { $0.status == .fail && $0.detail == message }) {
            rows.append(("message", e(message)))
        }
        if let body = verdict.policy?.body {
            let message = JSONWriter.write(.string(body.message), style: .compact)
            rows.append(("body", e("{\"statusCode\": \(body.statusCode), \"message\": \(message)}")))
        }
        if let hint = verdict.hint { rows.append(("hint", e(hint))) }
        rows.append(("exit", String(verdict.exitCode)))
        out += layout.rows(rows)
        return out
    }
}
