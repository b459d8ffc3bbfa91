/// Times as people read them in check results: RFC 3339 UTC instants and one-unit durations.
enum TimeText {
    static func instant(_ seconds: Int64) -> String { NumericDate.formatRFC3339(seconds) }
    static func duration(_ seconds: Int64) -> String { NumericDate.describe(seconds.magnitude) }
}
