import Glibc

/// A time in the local time zone, for people reading `decode` (JSON stays UTC: scripts compare it). Shown only
/// when `TZ` is set, so that output does not change with the machine it runs on: "TZ: Timezone information"
/// (POSIX, Environment Variables), which `localtime_r(3)` reads (after `tzset(3)`).
enum LocalTime {
    /// "2026-01-01 01:10:00 CET", or nil when `TZ` is unset or empty, or the zone is UTC at that instant (the UTC
    /// time already shown says it all).
    static func format(_ seconds: Int64, environment: [String: String]) -> String? {
        guard let zone = environment["TZ"], !zone.isEmpty else { return nil }
        tzset()
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil, parts.tm_gmtoff != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S %Z", &parts)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
