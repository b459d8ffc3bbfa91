import JWTAuditCore

/// `--summary` of `check-policy --batch` (a dry run of the policy: who would be refused, and why) and of `decode
/// --batch` (the inventory before writing a policy: who calls with which credential and token version).
///
/// JSON: `{"groups": [{"tenant", "client", "tokenVersion", "credential", "tokens", "admitted", "refused",
/// "reasons": {"<reason>": n}}], "totals": {...}}`; without a policy (`decode`) there is no `admitted` and
/// `refused`. Text: one table per tenant, the callers that would break first, fitting 100 columns (a client id is
/// 36 characters, so the main refusal reason goes on a line of its own under its row), with totals.
enum BatchSummaryReport {
    /// `policy`: the rows carry admitted and refused counts (check-policy), or only tokens (decode).
    static func json(_ tally: BatchTally, policy: Bool, at: AtChoice) -> JSONValue {
        func counts(_ row: BatchTally.Row, into object: inout JSONObject) {
            object.append("tokens", .number(JSONNumber(row.tokens)))
            if policy {
                object.append("admitted", .number(JSONNumber(row.admitted)))
                object.append("refused", .number(JSONNumber(row.refused)))
            }
            object.append("reasons", .object(JSONObject(row.sortedReasons.map { ($0.key, JSONValue.number(JSONNumber($0.value))) })))
        }
        var groups: [JSONValue] = []
        for row in tally.sortedRows {
            var group = JSONObject()
            group.append("tenant", row.caller.tenant.map(JSONValue.string) ?? .null)
            group.append("client", row.caller.client.map(JSONValue.string) ?? .null)
            group.append("tokenVersion", row.caller.tokenVersion.map(JSONValue.string) ?? .null)
            group.append("credential", row.caller.malformed ? .string("malformed") : .string(row.caller.credential))
            counts(row, into: &group)
            groups.append(.object(group))
        }
        var totals = JSONObject()
        totals.append("lines", .number(JSONNumber(tally.totals.tokens)))
        totals.append("malformed", .number(JSONNumber(tally.malformed)))
        totals.append("groups", .number(JSONNumber(tally.rows.count)))
        counts(tally.totals, into: &totals)
        var out = JSONObject()
        out.append("groups", .array(groups))
        out.append("totals", .object(totals))
        if policy, case .fixed(let instant) = at {
            out.append("at", .string(NumericDate.formatRFC3339(instant)))
        } else if policy {
            out.append("at", .string(AtChoice.issuedAtSpelling))
        }
        return .object(out)
    }

    static let clientWidth = 36

    static func text(_ tally: BatchTally, policy: Bool, at: AtChoice, layout: TextLayout) -> String {
        let e = layout.escape
        let rows = tally.sortedRows
        let width = max(6, String(tally.totals.tokens).count)
        func pad(_ text: String, _ count: Int) -> String {
            text.count >= count ? text : text + String(repeating: " ", count: count - text.count)
        }
        func number(_ value: Int, _ column: String) -> String {
            let digits = String(value)
            let size = max(column.count, width)
            return String(repeating: " ", count: max(0, size - digits.count)) + digits
        }
        func line(_ client: String, _ version: String, _ credential: String, _ row: BatchTally.Row) -> String {
            var out = "  " + pad(client, clientWidth) + "  " + pad(version, 3) + "  " + pad(credential, 13)
            out += "  " + number(row.tokens, "tokens")
            if policy { out += "  " + number(row.admitted, "admitted") + "  " + number(row.refused, "refused") }
            return out + "\n"
        }
        var header = "  " + pad("client", clientWidth) + "  ver  " + pad("credential", 13)
        header += "  " + String(repeating: " ", count: max(0, width - 6)) + "tokens"
        if policy {
            header += "  " + String(repeating: " ", count: max(0, width - 8)) + "admitted"
            header += "  " + String(repeating: " ", count: max(0, width - 7)) + "refused"
        }
        var out = ""
        if policy {
            let refused = tally.totals.refused
            let callers = rows.filter { $0.refused > 0 && !$0.caller.malformed }.count
            let verdict = refused == 0
                ? "every token would be admitted"
                : "\(refused) of \(tally.totals.tokens) line\(tally.totals.tokens == 1 ? "" : "s") would be refused; \(callers) caller\(callers == 1 ? "" : "s") would break"
            out += layout.wrap("Dry run: " + verdict, indent: 0, role: refused == 0 ? .pass : .fail)
        } else {
            out += "Callers: \(tally.rows.count - (tally.malformed > 0 ? 1 : 0)) group\(tally.rows.count == 1 ? "" : "s") in \(tally.totals.tokens) line\(tally.totals.tokens == 1 ? "" : "s")\n"
        }
        if case .issuedAt = at {
            out += layout.wrap("Each token judged as of its own iat (--at iat): an expiry since then is not held against it.", indent: 0)
        } else if policy, case .fixed(let instant) = at {
            out += "Judged at \(NumericDate.formatRFC3339(instant)).\n"
        }
        // One table per tenant, in the order of the rows (the tenant of the first caller that would break first).
        var tenants: [String?] = []
        for row in rows where !row.caller.malformed && !tenants.contains(row.caller.tenant) { tenants.append(row.caller.tenant) }
        for tenant in tenants {
            out += "\n" + layout.paint("tenant " + (tenant.map(e) ?? "(none)"), .label) + "\n"
            out += layout.paint(header, .dim) + "\n"
            for row in rows where !row.caller.malformed && row.caller.tenant == tenant {
                out += line(e(row.caller.client ?? "(none)"), e(row.caller.tokenVersion ?? "-"), row.caller.credential, row)
                if let main = row.mainReason { out += reasonLine(main, of: row, policy: policy, layout: layout) }
            }
        }
        if let malformed = rows.first(where: { $0.caller.malformed }) {
            out += "\n" + line("(lines with no token)", "", "", malformed)
            if let main = malformed.mainReason { out += reasonLine(main, of: malformed, policy: policy, layout: layout) }
        }
        out += "\n" + line("total", "", "", tally.totals)
        if policy, let main = tally.totals.mainReason { out += reasonLine(main, of: tally.totals, policy: policy, layout: layout) }
        return out
    }

    /// `      main refusal: TokenClaimValueNotAllowed (12), then 2 more reasons`
    /// (decode: `      not decoded: malformed (3)`)
    static func reasonLine(_ main: (reason: String, count: Int), of row: BatchTally.Row, policy: Bool, layout: TextLayout) -> String {
        let others = row.reasons.count - 1
        let more = others > 0 ? "; \(others) other reason\(others == 1 ? "" : "s")" : ""
        let text = "      \(policy ? "main refusal" : "not decoded"): \(layout.escape(main.reason)) (\(main.count))\(more)"
        return layout.paint(text, row.admitted == 0 && row.refused > 0 ? .fail : .warn) + "\n"
    }
}
