/// Which client tokens an effective policy admits: one token per kind of client Entra ID issues for, v1.0 and
/// v2.0, made from the policy's own tenant, audiences and client allow-list, each evaluated by the one policy
/// evaluation (`PolicyEvaluator.evaluate`) as check-policy evaluates a real token.
///
/// The tokens are synthesized, so no key signed them: the evaluation runs with `signatures: .assumed`, which
/// skips the algorithm, key and signature checks (`.notRun(.assumed)`) and reads no key. Everything else (where
/// the token is read, lifetime, audience, issuer, the client allow-list, required claims, the LastError reason)
/// is judged as for a real token. The matrix answers "would this kind of client get through, if its token were
/// genuine?": the picture of a policy that check-policy gives one token at a time.
///
/// What a token of each kind holds follows Microsoft's access token claims reference (research §5): v1.0 tokens
/// carry `appid`/`appidacr` and the issuer `https://sts.windows.net/{tid}/`, v2.0 tokens `azp`/`azpacr` and
/// `https://login.microsoftonline.com/{tid}/v2.0`; "`appidacr` … For a public client, the value is 0. When you
/// use the client ID and client secret, the value is 1. When you use a client certificate for authentication, the
/// value is 2."; in v2.0 tokens `aud` "is always the client ID of the API"; `idtyp` is `app` "only in app-only
/// access tokens"; `scp` is "only included for user tokens". The policy chooses what the client and the API
/// control (the audience, the client ID, the roles and scopes it asks for); Entra decides the rest by the kind
/// of token, and that is what the rows differ in.
public enum AdmissionMatrix {
    /// Whom the token stands for.
    public enum Client: String, Sendable, Equatable {
        /// An application on its own (client credentials): `idtyp` `app`, `roles`.
        case app
        /// A managed identity: an app-only token with `appidacr`/`azpacr` "2" and `xms_mirid` (observed).
        case managedIdentity = "managed-identity"
        /// A user, through a client app (delegated): `scp`, no `idtyp`.
        case user
    }

    /// One row's kind of token.
    public struct TokenKind: Sendable, Equatable {
        public let version: TokenVersion
        public let client: Client
        /// What `appidacr`/`azpacr` says.
        public let credential: CredentialKind

        public init(version: TokenVersion, client: Client, credential: CredentialKind) {
            self.version = version
            self.client = client
            self.credential = credential
        }

        /// `appidacr`/`azpacr`: "0" public client, "1" secret, "2" certificate (and any signed assertion).
        var credentialValue: String {
            switch credential {
            case .certificate, .unknown: return "2"
            case .secret: return "1"
            case .publicClient: return "0"
            }
        }
    }

    /// The rows, v1.0 then v2.0: an app with a certificate, an app with a secret, a public client (it gets
    /// tokens only on a user's behalf, so its row is delegated), a managed identity, and a user through a
    /// confidential client with a certificate (the strongest credential, so that the row differs from the
    /// first only by being delegated).
    public static let kinds: [TokenKind] = [TokenVersion.v1, .v2].flatMap { version in
        [
            TokenKind(version: version, client: .app, credential: .certificate),
            TokenKind(version: version, client: .app, credential: .secret),
            TokenKind(version: version, client: .user, credential: .publicClient),
            TokenKind(version: version, client: .managedIdentity, credential: .certificate),
            TokenKind(version: version, client: .user, credential: .certificate),
        ]
    }

    /// What the gateway answers one kind of token.
    public struct Row: Sendable {
        public let kind: TokenKind
        public let admitted: Bool
        public let statusCode: Int
        public let lastError: PolicyLastError?
        /// The claim whose check refused the token (`appidacr`, `aud`, `iss`, ...); nil when it is admitted, or
        /// when what refused it is no claim (where the token is read).
        public let decidedBy: String?
        /// Every claim whose check failed, `decidedBy` first: what else would refuse the token once the first is
        /// put right (a v2.0 token refused for its `aud` is refused for `appid` next: the claim-name trap).
        public let refusedBy: [String]
        /// The element that refused it.
        public let decidedAt: PolicyPlacement?
        /// The synthesized token's claims.
        public let claims: JSONObject
    }

    /// The matrix of one effective policy: its rows, and how they were made.
    public struct Table: Sendable {
        public let rows: [Row]
        /// How the tokens were made and what is inferred (the tenant, the audience, the issuer of metadata).
        public let notes: [String]
    }

    /// The one sentence every matrix carries.
    public static let assumption =
        "Signatures are assumed valid: each row is a token Entra ID would issue to that kind of client, made from the policy's own tenant, audiences and allowed clients; no key signed it, so the algorithm, key and signature checks are not run. Everything else is evaluated as check-policy evaluates a real token. Decided by: the claim whose check gave the reason, then the other claims that would refuse the token too."

    /// Evaluates every kind of token against `document` at `at`. `keys` is asked only for the issuer the
    /// policy's metadata names (a cache, never the network: see `KeyResolution.metadataIssuers`). Throws what an
    /// evaluation of a real token would: an expression the validation needs and has no value for
    /// (`.unevaluable`), a malformed attribute.
    public static func evaluate(
        _ document: PolicyDocument, expressionValues: [String: String], at: Int64, authority: String?,
        keys: KeyResolution
    ) throws(JWTAuditError) -> Table {
        guard !document.validations.isEmpty else {
            let rows = kinds.map { kind in
                Row(kind: kind, admitted: true, statusCode: 200, lastError: nil, decidedBy: nil, refusedBy: [], decidedAt: nil,
                    claims: JSONObject())
            }
            return Table(rows: rows, notes: [
                "No validate-jwt or validate-azure-ad-token at any scope: the gateway lets every request through, with or without a token.",
            ])
        }
        // A failed-validation-error-message written as an expression only words the response body, which the
        // matrix does not show: it is not asked for.
        var expressionValues = expressionValues
        var unworded: [Int] = []
        for validation in document.validations {
            if case .expression(let expression)? = validation.failedValidationErrorMessage, expressionValues[expression] == nil {
                expressionValues[expression] = "(failed-validation-error-message, not evaluated)"
                unworded.append(validation.placement.line)
            }
        }
        let synthesis = try Synthesis.make(document, expressionValues: expressionValues, authority: authority, keys: keys)
        var rows: [Row] = []
        var notes = synthesis.notes
        if !unworded.isEmpty {
            notes.append("The failed-validation-error-message expression at line \(unworded.map(String.init).joined(separator: ", ")) is not run: it words only the response body, which the matrix does not show.")
        }
        var shared = PolicyEvaluationRequest(
            token: nil, request: nil, expressionValues: expressionValues, at: at, authority: authority)
        shared.signatures = .assumed
        let prepared = PreparedPolicy(document, shared: shared, keys: keys)
        for kind in kinds {
            let claims = synthesis.claims(for: kind, at: at)
            let evaluation = try prepared.evaluate(token: Self.unsignedToken(claims), at: at)
            for note in evaluation.notes + evaluation.elements.flatMap(\.keyNotes) where !notes.contains(note) {
                notes.append(note)
            }
            let refusing: PolicyEvaluation.Element? = evaluation.accepted ? nil : evaluation.decisive
            let decidedBy = refusing.flatMap { decidingClaim($0.outcome, version: kind.version) }
            var refusedBy = decidedBy.map { [$0] } ?? []
            for check in refusing?.outcome.checks ?? [] where check.status == .fail {
                if let claim = claim(of: check, version: kind.version), !refusedBy.contains(claim) { refusedBy.append(claim) }
            }
            rows.append(Row(
                kind: kind, admitted: evaluation.accepted, statusCode: evaluation.statusCode,
                lastError: evaluation.lastError, decidedBy: decidedBy, refusedBy: refusedBy,
                decidedAt: refusing?.policy.placement, claims: claims))
        }
        return Table(rows: rows, notes: notes)
    }

    /// The claim whose check gave the LastError: the first failed check, except that missing claims are reported
    /// before mismatched values (the evaluator's order).
    static func decidingClaim(_ outcome: PolicyOutcome, version: TokenVersion) -> String? {
        let failed = outcome.checks.filter { $0.status == .fail }
        if outcome.lastError?.reason == .tokenClaimNotFound,
            let missing = failed.first(where: {
                if case .requiredClaim(let evidence) = $0.evidence { return evidence.outcome == .missing }
                return false
            })
        {
            return missing.claim
        }
        return failed.first.flatMap { claim(of: $0, version: version) }
    }

    /// The claim a check judges; nil for checks that judge no claim (where the token is read, its structure).
    static func claim(of check: CheckResult, version: TokenVersion) -> String? {
        switch check.id {
        case .audience: return "aud"
        case .issuer: return "iss"
        case .expiry: return "exp"
        case .notBefore: return "nbf"
        case .client: return version.clientClaim
        case .claim: return check.claim
        case .token, .format, .claims, .algorithm, .key, .signature, .issuedAt, .tenant, .credential, .decryption:
            return nil
        }
    }

    /// A compact JWS of `claims` whose signature no key made: `kid` and signature say so.
    static func unsignedToken(_ claims: JSONObject) -> String {
        let header = JSONObject([("typ", "JWT"), ("alg", "RS256"), ("kid", "jwtaudit-admission-matrix")])
        func segment(_ object: JSONObject) -> String {
            Base64URL.encode(Array(JSONWriter.write(.object(object), style: .compact).utf8))
        }
        return segment(header) + "." + segment(claims) + "." + Base64URL.encode(Array("signature assumed valid".utf8))
    }
}

// MARK: - over a service's policies

extension AdmissionMatrix {
    /// What every matrix of one run shares: the values of expressions, the instant, the authority, the keys
    /// (asked only for metadata issuers).
    public struct Inputs: Sendable {
        public var expressionValues: [String: String]
        public var at: Int64
        public var authority: String?
        public var keys: KeyResolution

        public init(expressionValues: [String: String], at: Int64, authority: String?, keys: KeyResolution) {
            self.expressionValues = expressionValues
            self.at = at
            self.authority = authority
            self.keys = keys
        }
    }

    /// One effective policy's matrix, or why it could not be made.
    public struct Entry: Sendable {
        /// The effective policy of a tree's operation; nil for a policy file read on its own.
        public let policy: EffectivePolicy?
        /// What `--policy` named (the tree, the template, the file).
        public let source: String
        /// Where the policy is written: its operation's or API's policy, or the file.
        public let file: String
        public let line: Int
        /// The matrix, or the reason it cannot be made (a named value or an expression without a value, text
        /// that only deployment resolves).
        public let outcome: Result<AdmissionMatrix.Table, JWTAuditError>

        /// "API orders, operation get-order (GET /orders/{id}), no product (...)" or the file.
        public var label: String { policy?.label ?? file }
    }

    /// The matrix of each of `policies` (a service's effective policies, all or the one chosen), then of the
    /// service's loose files when `standalone`.
    public static func entries(
        _ service: PolicyService, policies: [EffectivePolicy], standalone: Bool, inputs: Inputs
    ) -> [Entry] {
        var entries: [Entry] = []
        for policy in policies {
            let place = service.place(of: policy)
            let outcome: Result<AdmissionMatrix.Table, JWTAuditError>
            do {
                try service.requireKnown(policy)
                outcome = .success(try evaluate(policy.document, inputs))
            } catch {
                outcome = .failure(error)
            }
            entries.append(Entry(policy: policy, source: service.tree.path, file: place.file, line: place.line, outcome: outcome))
        }
        if standalone {
            for loose in service.standalonePolicies {
                entries.append(entry(loose.document, source: service.tree.path, file: loose.file, line: loose.line, inputs: inputs))
            }
        }
        return entries
    }

    /// The matrix of `--policy` XML files composed as scopes, outermost first (as a token is evaluated against
    /// them). A named value the policy uses and nobody supplied leaves it not evaluated; XML that cannot be read
    /// is bad input.
    public static func entry(
        scopes: [(bytes: [UInt8], sourceName: String)], namedValues: [String: String]?, inputs: Inputs
    ) throws(JWTAuditError) -> Entry {
        let names = scopes.map(\.sourceName)
        let source = names.joined(separator: " + ")
        do {
            let document = try PolicyDocument(scopes: scopes, namedValues: namedValues ?? [:], requireValidation: false)
            return entry(document, source: source, file: names.last ?? source, line: document.roots.first?.line ?? 1, inputs: inputs)
        } catch {
            guard error.code == .unevaluable else { throw error }
            return Entry(policy: nil, source: source, file: names.last ?? source, line: 1, outcome: .failure(error))
        }
    }

    /// The matrix of a policy read on its own (a file, or `--policy` scopes composed).
    public static func entry(_ document: PolicyDocument, source: String, file: String, line: Int, inputs: Inputs) -> Entry {
        let outcome: Result<AdmissionMatrix.Table, JWTAuditError>
        let unknown = PolicyService.namedValuesDeciding(document)
        if !unknown.isEmpty {
            outcome = .failure(JWTAuditError(
                .unevaluable,
                "named value\(unknown.count == 1 ? "" : "s") not supplied: \(unknown.joined(separator: ", ")), used by the token validation; give \(unknown.count == 1 ? "it" : "each") with --named-value NAME=VALUE (or --named-values FILE)"))
        } else {
            do {
                outcome = .success(try evaluate(document, inputs))
            } catch {
                outcome = .failure(error)
            }
        }
        return Entry(policy: nil, source: source, file: file, line: line, outcome: outcome)
    }

    static func evaluate(_ document: PolicyDocument, _ inputs: Inputs) throws(JWTAuditError) -> Table {
        try evaluate(
            document, expressionValues: inputs.expressionValues, at: inputs.at, authority: inputs.authority, keys: inputs.keys)
    }
}

// MARK: - what the tokens are made from

extension AdmissionMatrix {
    /// The policy's facts the tokens are made from: its tenant, its API's identity, the allowed client, the
    /// claims it requires; with a note for each that is not the policy's own word.
    struct Synthesis {
        var tenant: String
        var loginHost: String
        var audienceV1: String
        var audienceV2: String
        var client: String
        /// Required claims the rows carry whatever their kind: `roles` (app roles, of an app or of a user),
        /// and the claims that do not tell kinds apart (`groups`, custom claims), with the values the policy asks.
        var common: [(String, JSONValue)] = []
        /// `scp` for user tokens (Entra: "Only included for user tokens").
        var scopes: JSONValue?
        var notes: [String] = []

        /// The placeholders used when the policy does not say; recognisable, and GUIDs as Entra writes them.
        static let placeholderTenant = "11111111-1111-1111-1111-111111111111"
        static let placeholderAPI = "22222222-2222-2222-2222-222222222222"
        static let placeholderClient = "33333333-3333-3333-3333-333333333333"
        static let principal = "44444444-4444-4444-4444-444444444444"

        /// Claims Entra sets by the kind of token: never copied from `required-claims`, because they are what the
        /// rows differ in (or, for `aud` and `tid`, read as the API's and the tenant's identity).
        static let kindClaims: Set<String> = [
            "iss", "ver", "tid", "aud", "appid", "azp", "appidacr", "azpacr", "idtyp", "xms_mirid", "scp", "exp",
            "nbf", "iat",
        ]

        static func make(
            _ document: PolicyDocument, expressionValues: [String: String], authority: String?, keys: KeyResolution
        ) throws(JWTAuditError) -> Synthesis {
            let validation = document.validations.first { !$0.placement.conditional } ?? document.validations[0]
            var values = expressionValues
            if case .tokenValue(.expression(let expression)) = validation.tokenLocation, values[expression] == nil {
                values[expression] = "token"
            }
            let policy = try validation.resolved(expressionValues: values)
            var notes: [String] = []
            if document.validations.count > 1 {
                notes.append("The policy has \(document.validations.count) token-validating elements; the tokens are made from the first (\(validation.kind.rawValue) at line \(validation.placement.line)) and evaluated against all of them.")
            }
            let required = Dictionary(policy.requiredClaims.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

            // The login host: the policy's Entra metadata, validate-azure-ad-token's authority, else the public cloud.
            var loginHost = EntraAuthority.loginHosts[0]
            var endpoint = authority
            if endpoint == nil, policy.kind == .validateAzureADToken {
                endpoint = try PolicyEvaluator.authority(nil, endpoint: validation.authenticationEndpoint, values)
            }
            if let host = (policy.openIDConfigURLs + [endpoint].compactMap { $0 }).lazy.compactMap(EntraAuthority.entraHost(ofURL:)).first,
                EntraAuthority.loginHosts.contains(host)
            {
                loginHost = host == "login.windows.net" ? EntraAuthority.loginHosts[0] : host
            }

            // The tenant: named by the policy (tenant-id, an issuer, the metadata URL, a required tid), else by
            // the cached metadata's issuer, else a placeholder.
            var tenantNames: [String] = []
            if let tenant = policy.tenantID { tenantNames.append(EntraAuthority.strippingAuthority(tenant)) }
            tenantNames += (policy.issuers ?? []).compactMap(EntraIssuer.tenantID(in:))
            tenantNames += policy.openIDConfigURLs.compactMap(Self.tenant(inMetadataURL:))
            tenantNames += required["tid"]?.values ?? []
            var tenant = tenantNames.first(where: EntraTenant.isGUID)?.lowercased()
            if tenant == nil {
                var sources: [KeySource] = policy.openIDConfigURLs.map { .openIDConfiguration(url: $0) }
                if policy.kind == .validateAzureADToken, let name = policy.tenantID,
                    let entra = try? EntraTenant(EntraAuthority.strippingAuthority(name)), let endpoint
                {
                    sources.append(.entraTenant(entra, authority: endpoint))
                }
                for source in sources {
                    let known = try keys.metadataIssuers(source, for: nil)
                    if let found = known.issuers.lazy.compactMap(EntraIssuer.tenantID(in:)).first {
                        tenant = found.lowercased()
                        notes.append("The tenant \(found) is the one the metadata \(known.url) names.")
                        break
                    }
                }
            }
            if tenant == nil {
                let named = tenantNames.first.map { "names its tenant as \($0), whose ID is not known here" } ?? "names no tenant"
                notes.append("The policy \(named): the tokens are issued by the placeholder tenant \(placeholderTenant).")
            }

            // The API: v1.0 `aud` "can be the client ID or the resource URI used in the request", v2.0 `aud` "is
            // always the client ID of the API".
            var apiNames = policy.acceptedAudiences ?? []
            apiNames += required["aud"]?.values ?? []
            let guids = apiNames.compactMap { name -> String? in
                let bare = name.hasPrefix("api://") ? String(name.dropFirst(6)) : name
                return EntraTenant.isGUID(bare) ? bare : nil
            }
            let audienceV1 = apiNames.first ?? placeholderAPI
            let audienceV2 = guids.first ?? placeholderAPI
            if apiNames.isEmpty {
                notes.append("The policy names no audience: the tokens are for the placeholder API \(placeholderAPI).")
            } else if guids.isEmpty {
                notes.append("The policy names its API only as \(apiNames[0]); a v2.0 token's aud is always the API's client ID, which the policy does not name, so the v2.0 tokens carry the placeholder \(placeholderAPI).")
            }

            // The client: the allow-list, else a required appid/azp, else a placeholder.
            let clients = (policy.clientApplicationIDs ?? []) + (required["appid"]?.values ?? []) + (required["azp"]?.values ?? [])
            let client = clients.first ?? placeholderClient
            if clients.isEmpty {
                notes.append("The policy allows any client: the tokens come from the placeholder client \(placeholderClient).")
            }

            var synthesis = Synthesis(
                tenant: tenant ?? placeholderTenant, loginHost: loginHost, audienceV1: audienceV1, audienceV2: audienceV2,
                client: client, notes: notes)
            for claim in policy.requiredClaims where !kindClaims.contains(claim.name) {
                guard !synthesis.common.contains(where: { $0.0 == claim.name }) else { continue }
                synthesis.common.append((claim.name, Self.satisfying(claim)))
            }
            if let scp = required["scp"] {
                synthesis.scopes = Self.satisfying(scp, joinedBy: " ")
            }
            let carried = synthesis.common.map(\.0) + (synthesis.scopes == nil ? [] : ["scp (user tokens only)"])
            if !carried.isEmpty {
                synthesis.notes.append("The tokens carry the values the policy requires of \(carried.joined(separator: ", ")), so that the rows differ only by the kind of token.")
            }
            return synthesis
        }

        /// A value that meets `claim`: every value for `match="all"`, the first for `any`; joined by the
        /// separator when there is one (Entra's `scp` is "a space separated list"), else an array when several.
        static func satisfying(_ claim: ResolvedTokenValidation.Claim, joinedBy defaultSeparator: String? = nil) -> JSONValue {
            let values = claim.match == .any ? Array(claim.values.prefix(1)) : claim.values
            if values.isEmpty { return .string("present") }
            if let separator = claim.separator ?? defaultSeparator { return .string(values.joined(separator: separator)) }
            return values.count == 1 ? .string(values[0]) : .array(values.map(JSONValue.string))
        }

        /// The tenant segment of an Entra metadata URL (`https://login.microsoftonline.com/{tenant}/...`).
        static func tenant(inMetadataURL url: String) -> String? {
            guard let host = EntraAuthority.entraHost(ofURL: url), EntraAuthority.loginHosts.contains(host) else { return nil }
            let path = url.dropFirst("https://".count).drop { $0 != "/" }.dropFirst()
            let tenant = path.prefix { $0 != "/" }
            return tenant.isEmpty ? nil : String(tenant)
        }

        /// The claims Entra would put in a token of `kind` for this policy's API, judged at `at`.
        func claims(for kind: TokenKind, at: Int64) -> JSONObject {
            let v1 = kind.version == .v1
            var claims = JSONObject()
            claims.append("aud", .string(v1 ? audienceV1 : audienceV2))
            claims.append("iss", .string(EntraMetadataEndpoint.issuer(tenant: tenant, version: kind.version, loginHost: loginHost)))
            claims.append("iat", .number(JSONNumber(at - 300)))
            claims.append("nbf", .number(JSONNumber(at - 300)))
            claims.append("exp", .number(JSONNumber(at + 3600)))
            claims.append(kind.version.clientClaim, .string(client))
            claims.append(kind.version.credentialClaim, .string(kind.credentialValue))
            if kind.client != .user { claims.append("idtyp", "app") }
            claims.append("oid", .string(Self.principal))
            claims.append("sub", .string(Self.principal))
            claims.append("tid", .string(tenant))
            claims.append("ver", .string(kind.version.rawValue))
            if kind.client == .managedIdentity {
                claims.append("xms_mirid", .string("/subscriptions/\(Self.principal)/resourcegroups/jwtaudit/providers/Microsoft.ManagedIdentity/userAssignedIdentities/matrix"))
            }
            if kind.client == .user {
                claims.append("scp", scopes ?? "user_impersonation")
                claims.append("name", "Matrix User")
                claims.append(v1 ? "upn" : "preferred_username", "matrix.user@example.com")
            }
            for (name, value) in common { claims.append(name, value) }
            return claims
        }
    }
}

// MARK: - issuers without keys

extension EntraMetadataEndpoint {
    /// The issuer Entra writes into tokens of `version` for `tenant`: v1.0 `https://sts.windows.net/{tid}/`
    /// (`sts.chinacloudapi.cn` in the cloud operated by 21Vianet), v2.0 `https://{login host}/{tid}/v2.0`.
    static func issuer(tenant: String, version: TokenVersion, loginHost: String) -> String {
        switch version {
        case .v1:
            let china = loginHost.hasSuffix(".cn")
            return "https://\(china ? "sts.chinacloudapi.cn" : "sts.windows.net")/\(tenant)/"
        case .v2:
            return "https://\(loginHost)/\(tenant)/v2.0"
        }
    }

    /// The issuer Entra's metadata at `url` names, worked out from the URL alone: its tenant (a GUID, or
    /// `common`/`organizations`, whose metadata names the templated `{tenantid}` issuer) and version. nil when
    /// `url` is not Entra's metadata or names its tenant by a domain (whose ID only the metadata knows).
    public static func inferredIssuer(metadataURL url: String) -> String? {
        guard let version = PolicyLint.entraVersion(ofMetadataURL: url),
            let host = EntraAuthority.entraHost(ofURL: url), EntraAuthority.loginHosts.contains(host),
            let tenant = AdmissionMatrix.Synthesis.tenant(inMetadataURL: url)
        else { return nil }
        let name: String
        if EntraTenant.isGUID(tenant) {
            name = tenant.lowercased()
        } else if ["common", "organizations"].contains(tenant.lowercased()) {
            name = IssuerTemplate.tenantPlaceholder
        } else {
            return nil
        }
        return issuer(tenant: name, version: version, loginHost: host == "login.windows.net" ? EntraAuthority.loginHosts[0] : host)
    }
}

extension KeyResolution {
    /// The issuer a metadata source names, when signatures are assumed and no key is needed: the provider's
    /// document when it has one (the admission matrix gives it a cache that never fetches), else the issuer
    /// inferred from the URL (`EntraMetadataEndpoint.inferredIssuer`), else none, said so (the issuer is then not
    /// judged). Throws only for a source that cannot name a URL (a malformed authority).
    func metadataIssuers(_ source: KeySource, for token: CompactToken?) throws(JWTAuditError) -> (url: String, issuers: [String], notes: [String]) {
        let url: String
        switch source {
        case .openIDConfiguration(let metadata): url = metadata
        case .entraTenant(let tenant, let authority):
            url = try EntraMetadataEndpoint.metadataURL(authority: authority, tenant: tenant, version: Self.version(of: token))
        case .jwks(let jwks): return (jwks, [], [])
        case .keys(let set, _): return (set.source, [], [])
        }
        if let provider, let (configuration, document) = try? provider.metadata(url: url) {
            let when = NumericDate.formatRFC3339(document.fetchedAt)
            return (url, [configuration.issuer.template], ["The issuer of \(url) is \(configuration.issuer.template), from the cache (fetched at \(when))."])
        }
        if let inferred = EntraMetadataEndpoint.inferredIssuer(metadataURL: url) {
            return (url, [inferred], ["The issuer of \(url) is inferred from the URL: \(inferred) (the metadata is not in the cache, and the matrix does not fetch it)."])
        }
        return (url, [], ["The issuer \(url) names is not known (not in the cache, and not an Entra URL whose issuer follows from it), so the issuer is not judged."])
    }
}
