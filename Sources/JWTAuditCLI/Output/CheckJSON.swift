import JWTAuditCore

/// A check as DESIGN.md's contract writes it, in `verify --json` and `check-policy --json` alike.
enum CheckJSON {
    /// One check as DESIGN.md's contract writes it: `{"id", "status", "expected", "actual", "detail"}`.
    static func json(_ check: CheckResult) -> JSONValue {
        let text = check.text
        return .object(JSONObject([
            ("id", .string(check.name)), ("status", .string(check.status.rawValue)),
            ("expected", text.expected.map(JSONValue.string) ?? .null),
            ("actual", text.actual.map(JSONValue.string) ?? .null), ("detail", .string(text.detail)),
        ]))
    }
}
