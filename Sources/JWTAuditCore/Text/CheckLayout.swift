/// The one way verify, check-policy and explain present their checks (issue 17, "one layout"): the verdict first,
/// then each failure in full (what was expected, what was found, and the fix), then the rest collapsed: warnings one
/// line each, the passed checks on one line, the skipped ones grouped by why. A reader with a 401 finds the
/// answer in the first lines, whichever command they ran, and every check is still named, in order.
public enum CheckLayout {
    /// How a report starts: `REJECTED: 1 check failed (credential)`, the word painted by what it means.
    public static func verdict(_ word: String, _ summary: String, role: TextLayout.Role, layout: TextLayout) -> String {
        let shown = layout.paint(layout.paint(word + ":", .heading), role)
        return layout.labelled(shown, layout.escape(summary), indent: 0, labelWidth: word.count + 2, role: nil)
    }

    /// The word a status is shown with, and its colour.
    static func word(_ status: CheckResult.Status) -> (String, TextLayout.Role) {
        switch status {
        case .pass: return ("pass", .pass)
        case .fail: return ("fail", .fail)
        case .warn: return ("warn", .warn)
        case .skip: return ("skip", .skip)
        }
    }

    /// The checks, failures first. `causes`: explain's cause of each failure (verify and check-policy show the
    /// fix alone); `numbered`: each failure and warning says which step it is, since the order is the evaluator's.
    public static func render(_ steps: [Explanation.Step], layout: TextLayout, causes: Bool = false, numbered: Bool = false) -> String {
        let e = layout.escape
        // "  fail  " then the text; what belongs to a check is indented under its name.
        let nameIndent = 8
        func line(_ status: CheckResult.Status, _ text: String, valueRole: TextLayout.Role? = nil) -> String {
            let (word, role) = word(status)
            return layout.labelled(word, text, indent: 2, labelWidth: nameIndent - 2, role: role, valueRole: valueRole)
        }
        func head(_ step: Explanation.Step, _ position: Int) -> String {
            let place = numbered ? " (step \(position) of \(steps.count))" : ""
            return line(step.status, e(step.check) + place + (step.detail.isEmpty ? "" : ": " + e(step.detail)))
        }
        var out = ""
        for (index, step) in steps.enumerated() where step.status == .fail {
            out += head(step, index + 1)
            if let expected = step.expected { out += layout.labelled("expected", e(expected), indent: nameIndent, labelWidth: 10) }
            out += layout.labelled("actual", e(step.actual ?? "(none)"), indent: nameIndent, labelWidth: 10)
            if causes { out += layout.labelled("cause", e(step.explanation), indent: nameIndent, labelWidth: 10, role: .fail) }
            if let fix = step.fix { out += layout.labelled("fix", e(fix), indent: nameIndent, labelWidth: 10, role: .pass) }
        }
        for (index, step) in steps.enumerated() where step.status == .warn {
            out += head(step, index + 1)
            if let expected = step.expected { out += layout.labelled("expected", e(expected), indent: nameIndent, labelWidth: 10) }
            if let actual = step.actual { out += layout.labelled("actual", e(actual), indent: nameIndent, labelWidth: 10) }
        }
        let passed = steps.filter { $0.status == .pass }.map { e($0.check) }
        if !passed.isEmpty { out += line(.pass, passed.joined(separator: ", ")) }
        // Skipped checks, grouped by why, in the order the first of each group came.
        var groups: [(detail: String, ids: [String])] = []
        for step in steps where step.status == .skip {
            if let index = groups.firstIndex(where: { $0.detail == step.detail }) {
                groups[index].ids.append(e(step.check))
            } else {
                groups.append((step.detail, [e(step.check)]))
            }
        }
        for group in groups {
            out += line(.skip, group.ids.joined(separator: ", ") + (group.detail.isEmpty ? "" : ": " + e(group.detail)), valueRole: .dim)
        }
        return out
    }
}
