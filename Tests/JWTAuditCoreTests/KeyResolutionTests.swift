import Testing
@testable import JWTAuditCore

/// Key resolution in the core, through a file-backed provider: which metadata a token needs, a refetch for an
/// unknown kid, what is kept between tokens, and what a reader is told.
@Suite("Key resolution through a KeyProvider")
struct KeyResolutionTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let authority = "https://login.microsoftonline.com"
    static let v1Metadata = "\(authority)/\(tenant)/.well-known/openid-configuration"
    static let v2Metadata = "\(authority)/\(tenant)/v2.0/.well-known/openid-configuration"

    func tenantSource() throws -> KeySource { .entraTenant(try EntraTenant(Self.tenant), authority: Self.authority) }

    @Test(arguments: [("certificate-v1.jwt", v1Metadata, "https://sts.windows.net/\(tenant)/"),
                      ("certificate-v2.jwt", v2Metadata, "https://login.microsoftonline.com/\(tenant)/v2.0")])
    func anEntraTenantsMetadataFollowsTheTokensVersion(_ file: String, _ metadata: String, _ issuer: String) throws {
        let provider = try FileKeyProvider()
        let keys = try KeyResolution(provider: provider).keys(try tenantSource(), for: try Fixtures.example(file))
        #expect(provider.requests.first == "metadata \(metadata)")
        #expect(keys.issuers == [issuer])
        #expect(keys.metadataURL == metadata)
        #expect(keys.tenantID == Self.tenant, "a tenant named by its GUID is pinned")
        #expect(!keys.keySet.keys.isEmpty && keys.notes.isEmpty)
    }

    @Test func aResolvedSourceIsKeptForTheNextToken() throws {
        let provider = try FileKeyProvider()
        let resolution = KeyResolution(provider: provider)
        let token = try Fixtures.example("certificate-v1.jwt")
        _ = try resolution.keys(try tenantSource(), for: token)
        let asked = provider.requests.count
        _ = try resolution.keys(try tenantSource(), for: token)
        #expect(provider.requests.count == asked, "\(provider.requests)")
    }

    @Test func anUnknownKidRefetchesTheKeySetOncePerRun() throws {
        let provider = try FileKeyProvider()
        let resolution = KeyResolution(provider: provider)
        let token = try Fixtures.example("unknown-kid-v1.jwt")
        let first = try resolution.keys(.openIDConfiguration(url: Self.v1Metadata), for: token)
        #expect(provider.requests.filter { $0.hasPrefix("refetch ") }.count == 1)
        #expect(first.notes.contains { $0.contains("was not in the cached JWKS; refetched") }, "\(first.notes)")
        let second = try resolution.keys(.openIDConfiguration(url: Self.v1Metadata), for: token)
        #expect(provider.requests.filter { $0.hasPrefix("refetch ") }.count == 1, "\(provider.requests)")
        #expect(second.notes.contains { $0.contains("already refetched once in this run") }, "\(second.notes)")
    }

    @Test(arguments: [(JWKSRefetch.offline, "--offline forbids a refetch"),
                      (.rateLimited(notBefore: 1_767_226_000), "not again until 2026-01-01T00:06:40Z")])
    func aRefusedRefetchIsSaid(_ answer: JWKSRefetch, _ said: String) throws {
        let provider = try FileKeyProvider(refetchAnswer: answer)
        let keys = try KeyResolution(provider: provider)
            .keys(.openIDConfiguration(url: Self.v1Metadata), for: try Fixtures.example("unknown-kid-v1.jwt"))
        #expect(keys.notes.contains { $0.contains(said) }, "\(keys.notes)")
    }

    @Test func aStaleCacheEntryIsNamedWithItsURL() throws {
        let provider = try FileKeyProvider(provenance: .staleCacheOffline)
        let keys = try KeyResolution(provider: provider)
            .keys(.openIDConfiguration(url: Self.v1Metadata), for: try Fixtures.example("certificate-v1.jwt"))
        #expect(keys.notes.first?.hasPrefix("metadata \(Self.v1Metadata) from the cache is stale") == true, "\(keys.notes)")
        #expect(keys.notes.last?.hasPrefix("JWKS https://") == true, "\(keys.notes)")
    }

    @Test func localKeysNeedNoProvider() throws {
        let set = try KeySet.symmetric(secret: Array(repeating: 7, count: 32), source: "secret")
        let keys = try KeyResolution(provider: nil).keys(.keys(set), for: nil)
        #expect(keys.keySet.source == "secret" && keys.issuers.isEmpty && keys.notes.isEmpty)
    }

    @Test func metadataCompletesThePolicyUnlessAnIssuerWasGiven() throws {
        let keys = try KeyResolution(provider: try FileKeyProvider())
            .keys(.openIDConfiguration(url: Self.v1Metadata), for: try Fixtures.example("certificate-v1.jwt"))
        var policy = VerificationPolicy()
        #expect(policy.completed(with: keys).issuers == ["https://sts.windows.net/\(Self.tenant)/"])
        #expect(policy.completed(with: keys).issuerSource == "issuer from \(Self.v1Metadata)")
        policy.issuers = ["https://issuer.example/"]
        #expect(policy.completed(with: keys).issuers == ["https://issuer.example/"])
    }

    @Test func base64KeysInEitherAlphabet() {
        #expect(KeyResolution.decodeBase64("+/8=") == [0xFB, 0xFF])
        #expect(KeyResolution.decodeBase64("-_8") == [0xFB, 0xFF])
        #expect(KeyResolution.decodeBase64("not base64!") == nil)
        #expect(KeyResolution.decodeBase64("") == nil)
    }
}
