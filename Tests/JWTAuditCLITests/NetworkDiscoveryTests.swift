import Glibc
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// KeyDiscovery end to end: Entra-shaped metadata and key sets on a real HTTPS server, a real disk cache, an
/// injected clock. Two `KeyDiscovery` values over one cache directory stand for two runs of the tool.
@Suite("Key discovery: metadata, JWKS, cache, offline, kid refetch")
struct NetworkDiscoveryTests {
    static let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let otherTid = "9188040d-6c67-4c5b-b112-36a304b66dad"

    /// A folder laid out like login.microsoftonline.com.
    static func entraServer() throws -> TestServer {
        let server = try TestServer()
        let t = tid
        try server.serve("\(t)/v2.0/.well-known/openid-configuration",
            #"{"token_endpoint":"x","jwks_uri":"{{BASE}}/\#(t)/discovery/v2.0/keys","issuer":"https://login.microsoftonline.com/\#(t)/v2.0"}"#)
        try server.serve("\(t)/.well-known/openid-configuration",
            #"{"jwks_uri":"{{BASE}}/\#(t)/discovery/keys","issuer":"https://sts.windows.net/\#(t)/"}"#)
        try server.serve("common/v2.0/.well-known/openid-configuration",
            #"{"jwks_uri":"{{BASE}}/common/discovery/v2.0/keys","issuer":"https://login.microsoftonline.com/{tenantid}/v2.0"}"#)
        try server.serve("\(t)/discovery/v2.0/keys", #"{"keys":[{"kty":"RSA","kid":"v2-key","issuer":"https://login.microsoftonline.com/\#(t)/v2.0"}]}"#)
        try server.serve("\(t)/discovery/keys", #"{"keys":[{"kty":"RSA","kid":"v1-key"}]}"#)
        try server.serve("common/discovery/v2.0/keys", #"{"keys":[{"kty":"RSA","kid":"c","issuer":"https://login.microsoftonline.com/{tenantid}/v2.0"}]}"#)
        try server.serve("jwks.json", #"{"keys":[{"kty":"RSA","kid":"old"}]}"#)
        try server.serve("not-keys.json", #"{"items":[]}"#)
        try server.serve("no-jwks-uri/.well-known/openid-configuration", #"{"issuer":"https://issuer.example"}"#)
        return server
    }

    func discovery(_ cache: TemporaryDirectory?, _ clock: TestClock, offline: Bool = false) -> KeyDiscovery {
        let fetcher = HTTPFetcher(options: .init(timeoutSeconds: 5, caFile: (try? TestPKI.get().caFile) ?? "/missing-test-ca.pem",
            environment: [:]))
        return KeyDiscovery(fetcher: fetcher, cache: DiskCache(directory: cache.map { $0.path + "/jwtaudit" }), offline: offline,
            clock: clock.function)
    }

    @Test(arguments: [TokenVersion.v1, .v2])
    func tenantMetadataThenKeysByTokenVersion(version: TokenVersion) throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let url = try EntraMetadataEndpoint.metadataURL(authority: server.base + "/", tenant: try EntraTenant(Self.tid), version: version)
        let (configuration, document) = try discovery(cache, TestClock()).metadata(url: url)
        #expect(document.provenance == .fetched)
        let expectedIssuer = version == .v1 ? "https://sts.windows.net/\(Self.tid)/" : "https://login.microsoftonline.com/\(Self.tid)/v2.0"
        #expect(configuration.issuer.template == expectedIssuer)
        #expect(!configuration.issuer.isTenantTemplated)
        let jwks = try discovery(cache, TestClock()).jwks(url: configuration.jwksURI)
        #expect(String(decoding: jwks.bytes, as: UTF8.self).contains(version == .v1 ? "v1-key" : "v2-key"))
    }

    @Test func multiTenantMetadataHasATemplatedIssuer() throws {
        let server = try Self.entraServer()
        let url = try EntraMetadataEndpoint.metadataURL(authority: server.base, tenant: try EntraTenant("common"), version: .v2)
        let (configuration, _) = try discovery(nil, TestClock()).metadata(url: url)
        #expect(configuration.issuer.isTenantTemplated, "any tenant's token passes unless --tenant names one")
        #expect(configuration.issuer.matches(issuer: "https://login.microsoftonline.com/\(Self.otherTid)/v2.0", tokenTenantID: Self.otherTid))
        #expect(!configuration.issuer.matches(issuer: "https://login.microsoftonline.com/\(Self.tid)/v2.0", tokenTenantID: Self.otherTid))
    }

    @Test func secondRunUsesTheCache() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/\(Self.tid)/discovery/v2.0/keys")
        let first = try discovery(cache, clock).jwks(url: url)
        clock.advance(60)
        let second = try discovery(cache, clock).jwks(url: url)
        #expect(first.provenance == .fetched)
        #expect(second.provenance == .freshCache)
        #expect(second.bytes == first.bytes)
        #expect(second.fetchedAt == clock.now - 60)
        #expect(server.fetchCount("/\(Self.tid)/discovery/v2.0/keys") == 1, "server log: \(server.requests)")
    }

    @Test func maxAgeIsHonoured() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/max-age/60/jwks.json")
        _ = try discovery(cache, clock).jwks(url: url)
        clock.advance(59)
        #expect(try discovery(cache, clock).jwks(url: url).provenance == .freshCache)
        clock.advance(1)
        #expect(try discovery(cache, clock).jwks(url: url).provenance == .fetched, "stale after max-age=60")
        #expect(server.fetchCount("/max-age/60/jwks.json") == 2)
    }

    /// Issue 13 item 8: a provider cannot pin its keys past 24 hours, and a max-age that is not a number of
    /// seconds means "revalidate".
    @Test func maxAgeIsCappedAtADayAndANegativeOneRevalidates() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let pinned = server.url("/max-age/2147483648/jwks.json")
        _ = try discovery(cache, clock).jwks(url: pinned)
        clock.advance(86_399)
        #expect(try discovery(cache, clock).jwks(url: pinned).provenance == .freshCache)
        clock.advance(1)
        #expect(try discovery(cache, clock).jwks(url: pinned).provenance == .fetched, "stale after 24 h whatever max-age says")
        #expect(server.fetchCount("/max-age/2147483648/jwks.json") == 2)

        let negative = server.url("/max-age/-5/jwks.json")
        _ = try discovery(cache, clock).jwks(url: negative)
        #expect(try discovery(cache, clock).jwks(url: negative).provenance == .fetched, "max-age=-5: revalidate")
        #expect(server.fetchCount("/max-age/-5/jwks.json") == 2)
    }

    @Test func oneHourWithoutMaxAge() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        _ = try discovery(cache, clock).jwks(url: url)
        clock.advance(3599)
        #expect(try discovery(cache, clock).jwks(url: url).provenance == .freshCache)
        clock.advance(1)
        #expect(try discovery(cache, clock).jwks(url: url).provenance == .fetched)
        #expect(server.fetchCount("/jwks.json") == 2)
    }

    @Test func corruptCacheEntryIsRefetched() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        let d = discovery(cache, clock)
        _ = try d.jwks(url: url)
        let path = try #require(d.cache.path(for: url))
        try cache.write(String(path.dropFirst(cache.path.count + 1)), "jwtaudit-cache 1\nurl \(url)\ngarbage")
        let again = try discovery(cache, clock).jwks(url: url)
        #expect(again.provenance == .fetched)
        #expect(server.fetchCount("/jwks.json") == 2)
        #expect(d.cache.read(url: url) != nil, "the refetch repaired the entry")
    }

    @Test func offlineWithoutCacheNamesTheURLAndTouchesNothing() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let url = server.url("/jwks.json")
        let error = thrownError { () throws(JWTAuditError) in try discovery(cache, TestClock(), offline: true).jwks(url: url) }
        #expect(error?.code == .unavailable)
        #expect(error?.reason.contains(url) == true, "\(String(describing: error))")
        let metadataURL = server.url("/common/v2.0/.well-known/openid-configuration")
        let metadataError = thrownError { () throws(JWTAuditError) in try discovery(nil, TestClock(), offline: true).metadata(url: metadataURL) }
        #expect(metadataError?.reason.contains(metadataURL) == true)
        #expect(server.requests.isEmpty, "offline never touches the network: \(server.requests)")
    }

    @Test func offlineUsesTheCacheWhateverItsAgeAndSaysStale() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        _ = try discovery(cache, clock).jwks(url: url)
        clock.advance(30)
        #expect(try discovery(cache, clock, offline: true).jwks(url: url).provenance == .freshCache)
        clock.advance(86400 * 30)
        let stale = try discovery(cache, clock, offline: true).jwks(url: url)
        #expect(stale.provenance == .staleCacheOffline)
        #expect(stale.fetchedAt == clock.now - 86400 * 30 - 30)
        #expect(server.fetchCount("/jwks.json") == 1)
    }

    @Test func staleCacheIsNotUsedWhenTheFetchFailsOnline() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        _ = try discovery(cache, clock).jwks(url: url)
        server.stop()
        clock.advance(7200)
        let error = thrownError { () throws(JWTAuditError) in try discovery(cache, clock).jwks(url: url) }
        #expect(error?.code == .unavailable, "could not decide; --offline is the explicit way to use stale keys")
    }

    /// Issue 13 item 5: what a provider answers that cannot be used is its failure (could not decide), with the
    /// URL, the status, the content type and the first bytes; and it is never cached.
    @Test func anUnusableAnswerIsTheProvidersFailureAndIsNotCached() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let d = discovery(cache, TestClock())
        let cases: [(String, String, Bool)] = [
            ("/not-json", "Content-Type text/html, 33 bytes: \"<html><body>Sign in</body></html>\"", true),
            ("/no-jwks-uri/.well-known/openid-configuration", "has no 'jwks_uri'", true),
            ("/not-keys.json", "has no 'keys' member", false),
            ("/not-json", "Content-Type text/html", false),
        ]
        for (path, said, isMetadata) in cases {
            let url = server.url(path)
            let error = thrownError { () throws(JWTAuditError) in
                if isMetadata { _ = try d.metadata(url: url) } else { _ = try d.jwks(url: url) }
            }
            #expect(error?.code == .unavailable, "\(path): \(String(describing: error))")
            #expect(error?.reason.contains("the provider's answer at \(url) is unusable") == true, "\(String(describing: error))")
            #expect(error?.reason.contains("it answered HTTP 200, Content-Type") == true, "\(String(describing: error))")
            #expect(error?.reason.contains(said) == true, "\(path): \(String(describing: error))")
            #expect(d.cache.read(url: url) == nil, "\(path) must not be cached")
        }
    }

    @Test func unknownKidRefetchIsRateLimitedAcrossRuns() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        let t0 = clock.now
        #expect(String(decoding: try discovery(cache, clock).jwks(url: url).bytes, as: UTF8.self).contains("old"))
        // The provider rotates its key; the token names the new kid.
        try server.serve("jwks.json", #"{"keys":[{"kty":"RSA","kid":"new"}]}"#)
        clock.advance(10)
        guard case .refetched(let document) = try discovery(cache, clock).refetchJWKSForUnknownKid(url: url) else {
            Issue.record("first unknown kid must refetch"); return
        }
        #expect(String(decoding: document.bytes, as: UTF8.self).contains("new"), "the rotated key is picked up")
        // Another run, 4 minutes later, with another unknown kid: limited.
        clock.advance(240)
        #expect(try discovery(cache, clock).refetchJWKSForUnknownKid(url: url) == .rateLimited(notBefore: t0 + 10 + 300))
        // The normal path still uses the refreshed cache.
        #expect(String(decoding: try discovery(cache, clock).jwks(url: url).bytes, as: UTF8.self).contains("new"))
        clock.advance(60)
        guard case .refetched = try discovery(cache, clock).refetchJWKSForUnknownKid(url: url) else {
            Issue.record("five minutes later a refetch is allowed again"); return
        }
        #expect(try discovery(cache, clock, offline: true).refetchJWKSForUnknownKid(url: url) == .offline)
        #expect(server.fetchCount("/jwks.json") == 3, "initial fetch + two forced refetches: \(server.requests)")
    }

    @Test func failingForcedRefetchStillCountsAgainstTheLimit() throws {
        let server = try Self.entraServer()
        let cache = try TemporaryDirectory()
        let clock = TestClock()
        let url = server.url("/jwks.json")
        _ = try discovery(cache, clock).jwks(url: url)
        try server.serve("jwks.json", "not json")
        clock.advance(10)
        let error = thrownError { () throws(JWTAuditError) in try discovery(cache, clock).refetchJWKSForUnknownKid(url: url) }
        #expect(error?.code == .unavailable)
        clock.advance(10)
        #expect(try discovery(cache, clock).refetchJWKSForUnknownKid(url: url) == .rateLimited(notBefore: clock.now - 10 + 300))
        #expect(String(decoding: try discovery(cache, clock).jwks(url: url).bytes, as: UTF8.self).contains("old"),
            "the good cached key set survives a bad refetch")
    }
}

@Suite("Key discovery with an unusable cache directory")
struct NetworkDiscoveryCacheFailureTests {
    @Test func aRefusedCacheDirectoryDoesNotFailTheRunButIsReported() throws {
        let server = try NetworkDiscoveryTests.entraServer()
        let tmp = try TemporaryDirectory()
        chmod(tmp.path, 0o777) // writable by others: refused as a cache directory
        let fetcher = HTTPFetcher(options: .init(timeoutSeconds: 5, caFile: try TestPKI.get().caFile, environment: [:]))
        let d = KeyDiscovery(fetcher: fetcher, cache: DiskCache(directory: tmp.path), offline: false, clock: TestClock().function)
        let document = try d.jwks(url: server.url("/jwks.json"))
        #expect(document.provenance == .fetched)
        #expect(document.cacheNote?.contains("writable by others") == true, "\(String(describing: document.cacheNote))")
    }
}
