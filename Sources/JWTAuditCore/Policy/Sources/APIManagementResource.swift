/// One `Microsoft.ApiManagement/service/...` resource of a Bicep file or an ARM template, reduced to what the
/// policy tree needs. Both readers fill it from their own syntax; placing it in the tree is written once here.
///
/// Types (Microsoft's template reference; the child name of a policy is always `policy`):
/// `service/policies`, `service/apis[/operations][/policies]`, `service/products[/policies]`,
/// `service/products/apis` and `.../apiLinks` (membership), `service/policyFragments`, `service/namedValues`, the
/// same under `service/workspaces/`, and `service/apis/resolvers/policies` (GraphQL, linted on its own).
struct APIManagementResource {
    /// Lowercased type segments after the provider: `["service", "apis", "policies"]`.
    var typeParts: [String]
    /// The resource's name segments, as many as `typeParts` when the sources say them all (unknown ones are the
    /// expression as written).
    var names: [String]
    var file: String
    var line: Int
    var column: Int
    /// Properties that are plain strings (`path`, `displayName`, `method`, `urlTemplate`, `state`, `value`,
    /// `apiId`), keyed lowercased.
    var strings: [String: String] = [:]
    var bools: [String: Bool] = [:]
    var hasKeyVault = false
    /// For policies and fragments: the text, or why it is not known.
    var policy: PolicySource?

    static func typeParts(_ type: String) -> [String]? {
        let lower = type.lowercased()
        let withoutVersion = lower.split(separator: "@").first.map(String.init) ?? lower
        let parts = withoutVersion.split(separator: "/").map(String.init)
        guard parts.first == "microsoft.apimanagement", parts.count >= 2 else { return nil }
        return Array(parts.dropFirst())
    }

    /// The name of the segment `part` (aligned from the end: a name may lack its service prefix).
    func name(at index: Int) -> String? {
        let offset = names.count - typeParts.count
        let i = index + offset
        return i >= 0 && i < names.count ? names[i] : nil
    }

    func apply(to tree: inout PolicyTree) {
        var parts = typeParts
        var workspace: String?
        if let index = parts.firstIndex(of: "workspaces"), index == 1 {
            workspace = name(at: index) ?? "?"
            parts.remove(at: index)
            if parts.count == 1 {
                _ = tree.workspace(workspace!)
                return
            }
        }
        func named(_ kind: String) -> String {
            guard let index = typeParts.firstIndex(of: kind) else { return "?" }
            return name(at: index) ?? "?"
        }
        var standalone: PolicySource?
        tree.withLevel(workspace) { level in
        switch parts {
        case ["service", "policies"]:
            level.policy = policy
        case ["service", "apis"]:
            let index = level.api(named("apis"))
            if let path = strings["path"] { level.apis[index].path = path }
            if let displayName = strings["displayname"] { level.apis[index].displayName = displayName }
            if let required = bools["subscriptionrequired"] { level.apis[index].subscriptionRequired = required }
            level.apis[index].definedAt = (file, line)
        case ["service", "apis", "policies"]:
            level.apis[level.api(named("apis"))].policy = policy
        case ["service", "apis", "operations"]:
            let api = level.api(named("apis"))
            let op = level.apis[api].operation(named("operations"))
            if let method = strings["method"] { level.apis[api].operations[op].method = method.uppercased() }
            if let url = strings["urltemplate"] { level.apis[api].operations[op].urlTemplate = url }
        case ["service", "apis", "operations", "policies"]:
            let api = level.api(named("apis"))
            let op = level.apis[api].operation(named("operations"))
            level.apis[api].operations[op].policy = policy
        case ["service", "products"]:
            let index = level.product(named("products"))
            if let required = bools["subscriptionrequired"] { level.products[index].subscriptionRequired = required }
            if let state = strings["state"] { level.products[index].state = state }
        case ["service", "products", "policies"]:
            level.products[level.product(named("products"))].policy = policy
        case ["service", "products", "apis"], ["service", "products", "apilinks"]:
            let product = level.product(named("products"))
            let api = parts.last == "apis" ? named("apis") : strings["apiid"].map(PolicyPath.lastComponent) ?? "?"
            let base = APIDefinition(name: api).baseName
            if !level.products[product].apis.contains(base) { level.products[product].apis.append(base) }
        case ["service", "policyfragments"]:
            if let policy { level.fragments.append(FragmentDefinition(id: named("policyfragments"), source: policy)) }
        case ["service", "namedvalues"]:
            level.namedValues.append(NamedValueDefinition(
                name: named("namedvalues"), displayName: strings["displayname"], value: hasKeyVault ? nil : strings["value"],
                secret: bools["secret"] ?? false, keyVault: hasKeyVault))
        case ["service", "apis", "resolvers", "policies"]:
            standalone = policy
        default:
            break
        }
        }
        if let standalone { tree.standalone.append(standalone) }
    }

    /// Whether the type holds policy text (`value`/`format`, or the old `policyContent`/`contentFormat`).
    var holdsPolicy: Bool { typeParts.last == "policies" || typeParts.last == "policyfragments" }
}
