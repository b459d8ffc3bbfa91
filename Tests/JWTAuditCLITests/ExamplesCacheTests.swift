import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `examples/cache` (written by examples/make-cache.sh) must be a cache DiskCache trusts and reads: the README's
/// offline check-policy runs depend on it.
@Suite("examples/cache: the pre-seeded offline cache")
struct ExamplesCacheTests {
    static let base = "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba"

    @Test(arguments: [
        ("/.well-known/openid-configuration", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/", "/discovery/keys"),
        ("/v2.0/.well-known/openid-configuration", "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/v2.0", "/discovery/v2.0/keys"),
    ])
    func metadataAndKeysAreCached(metadataPath: String, issuer: String, jwksPath: String) throws {
        let cache = DiskCache(directory: Support.packageRoot + "/examples/cache")
        let metadata = try #require(cache.read(url: Self.base + metadataPath), "no trusted entry for \(metadataPath)")
        let configuration = try OpenIDConfiguration(bytes: metadata.content, source: metadataPath)
        #expect(configuration.issuer.template == issuer)
        #expect(configuration.jwksURI == Self.base + jwksPath)
        let jwks = try #require(cache.read(url: configuration.jwksURI), "no trusted entry for \(jwksPath)")
        #expect(String(decoding: jwks.content, as: UTF8.self) == Support.readFile("examples/keys/jwks.json"),
                "the cached JWKS is examples/keys/jwks.json")
        #expect(CachePolicy.freshness(fetchedAt: jwks.fetchedAt, lifetime: jwks.lifetime, now: PolicyTest.atSeconds) == .stale,
                "stale on purpose: used only under --offline")
    }
}
