/// Where the core gets what it cannot read itself: a provider's OpenID metadata and key sets, by URL, and the
/// certificates a gateway holds. The core never touches the network, a cache or a file; the CLI's fetcher and
/// disk cache conform (swift-certificates asks its `OCSPRequester` the same way), and tests conform with files.
public protocol KeyProvider: Sendable {
    /// The OpenID configuration at `url` (`…/.well-known/openid-configuration`), parsed, with where it came from.
    func metadata(url: String) throws(JWTAuditError) -> (configuration: OpenIDConfiguration, document: DiscoveryDocument)

    /// The JWK Set at `url`.
    func jwks(url: String) throws(JWTAuditError) -> DiscoveryDocument

    /// Called when a token's `kid` is not in the set `jwks(url:)` gave: fetch it again, unless that is not
    /// allowed now. APIM "pulls from the endpoint at most once per 5 min" for an unknown kid.
    func refetchJWKSForUnknownKid(url: String) throws(JWTAuditError) -> JWKSRefetch

    /// A certificate uploaded to the gateway (a policy's `certificate-id`); nil when none was supplied for `id`.
    func certificate(id: String) throws(JWTAuditError) -> KeySet?

    /// The private key of a certificate uploaded to the gateway, for a policy's `<decryption-keys><key
    /// certificate-id>`; nil when none was supplied for `id`. APIM's certificate entities are PKCS#12 ("Base 64
    /// encoded certificate using the application/x-pkcs12 representation"), so the gateway always holds the key:
    /// a supplied certificate without it is `.unavailable` (no answer can be given), not a decryption failure.
    func decryptionKeys(certificateID id: String) throws(JWTAuditError) -> DecryptionKeySet?
}

extension KeyProvider {
    /// Providers of metadata only hold no gateway certificates.
    public func certificate(id: String) throws(JWTAuditError) -> KeySet? { nil }
    public func decryptionKeys(certificateID id: String) throws(JWTAuditError) -> DecryptionKeySet? { nil }
}

/// A document a provider supplied, and where it came from (a report says when it is a stale cache entry).
public struct DiscoveryDocument: Sendable, Equatable {
    public enum Provenance: Sendable, Equatable {
        case fetched
        case freshCache
        /// `--offline` with an entry past its lifetime.
        case staleCacheOffline
    }

    public let url: String
    public let bytes: [UInt8]
    public let provenance: Provenance
    /// Unix seconds of the fetch that produced these bytes.
    public let fetchedAt: Int64
    /// Set when a fetched document could not be cached (the run still succeeds; the report says so).
    public let cacheNote: String?

    public init(url: String, bytes: [UInt8], provenance: Provenance, fetchedAt: Int64, cacheNote: String? = nil) {
        self.url = url
        self.bytes = bytes
        self.provenance = provenance
        self.fetchedAt = fetchedAt
        self.cacheNote = cacheNote
    }
}

/// The answer to a refetch for an unknown `kid`.
public enum JWKSRefetch: Sendable, Equatable {
    /// The key set was fetched again.
    case refetched(DiscoveryDocument)
    /// Another forced refetch of this URL happened less than `RefetchLimiter.interval` ago.
    case rateLimited(notBefore: Int64)
    /// The network may not be used (`--offline`).
    case offline
}
