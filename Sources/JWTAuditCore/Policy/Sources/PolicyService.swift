/// A service's policies composed: every scope read, fragments inlined, named values substituted, and the
/// effective policy of each operation in each product context. Lint and the selection of one effective policy
/// both start here.
///
/// The chain is Microsoft's: "global (service) > workspace > product > API > operation"; in each section of a
/// narrower scope `<base />` "inherits the policies configured in that section at the next broader (parent)
/// scope", and "if you remove the base element at the API scope, only policies configured at the API scope will
/// be applied". A scope with no policy passes its parent's through (APIM has no policy resource there).
public struct PolicyService: Sendable {
    public let tree: PolicyTree
    /// Every operation's effective policy in every product context, APIs in source order.
    public private(set) var policies: [EffectivePolicy] = []
    /// What reading and composing found (fragments, named values, dropped validation, unreadable text).
    public private(set) var findings: [PolicyLintFinding] = []

    /// One scope's policy after fragments and named values, with where it is and whom it concerns.
    struct ScopeDocument: Sendable {
        enum Role: String, Sendable { case global, workspace, product, api = "API", operation, fragment, standalone }
        var role: Role
        var scope: PolicyScope?
        /// The `<policies>` element (or a standalone file's roots), nil when the text is not known.
        var roots: [XMLElement]?
        var document: PolicyDocument?
        var file: String
        var lines: ClosedRange<Int>
        /// The fragments it includes that are not known.
        var unknownParts: [String] = []

        var policies: XMLElement? { roots?.count == 1 && roots?.first?.name == "policies" ? roots?.first : nil }
    }

    var documents: [ScopeDocument] = []

    /// Reads and composes the tree. A loose XML file given on its own (`tree.strict`) keeps its strictness: malformed XML,
    /// and a user-supplied named value list that misses a name, are errors. In a tree or a template, unreadable
    /// text is a `policy-unreadable` finding and the rest is still composed.
    public init(tree: PolicyTree, namedValues overrides: [String: String]? = nil, limits: XMLReader.Limits = .default) throws(JWTAuditError) {
        self.tree = tree
        var composer = Composer(tree: tree, overrides: overrides, limits: limits)
        try composer.run()
        policies = composer.policies
        findings = composer.findings
        documents = composer.documents
        for (workspace, level) in [(String?.none, tree.service)] + tree.workspaces.map({ (Optional($0.name), $0.scope) }) {
            for api in level.apis {
                if let at = api.definedAt { definitions["\(workspace ?? "")\u{0}\(api.name)"] = at }
            }
        }
        for (index, document) in documents.enumerated() {
            documentsByFile[document.file, default: []].append(index)
            let key = Self.key(document.role, document.scope)
            if documentsByScope[key] == nil { documentsByScope[key] = index }
        }
    }

    // MARK: selection

    /// The effective policy that `selection` names, or an error listing the choices (exit 3): every dimension
    /// with more than one choice left must be chosen.
    public func select(_ selection: PolicySelection) throws(JWTAuditError) -> EffectivePolicy {
        if tree.kind == .xml {
            throw JWTAuditError(
                .invalidArgument,
                "\(tree.path) is a single policy file: --api, --operation, --product and --no-product choose among the operations of an APIOps tree or a template")
        }
        var candidates = policies
        func choices(_ values: [String]) -> String {
            var unique: [String] = []
            for v in values where !unique.contains(v) { unique.append(v) }
            return unique.joined(separator: ", ")
        }
        func apiName(_ p: EffectivePolicy) -> String { p.workspace.map { "\($0)/\(p.api)" } ?? p.api }
        if candidates.isEmpty {
            throw JWTAuditError(.invalidArgument, "\(tree.path) holds no API: there is no operation to choose")
        }
        if let api = selection.api {
            let matching = candidates.filter { apiName($0) == api || $0.api == api }
            guard !matching.isEmpty else {
                throw JWTAuditError(.invalidArgument, "no API \(api) in \(tree.path); the APIs are: \(choices(candidates.map(apiName)))")
            }
            candidates = matching
        }
        if Set(candidates.map(apiName)).count > 1 {
            throw JWTAuditError(.invalidArgument, "choose an API with --api: \(choices(candidates.map(apiName)))")
        }
        func operationName(_ p: EffectivePolicy) -> String {
            guard let name = p.operation else { return "*" }
            let route = [p.method, p.urlTemplate].compactMap { $0 }.joined(separator: " ")
            return route.isEmpty ? name : "\(name) (\(route))"
        }
        if let operation = selection.operation {
            let wanted = operation.lowercased()
            let matching = candidates.filter { p in
                p.operation == operation
                    || ([p.method, p.urlTemplate].compactMap { $0 }.joined(separator: " ").lowercased() == wanted)
                    || (p.operation == nil && operation == "*")
            }
            guard !matching.isEmpty else {
                throw JWTAuditError(
                    .invalidArgument,
                    "no operation \(operation) in API \(apiName(candidates[0])); its operations are: \(choices(candidates.map(operationName)))")
            }
            candidates = matching
        }
        if Set(candidates.map(operationName)).count > 1 {
            throw JWTAuditError(
                .invalidArgument,
                "choose an operation of API \(apiName(candidates[0])) with --operation (its name, or METHOD /url): \(choices(candidates.map(operationName)))")
        }
        func contextName(_ p: EffectivePolicy) -> String { p.context.productName.map { "--product \($0)" } ?? "--no-product" }
        if let product = selection.product {
            let matching = candidates.filter { $0.context.productName == product }
            guard !matching.isEmpty else {
                throw JWTAuditError(
                    .invalidArgument,
                    "API \(apiName(candidates[0])) is not in product \(product); its contexts are: \(choices(candidates.map(contextName)))")
            }
            candidates = matching
        } else if selection.noProduct {
            candidates = candidates.filter { $0.context.productName == nil }
        }
        if candidates.count > 1 {
            throw JWTAuditError(
                .invalidArgument,
                "choose a product context for API \(apiName(candidates[0])): \(choices(candidates.map(contextName))) (at most one product policy runs per request)")
        }
        return candidates[0]
    }

    // MARK: where text is

    /// The scope a place in a file belongs to: the narrowest scope document holding that line.
    func scope(file: String?, line: Int) -> PolicyScope? {
        guard let file else { return nil }
        var best: ScopeDocument?
        for index in documentsByFile[file] ?? [] where documents[index].lines.contains(line) {
            if best == nil || documents[index].lines.count < best!.lines.count { best = documents[index] }
        }
        return best?.scope
    }

    /// Indices into `documents` by file, and by role and scope.
    var documentsByFile: [String: [Int]] = [:]
    var documentsByScope: [String: Int] = [:]
    /// Where each API is defined, by workspace and name.
    var definitions: [String: (file: String, line: Int)] = [:]

    static func key(_ role: ScopeDocument.Role, _ scope: PolicyScope?) -> String {
        [role.rawValue, scope?.workspace ?? "", scope?.product ?? "", scope?.api ?? "", scope?.operation ?? ""].joined(separator: "\u{0}")
    }

    /// The policy of one scope, if it has one.
    func document(_ role: ScopeDocument.Role, _ scope: PolicyScope) -> ScopeDocument? {
        documentsByScope[Self.key(role, scope)].map { documents[$0] }
    }
}

// MARK: - composition

private struct Composer {
    let tree: PolicyTree
    let overrides: [String: String]?
    let limits: XMLReader.Limits
    var policies: [EffectivePolicy] = []
    var findings: [PolicyLintFinding] = []
    var documents: [PolicyService.ScopeDocument] = []
    /// Fragments by workspace ("" for the service) and id: their elements, or nil when their text is unknown.
    var fragments: [String: [String: [XMLElement.Node]?]] = [:]
    var fragmentDocuments: [String: Int] = [:]
    var reportedFragments = Set<String>()

    init(tree: PolicyTree, overrides: [String: String]?, limits: XMLReader.Limits) {
        self.tree = tree
        self.overrides = overrides
        self.limits = limits
    }

    var strict: Bool { tree.strict }

    mutating func note(_ id: String, _ message: String, at element: XMLElement, scope: PolicyScope?, severity: Finding.Severity? = nil, perScope: Bool = false) {
        note(id, message, file: element.source ?? tree.path, line: element.line, column: element.column, scope: scope, severity: severity, perScope: perScope)
    }

    mutating func note(_ id: String, _ message: String, file: String, line: Int, column: Int = 1, scope: PolicyScope?, severity: Finding.Severity? = nil, perScope: Bool = false) {
        var finding = PolicyLintFinding(
            finding: Finding(id: id, severity: severity ?? PolicyLint.rule(id).severity, message: message),
            source: file, line: line, column: column, scope: scope)
        finding.distinctPerScope = perScope
        findings.append(finding)
    }

    mutating func run() throws(JWTAuditError) {
        for doc in tree.standalone { try readStandalone(doc) }
        try readFragments(tree.service.fragments, workspace: nil)
        for (name, scope) in tree.workspaces { try readFragments(scope.fragments, workspace: name) }

        let global = try scopeDocument(tree.service.policy, role: .global, scope: .global, workspace: nil)
        try composeLevel(tree.service, workspace: nil, outer: [global].compactMap { $0 })
        for (name, level) in tree.workspaces {
            let workspaceDocument = try scopeDocument(level.policy, role: .workspace, scope: PolicyScope(workspace: name), workspace: name)
            try composeLevel(level, workspace: name, outer: [global, workspaceDocument].compactMap { $0 })
        }
        // A fragment that no policy includes is linted on its own, at its service's or workspace's scope.
        for (key, index) in fragmentDocuments where documents[index].scope == nil {
            let workspace = key.split(separator: "\u{0}", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            documents[index].scope = PolicyScope(workspace: workspace.isEmpty ? nil : workspace)
        }
    }

    // MARK: reading scope text

    /// Reads a scope's policy: parsed, fragments inlined, named values substituted, checked. Returns its index
    /// in `documents`; nil when the scope has no policy.
    mutating func scopeDocument(
        _ source: PolicySource?, role: PolicyService.ScopeDocument.Role, scope: PolicyScope, workspace: String?
    ) throws(JWTAuditError) -> Int? {
        guard let source else { return nil }
        var document = PolicyService.ScopeDocument(role: role, scope: scope, file: source.file, lines: 1...1)
        if var roots = try parse(source, role: "\(role.rawValue) policy", scope: scope, lines: &document.lines) {
            if roots.count == 1, roots[0].name == "policies" {
                checkBases(roots, scope: scope)
                roots = inline(roots, workspace: workspace, includer: scope, unknown: &document.unknownParts)
                roots = substitute(roots, workspace: workspace)
                document.roots = roots
                document.document = model(roots, scope: scope, role: role.rawValue)
            } else {
                note("policy-unreadable",
                     "the \(role.rawValue) policy is <\(roots[0].name)>, not a whole <policies> document: APIM stores one <policies> document per scope, so it is not composed",
                     at: roots[0], scope: scope)
            }
        }
        documents.append(document)
        return documents.count - 1
    }

    /// The text's elements, or nil (with a finding) when it is not known or not readable.
    mutating func parse(
        _ source: PolicySource, role: String, scope: PolicyScope?, lines: inout ClosedRange<Int>
    ) throws(JWTAuditError) -> [XMLElement]? {
        switch source {
        case .unresolvable(let reason, let file, let line, let column):
            lines = line...line
            note("policy-not-resolvable",
                 "the \(role) is not resolvable: \(reason); it is not linted, and effective policies that include it are judged without it",
                 file: file, line: line, column: column, scope: scope)
            return nil
        case .unreadable(let reason, let file, let line, let column):
            lines = line...line
            if strict { throw JWTAuditError(.invalidArgument, "\(file): \(reason)") }
            note("policy-unreadable", "the \(role) cannot be read: \(reason); it is not composed or linted",
                 file: file, line: line, column: column, scope: scope)
            return nil
        case .text(let text, _):
            lines = text.firstLine...max(text.firstLine, text.lastLine)
            do {
                let roots = try XMLReader.parse(text, limits: limits)
                try PolicyDocument.requirePolicy(roots)
                return roots
            } catch {
                if strict { throw error }
                let (line, column) = error.position ?? (text.firstLine, 1)
                note("policy-unreadable", "the \(role) cannot be read: \(error.reasonWithoutPosition); it is not composed or linted",
                     file: text.file, line: line, column: column, scope: scope)
                return nil
            }
        }
    }

    /// The policy model, or nil (with a finding) when a token-validating element is malformed.
    mutating func model(_ roots: [XMLElement], scope: PolicyScope?, role: String) -> PolicyDocument? {
        do {
            return try PolicyDocument(roots: roots)
        } catch {
            let (line, column) = error.position ?? (roots.first?.line ?? 1, 1)
            note("policy-unreadable", "the \(role) cannot be read: \(error.reasonWithoutPosition)",
                 file: roots.first?.source ?? tree.path, line: line, column: column, scope: scope)
            return nil
        }
    }

    mutating func readStandalone(_ source: PolicySource) throws(JWTAuditError) {
        var document = PolicyService.ScopeDocument(role: .standalone, scope: nil, file: source.file, lines: 1...1)
        if var roots = try parse(source, role: "policy", scope: nil, lines: &document.lines) {
            if strict, let overrides {
                roots = try NamedValues.resolve(roots, values: overrides)
            }
            checkBases(roots, scope: nil)
            document.roots = roots
            document.document = strict ? try PolicyDocument(roots: roots) : model(roots, scope: nil, role: "policy")
        }
        documents.append(document)
    }

    // MARK: fragments

    mutating func readFragments(_ list: [FragmentDefinition], workspace: String?) throws(JWTAuditError) {
        var table: [String: [XMLElement.Node]?] = [:]
        for fragment in list {
            var document = PolicyService.ScopeDocument(
                role: .fragment, scope: nil, file: fragment.source.file, lines: 1...1)
            let fragmentScope = workspace.map { PolicyScope(workspace: $0) }
            guard let roots = try parse(fragment.source, role: "fragment \(fragment.id)", scope: fragmentScope, lines: &document.lines) else {
                table[fragment.id] = .some(nil)
                documents.append(document)
                continue
            }
            var content: [XMLElement.Node] = []
            for root in roots {
                if root.name == "fragment" { content += root.children } else { content.append(.element(root)) }
            }
            content = checkFragment(content, id: fragment.id, scope: fragmentScope)
            table[fragment.id] = .some(content)
            let elements = content.compactMap { node -> XMLElement? in if case .element(let e) = node { return e } else { return nil } }
            let substituted = substitute(elements, workspace: workspace)
            document.roots = substituted
            document.document = model(substituted, scope: fragmentScope, role: "fragment \(fragment.id)")
            documents.append(document)
            fragmentDocuments[(workspace ?? "") + "\u{0}" + fragment.id] = documents.count - 1
        }
        fragments[workspace ?? ""] = table
    }

    /// Microsoft (policy fragments): a fragment "can't contain" section elements or `<base />`, and "currently ...
    /// can't nest another policy fragment". Each is a finding; `<base />` and sections are left out of what is
    /// inlined, a nested include stays as written (it is not expanded).
    mutating func checkFragment(_ nodes: [XMLElement.Node], id: String, scope: PolicyScope?) -> [XMLElement.Node] {
        var kept: [XMLElement.Node] = []
        for node in nodes {
            guard case .element(var element) = node else { kept.append(node); continue }
            if element.name == "base" || PolicySection(rawValue: element.name) != nil {
                note("fragment-contains-base",
                     "fragment \(id) contains <\(element.name)>: a fragment holds policy statements only (APIM refuses <base /> and section elements in it)",
                     at: element, scope: scope)
                continue
            }
            if element.name == "include-fragment" {
                note("fragment-nested",
                     "fragment \(id) includes fragment \(element.attribute("fragment-id") ?? "?"): APIM does not nest fragments, so it is not expanded here",
                     at: element, scope: scope)
            }
            element.children = checkFragment(element.children, id: id, scope: scope)
            kept.append(.element(element))
        }
        return kept
    }

    /// Replaces each `<include-fragment fragment-id="x"/>` with the fragment's statements, as APIM does ("inserts
    /// the policy fragment as-is"). Workspace fragments are looked up first, then the service's.
    mutating func inline(_ elements: [XMLElement], workspace: String?, includer: PolicyScope, unknown: inout [String]) -> [XMLElement] {
        func visit(_ element: XMLElement, _ composer: inout Composer, _ unknown: inout [String]) -> [XMLElement.Node] {
            if element.name == "include-fragment", let id = element.attribute("fragment-id")?.trimmingXMLSpace {
                let found = workspace.flatMap { composer.fragments[$0]?[id] } ?? composer.fragments[""]?[id]
                guard let found else {
                    let where_ = workspace.map { "workspace \($0) or the service" } ?? "the service"
                    composer.note("fragment-missing",
                                  "include-fragment names fragment \(id), which \(where_) does not define in \(composer.tree.path): APIM refuses to save the policy (\"Policy fragment with id '\(id)' could not be found\")",
                                  at: element, scope: includer)
                    return [.element(element)]
                }
                guard let content = found else {
                    unknown.append("fragment \(id)")
                    return [.element(element)]
                }
                let key = (workspace.flatMap { composer.fragments[$0]?[id] } != nil ? workspace! : "") + "\u{0}" + id
                if let index = composer.fragmentDocuments[key], composer.documents[index].scope == nil {
                    composer.documents[index].scope = includer
                }
                return content
            }
            var copy = element
            var children: [XMLElement.Node] = []
            for child in element.children {
                if case .element(let e) = child { children += visit(e, &composer, &unknown) } else { children.append(child) }
            }
            copy.children = children
            return [.element(copy)]
        }
        var out: [XMLElement] = []
        for element in elements {
            for node in visit(element, &self, &unknown) { if case .element(let e) = node { out.append(e) } }
        }
        return out
    }

    // MARK: <base />

    /// `duplicate-base`: two `<base />` in one section would splice the broader scope's policies in twice
    /// (the gateway's behaviour is not documented; the portal never writes it).
    mutating func checkBases(_ roots: [XMLElement], scope: PolicyScope?) {
        for root in roots {
            let sections = root.name == "policies" ? root.elements.filter { PolicySection(rawValue: $0.name) != nil } : []
            for section in sections {
                let bases = Self.descendants(of: section) { $0.name == "base" }
                if bases.count > 1 {
                    note("duplicate-base",
                         "<\(section.name)> has \(bases.count) <base /> elements (the first at line \(bases[0].line)): the broader scope's \(section.name) policies would run more than once; keep one",
                         at: bases[1], scope: scope)
                }
            }
        }
    }

    static func descendants(of element: XMLElement, where predicate: (XMLElement) -> Bool) -> [XMLElement] {
        var found: [XMLElement] = []
        func visit(_ e: XMLElement) {
            for child in e.elements {
                if predicate(child) { found.append(child) }
                visit(child)
            }
        }
        visit(element)
        return found
    }

    static func isValidation(_ e: XMLElement) -> Bool { TokenValidationKind(rawValue: e.name) != nil }

    // MARK: named values

    /// Substitutes the named values the sources (or the user) give; the others stay `{{name}}` with a finding.
    mutating func substitute(_ roots: [XMLElement], workspace: String?) -> [XMLElement] {
        var known: [String: String] = [:]
        var unknown: [String: String] = [:]
        let levels = [tree.service.namedValues] + (workspace.map { name in [tree[workspace: name].namedValues] } ?? [])
        for definition in levels.joined() {
            if let reason = definition.unknownBecause {
                unknown[definition.reference] = reason
                known[definition.reference] = nil
            } else if let value = definition.value {
                known[definition.reference] = value
                unknown[definition.reference] = nil
            }
        }
        for (name, value) in overrides ?? [:] {
            known[name] = value
            unknown[name] = nil
        }
        let (substituted, unresolved) = NamedValues.substituteKnown(roots) { known[$0] }
        var byElement: [(element: XMLElement, names: [String])] = []
        for (name, element) in unresolved {
            if let index = byElement.firstIndex(where: { $0.element.source == element.source && $0.element.line == element.line && $0.element.column == element.column }) {
                byElement[index].names.append(name)
            } else {
                byElement.append((element, [name]))
            }
        }
        for (element, names) in byElement {
            let missing = names.filter { unknown[$0] == nil }
            let secret = names.filter { unknown[$0] != nil }
            if !secret.isEmpty {
                let reasons = secret.map { "{{\($0)}} is \(unknown[$0]!)" }.joined(separator: "; ")
                note("named-value-unknown",
                     "\(reasons), so \(secret.count == 1 ? "its value is" : "their values are") not known here: checks that depend on \(secret.count == 1 ? "it" : "them") are not judged (give \(secret.count == 1 ? "it" : "them") with --named-value NAME=VALUE to judge them)",
                     at: element, scope: nil)
            }
            if !missing.isEmpty {
                let list = missing.map { "{{\($0)}}" }.joined(separator: ", ")
                if tree.namedValuesComplete {
                    note("named-value-missing",
                         "\(list) \(missing.count == 1 ? "is" : "are") used, but \(tree.path) defines no named value with that display name: APIM refuses to save the policy",
                         at: element, scope: nil)
                } else {
                    note("named-value-unknown",
                         "\(list) \(missing.count == 1 ? "is" : "are") not defined in \(tree.path): the value is not known here, so checks that depend on it are not judged (give it with --named-value NAME=VALUE)",
                         at: element, scope: nil)
                }
            }
        }
        return substituted
    }

    // MARK: composing

    /// Composes every API of one level (the service, or a workspace) in each product context.
    mutating func composeLevel(_ level: PolicyServiceScope, workspace: String?, outer: [Int]) throws(JWTAuditError) {
        var productDocuments: [String: Int] = [:]
        for product in level.products {
            let scope = PolicyScope(workspace: workspace, product: product.name)
            if let index = try scopeDocument(product.policy, role: .product, scope: scope, workspace: workspace) {
                productDocuments[product.name] = index
            }
        }
        var productsByAPI: [String: [ProductDefinition]] = [:]
        for product in level.products {
            for api in Set(product.apis) { productsByAPI[api, default: []].append(product) }
        }
        for api in level.apis {
            let apiScope = PolicyScope(workspace: workspace, api: api.name)
            let apiDocument = try scopeDocument(api.policy, role: .api, scope: apiScope, workspace: workspace)
            var operationDocuments: [Int?] = []
            for operation in api.operations {
                let scope = PolicyScope(workspace: workspace, api: api.name, operation: operation.name)
                operationDocuments.append(try scopeDocument(operation.policy, role: .operation, scope: scope, workspace: workspace))
            }
            let products = productsByAPI[api.baseName] ?? []
            let open = products.first { $0.isOpen }
            var contexts: [(ProductContext, Int?)] = products.map { (.product($0.name, open: $0.isOpen), productDocuments[$0.name]) }
            contexts.append((.noProduct(keyless: api.subscriptionRequired == false && open == nil), nil))
            let operations: [(OperationDefinition?, Int?)] = api.operations.isEmpty
                ? [(nil, nil)] : Array(zip(api.operations.map { Optional($0) }, operationDocuments))
            for (context, productDocument) in contexts {
                let base = outer + [productDocument, apiDocument].compactMap { $0 }
                var shared: (roots: [XMLElement], unknown: [String])?
                for (operation, operationDocument) in operations {
                    let composed: (roots: [XMLElement], unknown: [String])
                    if let operationDocument {
                        composed = compose(base + [operationDocument])
                    } else {
                        if shared == nil { shared = compose(base) }
                        composed = shared!
                    }
                    guard let document = try? PolicyDocument(roots: composed.roots) else { continue }
                    policies.append(EffectivePolicy(
                        workspace: workspace, api: api.name, operation: operation?.name, method: operation?.method,
                        urlTemplate: operation?.urlTemplate, context: context, document: document,
                        unknownScopes: composed.unknown))
                }
            }
        }
    }

    /// Composes the chain (indices into `documents`, broadest first) and reports a token validation that a
    /// missing `<base />` drops: the section of a narrower scope has no `<base />`, a broader scope validates a
    /// token in that section, and the effective section in the end validates none.
    mutating func compose(_ chain: [Int]) -> (roots: [XMLElement], unknown: [String]) {
        var effective: XMLElement?
        var unknown: [String] = []
        var drops: [(section: XMLElement, dropped: XMLElement, scope: PolicyScope?)] = []
        for index in chain {
            let document = documents[index]
            unknown += document.unknownParts
            guard let inner = document.policies, document.document != nil else {
                unknown.append("the \(document.role.rawValue) policy in \(document.file)")
                continue
            }
            guard let outer = effective else {
                // The broadest scope's <base /> "has no effect" (Microsoft): nothing is above it.
                effective = PolicyDocument.replacingBase(in: inner, with: [])
                continue
            }
            for section in inner.elements where PolicySection(rawValue: section.name) != nil {
                let hasBase = !Self.descendants(of: section) { $0.name == "base" }.isEmpty
                guard !hasBase, let outerSection = outer.firstElement(named: section.name),
                    let validation = Self.descendants(of: outerSection, where: Self.isValidation).first
                else { continue }
                drops.append((section, validation, document.scope))
            }
            effective = PolicyDocument.composeStep(outer: outer, inner: inner)
        }
        for drop in drops {
            let finalSection = effective?.firstElement(named: drop.section.name)
            if let finalSection, !Self.descendants(of: finalSection, where: Self.isValidation).isEmpty { continue }
            let at = "\(drop.dropped.source ?? tree.path) line \(drop.dropped.line)"
            note("validation-dropped-by-missing-base",
                 "<\(drop.section.name)> has no <base />, so the \(drop.dropped.name) of the broader scope (\(at)) does not run here and no token is validated: put <base /> back at the start of the section, or validate the token in this scope",
                 at: drop.section, scope: drop.scope)
        }
        return (effective.map { [$0] } ?? [], unknown)
    }
}
