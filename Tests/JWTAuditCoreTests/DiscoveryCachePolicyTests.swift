import Testing
@testable import JWTAuditCore

@Suite("Cache freshness and the unknown-kid refetch limiter")
struct DiscoveryCachePolicyTests {
    /// Issue 13 item 8: max-age is capped at 24 hours; a negative or unreadable one means "revalidate" (0).
    @Test(arguments: [
        (nil, 3600), ("max-age=86400, private", 86400), ("public, max-age=60", 60), ("MAX-AGE = 5", 5), ("max-age=\"7\"", 7),
        ("max-age=0", 0), ("no-cache", 0), ("no-store, max-age=600", 0), ("max-age=-1", 0), ("max-age=abc", 0),
        ("max-age=", 0), ("max-age", 0), ("max-age=1e9", 0), ("max-age=0x10", 0), ("private", 3600),
        ("max-age=10, max-age=20", 10), ("max-age=86401", 86400), ("max-age=2147483648", 86400),
        ("max-age=99999999999999999999", 86400),
    ] as [(String?, Int64)])
    func lifetimeFromCacheControl(header: String?, expected: Int64) {
        #expect(CachePolicy.lifetime(cacheControl: header) == expected, "Cache-Control: \(String(describing: header))")
    }

    @Test func freshnessByAge() {
        #expect(CachePolicy.freshness(fetchedAt: 1000, lifetime: 60, now: 1000) == .fresh)
        #expect(CachePolicy.freshness(fetchedAt: 1000, lifetime: 60, now: 1059) == .fresh)
        #expect(CachePolicy.freshness(fetchedAt: 1000, lifetime: 60, now: 1060) == .stale)
        #expect(CachePolicy.freshness(fetchedAt: 1000, lifetime: 0, now: 1000) == .stale, "max-age=0 is never fresh")
        #expect(CachePolicy.freshness(fetchedAt: 2000, lifetime: 3600, now: 1000) == .stale, "fetched in the future: clock went back")
        #expect(CachePolicy.freshness(fetchedAt: 0, lifetime: 2_147_483_648, now: 86_400) == .stale, "an old entry's lifetime is capped too")
    }

    @Test func refetchAtMostOncePerFiveMinutes() {
        #expect(RefetchLimiter.decide(lastForcedRefetch: nil, now: 1000) == .refetch)
        #expect(RefetchLimiter.decide(lastForcedRefetch: 1000, now: 1000) == .limited(notBefore: 1300))
        #expect(RefetchLimiter.decide(lastForcedRefetch: 1000, now: 1299) == .limited(notBefore: 1300))
        #expect(RefetchLimiter.decide(lastForcedRefetch: 1000, now: 1300) == .refetch)
        #expect(RefetchLimiter.decide(lastForcedRefetch: 5000, now: 1000) == .refetch, "a future stamp cannot be aged; one refetch resets it")
    }
}
