/// An APIOps artifacts directory (Azure/apiops extractor v5 to v7, and apiops-cli): the directory tells the scope,
/// every policy is `policy.xml`.
///
/// | scope | path (v7; older and newer names beside it) |
/// |---|---|
/// | global | `policy.xml` |
/// | API | `apis/<api>/policy.xml`, `apis/<api>/apiInformation.json`, `apis/<api>/specification.{json,yaml}` |
/// | operation | `apis/<api>/operations/<op>/policy.xml` (apiops-cli: `operationInformation.json`) |
/// | revision | `apis/<api>;rev=<n>/...`, a separate API |
/// | product | `products/<p>/policy.xml`, `productInformation.json`, `apis/<api>/productApiInformation.json` (v5, apiops-cli: `apis.json`) |
/// | fragment | `policy fragments/<id>/policy.xml` (apiops-cli: `policyFragments/<id>/policyFragmentInformation.json`) |
/// | named value | `named values/<n>/namedValueInformation.json` (apiops-cli: `namedValues/`) |
/// | workspace | `workspaces/<ws>/` holding the same tree (v6: `workspaces/<ws>/policy.xml`) |
struct APIOpsReader {
    let source: PolicySourceFiles
    var tree: PolicyTree

    static let fragmentDirectories = ["policy fragments", "policyFragments"]
    static let namedValueDirectories = ["named values", "namedValues"]
    static let collections = ["apis", "products", "workspaces"] + fragmentDirectories + namedValueDirectories

    /// Whether `directory` is an artifacts root: a collection directory of the layout, with something of the
    /// layout inside (a policy or an information file), or a global `policy.xml` beside it.
    static func isArtifactsRoot(_ directory: String, source: PolicySourceFiles) -> Bool {
        let entries = source.entries(directory)
        let names = Set(entries.filter { $0.kind == .directory }.map(\.name))
        let present = collections.filter { names.contains($0) }
        guard !present.isEmpty else { return false }
        if entries.contains(where: { $0.name == "policy.xml" && $0.kind == .file }) { return true }
        let evidence = ["policy.xml", "apiInformation.json", "productInformation.json", "namedValueInformation.json",
                        "policyFragmentInformation.json", "workspaceInformation.json", "apis.json", "operations",
                        "specification.yaml", "specification.yml", "specification.json"]
        for collection in present {
            let path = PolicyPath.join(directory, collection)
            for member in source.entries(path).prefix(20) where member.kind == .directory {
                let inside = source.entries(PolicyPath.join(path, member.name)).map(\.name)
                if inside.contains(where: evidence.contains) { return true }
            }
        }
        return false
    }

    static func read(_ directory: String, source: PolicySourceFiles) -> PolicyTree {
        var reader = APIOpsReader(source: source, tree: PolicyTree(path: directory, kind: .apiops))
        reader.tree.namedValuesComplete = true
        var service = PolicyServiceScope()
        reader.readLevel(directory, into: &service, workspace: nil)
        reader.tree.service = service
        let workspaces = PolicyPath.join(directory, "workspaces")
        for entry in source.entries(workspaces) where entry.kind == .directory {
            var workspace = PolicyServiceScope()
            reader.readLevel(PolicyPath.join(workspaces, entry.name), into: &workspace, workspace: entry.name)
            let index = reader.tree.workspace(entry.name)
            reader.tree.workspaces[index].scope = workspace
        }
        return reader.tree
    }

    func path(_ parts: String...) -> String { parts.dropFirst().reduce(parts[0]) { PolicyPath.join($0, $1) } }

    func isFile(_ path: String) -> Bool { source.kind(path) == .file }

    /// The directories inside `directory` (links to directories included: the layout bounds the depth).
    func subdirectories(_ directory: String) -> [String] {
        source.entries(directory).filter { $0.kind == .directory }.map(\.name)
    }

    mutating func readLevel(_ directory: String, into level: inout PolicyServiceScope, workspace: String?) {
        let policy = path(directory, "policy.xml")
        if isFile(policy) { level.policy = source.policy(policy) }
        let apis = path(directory, "apis")
        for name in subdirectories(apis) {
            level.apis.append(readAPI(path(apis, name), name: name, workspace: workspace))
        }
        let products = path(directory, "products")
        for name in subdirectories(products) {
            level.products.append(readProduct(path(products, name), name: name))
        }
        for collection in Self.fragmentDirectories {
            let fragments = path(directory, collection)
            for id in subdirectories(fragments) {
                if let fragment = readFragment(path(fragments, id), id: id) { level.fragments.append(fragment) }
            }
        }
        for collection in Self.namedValueDirectories {
            let values = path(directory, collection)
            for name in subdirectories(values) {
                if let value = readNamedValue(path(values, name), name: name) { level.namedValues.append(value) }
            }
        }
    }

    // MARK: information files

    /// `properties` of an information file (v5 to v7 and apiops-cli all wrap them so; very old ones did not).
    mutating func information(_ file: String) -> LocatedJSON? {
        guard isFile(file) else { return nil }
        switch source.read(file, limit: PolicySourceFiles.sourceLimit) {
        case .failure(let error):
            tree.note("source-file-unreadable", "\(PolicyPath.lastComponent(file)) cannot be read (\(error.reason)): what it says is unknown", file: file, line: 1)
            return nil
        case .success(let bytes):
            do {
                let json = try LocatedJSON.parse(bytes, file: file)
                return json["properties"] ?? json
            } catch {
                tree.note("source-file-unreadable", "\(error.reason): what it says is unknown", file: file, line: 1)
                return nil
            }
        }
    }

    mutating func readAPI(_ directory: String, name: String, workspace: String?) -> APIDefinition {
        var api = APIDefinition(name: name)
        let informationFile = path(directory, "apiInformation.json")
        if let info = information(informationFile) {
            api.displayName = info["displayName"]?.string
            api.path = info["path"]?.string
            api.subscriptionRequired = info["subscriptionRequired"]?.bool
            api.definedAt = (informationFile, 1)
        }
        let policy = path(directory, "policy.xml")
        if isFile(policy) { api.policy = source.policy(policy) }
        let operations = path(directory, "operations")
        for name in subdirectories(operations) {
            var operation = OperationDefinition(name: name)
            let operationPolicy = path(operations, name, "policy.xml")
            if isFile(operationPolicy) { operation.policy = source.policy(operationPolicy) }
            if let info = information(path(operations, name, "operationInformation.json")) {
                operation.method = info["method"]?.string?.uppercased()
                operation.urlTemplate = info["urlTemplate"]?.string
            }
            api.operations.append(operation)
        }
        for file in ["specification.yaml", "specification.yml", "specification.json"] {
            let specification = path(directory, file)
            guard isFile(specification) else { continue }
            readSpecification(specification, into: &api)
            break
        }
        return api
    }

    /// Fills method and URL of the operations the directories name, and adds the operations that have no
    /// policy of their own (they run the API's).
    mutating func readSpecification(_ file: String, into api: inout APIDefinition) {
        let bytes: [UInt8]
        switch source.read(file, limit: PolicySourceFiles.sourceLimit) {
        case .success(let read): bytes = read
        case .failure(let error):
            tree.note("source-file-unreadable", "the specification cannot be read (\(error.reason)): operations are named by their directories only", file: file, line: 1)
            return
        }
        do {
            for operation in try OpenAPIOperations.read(bytes, file: file) {
                let index = api.operation(operation.name)
                if api.operations[index].method == nil { api.operations[index].method = operation.method }
                if api.operations[index].urlTemplate == nil { api.operations[index].urlTemplate = operation.urlTemplate }
            }
        } catch {
            tree.note("source-file-unreadable", "\(error.reason): operations are named by their directories only", file: file,
                      line: error.position?.line ?? 1)
        }
    }

    mutating func readProduct(_ directory: String, name: String) -> ProductDefinition {
        var product = ProductDefinition(name: name)
        if let info = information(path(directory, "productInformation.json")) {
            product.subscriptionRequired = info["subscriptionRequired"]?.bool
            product.state = info["state"]?.string
        }
        let policy = path(directory, "policy.xml")
        if isFile(policy) { product.policy = source.policy(policy) }
        product.apis = subdirectories(path(directory, "apis")).map { APIDefinition(name: $0).baseName }
        let list = path(directory, "apis.json")
        if isFile(list), case .success(let bytes) = source.read(list, limit: PolicySourceFiles.sourceLimit) {
            do {
                for item in try LocatedJSON.parse(bytes, file: list).items {
                    if let name = item.string ?? item["name"]?.string ?? item["properties"]?["name"]?.string,
                        !product.apis.contains(name)
                    {
                        product.apis.append(APIDefinition(name: name).baseName)
                    }
                }
            } catch {
                tree.note("source-file-unreadable", "\(error.reason): the product's APIs are unknown", file: list, line: 1)
            }
        }
        return product
    }

    mutating func readFragment(_ directory: String, id: String) -> FragmentDefinition? {
        let policy = path(directory, "policy.xml")
        if isFile(policy) { return FragmentDefinition(id: id, source: source.policy(policy)) }
        let informationFile = path(directory, "policyFragmentInformation.json")
        guard isFile(informationFile), case .success(let bytes) = source.read(informationFile, limit: PolicySourceFiles.sourceLimit)
        else { return nil }
        do {
            let json = try LocatedJSON.parse(bytes, file: informationFile)
            let properties = json["properties"] ?? json
            guard let value = properties["value"], let offset = value.offset else { return nil }
            let text = LocatedJSON.text(at: offset, in: SourceLines(bytes), file: informationFile)
            return FragmentDefinition(id: id, source: .text(text, format: properties["format"]?.string))
        } catch {
            tree.note("source-file-unreadable", "\(error.reason): fragment \(id) is unknown", file: informationFile, line: 1)
            return nil
        }
    }

    mutating func readNamedValue(_ directory: String, name: String) -> NamedValueDefinition? {
        guard let info = information(path(directory, "namedValueInformation.json")) else { return nil }
        return NamedValueDefinition(
            name: name, displayName: info["displayName"]?.string, value: info["value"]?.string,
            secret: info["secret"]?.bool ?? false, keyVault: info["keyVault"] != nil)
    }
}
