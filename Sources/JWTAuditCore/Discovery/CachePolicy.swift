/// How long fetched metadata and keys may be reused, and what may be used when the network may not be touched.
///
/// RFC 9111 §5.2.2.1: "The max-age response directive indicates that the response is to be considered stale
/// after its age is greater than the specified number of seconds." Without it jwtaudit uses one hour, as APIM
/// does ("refreshes hourly"). Under `--offline` a stale entry is still used, and reported as stale.
public enum CachePolicy {
    /// Seconds an entry stays fresh when the response had no usable `max-age`.
    public static let defaultLifetime: Int64 = 3600

    public enum Freshness: Sendable, Equatable { case fresh, stale }

    /// The lifetime a response grants: `max-age=N` (N ≥ 0, the first one wins), 0 for `no-cache`/`no-store`
    /// (still kept for `--offline`: keys are public), else `defaultLifetime`. Malformed values are ignored.
    public static func lifetime(cacheControl: String?) -> Int64 {
        guard let cacheControl else { return defaultLifetime }
        var maxAge: Int64?
        var noCache = false
        for raw in cacheControl.split(separator: ",") {
            let directive = raw.trimmingSpaces()
            let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingSpaces().lowercased()
            if name == "no-cache" || name == "no-store" { noCache = true }
            if name == "max-age", maxAge == nil, parts.count == 2 {
                var value = parts[1].trimmingSpaces()
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    // RFC 9111 §1.2.2: a delta-seconds too large to represent is treated as 2^31.
                    maxAge = value.count > 10 ? 2_147_483_648 : min(Int64(value)!, 2_147_483_648)
                }
            }
        }
        if noCache { return 0 }
        return maxAge ?? defaultLifetime
    }

    /// Fresh while `now - fetchedAt < lifetime`. An entry fetched "in the future" (the clock went back) is stale:
    /// its age cannot be known.
    public static func freshness(fetchedAt: Int64, lifetime: Int64, now: Int64) -> Freshness {
        let age = now - fetchedAt
        return age >= 0 && age < lifetime ? .fresh : .stale
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
