import JWTAuditCore

/// The gateway's verdict as JSON, written in one place: `check-policy --json` puts these members at the top level
/// and `explain --json` embeds the same object as `"verdict"` (DESIGN.md). `{"accepted": bool, "statusCode": int,
/// "body": {"statusCode", "message"} | null, "lastError": {"source", "reason", "message"} | null}`.
enum VerdictJSON {
    static func members(_ verdict: PolicyVerdict) -> [(key: String, value: JSONValue)] {
        [
            ("accepted", .bool(verdict.accepted)),
            ("statusCode", .number(JSONNumber(verdict.statusCode))),
            ("body", verdict.body?.json ?? .null),
            ("lastError", lastError(verdict.lastError)),
        ]
    }

    static func object(_ verdict: PolicyVerdict) -> JSONValue { .object(JSONObject(members(verdict))) }

    static func lastError(_ lastError: PolicyLastError?) -> JSONValue {
        guard let lastError else { return .null }
        return .object(JSONObject([
            ("source", .string(lastError.source)), ("reason", .string(lastError.reason.rawValue)),
            ("message", .string(lastError.message)),
        ]))
    }
}
