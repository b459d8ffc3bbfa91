/// A policy as APIM would run it: one whole `<policies>` document, a `<fragment>`, bare policy statements (one
/// or more `validate-jwt`/`validate-azure-ad-token` elements, maybe wrapped), or several scopes composed into one.
///
/// Most policies at most scopes validate no token (a product's rate limit, an API's backend): such a document is
/// read all the same, with no validations, and lint says it validates none. Only evaluating a token needs one.
public struct PolicyDocument: Sendable {
    /// The top-level elements after composition and named-value substitution.
    public let roots: [XMLElement]
    /// Every token-validating policy, in document order (none for most policies).
    public let validations: [TokenValidationPolicy]

    public init(roots: [XMLElement]) throws(JWTAuditError) {
        try PolicyDocument.requirePolicy(roots)
        self.roots = roots
        self.validations = try PolicyDocument.findValidations(in: roots)
    }

    /// Whether the policy validates a token at all (somewhere, maybe under a condition).
    public var validatesToken: Bool { !validations.isEmpty }

    /// The top-level elements an APIM policy file can hold: a whole document, a fragment, a section, or policy
    /// statements given bare (snippets, the examples of Microsoft's policy reference). Anything else, a Maven
    /// `<project>` or an XHTML page, is not a policy at all.
    public static let rootElements: Set<String> = [
        "policies", "fragment", "inbound", "backend", "outbound", "on-error",
        "authentication-basic", "authentication-certificate", "authentication-managed-identity", "base",
        "cache-lookup", "cache-lookup-value", "cache-remove-value", "cache-store", "cache-store-value",
        "check-header", "choose", "cors", "cosmosdb-data-source", "cross-domain", "emit-metric",
        "find-and-replace", "forward-request", "get-authorization-context", "http-data-source", "include-fragment",
        "invoke-dapr-binding", "ip-filter", "json-to-xml", "jsonp", "limit-concurrency", "log-to-eventhub",
        "mock-response", "proxy", "publish-event", "publish-to-dapr", "quota", "quota-by-key", "rate-limit",
        "rate-limit-by-key", "redirect-content-urls", "retry", "return-response", "rewrite-uri",
        "send-one-way-request", "send-request", "send-service-bus-message", "set-backend-service", "set-body",
        "set-graphql-resolver", "set-header", "set-method", "set-query-parameter", "set-status", "set-variable",
        "sql-data-source", "trace", "validate-azure-ad-token", "validate-client-certificate", "validate-content",
        "validate-graphql-request", "validate-headers", "validate-jwt", "validate-odata-request",
        "validate-parameters", "validate-status-code", "wait", "xml-to-json", "xsl-transform",
    ]

    /// Refuses what is not a policy at all (exit 3 with the line and what was expected). The AI gateway's
    /// families (`llm-*`, `azure-openai-*`) grow every few months, so they are accepted by prefix.
    public static func requirePolicy(_ roots: [XMLElement]) throws(JWTAuditError) {
        for root in roots where !rootElements.contains(root.name)
            && !root.name.hasPrefix("llm-") && !root.name.hasPrefix("azure-openai-")
        {
            throw JWTAuditError(
                .malformedPolicy,
                "\(root.source.map { "\($0): " } ?? "")line \(root.line), column \(root.column): <\(root.name)> is not an APIM policy: expected <policies>, <fragment>, a section such as <inbound>, or policy statements such as <validate-jwt>")
        }
    }

    /// Reads one file: XML, then named values (every missing name reported at once), then the model.
    public init(bytes: [UInt8], sourceName: String? = nil, namedValues: [String: String]? = nil,
                limits: XMLReader.Limits = .default) throws(JWTAuditError) {
        var roots = try XMLReader.parse(bytes, sourceName: sourceName, limits: limits)
        if let namedValues { roots = try NamedValues.resolve(roots, values: namedValues) }
        try self.init(roots: roots)
    }

    /// Reads `--policy` files given outermost scope first, to evaluate a token: one file is read as it is (a
    /// whole document or a bare fragment); several are composed with `<base />`. Named values are substituted
    /// after composition, so a missing name anywhere in the effective policy is reported together with all the
    /// others. A policy that validates no token has nothing to evaluate a token against: bad input.
    public init(scopes: [(bytes: [UInt8], sourceName: String)], namedValues: [String: String]? = nil,
                limits: XMLReader.Limits = .default) throws(JWTAuditError) {
        var parsed: [[XMLElement]] = []
        for scope in scopes { parsed.append(try XMLReader.parse(scope.bytes, sourceName: scope.sourceName, limits: limits)) }
        guard !parsed.isEmpty else { throw JWTAuditError(.invalidArgument, "no policy given") }
        var roots = parsed.count == 1 ? parsed[0] : try PolicyDocument.compose(scopes: parsed)
        if let namedValues { roots = try NamedValues.resolve(roots, values: namedValues) }
        try self.init(roots: roots)
        if validations.isEmpty {
            let first = roots[0]
            throw JWTAuditError(
                .malformedPolicy,
                "\(first.source.map { "\($0): " } ?? "")no validate-jwt or validate-azure-ad-token element in the policy: it validates no token, so there is nothing to evaluate a token against")
        }
    }

    /// Composes scopes given outermost first (global, product, API, operation), as APIM does: in each section
    /// of an inner scope, `<base />` is replaced by the same section of the scopes outside it. A section an
    /// inner scope leaves out is inherited whole (as if it held only `<base />`) [inferred: the portal always
    /// writes every section with `<base />`; what the gateway does with a missing section is not documented].
    public static func compose(scopes: [[XMLElement]]) throws(JWTAuditError) -> [XMLElement] {
        guard var effective = scopes.first else { return [] }
        for inner in scopes.dropFirst() {
            let outerPolicies = try policiesElement(effective, role: "an outer scope")
            let innerPolicies = try policiesElement(inner, role: "an inner scope")
            effective = [composeStep(outer: outerPolicies, inner: innerPolicies)]
        }
        return effective
    }

    /// One step of the chain: the inner scope's `<policies>` with each `<base />` replaced by the outer scope's
    /// section, and the sections it leaves out inherited whole.
    public static func composeStep(outer outerPolicies: XMLElement, inner innerPolicies: XMLElement) -> XMLElement {
        var composed = innerPolicies
        var children: [XMLElement.Node] = []
        var seen = Set<String>()
        for child in innerPolicies.children {
            guard case .element(let section) = child, PolicySection(rawValue: section.name) != nil else {
                children.append(child)
                continue
            }
            seen.insert(section.name)
            let outerSection = outerPolicies.firstElement(named: section.name)
            children.append(.element(replacingBase(in: section, with: outerSection?.children ?? [])))
        }
        for section in PolicySection.allCases where !seen.contains(section.rawValue) {
            if let outerSection = outerPolicies.firstElement(named: section.rawValue) {
                children.append(.element(outerSection))
            }
        }
        composed.children = children
        return composed
    }

    static func policiesElement(_ roots: [XMLElement], role: String) throws(JWTAuditError) -> XMLElement {
        guard roots.count == 1, let root = roots.first, root.name == "policies" else {
            let where_ = roots.first.map { "\($0.source.map { "\($0): " } ?? "")line \($0.line), column \($0.column): " } ?? ""
            throw JWTAuditError(
                .malformedPolicy, "\(where_)\(role) must be a whole <policies> document to be composed with <base />")
        }
        return root
    }

    static func replacingBase(in element: XMLElement, with outer: [XMLElement.Node]) -> XMLElement {
        var copy = element
        var children: [XMLElement.Node] = []
        for child in element.children {
            if case .element(let e) = child {
                if e.name == "base" {
                    children += outer
                } else {
                    children.append(.element(replacingBase(in: e, with: outer)))
                }
            } else {
                children.append(child)
            }
        }
        copy.children = children
        return copy
    }

    static func findValidations(in roots: [XMLElement]) throws(JWTAuditError) -> [TokenValidationPolicy] {
        var found: [TokenValidationPolicy] = []
        var failure: JWTAuditError?
        func visit(_ e: XMLElement, section: PolicySection?, conditional: Bool) {
            guard failure == nil else { return }
            if let kind = TokenValidationKind(rawValue: e.name) {
                let placement = PolicyPlacement(
                    source: e.source, line: e.line, column: e.column, section: section, conditional: conditional)
                do throws(JWTAuditError) {
                    found.append(try TokenValidationPolicy(element: e, kind: kind, placement: placement))
                } catch {
                    failure = error
                }
                return
            }
            let childSection = PolicySection(rawValue: e.name) ?? section
            let childConditional = conditional || e.name == "choose"
            for child in e.elements { visit(child, section: childSection, conditional: childConditional) }
        }
        for root in roots { visit(root, section: nil, conditional: false) }
        if let failure { throw failure }
        return found
    }
}

extension TokenValidationPolicy {
    /// Builds the model from the element. Only structure is refused here (a `<claim>` with no name, a key with
    /// `n` but no `e`); questionable settings are lint findings, not errors.
    init(element e: XMLElement, kind: TokenValidationKind, placement: PolicyPlacement) throws(JWTAuditError) {
        let at = "\(e.source.map { "\($0): " } ?? "")line"
        var expressions: [(what: String, expression: String, line: Int)] = []
        func value(_ raw: String?, _ what: String, line: Int) -> PolicyValue? {
            guard let raw else { return nil }
            let v = PolicyValue(raw)
            if case .expression(let text) = v { expressions.append((what, text, line)) }
            return v
        }
        let documented = Set(kind.documentedAttributes)
        let other: TokenValidationKind = kind == .validateJWT ? .validateAzureADToken : .validateJWT
        /// A documented attribute's value. An attribute the element does not have is not applied (lint names it;
        /// whether the gateway refuses such a policy when it is saved, or ignores the attribute, is not documented).
        func attr(_ name: String) -> PolicyValue? {
            guard documented.contains(name) else { return nil }
            return value(e.attribute(name), name, line: e.line(ofAttribute: name))
        }
        var undocumented: [UndocumentedPart] = []
        for attribute in e.attributes where !documented.contains(attribute.name) {
            undocumented.append(UndocumentedPart(
                kind: .attribute, name: attribute.name, line: e.line(ofAttribute: attribute.name),
                otherKind: other.documentedAttributes.contains(attribute.name) ? other : nil))
        }
        for child in e.elements where !kind.documentedChildren.contains(child.name) {
            undocumented.append(UndocumentedPart(
                kind: .element, name: child.name, line: child.line,
                otherKind: other.documentedChildren.contains(child.name) ? other : nil))
        }
        self.undocumented = undocumented
        attributeLines = Dictionary(e.attributes.map { ($0.name, e.line(ofAttribute: $0.name)) }, uniquingKeysWith: { a, _ in a })
        /// Child elements the element documents; another policy's (validate-jwt's `issuers` inside
        /// validate-azure-ad-token) are not applied either.
        func children(_ name: String) -> [XMLElement] {
            kind.documentedChildren.contains(name) ? e.elements(named: name) : []
        }
        func list(_ container: String, _ item: String) -> [PolicyValue]? {
            guard let c = children(container).first else { return nil }
            return c.elements(named: item).compactMap { value($0.text.trimmingXMLSpace, "\(container)/\(item)", line: $0.line) }
        }

        self.kind = kind
        self.placement = placement
        if let h = attr("header-name") {
            tokenLocation = .header(h)
        } else if let q = attr("query-parameter-name") {
            tokenLocation = .queryParameter(q)
        } else if let t = attr("token-value") {
            tokenLocation = .tokenValue(t)
        } else {
            tokenLocation = .unspecified
        }
        failedValidationHTTPCode = attr("failed-validation-httpcode")
        failedValidationErrorMessage = attr("failed-validation-error-message")
        requireExpirationTime = attr("require-expiration-time")
        requireScheme = attr("require-scheme")
        requireSignedTokens = attr("require-signed-tokens")
        clockSkew = attr("clock-skew")
        outputTokenVariableName = documented.contains("output-token-variable-name") ? e.attribute("output-token-variable-name") : nil
        tenantID = attr("tenant-id")
        authenticationEndpoint = attr("authentication-endpoint")

        var configs: [OpenIDConfig] = []
        for c in children("openid-config") {
            guard let url = c.attribute("url") else {
                throw JWTAuditError(.malformedPolicy, "\(at) \(c.line), column \(c.column): <openid-config> has no url attribute")
            }
            configs.append(OpenIDConfig(url: value(url, "openid-config url", line: c.line)!,
                                        validateConnectivity: c.attribute("validate-connectivity"), line: c.line))
        }
        openIDConfigs = configs

        func keys(_ container: String) throws(JWTAuditError) -> [PolicyKey] {
            guard let c = children(container).first else { return [] }
            var out: [PolicyKey] = []
            for k in c.elements(named: "key") {
                let text = k.text.trimmingXMLSpace
                let key = PolicyKey(
                    id: k.attribute("id"), certificateID: k.attribute("certificate-id"), modulus: k.attribute("n"),
                    exponent: k.attribute("e"),
                    base64Value: text.isEmpty ? nil : value(text, "\(container)/key", line: k.line), line: k.line)
                if (key.modulus == nil) != (key.exponent == nil) {
                    throw JWTAuditError(
                        .malformedPolicy,
                        "\(at) \(k.line), column \(k.column): a <key> needs both n and e (\"Must be specified with the value of the exponent\")")
                }
                if key.modulus == nil && key.certificateID == nil && key.base64Value == nil {
                    throw JWTAuditError(
                        .malformedPolicy,
                        "\(at) \(k.line), column \(k.column): a <key> needs Base64 text, certificate-id, or n and e")
                }
                out.append(key)
            }
            return out
        }
        issuerSigningKeys = try keys("issuer-signing-keys")
        decryptionKeys = try keys("decryption-keys")
        audiences = list("audiences", "audience")
        issuers = list("issuers", "issuer")
        clientApplicationIDs = list("client-application-ids", "application-id")
        backendApplicationIDs = list("backend-application-ids", "application-id")

        var claims: [ClaimRequirement] = []
        let claimsElement = children("required-claims").first
        requiredClaimsLine = claimsElement?.line ?? 0
        for c in claimsElement?.elements(named: "claim") ?? [] {
            guard let name = c.attribute("name"), !name.trimmingXMLSpace.isEmpty else {
                throw JWTAuditError(.malformedPolicy, "\(at) \(c.line), column \(c.column): <claim> has no name attribute")
            }
            claims.append(ClaimRequirement(
                name: value(name, "claim name", line: c.line)!,
                match: value(c.attribute("match"), "match of claim \(name)", line: c.line),
                separator: c.attribute("separator").map { value($0, "separator of claim \(name)", line: c.line)! },
                values: c.elements(named: "value").map { value($0.text.trimmingXMLSpace, "value of claim \(name)", line: $0.line)! },
                line: c.line))
        }
        requiredClaims = claims
        childElements = e.elements.map { ($0.name, $0.line) }
        self.expressions = expressions
    }
}
