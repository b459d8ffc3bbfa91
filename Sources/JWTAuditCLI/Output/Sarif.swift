import JWTAuditCore

/// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) for lint findings, so CI code scanning can
/// show them on the policy's lines. Only the members code-scanning consumers need: the tool driver with its
/// rules, and one result per finding with `ruleId`, `level`, `message.text` and a physical location whose
/// region has `startLine`/`startColumn` (SARIF §3.30: lines and columns are 1-based).
enum Sarif {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    static func level(_ severity: Finding.Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    /// A file path as a relative URI reference (RFC 3986): APIOps directories have spaces (`policy fragments`)
    /// and code scanning matches `artifactLocation.uri` against the repository's paths only when it is encoded.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(UnicodeScalar(byte))
            let unreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || "-._~/!$&'()*+,;=:@".contains(c)
            out += unreserved ? String(c) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        return out
    }

    static func log(
        findings: [PolicyLintFinding], rules: [PolicyLintRule] = PolicyLint.rules, toolVersion: String? = nil
    ) -> JSONValue {
        var driver = JSONObject()
        driver.append("name", "jwtaudit")
        if let toolVersion { driver.append("version", .string(toolVersion)) }
        driver.append("rules", .array(rules.map { rule in
            .object(JSONObject([
                ("id", .string(rule.id)),
                ("shortDescription", .object(JSONObject([("text", .string(rule.summary))]))),
                ("defaultConfiguration", .object(JSONObject([("level", .string(level(rule.severity)))]))),
            ]))
        }))
        let results: [JSONValue] = findings.map { finding in
            var result = JSONObject()
            result.append("ruleId", .string(finding.id))
            if let index = rules.firstIndex(where: { $0.id == finding.id }) {
                result.append("ruleIndex", .number(JSONNumber(index)))
            }
            result.append("level", .string(level(finding.severity)))
            result.append("message", .object(JSONObject([("text", .string(finding.message))])))
            var physical = JSONObject()
            physical.append("artifactLocation", .object(JSONObject([("uri", .string(uri(finding.source ?? "policy.xml")))])))
            physical.append("region", .object(JSONObject([
                ("startLine", .number(JSONNumber(max(1, finding.line)))),
                ("startColumn", .number(JSONNumber(max(1, finding.column)))),
            ])))
            result.append("locations", .array([.object(JSONObject([("physicalLocation", .object(physical))]))]))
            return .object(result)
        }
        return .object(JSONObject([
            ("$schema", .string(schema)),
            ("version", "2.1.0"),
            ("runs", .array([.object(JSONObject([
                ("tool", .object(JSONObject([("driver", .object(driver))]))),
                ("results", .array(results)),
            ]))])),
        ]))
    }
}
