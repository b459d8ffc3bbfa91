import Synchronization

/// Where a verification's keys (and, with metadata, its accepted issuer) come from.
public enum KeySource: Sendable {
    /// Keys the caller already holds: a key file, a JWK set file, a shared secret; with what a reader should
    /// know about them besides the set's own notes (a secret file's trailing line break).
    case keys(KeySet, notes: [String] = [])
    /// A JWK set published at a URL.
    case jwks(url: String)
    /// An OpenID provider's metadata: its `issuer` and the key set at its `jwks_uri`.
    case openIDConfiguration(url: String)
    /// An Entra tenant's metadata at `authority`, v1.0 or v2.0 by the token's version.
    case entraTenant(EntraTenant, authority: String)
}

/// The keys for one token, and what their source says besides.
public struct ResolvedKeys: Sendable {
    public let keySet: KeySet
    /// The metadata's issuer (it may be a `{tenantid}` template); empty when the source has no metadata.
    public let issuers: [String]
    /// The metadata those issuers came from.
    public let metadataURL: String?
    /// The tenant an Entra tenant source pins, when it is named by its GUID.
    public let tenantID: String?
    /// What a reader should know about the documents: a stale cache, a refetch for an unknown `kid`.
    public let notes: [String]

    func adding(_ note: String) -> ResolvedKeys {
        ResolvedKeys(keySet: keySet, issuers: issuers, metadataURL: metadataURL, tenantID: tenantID, notes: notes + [note])
    }
}

/// Resolves key sources through a `KeyProvider`, for `verify` (one source, every token of a batch) and for a
/// policy's elements (their metadata, `issuer-signing-keys` and certificates) alike: one choice of v1.0 or v2.0
/// metadata by the token's version, one refetch for an unknown `kid`, one way of saying where a document came
/// from.
///
/// Documents are resolved once per URL and kept: a batch resolves per token, and must cost the provider one
/// request per metadata URL, not one per line. A `kid` the kept set lacks triggers one refetch per URL in the
/// process (the provider's own limiter, APIM's "at most once per 5 min", applies on top).
public final class KeyResolution: Sendable {
    let provider: (any KeyProvider)?
    private let resolved = Mutex<[String: ResolvedKeys]>([:])
    private let refetched = Mutex<Set<String>>([])

    public init(provider: (any KeyProvider)?) {
        self.provider = provider
    }

    /// The keys `source` gives for `token` (nil: before any token is read, for local keys).
    public func keys(_ source: KeySource, for token: CompactToken?) throws(JWTAuditError) -> ResolvedKeys {
        let url: String
        switch source {
        case .keys(let set, let notes):
            return ResolvedKeys(keySet: set, issuers: [], metadataURL: nil, tenantID: nil, notes: set.notes + notes)
        case .jwks(let jwks): url = jwks
        case .openIDConfiguration(let metadata): url = metadata
        case .entraTenant(let tenant, let authority):
            url = try EntraMetadataEndpoint.metadataURL(authority: authority, tenant: tenant, version: Self.version(of: token))
        }
        let keys: ResolvedKeys
        if let kept = resolved.withLock({ $0[url] }) {
            keys = kept
        } else {
            keys = try fetch(source, url: url)
            resolved.withLock { $0[url] = keys }
        }
        return try refreshed(keys, kid: token?.keyID)
    }

    /// The metadata a token needs: v1.0 and v2.0 metadata name different issuers and key sets. Microsoft (access
    /// tokens): "When your web app/API is validating a v1.0 token (`ver` claim ="1.0"), it needs to read the
    /// OpenID Connect metadata document from the v1.0 endpoint … a v2.0 token … from the v2.0 endpoint". A token
    /// that says nothing is taken as v1.0 (Entra's default, `requestedAccessTokenVersion` null).
    static func version(of token: CompactToken?) -> TokenVersion {
        token?.claims.flatMap(TokenVersion.init(claims:)) ?? .v1
    }

    private func provider(for url: String) throws(JWTAuditError) -> any KeyProvider {
        guard let provider else { throw JWTAuditError(.unavailable, "no way to obtain \(url)") }
        return provider
    }

    private func fetch(_ source: KeySource, url: String) throws(JWTAuditError) -> ResolvedKeys {
        let provider = try provider(for: url)
        var notes: [String] = []
        var issuers: [String] = []
        var metadataURL: String?
        var pinned: String?
        var jwksURL = url
        if case .jwks = source {
        } else {
            let (configuration, document) = try provider.metadata(url: url)
            issuers = [configuration.issuer.template]
            metadataURL = url
            jwksURL = configuration.jwksURI
            if let note = Self.provenance(document, what: "metadata") { notes.append(note) }
            if case .entraTenant(let tenant, _) = source, tenant.kind == .guid { pinned = tenant.text }
        }
        let document = try provider.jwks(url: jwksURL)
        if let note = Self.provenance(document, what: "JWKS") { notes.append(note) }
        let set = try Self.keySet(document)
        return ResolvedKeys(keySet: set, issuers: issuers, metadataURL: metadataURL, tenantID: pinned, notes: notes + set.notes)
    }

    /// The keys of a provider's key set. A set in which no key can be used is the provider's failure
    /// (`.unavailable`, "could not decide"), like any other unusable answer; the members that were skipped are in
    /// its notes.
    static func keySet(_ document: DiscoveryDocument) throws(JWTAuditError) -> KeySet {
        do {
            return try KeySet.loadJWKS(document.bytes, source: document.url)
        } catch {
            throw JWTAuditError(.unavailable, "the key set at \(document.url) cannot be used: \(error.reason)")
        }
    }

    /// A `kid` the key set lacks may be a rotated key: refetch the set once and use the new one.
    private func refreshed(_ keys: ResolvedKeys, kid: String?) throws(JWTAuditError) -> ResolvedKeys {
        guard let kid, !keys.keySet.keys.contains(where: { $0.kid == kid }) else { return keys }
        let url = keys.keySet.source
        guard let provider else { return keys }
        guard refetched.withLock({ $0.insert(url).inserted }) else {
            return keys.adding("kid \"\(kid)\" is not in the JWKS \(url), which was already refetched once in this run")
        }
        switch try provider.refetchJWKSForUnknownKid(url: url) {
        case .refetched(let document):
            // The new set's notes replace the old set's.
            let set = try Self.keySet(document)
            let updated = ResolvedKeys(
                keySet: set, issuers: keys.issuers, metadataURL: keys.metadataURL, tenantID: keys.tenantID,
                notes: keys.notes.filter { !keys.keySet.notes.contains($0) } + set.notes
                    + ["kid \"\(kid)\" was not in the cached JWKS; refetched \(url)"])
            resolved.withLock { kept in
                for (key, value) in kept where value.keySet.source == url { kept[key] = updated }
            }
            return updated
        case .rateLimited(let notBefore):
            return keys.adding(
                "kid \"\(kid)\" is not in the JWKS; it was refetched less than 5 minutes ago, so not again until \(NumericDate.formatRFC3339(notBefore)) (as APIM: \"at most once per 5 min\")")
        case .offline:
            return keys.adding("kid \"\(kid)\" is not in the cached JWKS and --offline forbids a refetch")
        }
    }

    /// The one sentence on where a document came from, when it is worth one: a stale cache entry used offline,
    /// or a fetched document that could not be cached.
    static func provenance(_ document: DiscoveryDocument, what: String) -> String? {
        var parts: [String] = []
        if document.provenance == .staleCacheOffline {
            parts.append(
                "\(what) \(document.url) from the cache is stale (fetched at \(NumericDate.formatRFC3339(document.fetchedAt))); used because of --offline")
        }
        if let cacheNote = document.cacheNote { parts.append(cacheNote) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}

extension KeyResolution {
    /// The private key supplied for a `<decryption-keys>` certificate (`KeyProvider.decryptionKeys`); nil when
    /// none was.
    func decryptionKeys(certificateID id: String) throws(JWTAuditError) -> DecryptionKeySet? {
        try provider?.decryptionKeys(certificateID: id)
    }

    /// Key sets for a policy's `issuer-signing-keys`, each tried on its own (so that a symmetric secret and public
    /// keys never share a set, RFC 8725 §3.1), each with its `id` (matched to the token's `kid` by the caller; a
    /// policy's keys do not depend on the token, so a run reads them once). Microsoft: "If no keys match the claim,
    /// API Management will attempt each specified key", so every inline key is a lone key, used whatever the `kid`
    /// when none matches.
    func policyKeySets(
        _ keys: [PolicyKey], expressionValues: [String: String]
    ) throws(JWTAuditError) -> [(id: String?, set: KeySet)] {
        var sets: [(id: String?, set: KeySet)] = []
        for key in keys {
            let label = "issuer-signing-keys key at line \(key.line)\(key.id.map { " (id \($0))" } ?? "")"
            let set: KeySet
            if let n = key.modulus, let e = key.exponent {
                var jwk = JSONObject()
                jwk.append("kty", "RSA")
                if let id = key.id { jwk.append("kid", .string(id)) }
                jwk.append("n", .string(n.trimmingXMLSpace))
                jwk.append("e", .string(e.trimmingXMLSpace))
                set = try KeySet.loadJWKS(.object(jwk), source: label)
            } else if let id = key.certificateID {
                guard let certificate = try provider?.certificate(id: id) else {
                    throw JWTAuditError(
                        .invalidArgument,
                        "the policy's \(label) names certificate-id \"\(id)\", a certificate uploaded to APIM; give it with --certificate \(id)=FILE")
                }
                set = certificate
            } else if let value = key.base64Value {
                let text = try value.resolved(expressionValues, what: label).trimmingXMLSpace
                guard let secret = Self.decodeBase64(text) else {
                    throw JWTAuditError(
                        .malformedKey,
                        "the policy's \(label) is not Base64 (Microsoft: \"the key must be provided inline within the policy in the Base64-encoded form\")")
                }
                set = try KeySet.symmetric(secret: secret, source: label)
            } else {
                continue
            }
            sets.append((key.id, set))
        }
        return sets
    }

    /// Standard Base64 (RFC 4648 §4) with padding; the base64url spelling is accepted too, since whether APIM
    /// takes it is not documented.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var s = ""
        for c in text.unicodeScalars {
            switch c {
            case "+": s.append("-")
            case "/": s.append("_")
            case "=", " ", "\n", "\r", "\t": continue
            default: s.unicodeScalars.append(c)
            }
        }
        guard !s.isEmpty else { return nil }
        // Base64URL.decode is strict about trailing bits; Base64 encoders always write canonical bits too.
        return try? Base64URL.decode(s)
    }
}
