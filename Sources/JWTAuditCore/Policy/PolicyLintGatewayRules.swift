/// Lint rules about what the gateway makes of the element as written: attributes and elements it does not have,
/// the one place a token is read, the output variable's name. Kept apart from the security rules in
/// `PolicyLint.swift`, each with its own stable id.
extension PolicyLint {
    static let gatewayRules: [PolicyLintRule] = [
        .init(id: "undocumented-attribute", severity: .warning,
              summary: "An attribute the element does not have (such as validate-jwt's clock-skew on validate-azure-ad-token): it is not applied."),
        .init(id: "undocumented-element", severity: .warning,
              summary: "A child element the element does not have (such as validate-jwt's issuers on validate-azure-ad-token): it is not applied."),
        .init(id: "several-token-sources", severity: .error,
              summary: "More than one of header-name, query-parameter-name and token-value: exactly one says where the token is."),
        .init(id: "token-source-missing", severity: .error,
              summary: "validate-jwt names none of header-name, query-parameter-name and token-value: it has nowhere to read a token."),
        .init(id: "output-variable-expression", severity: .error,
              summary: "output-token-variable-name is a policy expression; it must be a plain variable name."),
    ]

    /// The findings of `gatewayRules` for one element; `add(id, message, line)`.
    static func gatewayFindings(_ policy: TokenValidationPolicy, _ add: (String, String, Int) -> Void) {
        let name = policy.kind.rawValue
        // undocumented-attribute, undocumented-element: research §2.2, validate-azure-ad-token has "no
        // require-scheme, require-expiration-time, require-signed-tokens, clock-skew, openid-config,
        // issuer-signing-keys or issuers".
        for part in policy.undocumented {
            let whose = part.otherKind.map { " (it is \($0.rawValue)'s)" } ?? ""
            let effect: String
            switch (part.kind, part.name) {
            case (.attribute, "clock-skew"):
                effect = "the clock skew is not widened: an expired token is refused from the second after its exp"
            case (.attribute, "require-expiration-time"), (.attribute, "require-signed-tokens"), (.attribute, "require-scheme"):
                effect = "the element keeps its own behaviour, whatever this says"
            case (.element, "openid-config"), (.element, "issuer-signing-keys"):
                effect = "the keys come from tenant-id's metadata only"
            case (.element, "issuers"):
                effect = "the issuer is the tenant's, whatever this lists"
            default:
                effect = "it has no effect"
            }
            let documented = part.kind == .attribute
                ? policy.kind.documentedAttributes.filter { $0 != "id" }
                : policy.kind.documentedChildren
            add(part.kind == .attribute ? "undocumented-attribute" : "undocumented-element",
                "\(name) has no \(part.name) \(part.kind.rawValue)\(whose): \(effect) (\(name) documents \(documented.joined(separator: ", ")); whether the gateway refuses the policy when it is saved is not documented)",
                part.line)
        }

        // several-token-sources. Microsoft: "One of header-name, query-parameter-name or token-value must be
        // specified"; the policy toolkit's compiler accepts exactly one.
        let sources = ["header-name", "query-parameter-name", "token-value"].filter { policy.attributeLines[$0] != nil }
        if sources.count > 1 {
            add("several-token-sources",
                "\(name) names \(sources.joined(separator: " and ")): only one may say where the token is (the policy toolkit refuses more than one; which one the gateway uses is not documented, jwtaudit reads \(sources[0]))",
                policy.attributeLines[sources[1]] ?? policy.placement.line)
        }

        // token-source-missing. validate-azure-ad-token reads Authorization by default; validate-jwt documents no
        // default ("N/A").
        if policy.kind == .validateJWT && sources.isEmpty {
            add("token-source-missing",
                "validate-jwt names none of header-name, query-parameter-name and token-value; Microsoft: \"One of header-name, query-parameter-name or token-value must be specified\" (there is no default: every request is answered TokenNotPresent)",
                policy.placement.line)
        }

        // output-variable-expression. Microsoft: output-token-variable-name, "Policy expressions aren't allowed."
        if let variable = policy.outputTokenVariableName, PolicyValue(variable).isExpression {
            add("output-variable-expression",
                "output-token-variable-name=\"\(variable)\" is a policy expression; Microsoft: \"Policy expressions aren't allowed\": write the variable's name, as context.Variables[\"name\"] reads it",
                policy.attributeLines["output-token-variable-name"] ?? policy.placement.line)
        }
    }
}
