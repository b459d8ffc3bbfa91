import JWTAuditCore

/// Renders a `TokenInspection` as DESIGN.md's `decode --json` document or as text for people.
enum DecodeReport {
    // MARK: JSON

    /// `atIssuedAt` (`--at iat`): the document says the times were judged as of the token's own `iat`
    /// (`"at"`, `"atFrom": "iat"`); otherwise neither member is written, as before.
    static func json(_ inspection: TokenInspection, atIssuedAt: Bool = false) -> JSONObject {
        let token = inspection.token
        var out = JSONObject()
        out.append("header", .object(token.header))
        out.append("claims", token.claims.map(JSONValue.object) ?? .null)
        out.append("signature", .object(signature(token, unreadable: inspection.signatureProblem != nil)))
        out.append("credential", .object(credential(inspection.credential)))
        let binding = inspection.binding
        var bind = JSONObject()
        bind.append("kind", .string(binding.kind.rawValue))
        bind.append("x5t#S256", binding.certificateThumbprint.map(JSONValue.string) ?? .null)
        bind.append("jkt", binding.jwkThumbprint.map(JSONValue.string) ?? .null)
        bind.append("note", .string(binding.note))
        out.append("binding", .object(bind))
        var times = JSONObject()
        for time in inspection.times {
            var entry = JSONObject()
            if let text = time.text {
                entry.append("value", .number(JSONNumber(text: text)))
                entry.append("utc", time.utc.map(JSONValue.string) ?? .null)
                entry.append("relative", time.relative.map(JSONValue.string) ?? .null)
            } else {
                entry.append("value", token.claims?[time.name] ?? .null)
                entry.append("problem", time.problem.map(JSONValue.string) ?? .null)
            }
            times.append(time.name, .object(entry))
        }
        out.append("times", .object(times))
        if atIssuedAt {
            out.append("at", .string(NumericDate.formatRFC3339(inspection.now)))
            out.append("atFrom", .string(AtChoice.issuedAtSpelling))
        }
        out.append("findings", .array(inspection.findings.map { finding in
            var entry = JSONObject()
            entry.append("id", .string(finding.id))
            entry.append("severity", .string(finding.severity.rawValue))
            entry.append("message", .string(finding.message))
            return .object(entry)
        }))
        if let outcome = inspection.decryption {
            out.append("decryption", .object(decryption(outcome, header: (inspection.envelope ?? token).header)))
        }
        return out
    }

    /// DESIGN.md's `decryption` object: status, algorithm, encryption, kid, keyUsed, plaintext (base64url, only
    /// when decrypted), reason; and the keys tried and the JWE's protected header. Never a byte of key material.
    /// `verify --json` shows the same object without the plaintext (the token inside is what it verified).
    static func decryption(_ outcome: DecryptionOutcome, header: JSONObject?, plaintext: Bool = true) -> JSONObject {
        var out = JSONObject()
        out.append("status", .string(outcome.status.rawValue))
        out.append("algorithm", outcome.algorithm.map(JSONValue.string) ?? .null)
        out.append("encryption", outcome.encryption.map(JSONValue.string) ?? .null)
        out.append("kid", outcome.kid.map(JSONValue.string) ?? .null)
        out.append("keyUsed", outcome.keyUsed.map { .object(key($0)) } ?? .null)
        if plaintext, let bytes = outcome.plaintext { out.append("plaintext", .string(Base64URL.encode(bytes))) }
        out.append("reason", outcome.reason.map(JSONValue.string) ?? .null)
        out.append("keyChoice", outcome.keyChoice.map(JSONValue.string) ?? .null)
        out.append("keysTried", .array(outcome.attempts.map { attempt in
            var entry = JSONObject()
            entry.append("key", .object(key(attempt.key)))
            entry.append("reason", attempt.failure.map { .string($0.description) } ?? .null)
            return .object(entry)
        }))
        if let header { out.append("header", .object(header)) }
        return out
    }

    /// A decryption key as reports show it: its kid, its one-line summary and where it came from.
    static func key(_ key: DecryptionKey) -> JSONObject {
        var entry = JSONObject()
        entry.append("kid", key.kid.map(JSONValue.string) ?? .null)
        entry.append("summary", .string(key.summary))
        entry.append("source", .string(key.source))
        return entry
    }

    /// The `credential` object, shared with `verify --json` so both commands describe it the same way.
    static func credential(_ credential: CredentialVerdict) -> JSONObject {
        var cred = JSONObject()
        cred.append("kind", .string(credential.kind.rawValue))
        cred.append("claim", credential.claim.map(JSONValue.string) ?? .null)
        cred.append("value", credential.value.map(JSONValue.string) ?? .null)
        cred.append("tokenVersion", credential.versionText.map(JSONValue.string) ?? .null)
        cred.append("notes", .array(credential.notes.map(JSONValue.string)))
        return cred
    }

    static func signature(_ token: CompactToken, unreadable: Bool = false) -> JSONObject {
        var sig = JSONObject()
        sig.append("algorithm", token.header["alg"] ?? .null)
        if token.kind == .jwe {
            sig.append("encryption", token.header["enc"] ?? .null)
            sig.append("encrypted", .bool(true))
        } else {
            // null: the signature segment cannot be read (`findings` has signature-unreadable).
            sig.append("bytes", unreadable ? .null : .number(JSONNumber(token.signatureCount)))
        }
        sig.append("kid", token.header["kid"] ?? .null)
        sig.append("verified", .bool(false))
        return sig
    }

    // MARK: Text

    /// Every string from the token (names, values, `kid`, what the findings quote) is escaped (`TerminalText`).
    /// `localTime` gives a claim's time in the local time zone when `TZ` asks for it (`LocalTime`).
    static func text(
        _ inspection: TokenInspection, style: TextStyle, layout: TextLayout, localTime: (Int64) -> String? = { _ in nil },
        atIssuedAt: Bool = false
    ) -> String {
        let safe = TerminalText.escaped
        let token = inspection.token
        let heading = inspection.envelope != nil ? "Header (the signed JWT inside the JWE)" : token.kind == .jwe ? "Header (JWE, protected)" : "Header"
        var out = style.heading(heading) + "\n"
        out += members(token.header, times: [], style: style, layout: layout)
        out += "\n" + style.heading("Claims") + "\n"
        if let claims = token.claims {
            out += members(claims, times: inspection.times, style: style, layout: layout, localTime: localTime)
        } else {
            out += "  " + style.dim(safe(token.claimsProblem ?? "no claims")) + "\n"
        }
        out += "\n" + style.heading("Signature") + "\n"
        var rows: [(String, String)] = [("algorithm", safe(token.algorithm ?? token.header["alg"].map { JSONWriter.write($0, style: .compact) } ?? "(none)"))]
        if token.kind == .jwe {
            rows.append(("encryption", safe(token.header["enc"].map { JSONWriter.write($0, style: .compact) } ?? "(none)")))
            rows.append(("payload", token.isDecrypted ? "decrypted (see Decryption below); it is not signed" : "encrypted: only the recipient's key can read it"))
        } else if inspection.signatureProblem != nil {
            rows.append(("length", style.red("unreadable") + ": the segment is not a whole signature (see findings)"))
        } else {
            rows.append(("length", "\(token.signatureCount) bytes"))
        }
        if let kid = token.header["kid"] { rows.append(("key id", safe(kid.stringValue ?? JSONWriter.write(kid, style: .compact)))) }
        rows.append(("verified", style.yellow("no") + (token.isDecrypted ? ": the plaintext is not signed; there is nothing to verify" : ": decode does not verify the signature")))
        out += layout.rows(rows, role: nil)
        if let outcome = inspection.decryption {
            out += "\n" + style.heading("Decryption") + "\n" + decryptionText(outcome, inspection: inspection, style: style, layout: layout)
        }

        out += "\n" + style.heading("Summary") + "\n"
        let credential = inspection.credential
        var verdict: String
        switch credential.kind {
        case .certificate: verdict = style.green("certificate")
        case .secret: verdict = style.yellow("client secret")
        case .publicClient: verdict = style.cyan("public client")
        case .unknown: verdict = style.dim("unknown")
        }
        var source: [String] = []
        if let claim = credential.claim { source.append("\(claim) \"\(safe(credential.value ?? "?"))\"") }
        if let version = credential.versionText { source.append("token version \(safe(version))") }
        if !source.isEmpty { verdict += " (" + source.joined(separator: ", ") + ")" }
        var summary: [(String, String)] = [("credential", verdict)]
        for note in credential.notes { summary.append(("", "- " + safe(note))) }
        summary.append(("binding", safe(inspection.binding.kind == .none ? "none: " + inspection.binding.note.dropPrefix("bearer token: ") : inspection.binding.note)))
        if atIssuedAt { summary.append(("judged at", AtChoice.issuedAtText(inspection.now))) }
        if inspection.findings.isEmpty {
            summary.append(("findings", "none"))
        } else {
            for (index, finding) in inspection.findings.enumerated() {
                let label: String
                switch finding.severity {
                case .error: label = style.red("error")
                case .warning: label = style.yellow("warning")
                case .info: label = style.dim("info")
                }
                summary.append((index == 0 ? "findings" : "", "\(label) \(finding.id): \(safe(finding.message))"))
            }
        }
        out += layout.rows(summary, role: nil)
        return out
    }

    /// The Decryption section: how the JWE opened, or why not. Token-supplied text is escaped (`TerminalText`);
    /// the plaintext is shown only as the token it carries (above), or by its length.
    static func decryptionText(
        _ outcome: DecryptionOutcome, inspection: TokenInspection, style: TextStyle, layout: TextLayout
    ) -> String {
        let printable = TerminalText.escaped
        var rows: [(String, String)] = []
        switch outcome.status {
        case .decrypted: rows.append(("status", style.green("decrypted")))
        case .failed: rows.append(("status", style.red("failed") + ": no plaintext is shown"))
        case .noKey: rows.append(("status", style.yellow("no key") + ": only the protected header is shown"))
        }
        rows.append(("algorithm", printable("\(outcome.algorithm ?? "(none)") + \(outcome.encryption ?? "(none)")")))
        if let key = outcome.keyUsed { rows.append(("key", printable(key.summary))) }
        if let choice = outcome.keyChoice { rows.append(("chosen by", printable(choice))) }
        if let plaintext = outcome.plaintext {
            let content: String
            if inspection.envelope != nil {
                content = "a signed JWT of \(plaintext.count) bytes (cty \(inspection.envelope?.declaresNestedJWT == true ? "JWT" : "absent")), shown above"
            } else if inspection.token.claims != nil {
                content = "a claims set of \(plaintext.count) bytes, shown above (not signed)"
            } else {
                content = "\(plaintext.count) bytes, not a token nor a claims set (--json gives them in base64url)"
            }
            rows.append(("content", content))
        }
        if let reason = outcome.reason {
            rows.append(("reason", printable(reason)))
            if outcome.status == .noKey && outcome.failure == .noKeys {
                rows.append(("", "give the recipient's private key with --decryption-key FILE"))
            }
        }
        if outcome.attempts.count > 1 || (outcome.status == .failed && !outcome.attempts.isEmpty) {
            for (index, attempt) in outcome.attempts.enumerated() {
                rows.append((index == 0 ? "keys tried" : "", printable("\(attempt.key.summary): \(attempt.failure?.description ?? "authenticated")")))
            }
        }
        if let envelope = inspection.envelope {
            rows.append(("JWE header", printable(JSONWriter.write(.object(envelope.header), style: .compact))))
        }
        return layout.rows(rows, role: nil)
    }

    static func members(
        _ object: JSONObject, times: [TokenInspection.TimeClaim], style: TextStyle, layout: TextLayout,
        localTime: (Int64) -> String? = { _ in nil }
    ) -> String {
        var rows: [(String, String)] = []
        let safe = TerminalText.escaped
        for member in object.members {
            // JSON escapes the C0 controls; the escaping also covers DEL, C1 and the bidirectional controls.
            var value = safe(JSONWriter.write(member.value, style: .compact))
            if let time = times.first(where: { $0.name == member.key }), member.value.numberValue != nil || time.problem != nil {
                if let utc = time.utc, let relative = time.relative {
                    let local = time.seconds.flatMap(localTime).map { " = \($0)" } ?? ""
                    value += "  " + style.dim("\(utc)\(local) (\(relative))")
                } else if let problem = time.problem {
                    value += "  " + style.red(safe(problem))
                }
            }
            rows.append((safe(member.key), value))
        }
        return layout.rows(rows, role: nil)
    }
}

extension String {
    func dropPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
