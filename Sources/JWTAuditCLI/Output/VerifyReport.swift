import JWTAuditCore

/// Renders a `VerifyEvaluation` as DESIGN.md's `verify --json` document or as text for people.
///
/// Neither form ever holds a secret: an HMAC key is described by its length and source only, and its thumbprint
/// (a hash of the secret, which would let anyone test guesses offline) is left out.
enum VerifyReport {
    // MARK: JSON

    static func json(_ evaluation: VerifyEvaluation) -> JSONObject {
        let report = evaluation.report
        var out = JSONObject()
        out.append("valid", .bool(report.isValid))
        out.append("checks", .array(report.checks.map(CheckJSON.json)))
        out.append("credential", report.credential.map { .object(DecodeReport.credential($0)) } ?? .null)
        out.append("key", report.key.map { .object(key($0)) } ?? .null)
        if let outcome = report.decryption {
            out.append("decryption", .object(DecodeReport.decryption(outcome, header: nil, plaintext: false)))
        }
        out.append("notes", .array(evaluation.notes.map(JSONValue.string)))
        out.append("clockSkew", .number(JSONNumber(Int(evaluation.policy.clockSkew))))
        out.append("at", .string(NumericDate.formatRFC3339(evaluation.at)))
        return out
    }

    static func key(_ key: VerificationKey) -> JSONObject {
        var entry = JSONObject()
        entry.append("kid", key.kid.map(JSONValue.string) ?? .null)
        entry.append("summary", .string(key.summary))
        entry.append("thumbprint", key.keyType == "oct" ? .null : .string(key.thumbprint))
        entry.append("source", .string(key.source))
        return entry
    }

    // MARK: Text

    /// Every string from the report is escaped (`TerminalText`): details quote the token's `kid`, `iss`, claim
    /// values and what the key source said.
    static func text(_ evaluation: VerifyEvaluation, style: TextStyle) -> String {
        let safe = TerminalText.escaped
        let report = evaluation.report
        let width = min(24, report.checks.map { $0.name.count }.max() ?? 0)
        var out = style.heading("Checks") + "\n"
        for check in report.checks {
            let label = style.status(check.status)
            let name = check.name
            let text = check.text
            let pad = String(repeating: " ", count: max(1, width - name.count + 2))
            out += "  \(label)  \(safe(name))\(pad)\(safe(text.detail))\n"
            if check.status == .fail || check.status == .warn {
                let indent = String(repeating: " ", count: 2 + 4 + 2 + width + 2)
                if let expected = text.expected { out += indent + style.dim("expected: ") + safe(expected) + "\n" }
                if let actual = text.actual { out += indent + style.dim("actual:   ") + safe(actual) + "\n" }
            }
        }
        out += "\n"
        var rows: [(String, String)] = []
        if let key = report.key {
            var text = safe(key.summary)
            if key.keyType != "oct" { text += ", thumbprint " + key.thumbprint }
            rows.append(("key", text))
        } else {
            rows.append(("key", style.dim("none verified the signature")))
        }
        if let credential = report.credential {
            var text = credential.kind.rawValue
            if let claim = credential.claim { text += " (\(claim) \"\(safe(credential.value ?? "?"))\")" }
            rows.append(("credential", text))
        }
        rows.append(("clock", "judged at \(NumericDate.formatRFC3339(evaluation.at)), clock skew \(evaluation.policy.clockSkew) s"))
        for (index, note) in evaluation.notes.enumerated() {
            rows.append((index == 0 ? "notes" : "", "- " + safe(note)))
        }
        out += DecodeReport.table(rows)
        out += "\n" + verdict(report, style: style) + "\n"
        return out
    }

    /// What `--quiet` says about a report (`QuietReport`): nothing when it is valid; the reason when the text is
    /// not a token (exit 3, as the error it is); else the failed checks.
    static func quietLine(_ report: VerificationReport) -> String? {
        if report.isValid { return nil }
        if let error = report.parseError { return "jwtaudit: error: cannot read the token (\(error.reason))" }
        return QuietReport.rejected(report.failedChecks.map(\.name))
    }

    static func verdict(_ report: VerificationReport, style: TextStyle) -> String {
        if report.isValid { return style.green(style.heading("VALID")) + ": every check passed" }
        let failed = report.failedChecks.map(\.name)
        if report.parseError != nil {
            return style.red(style.heading("REJECTED")) + ": not a token (" + failed.joined(separator: ", ") + ")"
        }
        if failed.isEmpty {
            return style.red(style.heading("REJECTED")) + ": the signature was not verified"
        }
        let noun = failed.count == 1 ? "check" : "checks"
        return style.red(style.heading("REJECTED")) + ": \(failed.count) \(noun) failed (" + TerminalText.escaped(failed.joined(separator: ", ")) + ")"
    }
}
