import JWTAuditCore

/// `check-policy`'s network settings: the shared ones, and the authority for `validate-azure-ad-token`.
struct PolicyNetworkOptions: Sendable {
    /// `--authority`; nil: the policy's `authentication-endpoint`, else the public cloud.
    var authority: String?
    var network: NetworkOptions

    init(_ parsed: ParsedArguments, command: String) throws(UsageError) {
        authority = parsed.last("authority")
        network = try NetworkOptions(parsed, command: command)
    }
}

/// Where a policy's keys come from, as APIM gets them: `openid-config` metadata and its JWKS (through
/// `KeyDiscovery`: the disk cache, `--offline`, `--cacert`, one rate-limited refetch for an unknown `kid`),
/// `issuer-signing-keys` written in the policy (`n`/`e`, Base64 symmetric bytes), and certificates uploaded to
/// APIM, which offline come from `--certificate ID=FILE`.
///
/// Microsoft: "If multiple security keys are present, then each key is tried until either all are exhausted
/// (in which case validation fails) or one succeeds". The key sets built here are tried in that spirit by the
/// caller, one `Verifier` run per set, so symmetric secrets and public keys never share a set (RFC 8725 §3.1).
final class PolicyKeySource: Sendable {
    let options: PolicyNetworkOptions
    let environment: [String: String]
    let certificates: [String: String]
    let clock: @Sendable () -> Int64
    private let lazyDiscovery: LazyKeyDiscovery

    init(options: PolicyNetworkOptions, certificates: [String: String], environment: [String: String],
         clock: @escaping @Sendable () -> Int64) {
        self.options = options
        self.certificates = certificates
        self.environment = environment
        self.clock = clock
        self.lazyDiscovery = LazyKeyDiscovery(network: options.network, environment: environment, clock: clock)
    }

    /// One metadata document's contribution: the issuer it names and the key set its `jwks_uri` publishes.
    struct Metadata: Sendable {
        let url: String
        let issuer: IssuerTemplate
        let keys: KeySet
        let notes: [String]
    }

    private func keyDiscovery() -> KeyDiscovery { lazyDiscovery.discovery }

    /// The metadata at `url` and the key set it points to. A `kid` the key set lacks triggers one refetch,
    /// rate-limited as APIM's ("pulls from the endpoint at most once per 5 min").
    func metadata(url: String, kid: String?) throws(JWTAuditError) -> Metadata {
        let discovery = keyDiscovery()
        var notes: [String] = []
        let (configuration, document) = try discovery.metadata(url: url)
        if let note = Self.provenanceNote(document, what: "metadata \(url)") { notes.append(note) }
        let jwksURL = configuration.jwksURI
        let jwks = try discovery.jwks(url: jwksURL)
        if let note = Self.provenanceNote(jwks, what: "JWKS \(jwksURL)") { notes.append(note) }
        var keys = try KeyDiscovery.keySet(jwks)
        if let kid, !keys.keys.contains(where: { $0.kid == kid }) {
            switch try discovery.refetchJWKSForUnknownKid(url: jwksURL) {
            case .refetched(let document):
                keys = try KeyDiscovery.keySet(document)
                notes.append("kid \"\(kid)\" was not in the cached JWKS; refetched \(jwksURL)")
            case .rateLimited(let notBefore):
                notes.append("kid \"\(kid)\" is not in the JWKS; it was refetched less than 5 minutes ago, so not again until \(NumericDate.formatRFC3339(notBefore)) (as APIM: \"at most once per 5 min\")")
            case .offline:
                notes.append("kid \"\(kid)\" is not in the cached JWKS and --offline forbids a refetch")
            }
        }
        return Metadata(url: url, issuer: configuration.issuer, keys: keys, notes: notes + keys.notes)
    }

    /// The metadata URL validate-azure-ad-token uses for its tenant: v1.0 or v2.0 by the token's version, as
    /// Microsoft asks, at `--authority`, else the policy's `authentication-endpoint` ("prefix https:// is
    /// optional"), else the public cloud.
    func azureADMetadataURL(tenant: String, authenticationEndpoint: String?, tokenIsV2: Bool) throws(JWTAuditError) -> String {
        var authority = EntraMetadataEndpoint.defaultAuthority
        if let given = options.authority {
            authority = given
        } else if let endpoint = authenticationEndpoint?.trimmingCharacters(), !endpoint.isEmpty {
            authority = endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") ? endpoint : "https://" + endpoint
        }
        let tenantText = EntraAuthority.strippingAuthority(tenant)
        return try EntraMetadataEndpoint.metadataURL(
            authority: authority, tenant: try EntraTenant(tenantText), version: tokenIsV2 ? .v2 : .v1)
    }

    /// Key sets for the policy's `issuer-signing-keys`, each tried on its own, those whose `id` equals the token's
    /// `kid` first. Microsoft: "If no keys match the claim, API Management will attempt each specified key", so
    /// every inline key is a lone key (used whatever the `kid`).
    func inlineKeySets(_ keys: [PolicyKey], kid: String?, expressionValues: [String: String]) throws(JWTAuditError) -> [KeySet] {
        var sets: [(matches: Bool, set: KeySet)] = []
        for key in keys {
            let label = "issuer-signing-keys key at line \(key.line)\(key.id.map { " (id \($0))" } ?? "")"
            let set: KeySet
            if let n = key.modulus, let e = key.exponent {
                var jwk = JSONObject()
                jwk.append("kty", "RSA")
                if let id = key.id { jwk.append("kid", .string(id)) }
                jwk.append("n", .string(n.trimmingCharacters()))
                jwk.append("e", .string(e.trimmingCharacters()))
                set = try KeySet.loadJWKS(.object(jwk), source: label)
            } else if let id = key.certificateID {
                guard let path = certificates[id] else {
                    throw JWTAuditError(
                        .invalidArgument,
                        "the policy's \(label) names certificate-id \"\(id)\", a certificate uploaded to APIM; give it with --certificate \(id)=FILE")
                }
                let bytes: [UInt8]
                do {
                    bytes = try FileReader.readWhole(path: path, what: "certificate file")
                } catch {
                    throw JWTAuditError(error.code, "--certificate \(id): \(error.reason)")
                }
                set = try KeySet.load(bytes, source: "certificate \(id) (\(path))")
            } else if let value = key.base64Value {
                let text = try value.resolved(expressionValues, what: label).trimmingCharacters()
                guard let secret = Self.decodeBase64(text) else {
                    throw JWTAuditError(
                        .malformedKey, "the policy's \(label) is not Base64 (Microsoft: \"the key must be provided inline within the policy in the Base64-encoded form\")")
                }
                set = try KeySet.symmetric(secret: secret, source: label)
            } else {
                continue
            }
            sets.append((kid != nil && key.id == kid, set))
        }
        return sets.filter(\.matches).map(\.set) + sets.filter { !$0.matches }.map(\.set)
    }

    /// Standard Base64 (RFC 4648 §4) with padding; base64url spelling is accepted too, since whether APIM takes
    /// it is not documented.
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

    static func provenanceNote(_ document: KeyDiscovery.Document, what: String) -> String? {
        var note: String?
        switch document.provenance {
        case .fetched, .freshCache: note = nil
        case .staleCacheOffline:
            note = "\(what) from the cache is stale (fetched at \(NumericDate.formatRFC3339(document.fetchedAt))); used because of --offline"
        }
        if let cacheNote = document.cacheNote { note = [note, cacheNote].compactMap { $0 }.joined(separator: "; ") }
        return note
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
