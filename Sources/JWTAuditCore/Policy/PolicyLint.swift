/// One lint finding: a `Finding` plus where it is (file and line, for text output and SARIF regions) and, for a
/// policy read from a service's sources, the scope it concerns.
public struct PolicyLintFinding: Sendable, Equatable {
    public var finding: Finding
    public var source: String?
    public var line: Int
    public var column: Int
    /// nil for a loose policy file, whose scope nobody said.
    public var scope: PolicyScope?
    /// Whole-tree rules judge a context (a product, an operation), not only a place in a file: two contexts can
    /// share the line and still be two findings.
    var distinctPerScope = false

    public init(finding: Finding, source: String?, line: Int, column: Int, scope: PolicyScope? = nil) {
        self.finding = finding
        self.source = source
        self.line = line
        self.column = column
        self.scope = scope
    }

    public var id: String { finding.id }
    public var severity: Finding.Severity { finding.severity }
    public var message: String { finding.message }
}

/// Where in an API Management service a policy applies. The global (service) scope has none of the four; a
/// finding on an operation's effective policy names all that lead to it.
public struct PolicyScope: Sendable, Hashable {
    public var workspace: String?
    public var product: String?
    public var api: String?
    public var operation: String?

    public init(workspace: String? = nil, product: String? = nil, api: String? = nil, operation: String? = nil) {
        self.workspace = workspace
        self.product = product
        self.api = api
        self.operation = operation
    }

    public static let global = PolicyScope()

    /// `{"workspace", "product", "api", "operation"}`, null where the scope does not narrow.
    public var jsonValue: JSONValue {
        .object(JSONObject([
            ("workspace", workspace.map(JSONValue.string) ?? .null),
            ("product", product.map(JSONValue.string) ?? .null),
            ("api", api.map(JSONValue.string) ?? .null),
            ("operation", operation.map(JSONValue.string) ?? .null),
        ]))
    }

    /// "workspace sales, product starter, API orders, operation get-order"; "global" for the service scope.
    public var description: String {
        var parts: [String] = []
        if let workspace { parts.append("workspace \(workspace)") }
        if let product { parts.append("product \(product)") }
        if let api { parts.append("API \(api)") }
        if let operation { parts.append("operation \(operation)") }
        return parts.isEmpty ? "global" : parts.joined(separator: ", ")
    }
}

/// Everything lint found, and what it read: each policy (a file, or an operation's effective policy in one
/// product context) with whether it validates a token, so the report can say which validate none.
public struct PolicyLintReport: Sendable {
    public struct Policy: Sendable, Equatable {
        public var name: String
        public var file: String?
        public var line: Int
        public var scope: PolicyScope?
        public var validatesToken: Bool

        public init(name: String, file: String?, line: Int, scope: PolicyScope? = nil, validatesToken: Bool) {
            self.name = name
            self.file = file
            self.line = line
            self.scope = scope
            self.validatesToken = validatesToken
        }
    }

    public private(set) var findings: [PolicyLintFinding] = []
    public var policies: [Policy] = []
    private var seen = Set<String>()

    public init() {}

    /// Adds another report's findings (each once) and policies.
    public mutating func merge(_ other: PolicyLintReport) {
        add(other.findings)
        policies += other.policies
    }

    mutating func sortFindings(by areInIncreasingOrder: (PolicyLintFinding, PolicyLintFinding) -> Bool) {
        findings.sort(by: areInIncreasingOrder)
    }

    /// Adds findings, each once: text that appears in many effective policies (a global policy, a fragment) is
    /// one finding, keyed by rule, file and line (and by scope for the whole-tree rules, which judge contexts).
    public mutating func add(_ new: [PolicyLintFinding]) {
        for finding in new {
            var key = "\(finding.id)\u{0}\(finding.source ?? "")\u{0}\(finding.line)"
            if finding.distinctPerScope, let scope = finding.scope { key += "\u{0}\(scope.description)" }
            if seen.insert(key).inserted { findings.append(finding) }
        }
    }
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
        // Whole-tree rules: they judge scopes composed into effective policies, per product context.
        .init(id: "validation-dropped-by-missing-base", severity: .error,
              summary: "A narrower scope's section has no <base />, so the token validation of a broader scope never runs there."),
        .init(id: "product-validation-bypassed", severity: .error,
              summary: "Token validation only in a product policy, while a request with no product (keyless, or an API-scoped, all-APIs or built-in key) reaches the operation."),
        .init(id: "operation-without-validation", severity: .warning,
              summary: "An operation validates no token while other operations of the same API do."),
        .init(id: "revision-without-validation", severity: .error,
              summary: "An API revision validates no token while another revision of the same API does; every revision is callable by its URL."),
        .init(id: "authorization-rewritten-before-validation", severity: .error,
              summary: "The Authorization header is set, deleted or replaced (set-header, authentication-*) before the token validation that reads it."),
        .init(id: "fragment-missing", severity: .error,
              summary: "include-fragment names a fragment the sources do not define (APIM refuses to save the policy)."),
        .init(id: "fragment-nested", severity: .error,
              summary: "A policy fragment includes another fragment, which APIM does not allow."),
        .init(id: "fragment-contains-base", severity: .error,
              summary: "A policy fragment contains <base /> or a section element, which APIM does not allow."),
        .init(id: "duplicate-base", severity: .error,
              summary: "More than one <base /> in one section: the broader scope's policies would run twice."),
        .init(id: "policy-not-resolvable", severity: .warning,
              summary: "Policy text that is not known without deploying (a parameter, templatefile(), a -link URL): not linted."),
        .init(id: "policy-unreadable", severity: .error,
              summary: "Policy text in the sources that is not a readable policy (malformed XML, a fragment where a document belongs)."),
        .init(id: "source-file-unreadable", severity: .warning,
              summary: "A file of the sources that could not be read (information JSON, a specification), so what it says is unknown."),
        .init(id: "named-value-unknown", severity: .info,
              summary: "A {{named value}} whose value is not in the sources (secret, Key Vault, pipeline placeholder): checks that depend on it are not judged."),
        .init(id: "named-value-missing", severity: .warning,
              summary: "A {{named value}} the sources do not define: APIM refuses to save a policy that uses it."),
        .init(id: "template-interpolation", severity: .info,
              summary: "Policy text with Bicep or Terraform interpolations (${...}), kept as written: values that depend on them are not judged."),
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
