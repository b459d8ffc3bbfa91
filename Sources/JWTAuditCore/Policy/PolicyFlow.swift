/// The path one request takes through a policy's token-validating elements: document order, with `<choose>`
/// deciding which branch runs.
///
/// Microsoft (choose policy): "Conditions in `<when/>` elements are evaluated in order of their appearance within
/// the policy. Policy statement(s) enclosed within the first `<when/>` element with condition attribute equals
/// `true` will be applied. Policies enclosed within the `<otherwise/>` element, if present, will be applied if
/// all of the `<when/>` element condition attributes are `false`." A condition is a "Boolean expression |
/// Boolean constant": a constant (`true`, `@(false)`) is read here, an expression's value must be supplied.
///
/// The `<on-error>` section runs only after an error, never on a request's way through, so its elements are not
/// on the path.
public enum PolicyFlow {
    /// One step of the path: an element, or a choice among branches.
    public indirect enum Node: Sendable {
        case validation(TokenValidationPolicy)
        case choose(Choose)
        /// A token-validating element in `<on-error>`: not on a request's way through.
        case onError(TokenValidationPolicy)
    }

    public struct Choose: Sendable {
        public var source: String?
        public var line: Int
        public var whens: [When]
        /// nil: no `<otherwise>` (when no condition holds, nothing in the `<choose>` runs).
        public var otherwise: [Node]?
        /// Whether any branch holds a token-validating element: a `<choose>` without one cannot change the verdict,
        /// so its conditions are never needed.
        public var validates: Bool {
            whens.contains { PolicyFlow.validates($0.nodes) } || otherwise.map(PolicyFlow.validates) ?? false
        }
    }

    public struct When: Sendable {
        /// nil: the `<when>` has no `condition` attribute.
        public var condition: PolicyValue?
        public var line: Int
        public var nodes: [Node]
    }

    /// How the branch of one `<choose>` was decided, for the report.
    public struct Decision: Sendable, Equatable {
        public enum Branch: Sendable, Equatable {
            /// The `<when>` at this line (1-based position among the `<when>`s).
            case when(position: Int, line: Int)
            case otherwise
            /// No condition held and there is no `<otherwise>`.
            case none
        }

        public var line: Int
        public var branch: Branch
        /// Each condition evaluated, in order, with where its value came from.
        public var conditions: [(text: String, value: Bool, supplied: Bool)]

        public static func == (lhs: Decision, rhs: Decision) -> Bool {
            lhs.line == rhs.line && lhs.branch == rhs.branch
                && lhs.conditions.map { "\($0.text)\u{0}\($0.value)\u{0}\($0.supplied)" }
                    == rhs.conditions.map { "\($0.text)\u{0}\($0.value)\u{0}\($0.supplied)" }
        }

        /// "choose at line 3: the first <when> (line 4) runs: @(true) is true"
        public var summary: String {
            let said = conditions.map { "\($0.text) is \($0.value)\($0.supplied ? " (--expression-value)" : "")" }
                .joined(separator: ", ")
            switch branch {
            case .when(let position, let line):
                return "<choose> at line \(self.line): <when> \(position) (line \(line)) runs, because \(said)"
            case .otherwise:
                return "<choose> at line \(self.line): <otherwise> runs, because \(said)"
            case .none:
                return "<choose> at line \(self.line): nothing in it runs (no <otherwise>), because \(said)"
            }
        }
    }

    /// Every token-validating element in `nodes`, whichever branch.
    static func validations(in nodes: [Node]) -> [TokenValidationPolicy] {
        nodes.flatMap { node -> [TokenValidationPolicy] in
            switch node {
            case .validation(let validation), .onError(let validation): return [validation]
            case .choose(let choose):
                return choose.whens.flatMap { validations(in: $0.nodes) } + validations(in: choose.otherwise ?? [])
            }
        }
    }

    static func validates(_ nodes: [Node]) -> Bool {
        nodes.contains {
            switch $0 {
            case .validation: return true
            case .choose(let choose): return choose.validates
            case .onError: return false
            }
        }
    }

    /// The document's nodes, in the order the gateway meets them.
    public static func nodes(of document: PolicyDocument) -> [Node] {
        var byPlace: [String: TokenValidationPolicy] = [:]
        for validation in document.validations { byPlace[validation.placement.key] = validation }
        func visit(_ elements: [XMLElement], onError: Bool) -> [Node] {
            var nodes: [Node] = []
            for e in elements {
                if TokenValidationKind(rawValue: e.name) != nil {
                    let place = PolicyPlacement(source: e.source, line: e.line, column: e.column, section: nil, conditional: false).key
                    if let validation = byPlace[place] { nodes.append(onError ? .onError(validation) : .validation(validation)) }
                } else if e.name == "choose" && !onError {
                    var whens: [When] = []
                    var otherwise: [Node]?
                    for branch in e.elements {
                        if branch.name == "when" {
                            whens.append(When(
                                condition: branch.attribute("condition").map(PolicyValue.init), line: branch.line,
                                nodes: visit(branch.elements, onError: false)))
                        } else if branch.name == "otherwise" {
                            otherwise = (otherwise ?? []) + visit(branch.elements, onError: false)
                        }
                    }
                    nodes.append(.choose(Choose(source: e.source, line: e.line, whens: whens, otherwise: otherwise)))
                } else {
                    nodes += visit(e.elements, onError: onError || e.name == PolicySection.onError.rawValue)
                }
            }
            return nodes
        }
        return visit(document.roots, onError: false)
    }

    /// The value of a `<when>` condition: a Boolean constant as written (`true`, `@(false)`, `@( true )`), or the
    /// value supplied for the expression ("true"/"false", any case). nil when the expression has no value.
    public static func condition(
        _ value: PolicyValue, expressionValues: [String: String], line: Int
    ) throws(JWTAuditError) -> (value: Bool, supplied: Bool)? {
        func boolean(_ text: String) -> Bool? {
            switch text.trimmingXMLSpace.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        }
        switch value {
        case .literal(let text):
            guard let constant = boolean(text) else {
                throw JWTAuditError(
                    .malformedPolicy,
                    "the condition of <when> at line \(line) is \"\(text)\"; expected a Boolean expression @(...) or the constant true or false")
            }
            return (constant, false)
        case .expression(let expression):
            if let constant = constant(expression) { return (constant, false) }
            guard let supplied = PolicyValue.suppliedValue(of: expression, in: expressionValues) else { return nil }
            guard let value = boolean(supplied) else {
                throw JWTAuditError(
                    .invalidArgument,
                    "the value given for the condition \(expression) of <when> at line \(line) is \"\(supplied)\"; a condition is true or false")
            }
            return (value, true)
        }
    }

    /// `@(true)` / `@(false)`, with white space and redundant parentheses around the constant.
    static func constant(_ expression: String) -> Bool? {
        guard expression.hasPrefix("@(") && expression.hasSuffix(")") else { return nil }
        var inner = String(expression.dropFirst(2).dropLast()).trimmingXMLSpace
        while inner.hasPrefix("(") && inner.hasSuffix(")") { inner = String(inner.dropFirst().dropLast()).trimmingXMLSpace }
        switch inner {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}
