/// Lint over a whole service: what the readers and the composition found, the per-policy rules on every scope's
/// policy and every effective policy (each finding once, at the file and line where its text is), and the rules
/// that only a composed view can see.
extension PolicyService {
    public func lint() -> PolicyLintReport {
        var report = PolicyLintReport()
        let located = !tree.strict && tree.kind != .xml
        func scoped(_ findings: [PolicyLintFinding]) -> [PolicyLintFinding] {
            guard located else { return findings }
            return findings.map { finding in
                var copy = finding
                if copy.scope == nil { copy.scope = scope(file: finding.source, line: finding.line) ?? .global }
                return copy
            }
        }
        report.add(scoped(tree.findings))
        report.add(scoped(findings))
        for document in documents {
            guard let model = document.document else { continue }
            report.add(scoped(PolicyLint.lint(model)))
            if document.role == .standalone {
                report.policies.append(.init(
                    name: document.file, file: document.file, line: document.roots?.first?.line ?? 1,
                    validatesToken: model.validatesToken))
            }
        }
        for policy in policies { report.add(scoped(PolicyLint.lint(policy.document))) }
        report.add(scoped(authorizationRewrites()))
        report.add(productBypasses())
        report.add(operationsWithoutValidation())
        report.add(revisionsWithoutValidation())
        report.policies += coverage()
        if located { report.sort() }
        return report
    }

    /// Lint of one effective policy: the findings on the scopes that compose it (a finding on another
    /// operation's, product's or workspace's text is left out).
    public func lint(selecting selection: PolicySelection) throws(JWTAuditError) -> PolicyLintReport {
        let chosen = try select(selection)
        let target = chosen.scope
        func matches(_ value: String?, _ wanted: String?) -> Bool { value == nil || value == wanted }
        var report = PolicyLintReport()
        report.add(lint().findings.filter { finding in
            guard let scope = finding.scope else { return true }
            return matches(scope.workspace, target.workspace) && matches(scope.product, target.product)
                && matches(scope.api, target.api) && matches(scope.operation, target.operation)
        })
        let place = location(of: chosen)
        report.policies = [.init(name: chosen.label, file: place.file, line: place.line, scope: target,
                                 validatesToken: chosen.document.validatesToken)]
        return report
    }

    // MARK: Authorization rewritten before validation

    /// `authorization-rewritten-before-validation`: statements run in document order (Microsoft: "policies are
    /// applied in the order of their appearance"), so a `set-header name="Authorization"`, an
    /// `authentication-basic` or an `authentication-managed-identity` (which "sets the Authorization header" unless
    /// it writes to a variable) ahead of the validation that reads that header makes it judge the gateway's value,
    /// not the client's token.
    func authorizationRewrites() -> [PolicyLintFinding] {
        var out: [PolicyLintFinding] = []
        var models = documents.compactMap(\.document)
        models += policies.map(\.document)
        for model in models {
            for root in model.roots {
                let sections = root.name == "policies" ? root.elements(named: "inbound") : [root]
                for section in sections {
                    var rewrites: [(element: XMLElement, conditional: Bool)] = []
                    rewritesBefore(in: section, conditional: false, &rewrites, &out)
                }
            }
        }
        return out
    }

    /// Walks statements in document order, keeping the Authorization rewrites seen so far. The branches of a
    /// `<choose>` exclude each other: each starts from what came before it, and after the `<choose>` any
    /// branch's rewrite may have run.
    func rewritesBefore(
        in element: XMLElement, conditional: Bool, _ rewrites: inout [(element: XMLElement, conditional: Bool)],
        _ out: inout [PolicyLintFinding]
    ) {
        for child in element.elements {
            if Self.rewriteOfAuthorization(child) != nil {
                rewrites.append((child, conditional))
            } else if Self.readsAuthorization(child) {
                for (rewrite, maybe) in rewrites {
                    let what = Self.rewriteOfAuthorization(rewrite) ?? rewrite.name
                    out.append(PolicyLintFinding(
                        finding: Finding(
                            id: "authorization-rewritten-before-validation", severity: .error,
                            message: "\(what) \(maybe ? "may change" : "changes") the Authorization header before the \(child.name) at \(child.source ?? tree.path) line \(child.line) reads it: the validation then judges what the gateway wrote, not the client's token; validate the token first"),
                        source: rewrite.source, line: rewrite.line, column: rewrite.column))
                }
            } else if child.name == "choose" {
                var after = rewrites
                for branch in child.elements {
                    var inBranch = rewrites
                    rewritesBefore(in: branch, conditional: true, &inBranch, &out)
                    for added in inBranch.dropFirst(rewrites.count) { after.append((added.element, true)) }
                }
                rewrites = after
            } else if TokenValidationKind(rawValue: child.name) == nil {
                rewritesBefore(in: child, conditional: conditional, &rewrites, &out)
            }
        }
    }

    /// A statement that writes the Authorization header, described; nil otherwise. A `set-header` whose values
    /// are all expressions reading the request (`@("Bearer " + context.Request.Headers.GetValueOrDefault("X-Token",
    /// ""))`) moves the client's own token into place: the validation still judges the client's token.
    static func rewriteOfAuthorization(_ e: XMLElement) -> String? {
        switch e.name {
        case "set-header" where e.attribute("name")?.trimmingXMLSpace.lowercased() == "authorization":
            let action = e.attribute("exists-action") ?? "override"
            let values = e.elements(named: "value").map { $0.text.trimmingXMLSpace }
            if action != "delete", !values.isEmpty, values.allSatisfy({ PolicyValue($0).isExpression && $0.contains("context.Request") }) {
                return nil
            }
            return "<set-header name=\"Authorization\" exists-action=\"\(action)\">"
        case "authentication-basic":
            return "<authentication-basic> (it sets Authorization: Basic ...)"
        case "authentication-managed-identity" where e.attribute("output-token-variable-name") == nil:
            return "<authentication-managed-identity> (it puts the gateway's own token in Authorization)"
        default:
            return nil
        }
    }

    static func readsAuthorization(_ e: XMLElement) -> Bool {
        guard let kind = TokenValidationKind(rawValue: e.name) else { return false }
        if let header = e.attribute("header-name") { return header.trimmingXMLSpace.lowercased() == "authorization" }
        if let value = e.attribute("token-value") { return value.lowercased().contains("authorization") }
        return kind == .validateAzureADToken && e.attribute("query-parameter-name") == nil
    }

    // MARK: product-only validation

    /// `product-validation-bypassed`: a product policy validates the token, but the same operation with no
    /// product validates none, and a request reaches it that way: keyless when the API requires no subscription
    /// and no open product holds it (error), or with an API-scoped, all-APIs or built-in all-access key (warning:
    /// Microsoft, "policies configured at the product scope aren't applied").
    func productBypasses() -> [PolicyLintFinding] {
        var out: [PolicyLintFinding] = []
        var groups: [String: (product: String, workspace: String?, api: String, operations: [String], keyless: Bool, all: Int)] = [:]
        var order: [String] = []
        let byOperation = Dictionary(grouping: policies) { "\($0.workspace ?? "")\u{0}\($0.api)\u{0}\($0.operation ?? "*")" }
        var operationCounts: [String: Int] = [:]
        for key in byOperation.keys {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            operationCounts["\(parts[0])\u{0}\(parts[1])", default: 0] += 1
        }
        for key in byOperation.keys.sorted() {
            let contexts = byOperation[key]!
            guard let none = contexts.first(where: { $0.context.productName == nil }),
                none.unknownScopes.isEmpty, !none.document.validatesToken
            else { continue }
            let keyless = none.context == .noProduct(keyless: true)
            for policy in contexts where policy.context.productName != nil && policy.document.validatesToken && policy.unknownScopes.isEmpty {
                let product = policy.context.productName!
                let group = "\(policy.workspace ?? "")\u{0}\(policy.api)\u{0}\(product)"
                if groups[group] == nil {
                    order.append(group)
                    let all = operationCounts["\(policy.workspace ?? "")\u{0}\(policy.api)"] ?? 0
                    groups[group] = (product, policy.workspace, policy.api, [], keyless, all)
                }
                groups[group]!.operations.append(policy.operation.map { name in
                    let route = [policy.method, policy.urlTemplate].compactMap { $0 }.joined(separator: " ")
                    return route.isEmpty ? name : route
                } ?? "all operations")
            }
        }
        for key in order {
            let group = groups[key]!
            guard let productDocument = document(.product, PolicyScope(workspace: group.workspace, product: group.product)),
                let validation = productDocument.document?.validations.first
            else { continue }
            let every = group.operations.count == group.all
            let which = every ? "every operation of API \(group.api)" : "operations \(Self.list(group.operations)) of API \(group.api)"
            let how = group.keyless
                ? "without any key (the API requires no subscription and no open product holds it)"
                : "with an API-scoped, all-APIs or built-in all-access subscription key, which runs no product policy"
            var finding = PolicyLintFinding(
                finding: Finding(
                    id: "product-validation-bypassed", severity: group.keyless ? .error : .warning,
                    message: "only product \(group.product) validates the token (\(validation.kind.rawValue) here), but \(which) can be called \(how), and then no token is validated: move the validation to the API (or global) scope"),
                source: validation.placement.source, line: validation.placement.line, column: validation.placement.column,
                scope: PolicyScope(workspace: group.workspace, product: group.product, api: group.api))
            finding.distinctPerScope = true
            out.append(finding)
        }
        return out
    }

    static func list(_ items: [String], limit: Int = 5) -> String {
        if items.count <= limit { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }

    // MARK: operations left out

    /// `operation-without-validation`: with no product, some operations of an API validate a token and this one
    /// does not: a request to it is not authenticated (a per-operation policy added the check to the others).
    func operationsWithoutValidation() -> [PolicyLintFinding] {
        var out: [PolicyLintFinding] = []
        var seenAPIs: [String] = []
        var byAPI: [String: [EffectivePolicy]] = [:]
        for policy in policies where policy.context.productName == nil && policy.operation != nil {
            let key = "\(policy.workspace ?? "")\u{0}\(policy.api)"
            if byAPI[key] == nil { seenAPIs.append(key) }
            byAPI[key, default: []].append(policy)
        }
        let dropped = droppedScopes
        for key in seenAPIs {
            let operations = byAPI[key]!
            let validating = operations.filter { $0.document.validatesToken }
            guard !validating.isEmpty else { continue }
            for policy in operations where !policy.document.validatesToken && policy.unknownScopes.isEmpty {
                if Self.dropped(policy, dropped) { continue }
                let place = location(of: policy)
                let route = [policy.method, policy.urlTemplate].compactMap { $0 }.joined(separator: " ")
                var finding = PolicyLintFinding(
                    finding: Finding(
                        id: "operation-without-validation", severity: .warning,
                        message: "operation \(policy.operation!)\(route.isEmpty ? "" : " (\(route))") of API \(policy.api) validates no token, while \(validating.count) other operation\(validating.count == 1 ? " of the API does" : "s of the API do") (\(Self.list(validating.compactMap(\.operation), limit: 3))): a request to it is not authenticated; validate at the API scope so that every operation does"),
                    source: place.file, line: place.line, column: 1,
                    scope: PolicyScope(workspace: policy.workspace, api: policy.api, operation: policy.operation))
                finding.distinctPerScope = true
                out.append(finding)
            }
        }
        return out
    }

    /// `revision-without-validation`: a revision (`orders;rev=2`) validates no token where another revision of
    /// the same API does. Every revision is callable (`/orders;rev=2/...`) with the API's keys, so an unfinished
    /// revision is a way around the current one's check.
    func revisionsWithoutValidation() -> [PolicyLintFinding] {
        var out: [PolicyLintFinding] = []
        let validatingByAPI = Dictionary(grouping: policies.filter { $0.document.validatesToken }) {
            "\($0.workspace ?? "")\u{0}\(APIDefinition(name: $0.api).baseName)"
        }
        let dropped = droppedScopes
        for policy in policies where !policy.document.validatesToken && policy.unknownScopes.isEmpty && !Self.dropped(policy, dropped) {
            let base = APIDefinition(name: policy.api).baseName
            let other = validatingByAPI["\(policy.workspace ?? "")\u{0}\(base)"]?.first { q in
                q.api != policy.api && q.context == policy.context
                    && (q.operation == policy.operation || q.operation == nil || policy.operation == nil)
            }
            guard let other else { continue }
            let place = location(of: policy)
            var finding = PolicyLintFinding(
                finding: Finding(
                    id: "revision-without-validation", severity: .error,
                    message: "API \(policy.api)\(policy.operation.map { ", operation \($0)," } ?? "") validates no token, while revision \(other.api) of the same API does: callers reach every revision by its URL (;rev=N) with the API's keys, so this one lets requests through unchecked"),
                source: place.file, line: place.line, column: 1,
                scope: PolicyScope(workspace: policy.workspace, api: policy.api, operation: policy.operation))
            finding.distinctPerScope = true
            out.append(finding)
        }
        return out
    }

    /// The scopes where a missing `<base />` dropped a validation: that finding names the cause, and the rules
    /// that see only the effect stay quiet there.
    var droppedScopes: Set<PolicyScope> {
        Set(findings.filter { $0.id == "validation-dropped-by-missing-base" }.compactMap(\.scope))
    }

    static func dropped(_ policy: EffectivePolicy, _ scopes: Set<PolicyScope>) -> Bool {
        scopes.contains(PolicyScope(workspace: policy.workspace, api: policy.api))
            || scopes.contains(PolicyScope(workspace: policy.workspace, api: policy.api, operation: policy.operation))
    }

    /// Where to point for an operation as a whole: its policy, else its API's policy, else the API's definition.
    func location(of policy: EffectivePolicy) -> (file: String, line: Int) {
        if policy.operation != nil,
            let own = document(.operation, PolicyScope(workspace: policy.workspace, api: policy.api, operation: policy.operation))
        {
            return (own.file, own.policies?.line ?? own.lines.lowerBound)
        }
        if let api = document(.api, PolicyScope(workspace: policy.workspace, api: policy.api)) {
            return (api.file, api.policies?.line ?? api.lines.lowerBound)
        }
        let definition = definitions["\(policy.workspace ?? "")\u{0}\(policy.api)"]
        return definition ?? (tree.path, 1)
    }

    // MARK: what validates no token

    /// One entry per API and product context when its operations agree, else one per operation.
    func coverage() -> [PolicyLintReport.Policy] {
        var out: [PolicyLintReport.Policy] = []
        var order: [String] = []
        var groups: [String: [EffectivePolicy]] = [:]
        for policy in policies {
            let key = "\(policy.workspace ?? "")\u{0}\(policy.api)\u{0}\(policy.context.description)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(policy)
        }
        for key in order {
            let group = groups[key]!
            let first = group[0]
            let place = location(of: first)
            let api = (first.workspace.map { "workspace \($0), " } ?? "") + "API \(first.api)"
            let unknown = Set(group.flatMap(\.unknownScopes)).sorted()
            let caveat = unknown.isEmpty ? "" : " (judged without \(Self.list(unknown, limit: 3)), whose text is not known)"
            if Set(group.map(\.document.validatesToken)).count == 1 {
                let operations = first.operation == nil ? "all operations" : group.count == 1 ? "1 operation" : "all \(group.count) operations"
                out.append(.init(
                    name: "\(api) (\(operations)), \(first.context.description)\(caveat)", file: place.file, line: place.line,
                    scope: PolicyScope(workspace: first.workspace, product: first.context.productName, api: first.api),
                    validatesToken: first.document.validatesToken))
            } else {
                for policy in group {
                    let place = location(of: policy)
                    out.append(.init(
                        name: policy.label + caveat, file: place.file, line: place.line, scope: policy.scope,
                        validatesToken: policy.document.validatesToken))
                }
            }
        }
        return out
    }
}

extension PolicyLintReport {
    /// Findings by file, then line and column: the order a reviewer reads a repository in.
    mutating func sort() {
        sortFindings { a, b in
            if (a.source ?? "") != (b.source ?? "") { return (a.source ?? "") < (b.source ?? "") }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return a.id < b.id
        }
    }
}
