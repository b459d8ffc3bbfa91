public import JWTAuditCore

/// Obtains OpenID metadata and key sets: from the disk cache while fresh, else over HTTPS; under `--offline`
/// from the cache only, whatever its age. Time comes from the injected clock (Unix seconds), never read here.
///
/// Only validated documents are cached (JSON metadata with `issuer` and `jwks_uri`; JSON with a `keys` array),
/// so a bad response can never be replayed from the cache.
///
/// Whatever a provider answers that cannot be used (an HTML login page, truncated JSON, an empty body, JSON
/// without `keys` or `issuer`, a key set with no usable key) is the provider's failure, not the user's input:
/// `.unavailable` (exit 2, "could not decide"), naming the URL, the HTTP status, the content type and the first
/// bytes of the answer.
public final class KeyDiscovery: KeyProvider {
    public let fetcher: HTTPFetcher
    public let cache: DiskCache
    public let offline: Bool
    let clock: @Sendable () -> Int64

    public init(fetcher: HTTPFetcher, cache: DiskCache, offline: Bool, clock: @escaping @Sendable () -> Int64) {
        self.fetcher = fetcher
        self.cache = cache
        self.offline = offline
        self.clock = clock
    }

    /// The OpenID configuration at `url` (`.../.well-known/openid-configuration`).
    public func metadata(url: String) throws(JWTAuditError) -> (configuration: OpenIDConfiguration, document: DiscoveryDocument) {
        var parsed: OpenIDConfiguration?
        let document = try obtain(url: url, what: "OpenID configuration") { (bytes) throws(JWTAuditError) in
            parsed = try OpenIDConfiguration(bytes: bytes, source: url)
        }
        if let parsed { return (parsed, document) }
        // From the cache: validated when written, validated again (never trusted blindly).
        return (try OpenIDConfiguration(bytes: document.bytes, source: url), document)
    }

    /// The JWK Set at `url`, as bytes checked to be a JSON object with a `keys` array (see `JWKSDocument`).
    public func jwks(url: String) throws(JWTAuditError) -> DiscoveryDocument {
        try obtain(url: url, what: "JWKS") { (bytes) throws(JWTAuditError) in _ = try JWKSDocument(bytes: bytes, source: url) }
    }

    /// Called when the token's `kid` is not in the key set from `jwks(url:)`: refetch once, unless offline or a
    /// forced refetch of this URL happened within the last five minutes (recorded in the cache entry).
    public func refetchJWKSForUnknownKid(url: String) throws(JWTAuditError) -> JWKSRefetch {
        if offline { return .offline }
        let now = clock()
        let previous = cache.read(url: url)
        if case .limited(let notBefore) = RefetchLimiter.decide(lastForcedRefetch: previous?.lastForcedRefetch, now: now) {
            return .rateLimited(notBefore: notBefore)
        }
        // Record the attempt before fetching, so that a failing provider is not hammered either.
        if var entry = previous {
            entry.lastForcedRefetch = now
            try? cache.write(entry)
        }
        let document = try fetchAndStore(url: url, now: now, forcedAt: now) { (bytes) throws(JWTAuditError) in
            _ = try JWKSDocument(bytes: bytes, source: url)
        }
        return .refetched(document)
    }

    // MARK: -

    private func obtain(url: String, what: String, validate: ([UInt8]) throws(JWTAuditError) -> Void)
        throws(JWTAuditError) -> DiscoveryDocument
    {
        let now = clock()
        let lookup = cache.lookup(url: url)
        let cached = lookup.entry
        if let cached, (try? validate(cached.content)) != nil {
            let fresh = CachePolicy.freshness(fetchedAt: cached.fetchedAt, lifetime: cached.lifetime, now: now) == .fresh
            if fresh || offline {
                return DiscoveryDocument(url: url, bytes: cached.content, provenance: fresh ? .freshCache : .staleCacheOffline,
                    fetchedAt: cached.fetchedAt)
            }
        }
        // What was ignored in the cache (a FIFO, a file of another user) is said, and the document fetched again.
        var ignored: String?
        if case .ignored(let why) = lookup { ignored = why }
        if offline {
            // "No cached metadata" would be false when an entry is there but refused: say why, and how to fix it.
            throw JWTAuditError(.unavailable, ignored.map { "--offline: the cached \(what) for \(url) is not used: \($0)" }
                ?? "--offline: no cached \(what) for \(url) (a run without --offline would fetch it)")
        }
        let document = try fetchAndStore(url: url, now: now, forcedAt: cached?.lastForcedRefetch, validate: validate)
        guard let ignored else { return document }
        return DiscoveryDocument(
            url: document.url, bytes: document.bytes, provenance: document.provenance, fetchedAt: document.fetchedAt,
            cacheNote: [ignored, document.cacheNote].compactMap { $0 }.joined(separator: "; "))
    }

    private func fetchAndStore(url: String, now: Int64, forcedAt: Int64?, validate: ([UInt8]) throws(JWTAuditError) -> Void)
        throws(JWTAuditError) -> DiscoveryDocument
    {
        let response = try fetcher.get(url)
        do {
            try validate(response.body)
        } catch {
            throw JWTAuditError(
                .unavailable, "the provider's answer at \(url) is unusable (\(error.reason)); it answered \(response.summary)")
        }
        let entry = DiskCache.Entry(url: url, content: response.body, fetchedAt: now,
            lifetime: CachePolicy.lifetime(cacheControl: response.cacheControl), lastForcedRefetch: forcedAt)
        // The cache is an optimisation: a read-only or refused cache directory must not fail the run.
        var note: String?
        do { try cache.write(entry) } catch { note = "not cached: \(error.reason)" }
        return DiscoveryDocument(url: url, bytes: response.body, provenance: .fetched, fetchedAt: now, cacheNote: note)
    }
}
