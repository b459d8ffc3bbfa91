import Glibc
import JWTAuditCore
import Synchronization

/// Where `verify` (and `explain`) get their keys and, with discovery, their expected issuer.
struct KeySourceOptions: Sendable {
    var keyFile: String?
    /// A JWK set file, or an `https://` URL.
    var jwks: String?
    var secretFile: String?
    var secretEnv: String?
    var tenant: String?
    var authority: String = EntraMetadataEndpoint.defaultAuthority
    var openIDConfig: String?
    var network = NetworkOptions()

    var usesNetwork: Bool { tenant != nil || openIDConfig != nil || (jwks.map(KeyResolver.isURL) ?? false) }
    var hasKeySource: Bool { keyFile != nil || jwks != nil || secretFile != nil || secretEnv != nil || tenant != nil || openIDConfig != nil }
    /// Metadata supplies the issuer; local keys do not.
    var suppliesIssuer: Bool { tenant != nil || openIDConfig != nil }
}

/// Keys for one token, with what the metadata said about the issuer.
struct ResolvedKeys: Sendable {
    let keySet: KeySet
    /// Issuers from OpenID metadata (may be `{tenantid}` templates); empty for local keys.
    let issuers: [String]
    let issuerSource: String?
    /// The tenant pinned by `--tenant GUID`.
    let tenantID: String?
    /// Provenance worth a line in the report ("JWKS from cache, stale: fetched 3 h ago (offline)").
    let notes: [String]
}

/// Turns the key options into a `KeySet`, once per process for local keys, once per metadata URL for discovery.
/// Local files are read and parsed lazily (first use), so a `--help` or a usage error never pays for them, and a
/// batch parses them once for every token.
final class KeyResolver: Sendable {
    let options: KeySourceOptions
    let environment: [String: String]
    let clock: @Sendable () -> Int64
    private let memo = Mutex<[String: ResolvedKeys]>([:])
    private let lazyDiscovery: LazyKeyDiscovery
    /// JWKS URLs already refetched for an unknown `kid` in this process. The on-disk limiter does not exist with
    /// `--no-cache`, and a batch full of forged `kid`s must still cost the provider one request, not one per line.
    private let refetchedURLs = Mutex<Set<String>>([])

    init(options: KeySourceOptions, environment: [String: String], clock: @escaping @Sendable () -> Int64) {
        self.options = options
        self.environment = environment
        self.clock = clock
        self.lazyDiscovery = LazyKeyDiscovery(network: options.network, environment: environment, clock: clock)
    }

    static func isURL(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }

    /// Keys to verify `token` with. Discovery depends on the token's version (v1.0 and v2.0 metadata differ),
    /// so the result is memoised per metadata URL.
    func resolve(for token: CompactToken?) throws(JWTAuditError) -> ResolvedKeys {
        let memoKey = try memoKey(for: token)
        if let hit = memo.withLock({ $0[memoKey] }) {
            return try refreshedIfKidUnknown(hit, token: token)
        }
        let resolved = try resolveFresh(for: token)
        memo.withLock { $0[memoKey] = resolved }
        return try refreshedIfKidUnknown(resolved, token: token)
    }

    private func memoKey(for token: CompactToken?) throws(JWTAuditError) -> String {
        if let tenant = options.tenant { return try metadataURL(tenant: tenant, token: token) }
        return "local"
    }

    private func metadataURL(tenant: String, token: CompactToken?) throws(JWTAuditError) -> String {
        let version = token?.claims.flatMap(TokenVersion.init(claims:)) ?? .v1
        return try EntraMetadataEndpoint.metadataURL(
            authority: options.authority, tenant: EntraTenant(tenant), version: version)
    }

    private func keyDiscovery() -> KeyDiscovery { lazyDiscovery.discovery }

    private func readFile(_ path: String, what: String) throws(JWTAuditError) -> [UInt8] {
        do {
            return try FileReader.readWhole(path: path, what: what)
        } catch {
            if error.code == .limitExceeded { throw error }
            throw JWTAuditError(error.code, "\(what): \(error.reason)")
        }
    }

    private func resolveFresh(for token: CompactToken?) throws(JWTAuditError) -> ResolvedKeys {
        var notes: [String] = []
        if let path = options.keyFile {
            let set = try KeySet.load(try readFile(path, what: "key file"), source: path)
            return ResolvedKeys(keySet: set, issuers: [], issuerSource: nil, tenantID: nil, notes: notes)
        }
        if let path = options.secretFile {
            let set = try KeySet.symmetric(secret: try readFile(path, what: "secret file"), source: path)
            return ResolvedKeys(keySet: set, issuers: [], issuerSource: nil, tenantID: nil, notes: notes)
        }
        if let name = options.secretEnv {
            guard let value = environment[name], !value.isEmpty else {
                throw JWTAuditError(.invalidArgument, "environment variable \(name) (--secret-env) is not set or empty")
            }
            let set = try KeySet.symmetric(secret: Array(value.utf8), source: "$\(name)")
            return ResolvedKeys(keySet: set, issuers: [], issuerSource: nil, tenantID: nil, notes: notes)
        }
        if let jwks = options.jwks, !Self.isURL(jwks) {
            let set = try KeySet.loadJWKS(try readFile(jwks, what: "JWK set"), source: jwks)
            return ResolvedKeys(keySet: set, issuers: [], issuerSource: nil, tenantID: nil, notes: notes)
        }

        // Discovery.
        let discovery = keyDiscovery()
        var issuers: [String] = []
        var issuerSource: String?
        var pinned: String?
        var jwksURL = options.jwks
        var metadataURL: String?
        if let tenant = options.tenant {
            metadataURL = try self.metadataURL(tenant: tenant, token: token)
            let parsed = try EntraTenant(tenant)
            if parsed.kind == .guid { pinned = tenant }
        } else if let config = options.openIDConfig {
            metadataURL = config
        }
        if let metadataURL {
            let (configuration, document) = try discovery.metadata(url: metadataURL)
            issuers = [configuration.issuer.template]
            issuerSource = "issuer from \(metadataURL)"
            if jwksURL == nil { jwksURL = configuration.jwksURI }
            if let note = Self.provenanceNote(document, what: "metadata") { notes.append(note) }
        }
        guard let jwksURL else {
            throw JWTAuditError(.invalidArgument, "no key source")
        }
        let document = try discovery.jwks(url: jwksURL)
        if let note = Self.provenanceNote(document, what: "JWKS") { notes.append(note) }
        let set = try KeySet.loadJWKS(document.bytes, source: jwksURL)
        return ResolvedKeys(keySet: set, issuers: issuers, issuerSource: issuerSource, tenantID: pinned, notes: notes)
    }

    /// A `kid` that the cached key set lacks may be a rotated key: refetch once (rate-limited as APIM does, at
    /// most once per 5 minutes per URL) and use the new set.
    private func refreshedIfKidUnknown(_ resolved: ResolvedKeys, token: CompactToken?) throws(JWTAuditError) -> ResolvedKeys {
        guard options.usesNetwork, let kid = token?.keyID,
            !resolved.keySet.keys.contains(where: { $0.kid == kid })
        else { return resolved }
        let url = resolved.keySet.source
        guard Self.isURL(url) else { return resolved }
        let first = refetchedURLs.withLock { $0.insert(url).inserted }
        guard first else {
            return ResolvedKeys(
                keySet: resolved.keySet, issuers: resolved.issuers, issuerSource: resolved.issuerSource,
                tenantID: resolved.tenantID,
                notes: resolved.notes + ["kid \"\(kid)\" is not in the JWKS, which was already refetched once in this run"])
        }
        switch try keyDiscovery().refetchJWKSForUnknownKid(url: url) {
        case .refetched(let document):
            let set = try KeySet.loadJWKS(document.bytes, source: url)
            let updated = ResolvedKeys(
                keySet: set, issuers: resolved.issuers, issuerSource: resolved.issuerSource,
                tenantID: resolved.tenantID, notes: resolved.notes + ["kid \"\(kid)\" was not in the cached JWKS; refetched \(url)"])
            memo.withLock { memo in
                for (key, value) in memo where value.keySet.source == url { memo[key] = updated }
            }
            return updated
        case .rateLimited(let notBefore):
            return ResolvedKeys(
                keySet: resolved.keySet, issuers: resolved.issuers, issuerSource: resolved.issuerSource,
                tenantID: resolved.tenantID,
                notes: resolved.notes + ["kid \"\(kid)\" is not in the JWKS; it was refetched less than 5 minutes ago, so not again until \(NumericDate.formatRFC3339(notBefore))"])
        case .offline:
            return ResolvedKeys(
                keySet: resolved.keySet, issuers: resolved.issuers, issuerSource: resolved.issuerSource,
                tenantID: resolved.tenantID,
                notes: resolved.notes + ["kid \"\(kid)\" is not in the cached JWKS and --offline forbids a refetch"])
        }
    }

    static func provenanceNote(_ document: KeyDiscovery.Document, what: String) -> String? {
        var note: String?
        switch document.provenance {
        case .fetched: note = nil
        case .freshCache: note = nil
        case .staleCacheOffline: note = "\(what) from the cache is stale (fetched at \(NumericDate.formatRFC3339(document.fetchedAt))); used because of --offline"
        }
        if let cacheNote = document.cacheNote { note = [note, cacheNote].compactMap { $0 }.joined(separator: "; ") }
        return note
    }
}
