/// API Management policies in a `.bicep` file: every `Microsoft.ApiManagement/service/...` resource, top-level or
/// nested as a child, with `parent:` or a slash-separated `name`. A policy's `value` is read when it is static:
/// a single-quoted string (escapes decoded, each byte placed on its line in the .bicep file), a `'''` multi-line
/// string (verbatim), `loadTextContent('file')` (resolved relative to the .bicep file, read when inside the root),
/// or a `var` holding one of those. Anything else (a parameter, a module input, `replace()`, `format()`) is a
/// `policy-not-resolvable` finding at the value; a string with `${...}` interpolations is read with them kept as
/// written, and says so. Modules are other files: a repository walk reads them on their own.
enum BicepReader {
    struct Resource {
        var symbol: String
        /// Full type without version, as written (`Microsoft.ApiManagement/service/apis/policies`).
        var type: String
        var body: TemplateValue
        var offset: Int
        /// The index of the enclosing resource, for a child declared inside another (children's symbols are
        /// scoped to their parent, so two parents may each have a child `policy`).
        var enclosing: Int?
    }

    static func read(_ bytes: [UInt8], file: String, source: PolicySourceFiles) throws(JWTAuditError) -> PolicyTree {
        var lexer = TemplateLexer(bytes, file: file, language: .bicep)
        let tokens = try lexer.tokens()
        var parser = TemplateParser(tokens: tokens, lexer: lexer)
        var resources: [Resource] = []
        var variables: [String: TemplateValue] = [:]
        var objectOwner: [Int: Int] = [:]
        while true {
            parser.skipNewlines()
            guard let token = parser.current else { break }
            if token.isSymbol("@") {
                parser.position += 1
                _ = try parser.parseValue()
                continue
            }
            switch token.identifier {
            case "resource":
                guard let symbol = tokens.dropFirst(parser.position + 1).first?.identifier,
                    case .string(let type)? = tokens.dropFirst(parser.position + 2).first?.kind
                else {
                    skipStatement(&parser)
                    continue
                }
                parser.position += 3
                while let t = parser.current, !t.isSymbol("="), !t.isNewline { parser.position += 1 }
                guard parser.current?.isSymbol("=") == true else { continue }
                parser.position += 1
                parser.skipNewlines()
                let value = try parser.parseValue()
                let body = Self.body(value)
                objectOwner[body.offset] = resources.count
                resources.append(Resource(symbol: symbol, type: type.value, body: body, offset: token.offset))
            case "var":
                guard let name = tokens.dropFirst(parser.position + 1).first?.identifier else {
                    skipStatement(&parser)
                    continue
                }
                parser.position += 2
                while let t = parser.current, !t.isSymbol("="), !t.isNewline { parser.position += 1 }
                guard parser.current?.isSymbol("=") == true else { continue }
                parser.position += 1
                parser.skipNewlines()
                variables[name] = try parser.parseValue()
            default:
                skipStatement(&parser)
            }
        }
        // Children declared inside a body: their type is relative to the enclosing resource's.
        var pending = parser.nestedResources
        var rounds = 0
        while !pending.isEmpty, rounds < 64 {
            rounds += 1
            var left: [(symbol: String, type: String, value: TemplateValue, offset: Int, parentOffset: Int)] = []
            for nested in pending {
                guard let owner = objectOwner[nested.parentOffset] else {
                    left.append(nested)
                    continue
                }
                let parent = resources[owner]
                let relative = nested.type.split(separator: "@").first.map(String.init) ?? nested.type
                let body = Self.body(nested.value)
                objectOwner[body.offset] = resources.count
                resources.append(Resource(
                    symbol: nested.symbol, type: (parent.type.split(separator: "@").first.map(String.init) ?? parent.type) + "/" + relative,
                    body: body, offset: nested.offset, enclosing: owner))
            }
            if left.count == pending.count { break }
            pending = left
        }
        var reader = Reader(file: file, lines: lexer.lines, source: source, resources: resources, variables: variables)
        return reader.read()
    }

    /// The object of a resource: `{...}`, `if (c) {...}` (already unwrapped) or `[for x in y: {...}]`.
    static func body(_ value: TemplateValue) -> TemplateValue {
        if case .array(let items, _) = value, let first = items.first { return first }
        return value
    }

    /// Any other statement (`param`, `module`, `output`, `targetScope`, `import`, `type`, `func`): up to its
    /// end, its `= value` included whatever its lines.
    static func skipStatement(_ parser: inout TemplateParser) {
        var level = 0
        while let t = parser.current {
            if level == 0 && t.isNewline { return }
            if level == 0 && t.isSymbol("=") {
                parser.position += 1
                parser.skipNewlines()
                _ = try? parser.parseValue()
                return
            }
            if t.isSymbol("(") || t.isSymbol("[") || t.isSymbol("{") { level += 1 }
            if t.isSymbol(")") || t.isSymbol("]") || t.isSymbol("}") { level -= 1 }
            parser.position += 1
        }
    }

    struct Reader {
        let file: String
        let lines: SourceLines
        let source: PolicySourceFiles
        let resources: [Resource]
        /// Top-level symbols first: `parent:` and `x.name` name those (a child's symbol is its parent's business).
        let bySymbol: [String: Int]
        let variables: [String: TemplateValue]
        var tree: PolicyTree
        var names: [Int: [String]] = [:]

        init(file: String, lines: SourceLines, source: PolicySourceFiles, resources: [Resource], variables: [String: TemplateValue]) {
            self.file = file
            self.lines = lines
            self.source = source
            self.resources = resources
            var bySymbol: [String: Int] = [:]
            for (index, resource) in resources.enumerated() where resource.enclosing == nil { bySymbol[resource.symbol] = index }
            for (index, resource) in resources.enumerated() where bySymbol[resource.symbol] == nil { bySymbol[resource.symbol] = index }
            self.bySymbol = bySymbol
            self.variables = variables
            self.tree = PolicyTree(path: file, kind: .bicep)
        }

        mutating func read() -> PolicyTree {
            for (index, resource) in resources.enumerated() {
                guard let parts = APIManagementResource.typeParts(resource.type) else { continue }
                let (line, column) = lines.position(resource.offset)
                var facts = APIManagementResource(typeParts: parts, names: segments(of: index, depth: 0), file: file, line: line, column: column)
                let properties = resource.body["properties"]
                for key in ["path", "displayName", "method", "urlTemplate", "state"] {
                    if let value = properties?[key].flatMap(staticString) { facts.strings[key.lowercased()] = value }
                }
                if let value = properties?["value"].flatMap(staticString) { facts.strings["value"] = value }
                if let apiId = properties?["apiId"] { facts.strings["apiid"] = reference(apiId) }
                for key in ["subscriptionRequired", "secret"] {
                    if let value = properties?[key]?.bool { facts.bools[key.lowercased()] = value }
                }
                facts.hasKeyVault = properties?["keyVault"] != nil
                if facts.holdsPolicy { facts.policy = policy(properties, resource: resource) }
                facts.apply(to: &tree)
            }
            return tree
        }

        func staticString(_ value: TemplateValue) -> String? { resolved(value, depth: 0).staticString }

        /// A variable's value in place of its reference (a few levels deep).
        func resolved(_ value: TemplateValue, depth: Int) -> TemplateValue {
            if depth < 8, case .reference(let path, _) = value, path.count == 1, let variable = variables[path[0]] {
                return resolved(variable, depth: depth + 1)
            }
            return value
        }

        /// `other.id` or `other.name` → the other resource's name; a static string → its last segment.
        func reference(_ value: TemplateValue) -> String {
            if case .reference(let path, _) = value, let symbol = path.first, let index = bySymbol[symbol] {
                var copy = self
                return copy.segments(of: index, depth: 0).last ?? symbol
            }
            return staticString(value).map(PolicyPath.lastComponent) ?? value.source
        }

        /// The name segments of a resource: its own `name` split on `/`, after its parent's (`parent:`, or the
        /// resource it is declared in).
        mutating func segments(of index: Int, depth: Int) -> [String] {
            if let known = names[index] { return known }
            guard depth < 16 else { return [] }
            let resource = resources[index]
            let name = resource.body["name"].map { resolved($0, depth: 0) }
            let own: [String]
            switch name {
            case .string(let s)?: own = s.value.split(separator: "/").map(String.init)
            case .reference(let path, _)? where path.count == 2 && path[1] == "name" && bySymbol[path[0]] != nil
                && bySymbol[path[0]] != index:
                // `name: reportsApi.name`: the other resource's own name.
                own = [segments(of: bySymbol[path[0]]!, depth: depth + 1).last ?? path[0]]
            case let other?: own = [other.source]
            case nil: own = ["?"]
            }
            var parent: Int?
            if case .reference(let path, _)? = resource.body["parent"], let first = path.first { parent = bySymbol[first] }
            parent = parent ?? resource.enclosing
            let result = (parent.map { segments(of: $0, depth: depth + 1) } ?? []) + own
            names[index] = result
            return result
        }

        /// The policy text of a policy or fragment resource.
        mutating func policy(_ properties: TemplateValue?, resource: Resource) -> PolicySource {
            let (line, column) = lines.position(resource.offset)
            guard let properties else {
                return .unresolvable(reason: "the resource has no static properties", file: file, line: line, column: column)
            }
            let format = (properties["format"] ?? properties["contentFormat"]).flatMap(staticString)
            guard let raw = properties["value"] ?? properties["policyContent"] else {
                return .unresolvable(reason: "it has no value", file: file, line: line, column: column)
            }
            let value = resolved(raw, depth: 0)
            let at = lines.position(raw.offset)
            if let format, format.lowercased().hasSuffix("-link") {
                return .unresolvable(
                    reason: "its format is \(format): APIM fetches the text from \(value.staticString ?? value.source) at deployment",
                    file: file, line: at.line, column: at.column)
            }
            switch value {
            case .string(let s):
                if !s.isStatic {
                    let where_ = lines.position(s.offset)
                    tree.note("template-interpolation",
                              "the policy text holds \(s.interpolations.count == 1 ? "an interpolation" : "interpolations") (\(TemplateReaders.list(s.interpolations))) kept as written: what depends on \(s.interpolations.count == 1 ? "it" : "them") is not judged",
                              file: file, line: where_.line, column: where_.column)
                }
                return .text(s.text, format: format)
            case .call(let name, let arguments, _, let source) where name == "loadTextContent":
                guard let relative = arguments.first?.staticString else {
                    return .unresolvable(reason: "\(source) names its file with an expression", file: file, line: at.line, column: at.column)
                }
                return TemplateReaders.load(relative, from: file, source: self.source, line: at.line, column: at.column, format: format)
            default:
                return .unresolvable(
                    reason: "its value is \(value.source), which is not known before deployment\(TemplateReaders.loadedFileHint(value))",
                    file: file, line: at.line, column: at.column)
            }
        }
    }
}

/// What the template readers share: loading a policy file they name, and wording.
enum TemplateReaders {
    /// A file a template loads, relative to the template's directory; outside the root it is not read.
    static func load(_ relative: String, from template: String, source: PolicySourceFiles, line: Int, column: Int, format: String?) -> PolicySource {
        let path = PolicyPath.join(PolicyPath.directory(of: template), relative)
        switch source.read(path, limit: PolicySourceFiles.policyLimit) {
        case .success(let bytes): return .text(PolicyText(bytes: bytes, file: path), format: format)
        case .failure(let error):
            return .unreadable(reason: "\(template) loads \(path), and \(error.reason)", file: template, line: line, column: column)
        }
    }

    /// For `replace(loadTextContent('x.xml'), ...)`: name the file, which can be linted on its own.
    static func loadedFileHint(_ value: TemplateValue) -> String {
        func files(_ v: TemplateValue) -> [String] {
            guard case .call(let name, let arguments, _, _) = v else { return [] }
            if name == "loadTextContent" || name == "file", let path = arguments.first?.staticString { return [path] }
            return arguments.flatMap(files)
        }
        let found = files(value)
        return found.isEmpty ? "" : " (lint \(found.joined(separator: ", ")) on its own to judge the text it starts from)"
    }

    static func list(_ items: [String]) -> String {
        items.count <= 3 ? items.joined(separator: ", ") : items.prefix(3).joined(separator: ", ") + " and \(items.count - 3) more"
    }
}
