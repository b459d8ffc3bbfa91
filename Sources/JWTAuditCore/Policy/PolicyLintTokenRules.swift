/// What the per-policy rules read about one validation policy, worked out once: who issues its tokens, which
/// claims it requires, and which Entra token versions its issuer check lets through.
struct PolicyFacts {
    let issuerKind: TokenIssuerKind
    /// Literal names of the required claims.
    let claimNames: [String]
    /// The versions the issuer check accepts and what says so (`<issuers>` when listed, else the metadata), as
    /// claim-version-mismatch has always read them; nil when not every one is a known Entra form.
    let acceptedVersions: (versions: Set<TokenVersion>, basis: String)?
    /// The versions of the `openid-config` metadata, when every URL is Entra's and says its version.
    let metadataVersions: Set<TokenVersion>?
    /// The versions of `<issuers>`, when the element is there and every entry is an issuer Entra writes.
    let issuerVersions: Set<TokenVersion>?

    init(_ policy: TokenValidationPolicy) {
        issuerKind = TokenIssuerKind(policy)
        claimNames = policy.requiredClaims.compactMap(\.literalName)
        let urls = policy.openIDConfigs.compactMap { $0.url.literal?.trimmingXMLSpace }
        let known = urls.compactMap(PolicyLint.entraVersion(ofMetadataURL:))
        metadataVersions = !known.isEmpty && known.count == policy.openIDConfigs.count ? Set(known) : nil
        if let issuers = policy.issuers, !issuers.isEmpty {
            let parsed = issuers.compactMap { $0.literal.flatMap { EntraIssuer($0.trimmingXMLSpace) }?.version }
            issuerVersions = parsed.count == issuers.count ? Set(parsed) : nil
            let named = issuers.compactMap(\.literal).compactMap { PolicyLint.entraVersion(ofMetadataURL: $0.trimmingXMLSpace) }
            acceptedVersions = named.count == issuers.count ? (Set(named), "the listed issuers") : nil
        } else {
            issuerVersions = nil
            acceptedVersions = policy.issuers == nil ? metadataVersions.map { ($0, "the openid-config metadata") } : nil
        }
    }

    /// The first required claim of that (literal) name.
    func requirement(_ name: String, in policy: TokenValidationPolicy) -> ClaimRequirement? {
        policy.requiredClaims.first { $0.literalName == name }
    }
}

extension PolicyLint {
    typealias Emit = (_ id: String, _ message: String, _ line: Int?, _ severity: Finding.Severity?) -> Void

    /// credential-not-enforced: "2" means a client certificate (or another signed assertion). Microsoft: appidacr
    /// "Indicates authentication method of the client. For a public client, the value is 0. When you use the client
    /// ID and client secret, the value is 1. When you use a client certificate for authentication, the value is 2."
    static func credentialRule(_ policy: TokenValidationPolicy, _ facts: PolicyFacts, _ add: Emit) {
        let credentialClaims = policy.requiredClaims.filter { clientSecretClaims.contains($0.literalName ?? "") }
        let enforced = credentialClaims.contains { claim in
            let values = claim.values.compactMap(\.literal).map(\.trimmingXMLSpace)
            return !values.isEmpty && values.count == claim.values.count && values.allSatisfy { $0 == "2" }
        }
        // A value that is an expression or an unresolved {{named value}} is unknown here: no verdict either way.
        let credentialUnknown = credentialClaims.contains { claim in
            claim.values.contains { $0.isExpression || !NamedValues.references(in: $0.description).isEmpty }
        }
        guard !enforced && !credentialUnknown else { return }
        let line = credentialClaims.first?.line ?? (policy.requiredClaimsLine == 0 ? nil : policy.requiredClaimsLine)
        // scp: "Only included for user tokens." A delegated token's appidacr/azpacr describes the client app, and
        // the apps users sign in with (single-page, mobile, desktop) are public clients: "0".
        if let scope = facts.requirement("scp", in: policy) {
            add("credential-not-enforced",
                "the policy requires scp (line \(scope.line)), so it takes delegated user tokens, and for those appidacr/azpacr \"0\" is normal: it says the client application is a public client (a single-page, mobile or desktop app, which holds no secret), not that a secret leaked; requiring \"2\" would refuse those apps. App-only callers carry no scp and cannot pass this policy",
                line, .info)
            return
        }
        add("credential-not-enforced",
            "no required claim appidacr (v1.0) or azpacr (v2.0) with the value 2: a client that authenticated with a client secret (\"1\"), or a public client (\"0\"), gets through; require <claim name=\"appidacr\"><value>2</value></claim> (or azpacr for v2.0 tokens) to insist on a certificate",
            line, nil)
    }

    /// client-not-restricted: appid (v1.0) / azp (v2.0) is "The application ID of the client using the token".
    /// App roles restrict clients too: "The client credential flow uses this set of permission in place of user
    /// scopes for application tokens", and a role reaches only the applications an administrator granted it.
    static func clientRule(_ policy: TokenValidationPolicy, _ facts: PolicyFacts, _ add: Emit) {
        let restrictsClient = facts.claimNames.contains("appid") || facts.claimNames.contains("azp")
            || (policy.clientApplicationIDs.map { !$0.isEmpty } ?? false)
        guard !restrictsClient else { return }
        let isJWT = policy.kind == .validateJWT
        if let roles = facts.requirement("roles", in: policy), !roles.values.isEmpty {
            add("client-not-restricted",
                "no appid/azp required claim\(isJWT ? "" : " or client-application-ids"), but the policy requires the app role \(roles.values.map(\.description).joined(separator: ", ")) (line \(roles.line)): only client applications granted that role get a token carrying it, so clients are restricted by role rather than by id",
                nil, .info)
            return
        }
        add("client-not-restricted",
            "no appid/azp required claim\(isJWT ? "" : " and no client-application-ids"): any client application that can get a token for this audience is accepted",
            nil, nil)
    }

    /// audience-not-checked, foreign-audience and app-id-uri-audience-on-v2. A required `aud` claim is an audience
    /// check as much as `<audiences>`.
    static func audienceRules(_ policy: TokenValidationPolicy, _ facts: PolicyFacts, _ add: Emit) {
        let isJWT = policy.kind == .validateJWT
        let audienceClaims = policy.requiredClaims.filter { $0.literalName == "aud" && !$0.values.isEmpty }
        let others = facts.issuerKind.isEntraID ? "Microsoft Graph, another app" : "another application of the same issuer"
        if isJWT {
            if (policy.audiences ?? []).isEmpty && audienceClaims.isEmpty {
                if facts.issuerKind == .selfIssued {
                    // Whoever holds the key mints the tokens; the audience only tells apart tokens the same key
                    // signs for other services.
                    add("audience-not-checked",
                        "no <audiences> and no required aud claim: a token signed with the same key for another service is accepted here; add the audience this API's tokens carry",
                        nil, .warning)
                } else {
                    add("audience-not-checked",
                        "no <audiences> and no required aud claim: a token the issuer minted for any other API (\(others)) is accepted here",
                        nil, nil)
                }
            }
        } else if (policy.audiences ?? []).isEmpty && (policy.backendApplicationIDs ?? []).isEmpty && audienceClaims.isEmpty {
            // Microsoft: "If a client application ID isn't provided, one or more audience claims should be
            // specified": client-application-ids alone is a documented configuration.
            if let clients = policy.clientApplicationIDs, !clients.isEmpty {
                add("audience-not-checked",
                    "no <audiences>, <backend-application-ids> or required aud claim, only client-application-ids: the listed clients' tokens for other APIs (Microsoft Graph among them) may be accepted too, since whether validate-azure-ad-token then checks the audience at all is not documented; add the API's own audience to be sure",
                    nil, .info)
            } else {
                add("audience-not-checked",
                    "no <audiences>, <backend-application-ids> or required aud claim: tokens for other APIs in the tenant may be accepted (whether validate-azure-ad-token then checks the audience at all is not documented: inferred risk)",
                    nil, nil)
            }
        }

        // Every audience the policy accepts, with its line.
        func items(_ container: String, _ values: [PolicyValue]?) -> [(value: PolicyValue, line: Int)] {
            let lines = policy.listItemLines[container] ?? []
            return (values ?? []).enumerated().map { ($0.element, $0.offset < lines.count ? lines[$0.offset] : policy.placement.line) }
        }
        let listed = items("audiences", policy.audiences)
        let accepted = listed + items("backend-application-ids", policy.backendApplicationIDs)
            + audienceClaims.flatMap { claim in claim.values.map { ($0, claim.line) } }
        for (value, line) in accepted {
            guard let text = value.literal?.trimmingXMLSpace else { continue }
            if EntraAudience.isGraph(text) {
                add("foreign-audience",
                    "the audience \(text) is Microsoft Graph's: a token for Graph is meant for Graph (any app that calls Graph on a user's behalf holds one), and its signature cannot be checked outside Graph (Microsoft: \"you can't validate tokens for Microsoft Graph according to these rules due to their proprietary format\"); expose a scope or app role on this API's own app registration and accept its client id",
                    line, nil)
            } else if EntraAudience.isAzureADGraph(text) {
                add("foreign-audience",
                    "the audience \(text) is Azure AD Graph's, which Microsoft has retired (\"Azure AD Graph APIs are retired\"): a token for it was never meant for this API; expose a scope or app role on this API's own app registration and accept its client id",
                    line, nil)
            }
        }

        // app-id-uri-audience-on-v2. Microsoft, aud: "In v2.0 tokens, this value is always the client ID of the API.
        // In v1.0 tokens, it can be the client ID or the resource URI used in the request."
        guard isJWT, facts.issuerKind.isEntraID, let accepted = facts.acceptedVersions, accepted.versions == [.v2] else { return }
        func appIDURIOnly(_ values: [(value: PolicyValue, line: Int)]) -> (text: String, line: Int)? {
            var firstAppIDURI: (String, Int)?
            for (value, line) in values {
                guard let text = value.literal?.trimmingXMLSpace, NamedValues.references(in: text).isEmpty,
                      !TemplatePlaceholder.containsPlaceholder(text) else { return nil }
                if EntraTenant.isGUID(text) { return nil }
                if text.lowercased().hasPrefix("api://") {
                    if firstAppIDURI == nil { firstAppIDURI = (text, line) }
                } else if !text.contains("://") {
                    return nil  // a bare word: a client id spelt some other way, or a value jwtaudit cannot place
                }
            }
            return firstAppIDURI
        }
        let where_ = "\(accepted.basis) accept\(accepted.basis.hasSuffix("s") ? "" : "s") v2.0 tokens only"
        if let (text, line) = appIDURIOnly(listed) {
            add("app-id-uri-audience-on-v2",
                "<audiences> accepts \(text) but not the API's client id, and \(where_): v2.0 tokens carry the client id (a GUID) in aud, never the App ID URI (Microsoft: \"In v2.0 tokens, this value is always the client ID of the API\"), so every token fails with TokenAudienceNotAllowed; add <audience>{client-id}</audience>",
                line, nil)
        }
        for claim in audienceClaims {
            if let (text, _) = appIDURIOnly(claim.values.map { ($0, claim.line) }) {
                add("app-id-uri-audience-on-v2",
                    "the required aud claim accepts \(text) but not the API's client id, and \(where_): v2.0 tokens carry the client id (a GUID) in aud, never the App ID URI, so every token fails with TokenClaimValueNotAllowed; require the client id",
                    claim.line, nil)
            }
        }
    }

    /// issuer-version-mismatch: Entra writes `https://sts.windows.net/{tid}/` into v1.0 tokens and
    /// `https://login.microsoftonline.com/{tid}/v2.0` into v2.0 tokens ("If the token issued is a v2.0 token ...
    /// the URI ends in /v2.0"), and issuers are compared exactly.
    static func issuerVersionRule(_ policy: TokenValidationPolicy, _ facts: PolicyFacts, _ add: Emit) {
        let issuers = policy.issuers ?? []
        let lines = policy.listItemLines["issuers"] ?? []
        var impossible = 0
        for (index, value) in issuers.enumerated() {
            guard let text = value.literal?.trimmingXMLSpace, let host = EntraAuthority.host(ofURL: text),
                  EntraAuthority.loginHosts.contains(host) || EntraAuthority.stsHosts.contains(host),
                  EntraIssuer(text) == nil else { continue }
            impossible += 1
            let only = impossible == issuers.count && index == issuers.count - 1 && policy.openIDConfigs.isEmpty
            add("issuer-version-mismatch",
                "<issuer>\(text)</issuer> is not an issuer Entra writes into tokens: v1.0 tokens say https://sts.windows.net/{tid}/ (with the trailing slash), v2.0 tokens https://\(EntraAuthority.loginHosts[0])/{tid}/v2.0 (without one), and issuers are compared exactly, so no token matches it\(only ? "; it is the only issuer, so nothing can pass" : "")",
                index < lines.count ? lines[index] : nil, nil)
        }

        // A required ver or iss claim of the other version than every issuer the policy accepts. Explicit issuers
        // may widen what the metadata accepts (whether the gateway keeps the metadata's issuer beside them is not
        // documented), so both count.
        let acceptedSet: Set<TokenVersion>?
        if issuers.isEmpty { acceptedSet = facts.metadataVersions } else {
            acceptedSet = facts.issuerVersions.map { $0.union(facts.metadataVersions ?? []) }
        }
        if let acceptedSet {
            for claim in policy.requiredClaims where claim.literalName == "ver" || claim.literalName == "iss" {
                let texts = claim.values.compactMap { $0.literal?.trimmingXMLSpace }
                guard !texts.isEmpty, texts.count == claim.values.count else { continue }
                let versions = texts.compactMap { text -> TokenVersion? in
                    claim.literalName == "ver" ? TokenVersion(rawValue: text) : EntraIssuer(text)?.version
                }
                guard versions.count == texts.count, Set(versions).isDisjoint(with: acceptedSet) else { continue }
                let basis = issuers.isEmpty ? "the openid-config metadata" : "the issuers it accepts"
                add("issuer-version-mismatch",
                    "the policy requires \(claim.literalName!) \(texts.joined(separator: " or ")), a \(versions[0] == .v1 ? "v1.0" : "v2.0") token, but \(basis) let\(issuers.isEmpty ? "s" : "") only \(acceptedSet.contains(.v1) ? "v1.0" : "v2.0") tokens through: a token that passes the issuer check fails this claim, so nothing can pass",
                    claim.line, nil)
            }
        }

        // The metadata's version and the listed issuers' differ. Explicit issuers are honoured: Microsoft's
        // validate-jwt include pairs v2.0 metadata with a v1.0 issuer, and the pull request that added it says
        // "Added issuers and audiences as they are actually required for this to work" (azure-docs #110081).
        if let metadata = facts.metadataVersions, let listed = facts.issuerVersions, metadata.isDisjoint(with: listed) {
            let m = metadata.contains(.v1) ? "v1.0" : "v2.0", l = listed.contains(.v1) ? "v1.0" : "v2.0"
            add("issuer-version-mismatch",
                "the openid-config is \(m) metadata but every <issuers> entry is a \(l) issuer: \(l) tokens pass (explicit issuers are honoured and the metadata still supplies the tenant's signing keys; Microsoft's own validate-jwt sample pairs v2.0 metadata with a v1.0 issuer), while whether \(m) tokens also pass is not documented; if the API's tokens are \(m), list their issuer too",
                lines.first, .info)
        }
    }

    /// inline-symmetric-key. Symmetric keys "must be provided inline within the policy in the Base64-encoded form";
    /// a named value (`{{name}}`, which can be a secret or a Key Vault reference) or a pipeline placeholder keeps
    /// the key out of the file.
    static func inlineKeyRule(_ policy: TokenValidationPolicy, _ add: Emit) {
        func isInline(_ key: PolicyKey) -> Bool {
            guard let value = key.base64Value?.literal else { return false }
            return NamedValues.references(in: value).isEmpty && !TemplatePlaceholder.isPlaceholder(value)
        }
        for key in policy.issuerSigningKeys where isInline(key) {
            add("inline-symmetric-key",
                "a symmetric signing key is written in the policy: anyone who can read the policy (repository, portal, backups) can sign tokens that pass; keep it in a secret named value ({{name}}) or Key Vault",
                key.line, nil)
        }
        for key in policy.decryptionKeys where isInline(key) {
            add("inline-symmetric-key",
                "a symmetric decryption key is written in the policy: anyone who can read the policy (repository, portal, backups) can decrypt the tokens encrypted for this API and read their claims (not sign tokens: that takes the signing key); keep it in a secret named value ({{name}}) or Key Vault",
                key.line, nil)
        }
    }
}
