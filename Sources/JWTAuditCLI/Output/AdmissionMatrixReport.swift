import JWTAuditCore

/// `check-policy --matrix` output: for people, one compact table per distinct matrix (effective policies that
/// admit the same tokens for the same reasons share one), within 100 columns; for scripts, one flat row per
/// effective policy and kind of token, each carrying the policy's identity, and one entry per effective policy
/// with its notes or why it could not be evaluated. Every string from the sources is escaped in text.
enum AdmissionMatrixReport {
    static let width = 100

    // MARK: text

    static func text(_ entries: [AdmissionMatrix.Entry], style: TextStyle) -> String {
        let safe = TerminalText.escaped
        var out = HelpRenderer.wrap(AdmissionMatrix.assumption, indent: 0, firstIndent: 0, width: width) + "\n"
        if entries.isEmpty { return out + "\nno effective policy\n" }
        var groups: [(members: [AdmissionMatrix.Entry], key: String)] = []
        for entry in entries {
            let key = groupKey(entry)
            if let index = groups.firstIndex(where: { $0.key == key }) {
                groups[index].members.append(entry)
            } else {
                groups.append(([entry], key))
            }
        }
        for group in groups {
            out += "\n"
            for member in group.members {
                let place = "(\(member.file):\(member.line))"
                out += style.heading(HelpRenderer.wrap(safe(member.label), indent: 2, firstIndent: 0, width: width)) + "\n"
                // A file read on its own is labelled by its path already.
                if member.policy != nil {
                    out += style.dim(HelpRenderer.wrap(safe(place), indent: 2, firstIndent: 2, width: width)) + "\n"
                }
            }
            switch group.members[0].outcome {
            case .failure(let error):
                let reason = PolicyConfiguration.withOption(error).reason
                out += HelpRenderer.wrap("not evaluated: " + safe(reason), indent: 4, firstIndent: 2, width: width) + "\n"
            case .success(let result):
                out += table(result.rows, style: style)
                for note in result.notes {
                    out += HelpRenderer.wrap("- " + safe(note), indent: 4, firstIndent: 2, width: width) + "\n"
                }
            }
        }
        let failed = entries.filter { if case .failure = $0.outcome { return true } else { return false } }.count
        out += "\n\(entries.count) effective polic\(entries.count == 1 ? "y" : "ies")"
        if groups.count != entries.count { out += ", \(groups.count) distinct matri\(groups.count == 1 ? "x" : "ces")" }
        if failed > 0 { out += ", \(failed) not evaluated" }
        return out + "\n"
    }

    /// Policies share a table when everything it shows is the same.
    static func groupKey(_ entry: AdmissionMatrix.Entry) -> String {
        switch entry.outcome {
        case .failure(let error): return "failure\u{0}" + error.reason
        case .success(let result):
            let rows = result.rows.map { row in
                ([row.admitted ? "y" : "n", String(row.statusCode), row.lastError?.reason.rawValue ?? ""] + row.refusedBy)
                    .joined(separator: "\u{1}")
            }
            return (rows + result.notes).joined(separator: "\u{0}")
        }
    }

    /// The columns; `decided by` takes what is left of the 100 columns.
    static let columns: [(title: String, width: Int)] = [
        ("token", 5), ("client", 16), ("credential", 13), ("admitted", 8), ("status", 6), ("reason", 25), ("decided by", 19),
    ]

    static func table(_ rows: [AdmissionMatrix.Row], style: TextStyle) -> String {
        func line(_ cells: [String], paint: (Int, String) -> String = { $1 }) -> String {
            var out = " "
            for (index, cell) in cells.enumerated() {
                let width = columns[index].width
                let fitted = cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell
                let padded = index == cells.count - 1 ? fitted : fitted + String(repeating: " ", count: width - fitted.count)
                out += " " + paint(index, padded)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out + "\n"
        }
        var out = style.dim(line(columns.map(\.title)).dropLast() + "") + "\n"
        for row in rows {
            let cells = [
                row.kind.version.rawValue == "1.0" ? "v1.0" : "v2.0", row.kind.client.rawValue, row.kind.credential.rawValue,
                row.admitted ? "yes" : "no", String(row.statusCode), row.lastError?.reason.rawValue ?? "-",
                row.refusedBy.isEmpty ? "-" : TerminalText.escaped(row.refusedBy.joined(separator: ", ")),
            ]
            out += line(cells) { index, text in
                guard index == 3 else { return text }
                return row.admitted ? style.green(text) : style.red(text)
            }
        }
        return out
    }

    // MARK: JSON

    /// `{"signatures": "assumed", "assumption", "at", "rows": [...], "policies": [...]}`.
    static func json(_ entries: [AdmissionMatrix.Entry], at: Int64) -> JSONValue {
        var rows: [JSONValue] = []
        var policies: [JSONValue] = []
        for entry in entries {
            var policy = identity(entry)
            switch entry.outcome {
            case .success(let result):
                policy.append("evaluated", true)
                policy.append("error", .null)
                policy.append("notes", .array(result.notes.map(JSONValue.string)))
                for row in result.rows {
                    var object = identity(entry)
                    object.append("tokenVersion", .string(row.kind.version.rawValue))
                    object.append("client", .string(row.kind.client.rawValue))
                    object.append("credential", .string(row.kind.credential.rawValue))
                    object.append("admitted", .bool(row.admitted))
                    object.append("statusCode", .number(JSONNumber(row.statusCode)))
                    object.append("reason", row.lastError.map { .string($0.reason.rawValue) } ?? .null)
                    object.append("message", row.lastError.map { .string($0.message) } ?? .null)
                    object.append("decidedBy", row.decidedBy.map(JSONValue.string) ?? .null)
                    object.append("refusedBy", .array(row.refusedBy.map(JSONValue.string)))
                    object.append("decidedAt", row.decidedAt.map { place in
                        .object(JSONObject([
                            ("file", place.source.map(JSONValue.string) ?? .null), ("line", .number(JSONNumber(place.line))),
                        ]))
                    } ?? .null)
                    object.append("claims", .object(row.claims))
                    rows.append(.object(object))
                }
            case .failure(let error):
                policy.append("evaluated", false)
                let reason = PolicyConfiguration.withOption(error).reason
                policy.append("error", .object(JSONObject([("code", .string(error.code.rawValue)), ("reason", .string(reason))])))
                policy.append("notes", .array([]))
            }
            policies.append(.object(policy))
        }
        return .object(JSONObject([
            ("signatures", "assumed"),
            ("assumption", .string(AdmissionMatrix.assumption)),
            ("at", .string(NumericDate.formatRFC3339(at))),
            ("rows", .array(rows)),
            ("policies", .array(policies)),
        ]))
    }

    /// The effective policy a row belongs to: where it is, and for a tree's operation which one in which context.
    static func identity(_ entry: AdmissionMatrix.Entry) -> JSONObject {
        var object = JSONObject()
        let policy = entry.policy
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        object.append("label", .string(entry.label))
        object.append("source", .string(entry.source))
        object.append("file", .string(entry.file))
        object.append("line", .number(JSONNumber(entry.line)))
        object.append("workspace", text(policy?.workspace))
        object.append("api", text(policy?.api))
        object.append("operation", text(policy?.operation))
        object.append("method", text(policy?.method))
        object.append("urlTemplate", text(policy?.urlTemplate))
        object.append("product", text(policy?.context.productName))
        switch policy?.context {
        case .product(_, let open)?:
            object.append("context", open ? "open-product" : "product")
            object.append("keyless", .bool(open))
        case .noProduct(let keyless)?:
            object.append("context", "no-product")
            object.append("keyless", .bool(keyless))
        case nil:
            object.append("context", .null)
            object.append("keyless", .null)
        }
        object.append("scope", policy?.scope.jsonValue ?? .null)
        return object
    }
}
