/// Times as people read them in reports: RFC 3339 UTC instants and rough durations.
enum TimeText {
    static func instant(_ seconds: Double) -> String {
        NumericDate.rfc3339(seconds)
    }

    static func duration(_ seconds: Double) -> String {
        NumericDate.duration(seconds)
    }
}
