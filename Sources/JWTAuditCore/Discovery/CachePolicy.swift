/// How long fetched metadata and keys may be reused, and what may be used when the network may not be touched.
///
/// RFC 9111 §5.2.2.1: "The max-age response directive indicates that the response is to be considered stale
/// after its age is greater than the specified number of seconds." Without it jwtaudit uses one hour, as APIM
/// does ("refreshes hourly"). Whatever a provider says, an entry is fresh for at most 24 hours: Microsoft suggests
/// checking for new signing keys "every 24 hours", and keys rotate, in an emergency at once; a provider (or a man
/// in the middle of one fetch) must not pin a key set for decades with `max-age=2147483648`. Under `--offline` a
/// stale entry is still used, and reported as stale.
public enum CachePolicy {
    /// Seconds an entry stays fresh when the response had no `max-age`.
    public static let defaultLifetime: Int64 = 3600
    /// The longest any entry stays fresh: 24 hours.
    public static let maximumLifetime: Int64 = 86_400

    public enum Freshness: Sendable, Equatable { case fresh, stale }

    /// The lifetime a response grants: `max-age=N` (the first one wins) capped at `maximumLifetime`; 0 (revalidate
    /// next time) for `no-cache`/`no-store` (still kept for `--offline`: keys are public) and for a `max-age` that
    /// is not a number of seconds (negative, empty, `1e9`, `0x10`): RFC 9111 §4.2.1 allows a cache to treat such a
    /// response as stale, and guessing a lifetime for it would trust what cannot be read. Else `defaultLifetime`.
    public static func lifetime(cacheControl: String?) -> Int64 {
        guard let cacheControl else { return defaultLifetime }
        var maxAge: Int64?
        var noCache = false
        for raw in cacheControl.split(separator: ",") {
            let directive = raw.trimmingSpaces()
            let parts = directive.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].trimmingSpaces().lowercased()
            if name == "no-cache" || name == "no-store" { noCache = true }
            if name == "max-age", maxAge == nil {
                var value = parts.count == 2 ? parts[1].trimmingSpaces() : ""
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
                if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    // RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31, which the cap covers.
                    maxAge = value.count > 10 ? maximumLifetime : min(Int64(value)!, maximumLifetime)
                } else {
                    maxAge = 0
                }
            }
        }
        if noCache { return 0 }
        return maxAge ?? defaultLifetime
    }

    /// Fresh while `now - fetchedAt < lifetime` (the lifetime capped again at `maximumLifetime`: an entry written
    /// before the cap, or edited, gets no more). An entry fetched "in the future" (the clock went back) is stale:
    /// its age cannot be known.
    public static func freshness(fetchedAt: Int64, lifetime: Int64, now: Int64) -> Freshness {
        let age = now - fetchedAt
        return age >= 0 && age < min(lifetime, maximumLifetime) ? .fresh : .stale
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
