/// One API Management service as its sources describe it: the policy at each scope, the APIs with their
/// operations, the products and which APIs they hold, the fragments and the named values. An APIOps artifacts
/// directory, a Bicep file, an ARM template and a Terraform module each read into one; a loose XML file is a tree
/// with a single standalone policy.
public struct PolicyTree: Sendable {
    public enum Kind: String, Sendable {
        case xml, apiops = "APIOps", bicep = "Bicep", arm = "ARM template", terraform = "Terraform"
    }

    /// The path the tree was read from, as given.
    public var path: String
    public var kind: Kind
    public var service: PolicyServiceScope
    /// Workspaces in the order found; each is a service-like scope of its own under the global policy.
    public var workspaces: [(name: String, scope: PolicyServiceScope)]
    /// Policies standing alone (a loose file): linted on their own, part of no composition.
    public var standalone: [PolicySource]
    /// What the readers could not read or resolve (`policy-not-resolvable`, `policy-unreadable`, ...).
    public var findings: [PolicyLintFinding]
    /// Whether the sources are expected to define every named value the policies use: an APIOps extract holds
    /// them all, a Bicep file or Terraform module often only some.
    public var namedValuesComplete: Bool
    /// A file given on its own: what cannot be read is an error (exit 3), not a finding.
    public var strict: Bool

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
        self.service = PolicyServiceScope()
        self.workspaces = []
        self.standalone = []
        self.findings = []
        self.namedValuesComplete = false
        self.strict = false
    }

    /// The workspace's scope, made on first use.
    mutating func workspace(_ name: String) -> Int {
        if let index = workspaces.firstIndex(where: { $0.name == name }) { return index }
        workspaces.append((name, PolicyServiceScope()))
        return workspaces.count - 1
    }

    /// The scope that holds APIs, products and fragments: the service's or a workspace's.
    subscript(workspace name: String?) -> PolicyServiceScope {
        get { name.flatMap { n in workspaces.first { $0.name == n }?.scope } ?? service }
        set {
            if let name {
                let index = workspace(name)
                workspaces[index].scope = newValue
            } else {
                service = newValue
            }
        }
    }

    /// Changes one level in place: the level is moved out while `body` runs, so that its arrays are not copied
    /// (a template of thousands of resources changes a level thousands of times).
    mutating func withLevel<Result>(_ workspace: String?, _ body: (inout PolicyServiceScope) -> Result) -> Result {
        if let workspace {
            let index = self.workspace(workspace)
            var level = workspaces[index].scope
            workspaces[index].scope = PolicyServiceScope()
            defer { workspaces[index].scope = level }
            return body(&level)
        }
        var level = service
        service = PolicyServiceScope()
        defer { service = level }
        return body(&level)
    }

    mutating func note(_ id: String, _ message: String, file: String, line: Int, column: Int = 1, scope: PolicyScope? = nil) {
        let rule = PolicyLint.rule(id)
        findings.append(PolicyLintFinding(
            finding: Finding(id: id, severity: rule.severity, message: message), source: file, line: line,
            column: column, scope: scope))
    }

    /// Whether the tree holds anything at all to lint.
    public var isEmpty: Bool {
        standalone.isEmpty && service.isEmpty && workspaces.allSatisfy { $0.scope.isEmpty } && findings.isEmpty
    }
}

/// The service itself or one workspace: what lives at that level.
public struct PolicyServiceScope: Sendable {
    public var policy: PolicySource?
    public var apis: [APIDefinition] = []
    public var products: [ProductDefinition] = []
    public var fragments: [FragmentDefinition] = []
    public var namedValues: [NamedValueDefinition] = []
    /// Where each name is in `apis` and `products`: templates name the same API from many resources, and a
    /// template of thousands of resources must not cost their square.
    private var apiPositions = NamePositions()
    private var productPositions = NamePositions()

    public init() {}

    var isEmpty: Bool { policy == nil && apis.isEmpty && products.isEmpty && fragments.isEmpty && namedValues.isEmpty }

    /// The API named `name`, made on first use (sources mention an API from its policy, its operations or a
    /// product link before, or without, its definition).
    mutating func api(_ name: String) -> Int {
        apiPositions.index(of: name, in: &apis, name: \.name) { APIDefinition(name: name) }
    }

    mutating func product(_ name: String) -> Int {
        productPositions.index(of: name, in: &products, name: \.name) { ProductDefinition(name: name) }
    }
}

/// Policy text for one scope, or why it cannot be read without deploying.
public enum PolicySource: Sendable {
    /// The text, and its `format` when the source said (`xml` is entity-escaped, `rawxml` is not; the reader
    /// reads both).
    case text(PolicyText, format: String?)
    /// Not statically known: a parameter, `templatefile(...)`, a `-link` URL fetched at deployment. `at` is where
    /// the value is written.
    case unresolvable(reason: String, file: String, line: Int, column: Int)
    /// A file that should hold the text but cannot be read (too large, not readable, outside the root).
    case unreadable(reason: String, file: String, line: Int, column: Int)

    public var file: String {
        switch self {
        case .text(let text, _): return text.file
        case .unresolvable(_, let file, _, _), .unreadable(_, let file, _, _): return file
        }
    }
}

public struct APIDefinition: Sendable {
    /// The API's name (ARM resource name; APIOps directory name, revisions with their `;rev=N`).
    public var name: String
    public var displayName: String?
    /// The URL suffix (`properties.path`).
    public var path: String?
    /// nil when the sources do not say: APIM's default is true.
    public var subscriptionRequired: Bool?
    public var policy: PolicySource?
    public var operations: [OperationDefinition] = []
    /// Where the API is defined (its information file or resource), for findings about the API as a whole.
    public var definedAt: (file: String, line: Int)?

    public init(name: String) { self.name = name }

    /// The API a revision belongs to: `orders;rev=2` is a revision of `orders` (products hold the API, and every
    /// revision with it).
    public var baseName: String {
        guard let semicolon = name.firstRange(of: ";rev=") else { return name }
        return String(name[..<semicolon.lowerBound])
    }

    private var operationPositions = NamePositions()

    mutating func operation(_ name: String) -> Int {
        operationPositions.index(of: name, in: &operations, name: \.name) { OperationDefinition(name: name) }
    }
}

public struct OperationDefinition: Sendable {
    /// The operation's ARM name (the APIOps directory; the OpenAPI `operationId` of APIM's exports).
    public var name: String
    public var method: String?
    public var urlTemplate: String?
    public var policy: PolicySource?

    public init(name: String, method: String? = nil, urlTemplate: String? = nil) {
        self.name = name
        self.method = method
        self.urlTemplate = urlTemplate
    }
}

public struct ProductDefinition: Sendable {
    public var name: String
    /// nil when the sources do not say: APIM's default is true.
    public var subscriptionRequired: Bool?
    /// `published` or `notPublished`; nil when unknown.
    public var state: String?
    /// Names of the APIs in the product (base names: a product holds an API with its revisions).
    public var apis: [String] = []
    public var policy: PolicySource?

    public init(name: String) { self.name = name }

    /// Microsoft: without a subscription key, "the API's single open product" runs its policy: a product that
    /// requires no subscription. An unpublished product is taken as not open (only administrators see it).
    public var isOpen: Bool { subscriptionRequired == false && state != "notPublished" }
}

public struct FragmentDefinition: Sendable {
    public var id: String
    public var source: PolicySource

    public init(id: String, source: PolicySource) {
        self.id = id
        self.source = source
    }
}

/// A named value: `{{displayName}}` in policies is replaced by its value. Microsoft: "To use a named value in a
/// policy, place its display name inside a double pair of braces."
public struct NamedValueDefinition: Sendable {
    public var name: String
    public var displayName: String?
    /// nil when the value is not in the sources (a secret, a Key Vault reference, a pipeline placeholder).
    public var value: String?
    public var secret: Bool
    public var keyVault: Bool

    public init(name: String, displayName: String? = nil, value: String? = nil, secret: Bool = false, keyVault: Bool = false) {
        self.name = name
        self.displayName = displayName
        self.value = value
        self.secret = secret
        self.keyVault = keyVault
    }

    /// The name policies use.
    public var reference: String { displayName ?? name }

    /// Why the value is not known here, when it is not.
    public var unknownBecause: String? {
        if keyVault { return "a Key Vault reference" }
        if value == nil { return secret ? "a secret named value" : "a named value whose value the sources do not hold" }
        if let value, NamedValueDefinition.isPlaceholder(value) {
            return "a placeholder (\(value)) that the deployment pipeline replaces"
        }
        return nil
    }

    /// Pipeline tokens that stand for a value supplied at deployment: `{#name#}`, `#{name}#`, `__NAME__`,
    /// `${name}`, `$(name)`.
    static func isPlaceholder(_ value: String) -> Bool {
        let v = value.trimmingXMLSpace
        return (v.hasPrefix("{#") && v.hasSuffix("#}")) || (v.hasPrefix("#{") && v.hasSuffix("}#"))
            || (v.hasPrefix("__") && v.hasSuffix("__") && v.count > 4) || (v.hasPrefix("${") && v.hasSuffix("}"))
            || (v.hasPrefix("$(") && v.hasSuffix(")"))
    }
}

/// Positions by name in an array that is also appended to directly: rebuilt whenever the counts differ.
struct NamePositions: Sendable {
    private var positions: [String: Int] = [:]

    mutating func index<Element>(
        of name: String, in array: inout [Element], name key: KeyPath<Element, String>, make: () -> Element
    ) -> Int {
        if positions.count != array.count {
            positions = [:]
            for (i, element) in array.enumerated() where positions[element[keyPath: key]] == nil { positions[element[keyPath: key]] = i }
        }
        if let index = positions[name] { return index }
        array.append(make())
        positions[name] = array.count - 1
        return array.count - 1
    }
}
