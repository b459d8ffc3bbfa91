/// What evaluating a token against one effective policy of a tree needs beyond the composition: that the parts
/// the token validation depends on are known. A tree keeps what it cannot know as it is written (a secret or Key
/// Vault `{{named value}}`, a template's policy that only deployment resolves) and lint judges around it; an
/// evaluation cannot: it would compare a token with the text `{{tenant-id}}`. So those gaps are bad input here,
/// named one by one with the option that fills them (exit 3), as for a single XML file.
extension PolicyService {
    /// The document to evaluate a token against: `policy`'s, once `requireKnown` holds and when it validates a
    /// token at all (a policy that validates none gives the single-file error: there is nothing to evaluate).
    public func evaluationDocument(_ policy: EffectivePolicy) throws(JWTAuditError) -> PolicyDocument {
        try requireKnown(policy)
        guard policy.document.validatesToken else {
            throw JWTAuditError(
                .malformedPolicy,
                "the effective policy of \(policy.label) in \(tree.path) has no validate-jwt or validate-azure-ad-token at any scope: it validates no token (the gateway lets every request through, with or without one), so there is nothing to evaluate a token against; --matrix shows what it admits")
        }
        return policy.document
    }

    /// Refuses an effective policy whose token validation depends on what the sources do not hold: a scope in
    /// its chain whose text is not known (not resolvable, unreadable, a fragment whose text is not known), or a
    /// `{{named value}}` left unsubstituted in a token-validating element or in the condition of a `<when>` around
    /// one. Named values elsewhere (a backend key in a header) do not decide a token's fate and are let be.
    public func requireKnown(_ policy: EffectivePolicy) throws(JWTAuditError) {
        if !policy.unknownScopes.isEmpty {
            throw JWTAuditError(
                .unevaluable,
                "part of the effective policy of \(policy.label) is not known without deploying: \(policy.unknownScopes.joined(separator: "; ")) (see lint's policy-not-resolvable and policy-unreadable findings), so what it adds cannot be judged")
        }
        let names = Self.namedValuesDeciding(policy.document.roots)
        guard !names.isEmpty else { return }
        let described = names.map { name in "\(name) (\(unknownValueReason(name, workspace: policy.workspace)))" }
        throw JWTAuditError(
            .unevaluable,
            "named value\(names.count == 1 ? "" : "s") not known: \(described.joined(separator: ", ")), used by the token validation of \(policy.label); give \(names.count == 1 ? "it" : "each") with --named-value NAME=VALUE (or --named-values FILE)")
    }

    /// Why `{{name}}` has no value here, in the words of the definition that says so.
    func unknownValueReason(_ name: String, workspace: String?) -> String {
        let levels = [tree.service.namedValues] + (workspace.map { [tree[workspace: $0].namedValues] } ?? [])
        if let definition = levels.joined().last(where: { $0.reference == name }), let reason = definition.unknownBecause {
            return "\(reason) in \(tree.path)"
        }
        return "not defined in \(tree.path)"
    }

    /// `{{names}}` left in token-validating elements, and in the conditions of `<when>` branches that hold one.
    public static func namedValuesDeciding(_ document: PolicyDocument) -> [String] { namedValuesDeciding(document.roots) }

    static func namedValuesDeciding(_ roots: [XMLElement]) -> [String] {
        var names: [String] = []
        func add(_ found: [String]) { for name in found where !names.contains(name) { names.append(name) } }
        func holdsValidation(_ element: XMLElement) -> Bool {
            element.elements.contains { TokenValidationKind(rawValue: $0.name) != nil || holdsValidation($0) }
        }
        func visit(_ element: XMLElement) {
            if TokenValidationKind(rawValue: element.name) != nil {
                add(NamedValues.references(in: [element]))
                return
            }
            if element.name == "when", let condition = element.attribute("condition"), holdsValidation(element) {
                add(NamedValues.references(in: condition))
            }
            element.elements.forEach(visit)
        }
        roots.forEach(visit)
        return names
    }

    /// Where an effective policy is written: its operation's policy, else its API's, else where the API is
    /// defined.
    public func place(of policy: EffectivePolicy) -> (file: String, line: Int) { location(of: policy) }

    /// The loose policy files of the tree (a repository walk's), each read on its own: the policies that are not
    /// part of any composition.
    public var standalonePolicies: [(file: String, line: Int, document: PolicyDocument)] {
        documents.compactMap { document in
            guard document.role == .standalone, let model = document.document else { return nil }
            return (document.file, document.roots?.first?.line ?? 1, model)
        }
    }
}
