import JWTAuditCore

/// Renders a `VerifyEvaluation` as DESIGN.md's `verify --json` document or as text for people.
///
/// Neither form ever holds a secret: an HMAC key is described by its length and source only, and its thumbprint
/// (a hash of the secret, which would let anyone test guesses offline) is left out.
enum VerifyReport {
    // MARK: JSON

    /// `atIssuedAt` (`--at iat`): `"at"` is the token's own `iat`, and `"atFrom": "iat"` says so.
    static func json(_ evaluation: VerifyEvaluation, atIssuedAt: Bool = false) -> JSONObject {
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
        if atIssuedAt { out.append("atFrom", .string(AtChoice.issuedAtSpelling)) }
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

    /// The verdict first, then the checks in `CheckLayout`'s one layout (each failure with its fix), then the key,
    /// the credential, the clock and the notes. Every string from the report is escaped by the layout: details
    /// quote the token's `kid`, `iss`, claim values and what the key source said.
    static func text(_ evaluation: VerifyEvaluation, layout: TextLayout, atIssuedAt: Bool = false) -> String {
        let report = evaluation.report
        let e = layout.escape
        var out = verdict(report, layout: layout) + "\n"
        out += layout.heading("Checks") + CheckLayout.render(Explainer.steps(evaluation), layout: layout) + "\n"
        var rows: [(String, String)] = []
        if let key = report.key {
            var text = e(key.summary)
            if key.keyType != "oct" { text += ", thumbprint " + key.thumbprint }
            rows.append(("key", text))
        } else {
            rows.append(("key", layout.paint("none verified the signature", .dim)))
        }
        // Where the accepted issuer came from, when the keys' metadata named it (--tenant, --openid-config).
        if let source = evaluation.policy.issuerSource, !evaluation.policy.issuers.isEmpty {
            rows.append(("issuer", e(evaluation.policy.issuers.joined(separator: " | ") + " (\(source))")))
        }
        if let credential = report.credential {
            var text = credential.kind.rawValue
            if let claim = credential.claim { text += " (\(claim) \"\(e(credential.value ?? "?"))\")" }
            rows.append(("credential", text))
        }
        let instant = atIssuedAt ? "as of " + AtChoice.issuedAtText(evaluation.at) : "at " + NumericDate.formatRFC3339(evaluation.at)
        rows.append(("clock", "judged \(instant), clock skew \(evaluation.policy.clockSkew) s"))
        for (index, note) in evaluation.notes.enumerated() {
            rows.append((index == 0 ? "notes" : "", "- " + e(note)))
        }
        out += layout.rows(rows)
        if !report.isValid && report.parseError == nil { out += "\n" + ExplainReport.pointer(layout: layout) }
        return out
    }

    /// `VALID: every check passed`, or what was rejected.
    static func verdict(_ report: VerificationReport, layout: TextLayout) -> String {
        if report.isValid { return CheckLayout.verdict("VALID", "every check passed", role: .pass, layout: layout) }
        let failed = report.failedChecks.map(\.name)
        let summary: String
        if report.parseError != nil {
            summary = "not a token (" + failed.joined(separator: ", ") + ")"
        } else if failed.isEmpty {
            summary = "the signature was not verified"
        } else {
            summary = "\(failed.count) check\(failed.count == 1 ? "" : "s") failed (" + failed.joined(separator: ", ") + ")"
        }
        return CheckLayout.verdict("REJECTED", summary, role: .fail, layout: layout)
    }

    /// What `--quiet` says about a report (`QuietReport`): nothing when it is valid; the reason when the text is
    /// not a token (exit 3, as the error it is); else the failed checks.
    static func quietLine(_ report: VerificationReport) -> String? {
        if report.isValid { return nil }
        if let error = report.parseError { return "jwtaudit: error: cannot read the token (\(error.reason))" }
        return QuietReport.rejected(report.failedChecks.map(\.name))
    }
}
