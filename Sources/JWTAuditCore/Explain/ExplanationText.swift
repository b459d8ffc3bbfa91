/// The explanation as text for people: wrapped to a width, numbered steps, and the verdict last, as the
/// verifier or the gateway gives it. Pure: the caller passes the width, a painter and the escaping of untrusted
/// text (colour and control characters are terminal concerns of the CLI), so the same text is what the golden
/// tests compare.
public enum ExplanationText {
    /// What a span of text is, for colouring.
    public enum Role: Sendable { case heading, label, pass, fail, warn, skip, dim }

    public typealias Painter = @Sendable (String, Role) -> String
    public static let plain: Painter = { text, _ in text }

    /// Makes a string that may hold the token's or a provider's text safe for the output: every content string
    /// (facts, causes, claim names and values, messages) goes through it before it is wrapped and painted, and the
    /// layout's own newlines and colours are added after, so they are never escaped.
    public typealias Escaper = @Sendable (String) -> String

    public static func render(_ explanation: Explanation, width: Int = 80, paint: Painter = plain, escape: Escaper) -> String {
        let width = max(width, 40)
        let e = escape
        var out = ""
        let summary = explanation.token
        out += paint("What this token is", .heading) + "\n"
        out += wrap(e(summary.paragraph), width: width, indent: 2)
        if !summary.facts.isEmpty { out += "\n" }
        let labelWidth = min(summary.facts.map(\.label.count).max() ?? 0, 12) + 2
        for fact in summary.facts {
            out += labelled(e(fact.label), e(fact.value), labelIndent: 2, labelWidth: labelWidth, width: width, paint: paint, role: .label)
        }

        if !summary.findings.isEmpty {
            out += "\n" + paint("Findings", .heading) + "\n"
            for note in summary.findings {
                let role: Role = note.severity == .error ? .fail : note.severity == .warning ? .warn : .skip
                out += labelled(note.severity.rawValue, e("\(note.id): \(note.message)"), labelIndent: 2, labelWidth: 9, width: width, paint: paint, role: role)
                out += wrap(e(note.meaning), width: width, indent: 11, paint: { paint($0, .dim) })
            }
        }

        if !explanation.steps.isEmpty {
            let who = explanation.evaluator.map { $0 == "jwtaudit verifier" ? "the verifier runs them" : "\($0) runs them (inferred order)" } ?? "they ran"
            out += "\n" + paint("Steps, in the order \(who)", .heading) + "\n"
            let numberWidth = String(explanation.steps.count).count
            for (index, step) in explanation.steps.enumerated() {
                var number = String(index + 1)
                while number.count < numberWidth { number = " " + number }
                let (word, role): (String, Role) = switch step.status {
                case .pass: ("pass", .pass)
                case .fail: ("FAIL", .fail)
                case .warn: ("warn", .warn)
                case .skip: ("skip", .skip)
                }
                out += "  \(number). " + paint(word, role) + "  " + e(step.check) + "\n"
                let indent = 2 + numberWidth + 2 + 6
                if step.status == .fail {
                    if let expected = step.expected {
                        out += labelled("expected", e(expected), labelIndent: indent, labelWidth: 10, width: width, paint: paint, role: .label)
                    }
                    out += labelled("actual", e(step.actual ?? "(none)"), labelIndent: indent, labelWidth: 10, width: width, paint: paint, role: .label)
                    out += labelled("cause", e(step.explanation), labelIndent: indent, labelWidth: 10, width: width, paint: paint, role: .fail)
                    if let fix = step.fix {
                        out += labelled("fix", e(fix), labelIndent: indent, labelWidth: 10, width: width, paint: paint, role: .pass)
                    }
                } else {
                    out += wrap(e(step.explanation), width: width, indent: indent, paint: step.status == .pass ? { $0 } : { paint($0, .dim) })
                }
            }
        }

        if !explanation.glossary.isEmpty {
            out += "\n" + paint("Claims", .heading) + "\n"
            let claimWidth = min(explanation.glossary.map { e($0.claim).count }.max() ?? 0, 18) + 2
            for entry in explanation.glossary {
                out += labelled(e(entry.claim), e(entry.value), labelIndent: 2, labelWidth: claimWidth, width: width, paint: paint, role: .label)
                out += wrap(e(entry.meaning), width: width, indent: 2 + claimWidth, paint: { paint($0, .dim) })
            }
        }

        if !explanation.notes.isEmpty {
            out += "\n" + paint("Notes", .heading) + "\n"
            for note in explanation.notes {
                out += wrap("- " + e(note), width: width, indent: 2, hanging: 2, paint: { paint($0, .dim) })
            }
        }

        let verdict = explanation.verdict
        out += "\n" + paint("Verdict", .heading) + "\n"
        let role: Role = switch verdict.status {
        case "valid", "accepted": .pass
        case "decoded": .skip
        default: .fail
        }
        var headline = verdict.status
        if let http = verdict.httpStatus { headline += ": HTTP \(http)" }
        if let reason = verdict.reason { headline += verdict.httpStatus == nil ? ": \(reason)" : ", \(reason)" }
        out += "  " + paint(e(headline), role) + "\n"
        if let message = verdict.message {
            out += labelled("message", e(message), labelIndent: 2, labelWidth: 9, width: width, paint: paint, role: .label)
        }
        if let body = verdict.policy?.body {
            let message = JSONWriter.write(.string(body.message), style: .compact)
            out += labelled("body", e("{\"statusCode\": \(body.statusCode), \"message\": \(message)}"), labelIndent: 2, labelWidth: 9, width: width, paint: paint, role: .label)
        }
        out += labelled("exit", String(verdict.exitCode), labelIndent: 2, labelWidth: 9, width: width, paint: paint, role: .label)
        return out
    }

    /// `label` padded to `labelWidth`, then `value` wrapped with a hanging indent under its first character.
    static func labelled(
        _ label: String, _ value: String, labelIndent: Int, labelWidth: Int, width: Int, paint: Painter, role: Role
    ) -> String {
        let pad = String(repeating: " ", count: max(labelWidth - label.count, 1))
        let valueIndent = labelIndent + max(labelWidth, label.count + 1)
        let lines = lines(of: value, first: width - valueIndent, rest: width - valueIndent)
        var out = String(repeating: " ", count: labelIndent) + paint(label, role) + pad + (lines.first ?? "") + "\n"
        for line in lines.dropFirst() { out += String(repeating: " ", count: valueIndent) + line + "\n" }
        return out
    }

    /// Word-wraps `text` at `width` columns, every line indented by `indent` (continuation lines by `hanging`
    /// more). Words longer than a line (URLs) are kept whole.
    static func wrap(_ text: String, width: Int, indent: Int, hanging: Int = 0, paint: (String) -> String = { $0 }) -> String {
        let lines = lines(of: text, first: width - indent, rest: width - indent - hanging)
        var out = ""
        for (i, line) in lines.enumerated() {
            out += String(repeating: " ", count: indent + (i == 0 ? 0 : hanging)) + paint(line) + "\n"
        }
        return out
    }

    /// Keeps a number with its unit ("74 y", "3 min", "300 s") on one line.
    static func glued(_ words: [Substring]) -> [Substring] {
        let units: Set<String> = ["s", "min", "h", "d", "y"]
        var out: [Substring] = []
        for word in words {
            let bare = String(word.prefix { $0.isLetter })
            if let last = out.last, !last.isEmpty, last.allSatisfy(\.isNumber), units.contains(bare), bare.count > 0,
                word.dropFirst(bare.count).allSatisfy({ !$0.isLetter && !$0.isNumber })
            {
                out[out.count - 1] = Substring(last + " " + word)
            } else {
                out.append(word)
            }
        }
        return out
    }

    static func lines(of text: String, first: Int, rest: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for word in glued(text.split(separator: " ", omittingEmptySubsequences: true)) {
            let limit = max(lines.isEmpty ? first : rest, 20)
            let wordWidth = word.unicodeScalars.count
            if currentWidth == 0 {
                current = String(word)
                currentWidth = wordWidth
            } else if currentWidth + 1 + wordWidth <= limit {
                current += " " + word
                currentWidth += 1 + wordWidth
            } else {
                lines.append(current)
                current = String(word)
                currentWidth = wordWidth
            }
        }
        if currentWidth > 0 || lines.isEmpty { lines.append(current) }
        return lines
    }
}
