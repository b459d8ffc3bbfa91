/// An APIOps publisher configuration, `configuration.<env>.yaml`: per environment, it overrides named values and
/// the `properties` of policies at every scope (`policies`, `apis[].policies`, `apis[].operations[].policies`,
/// `products[].policies`, `policyFragments`, `workspaces[]...`). Linting "as deployed to prod" reads the tree with
/// it applied. Entries come as lists of `{name, properties}` (the publisher's form) or as maps keyed by name
/// (apiops-cli's); a policy override's text keeps its lines in the YAML file.
enum APIOpsConfiguration {
    static func apply(_ bytes: [UInt8], file: String, to tree: inout PolicyTree) throws(JWTAuditError) {
        let document = try YAMLReader.parse(bytes, file: file, positions: true)
        guard case .mapping = document else {
            throw JWTAuditError(.malformedPolicy, "\(file): a configuration file is a YAML mapping (namedValues:, apis:, ...)")
        }
        apply(document, file: file, to: &tree.service)
        for entry in entries(document["workspaces"]) {
            let index = tree.workspace(entry.name)
            apply(entry.node, file: file, to: &tree.workspaces[index].scope)
        }
    }

    /// Entries of a list of `{name: ...}` or of a map keyed by name.
    static func entries(_ node: YAMLNode?) -> [(name: String, node: YAMLNode)] {
        guard let node else { return [] }
        switch node {
        case .sequence(let items, _):
            return items.compactMap { item in item["name"]?.string.map { ($0, item) } }
        case .mapping(let members, _):
            return members.map { ($0.key, $0.value) }
        case .scalar:
            return []
        }
    }

    static func properties(_ node: YAMLNode) -> YAMLNode { node["properties"] ?? node }

    /// The policy a `policies` override gives (APIM names every policy `policy`).
    static func policy(_ node: YAMLNode?, file: String) -> PolicySource? {
        guard let entry = entries(node).first(where: { $0.name == "policy" }) ?? entries(node).first else { return nil }
        return text(properties(entry.node), file: file)
    }

    /// `value` (and `format`) of an override, with its YAML positions.
    static func text(_ properties: YAMLNode, file: String) -> PolicySource? {
        guard case .scalar(let value)? = properties["value"] else { return nil }
        let format = properties["format"]?.string
        if let format, format.hasSuffix("-link") {
            return .unresolvable(reason: "its format is \(format): the text is fetched from \(value.value) at deployment", file: file, line: value.line, column: value.column)
        }
        let text = value.text ?? PolicyText(bytes: Array(value.value.utf8), file: file)
        return .text(text, format: format)
    }

    static func apply(_ node: YAMLNode, file: String, to level: inout PolicyServiceScope) {
        if let policy = policy(node["policies"], file: file) { level.policy = policy }
        for entry in entries(node["namedValues"] ?? node["named values"]) {
            let properties = properties(entry.node)
            let index = level.namedValues.firstIndex { $0.name == entry.name || $0.displayName == entry.name }
            var value = index.map { level.namedValues[$0] } ?? NamedValueDefinition(name: entry.name)
            if let displayName = properties["displayName"]?.string { value.displayName = displayName }
            if let text = properties["value"]?.string {
                value.value = text
                value.keyVault = false
            }
            if let secret = properties["secret"]?.bool { value.secret = secret }
            if properties["keyVault"] != nil {
                value.keyVault = true
                value.value = nil
            }
            if let index { level.namedValues[index] = value } else { level.namedValues.append(value) }
        }
        for entry in entries(node["policyFragments"] ?? node["policy fragments"]) {
            guard let source = text(properties(entry.node), file: file) else { continue }
            if let index = level.fragments.firstIndex(where: { $0.id == entry.name }) {
                level.fragments[index].source = source
            } else {
                level.fragments.append(FragmentDefinition(id: entry.name, source: source))
            }
        }
        for entry in entries(node["apis"]) {
            let index = level.api(entry.name)
            let properties = properties(entry.node)
            if let path = properties["path"]?.string { level.apis[index].path = path }
            if let required = properties["subscriptionRequired"]?.bool { level.apis[index].subscriptionRequired = required }
            if let policy = policy(entry.node["policies"], file: file) { level.apis[index].policy = policy }
            for operation in entries(entry.node["operations"]) {
                if let policy = policy(operation.node["policies"], file: file) {
                    let op = level.apis[index].operation(operation.name)
                    level.apis[index].operations[op].policy = policy
                }
            }
        }
        for entry in entries(node["products"]) {
            let index = level.product(entry.name)
            let properties = properties(entry.node)
            if let required = properties["subscriptionRequired"]?.bool { level.products[index].subscriptionRequired = required }
            if let state = properties["state"]?.string { level.products[index].state = state }
            if let policy = policy(entry.node["policies"], file: file) { level.products[index].policy = policy }
        }
    }
}
