/// When a token names a `kid` that the cached key set lacks, jwtaudit refetches the key set once, so a key
/// rotation is picked up, but no more than once per five minutes per URL, so a flood of bad `kid`s does not
/// hammer the provider.
///
/// Azure API Management, validate-jwt: keys are refreshed hourly and "on-demand at most every 5 min" for an
/// unknown key identifier. The time of the last forced refetch is kept in the cache entry, so the limit holds
/// across processes (a CI job runs one process per token).
public enum RefetchLimiter {
    public static let interval: Int64 = 300

    public enum Decision: Sendable, Equatable {
        case refetch
        /// Not before `notBefore` (Unix seconds).
        case limited(notBefore: Int64)
    }

    /// `lastForcedRefetch` is nil when none was recorded. A recorded time in the future (the clock went back)
    /// cannot be aged, so it allows one refetch, which records the current time and so restores the limit.
    public static func decide(lastForcedRefetch: Int64?, now: Int64) -> Decision {
        guard let last = lastForcedRefetch, last <= now else { return .refetch }
        if now - last >= interval { return .refetch }
        return .limited(notBefore: last + interval)
    }
}
