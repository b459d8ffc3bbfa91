import JWTAuditCore

/// A check as DESIGN.md's contract writes it, in `verify --json`, `check-policy --json` and `explain --json` alike:
/// one record, `{"id", "status", "expected", "actual", "detail"}`, to which explain adds its prose.
enum CheckJSON {
    static func json(_ check: CheckResult) -> JSONValue {
        let text = check.text
        return .object(record(id: check.name, status: check.status, expected: text.expected, actual: text.actual, detail: text.detail))
    }

    /// explain's step: the same record, then `explanation` (the cause, for a failure) and `fix`.
    static func json(_ step: Explanation.Step) -> JSONValue {
        var object = record(id: step.check, status: step.status, expected: step.expected, actual: step.actual, detail: step.detail)
        object.append("explanation", .string(step.explanation))
        object.append("fix", step.fix.map(JSONValue.string) ?? .null)
        return .object(object)
    }

    static func record(
        id: String, status: CheckResult.Status, expected: String?, actual: String?, detail: String
    ) -> JSONObject {
        JSONObject([
            ("id", .string(id)), ("status", .string(status.rawValue)),
            ("expected", expected.map(JSONValue.string) ?? .null),
            ("actual", actual.map(JSONValue.string) ?? .null), ("detail", .string(detail)),
        ])
    }
}
