/// One lint finding: a `Finding` plus where it is (file and line, for text output and SARIF regions).
public struct PolicyLintFinding: Sendable, Equatable {
    public var finding: Finding
    public var source: String?
    public var line: Int
    public var column: Int

    public var id: String { finding.id }
    public var severity: Finding.Severity { finding.severity }
    public var message: String { finding.message }
}

/// A lint rule: a stable id (scripts and code-scanning alerts key on it), a severity and one line saying what it
/// protects against.
public struct PolicyLintRule: Sendable, Equatable {
    public let id: String
    public let severity: Finding.Severity
    public let summary: String
}

/// Lint for token-validating policies: needs no network and no token.
public enum PolicyLint {
    public static let rules: [PolicyLintRule] = securityRules + gatewayRules

    static let securityRules: [PolicyLintRule] = [
        .init(id: "credential-not-enforced", severity: .warning,
              summary: "No appidacr/azpacr = 2 requirement: tokens obtained with a client secret are accepted."),
        .init(id: "claim-version-mismatch", severity: .error,
              summary: "Required claim names belong to the other token version than the metadata accepts (appid/appidacr are v1.0, azp/azpacr are v2.0)."),
        .init(id: "client-not-restricted", severity: .warning,
              summary: "No appid/azp requirement or client-application-ids: any client application in the tenant is accepted."),
        .init(id: "audience-not-checked", severity: .error,
              summary: "No audiences: a token issued for any other API of the issuer is accepted."),
        .init(id: "unsigned-tokens-allowed", severity: .error,
              summary: "require-signed-tokens=\"false\": unsigned tokens can be forged by anyone."),
        .init(id: "expiration-not-required", severity: .warning,
              summary: "require-expiration-time=\"false\": a token without exp never expires."),
        .init(id: "clock-skew-too-large", severity: .warning,
              summary: "clock-skew over 300 seconds: expired tokens stay usable longer."),
        .init(id: "insecure-metadata-url", severity: .error,
              summary: "openid-config over plain HTTP: whoever is on the path can supply signing keys."),
        .init(id: "any-tenant-accepted", severity: .error,
              summary: "common/organizations metadata without an issuer or tid restriction: tokens from any tenant are accepted."),
        .init(id: "inline-symmetric-key", severity: .warning,
              summary: "A symmetric key written in the policy file: anyone who reads the file can mint tokens."),
        .init(id: "element-order", severity: .warning,
              summary: "Child elements are not in the documented order."),
        .init(id: "scope-without-separator", severity: .warning,
              summary: "An scp requirement without separator=\" \": scp is one space-separated string."),
        .init(id: "scheme-ignored", severity: .warning,
              summary: "require-scheme has no effect unless the token is read from the Authorization header."),
        .init(id: "unevaluable-expression", severity: .info,
              summary: "A policy expression the offline check cannot evaluate."),
        .init(id: "validation-outside-inbound", severity: .error,
              summary: "Token validation outside the inbound section: the backend is called before (or without) the check."),
    ]

    public static func rule(_ id: String) -> PolicyLintRule { rules.first { $0.id == id }! }

    static let clientSecretClaims = ["appidacr", "azpacr"]
    static let v1Claims: Set<String> = ["appid", "appidacr"]
    static let v2Claims: Set<String> = ["azp", "azpacr"]

    /// The token version a Microsoft Entra metadata or issuer URL stands for, at any authority jwtaudit knows
    /// (`EntraAuthority`: the public cloud and the national clouds). Microsoft: v2 metadata is
    /// `https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration`, v1 is without `/v2.0`;
    /// v1 tokens are issued by `https://sts.windows.net/{tid}/`, v2 by `.../{tid}/v2.0`.
    public static func entraVersion(ofMetadataURL url: String) -> TokenVersion? {
        guard let host = EntraAuthority.entraHost(ofURL: url) else { return nil }
        let lower = url.lowercased()
        if lower.contains("/v2.0/.well-known/") || lower.hasSuffix("/v2.0") || lower.contains("/v2.0/") { return .v2 }
        if lower.contains("/.well-known/openid-configuration") || EntraAuthority.stsHosts.contains(host) { return .v1 }
        return nil
    }

    public static func lint(_ document: PolicyDocument) -> [PolicyLintFinding] {
        document.validations.flatMap(lint)
    }

    public static func lint(_ policy: TokenValidationPolicy) -> [PolicyLintFinding] {
        var out: [PolicyLintFinding] = []
        let place = policy.placement
        let name = policy.kind.rawValue
        func add(_ id: String, _ message: String, line: Int? = nil) {
            let r = rule(id)
            out.append(PolicyLintFinding(
                finding: Finding(id: id, severity: r.severity, message: message), source: place.source,
                line: line ?? place.line, column: line == nil ? place.column : 1))
        }
        let claimNames = policy.requiredClaims.compactMap(\.literalName)
        let isJWT = policy.kind == .validateJWT

        // validation-outside-inbound. Microsoft: "Sections: inbound".
        if let section = place.section, section != .inbound {
            let effect: String
            switch section {
            case .outbound: effect = "it runs after the backend has answered, so the request was served before the token was checked"
            case .onError: effect = "it runs only after an error, so an ordinary request is never checked"
            case .backend: effect = "it runs where the request is forwarded, after inbound has let it through"
            case .inbound: effect = ""
            }
            add("validation-outside-inbound",
                "\(name) is in the \(section.rawValue) section, and it is documented for inbound only: \(effect)")
        }

        gatewayFindings(policy) { id, message, line in add(id, message, line: line) }

        // credential-not-enforced: "2" means a client certificate (or other signed assertion).
        let credentialClaims = policy.requiredClaims.filter { clientSecretClaims.contains($0.literalName ?? "") }
        let enforced = credentialClaims.contains { claim in
            let values = claim.values.compactMap(\.literal).map(\.trimmingXMLSpace)
            return !values.isEmpty && values.count == claim.values.count && values.allSatisfy { $0 == "2" }
        }
        // A value that is an expression or an unresolved {{named value}} is unknown here: no verdict either way.
        let credentialUnknown = credentialClaims.contains { claim in
            claim.values.contains { $0.isExpression || !NamedValues.references(in: $0.description).isEmpty }
        }
        if !enforced && !credentialUnknown {
            add("credential-not-enforced",
                "no required claim appidacr (v1.0) or azpacr (v2.0) with the value 2: a client that authenticated with a client secret (\"1\"), or a public client (\"0\"), gets through; require <claim name=\"appidacr\"><value>2</value></claim> (or azpacr for v2.0 tokens) to insist on a certificate",
                line: credentialClaims.first?.line ?? (policy.requiredClaimsLine == 0 ? nil : policy.requiredClaimsLine))
        }

        // claim-version-mismatch.
        if isJWT {
            var versions = Set<TokenVersion>()
            var basis = ""
            if let issuers = policy.issuers {
                let known = issuers.compactMap(\.literal).compactMap(entraVersion(ofMetadataURL:))
                if known.count == issuers.count { versions = Set(known); basis = "the listed issuers" }
            } else {
                let known = policy.openIDConfigs.compactMap { $0.url.literal }.compactMap(entraVersion(ofMetadataURL:))
                if !known.isEmpty && known.count == policy.openIDConfigs.count { versions = Set(known); basis = "the openid-config metadata" }
            }
            let v1Named = policy.requiredClaims.filter { v1Claims.contains($0.literalName ?? "") }
            let v2Named = policy.requiredClaims.filter { v2Claims.contains($0.literalName ?? "") }
            if versions == [.v2], let claim = v1Named.first {
                add("claim-version-mismatch",
                    "\(basis) accepts v2.0 tokens only, but the policy requires \(v1Named.compactMap(\.literalName).joined(separator: ", ")), which only v1.0 tokens carry: every token fails with TokenClaimNotFound; use azp/azpacr",
                    line: claim.line)
            } else if versions == [.v1], let claim = v2Named.first {
                add("claim-version-mismatch",
                    "\(basis) accepts v1.0 tokens only, but the policy requires \(v2Named.compactMap(\.literalName).joined(separator: ", ")), which only v2.0 tokens carry: every token fails with TokenClaimNotFound; use appid/appidacr",
                    line: claim.line)
            }
        }

        // client-not-restricted.
        let restrictsClient = claimNames.contains("appid") || claimNames.contains("azp")
            || (policy.clientApplicationIDs.map { !$0.isEmpty } ?? false)
        if !restrictsClient {
            add("client-not-restricted",
                "no appid/azp required claim\(isJWT ? "" : " and no client-application-ids"): any client application that can get a token for this audience is accepted")
        }

        // audience-not-checked.
        if isJWT {
            if policy.audiences == nil || policy.audiences?.isEmpty == true {
                add("audience-not-checked",
                    "no <audiences>: a token the issuer minted for any other API (Microsoft Graph, another app) is accepted here")
            }
        } else if (policy.audiences ?? []).isEmpty && (policy.backendApplicationIDs ?? []).isEmpty {
            add("audience-not-checked",
                "no <audiences> or <backend-application-ids>: tokens for other APIs in the tenant may be accepted (whether validate-azure-ad-token then checks the audience at all is not documented: inferred risk)")
        }

        if isJWT, policy.requireSignedTokens?.literal?.trimmingXMLSpace.lowercased() == "false" {
            add("unsigned-tokens-allowed",
                "require-signed-tokens=\"false\": anyone can write an unsigned token (alg none) with whatever claims they like")
        }
        if isJWT, policy.requireExpirationTime?.literal?.trimmingXMLSpace.lowercased() == "false" {
            add("expiration-not-required",
                "require-expiration-time=\"false\": a token without exp is accepted and stays valid forever once leaked")
        }
        if isJWT, let skew = policy.clockSkew?.literal.flatMap({ Int($0.trimmingXMLSpace) }), skew > 300 {
            add("clock-skew-too-large",
                "clock-skew=\"\(skew)\" seconds: tokens are accepted \(skew / 60) minutes after they expire (more than the 5 minutes libraries allow)")
        }
        for config in policy.openIDConfigs {
            if let url = config.url.literal, url.trimmingXMLSpace.lowercased().hasPrefix("http://") {
                add("insecure-metadata-url",
                    "openid-config url \(url) is plain HTTP: an attacker on the network path can serve their own signing keys and have forged tokens accepted",
                    line: config.line)
            }
        }

        // any-tenant-accepted.
        let multiTenantURL = policy.openIDConfigs.compactMap { $0.url.literal }.first { url in
            let lower = url.lowercased()
            return lower.contains("/common/") || lower.contains("/organizations/")
        }
        let multiTenantID = policy.tenantID?.literal.map { t in
            let lower = t.trimmingXMLSpace.lowercased()
            return lower == "common" || lower == "organizations" || lower.hasSuffix("/common") || lower.hasSuffix("/organizations")
        } ?? false
        let restrictsTenant = (policy.issuers.map { !$0.isEmpty } ?? false) || claimNames.contains("tid") || claimNames.contains("iss")
        if (multiTenantURL != nil || multiTenantID) && !restrictsTenant {
            add("any-tenant-accepted",
                "\(multiTenantURL.map { "metadata \($0)" } ?? "tenant-id \(policy.tenantID?.description ?? "")") is multi-tenant and nothing restricts the issuer or tid: a token from any Entra tenant (an attacker's own included) can pass; add <issuers> or a tid required claim")
        }

        for key in policy.issuerSigningKeys + policy.decryptionKeys {
            if let value = key.base64Value?.literal, NamedValues.references(in: value).isEmpty {
                add("inline-symmetric-key",
                    "a symmetric key is written in the policy: anyone who can read the policy (repository, portal, backups) can sign tokens that pass; keep it in a secret named value ({{name}}) or Key Vault",
                    line: key.line)
            }
        }

        // element-order: "Set the policy's elements and child elements in the order provided in the policy statement."
        let order = policy.documentedChildOrder
        var highest = -1
        for child in policy.childElements {
            guard let rank = order.firstIndex(of: child.name) else { continue }
            if rank < highest {
                add("element-order",
                    "<\(child.name)> comes after <\(order[highest])>; the documented order is \(order.joined(separator: ", ")) (the portal may refuse to save it; whether the gateway rejects it is not documented)",
                    line: child.line)
                break
            }
            highest = rank
        }

        for claim in policy.requiredClaims where claim.literalName == "scp" {
            if claim.separator?.literal != " " {
                add("scope-without-separator",
                    "the scp claim is one space-separated string (\"read write\"), but this requirement has no separator=\" \": a token holding several scopes fails even when it has the one required",
                    line: claim.line)
            }
        }

        if isJWT, policy.requireScheme != nil {
            let readsAuthorization: Bool
            switch policy.tokenLocation {
            case .header(let h): readsAuthorization = h.literal.map { $0.trimmingXMLSpace.lowercased() == "authorization" } ?? true
            default: readsAuthorization = false
            }
            if !readsAuthorization {
                add("scheme-ignored",
                    "require-scheme is set but the token is not read from the Authorization header; Microsoft: \"When using a custom header (header-name), the configured required scheme (require-scheme) will be ignored\"")
            }
        }

        for expression in policy.expressions {
            add("unevaluable-expression",
                "\(expression.what) is the policy expression \(expression.expression): it cannot be evaluated offline; when the outcome depends on it, check-policy needs its value",
                line: expression.line)
        }
        return out
    }
}

extension PolicyLint {
    /// `--fail-on error|warning|info|never` (nil = never): whether the findings make lint exit 1.
    public static func fails(_ findings: [PolicyLintFinding], failOn threshold: Finding.Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }
}
