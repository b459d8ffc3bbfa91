/// API Management policies in a Terraform module (its `.tf` files, azurerm provider): `azurerm_api_management_policy`,
/// `_api_policy`, `_api_operation_policy`, `_product_policy`, `_workspace_policy` and `_policy_fragment`, with the
/// APIs, operations, products, product links and named values that place them. `xml_content` is read when it is a
/// heredoc (`<<XML`, `<<-XML`: the indentation removed, each byte placed on its line in the .tf file), a string,
/// `file("...")` (relative to the module, `${path.module}` understood; read when inside the root) or a `local`
/// holding one. `templatefile(...)`, `xml_link` (fetched at deployment) and anything else are
/// `policy-not-resolvable` findings; `${...}` interpolations are kept as written and said so.
enum TerraformReader {
    struct Block {
        var type: String
        var labels: [String]
        var attributes: [(name: String, value: TemplateValue)]
        var blocks: [Block]
        var offset: Int
        var file: String
        var lines: SourceLines

        func attribute(_ name: String) -> TemplateValue? { attributes.first { $0.name == name }?.value }
    }

    static func read(_ files: [(String, [UInt8])], module: String, source: PolicySourceFiles) throws(JWTAuditError) -> PolicyTree {
        var blocks: [Block] = []
        for (file, bytes) in files {
            var lexer = TemplateLexer(bytes, file: file, language: .hcl)
            let tokens = try lexer.tokens()
            var parser = TemplateParser(tokens: tokens, lexer: lexer)
            blocks += try body(&parser, file: file, lines: lexer.lines, closing: false).blocks
        }
        var reader = Reader(module: module, source: source, blocks: blocks,
                            tree: PolicyTree(path: files.count == 1 ? files[0].0 : module, kind: .terraform))
        reader.read()
        return reader.tree
    }

    /// A body: `name = value` attributes and `type "label" ... { body }` blocks, up to `}` (or the end of the file).
    static func body(_ parser: inout TemplateParser, file: String, lines: SourceLines, closing: Bool) throws(JWTAuditError) -> (attributes: [(name: String, value: TemplateValue)], blocks: [Block]) {
        var attributes: [(name: String, value: TemplateValue)] = []
        var blocks: [Block] = []
        while true {
            parser.skipNewlines()
            guard let token = parser.current else {
                if closing { throw parser.lexer.fail("a block is not closed with }", at: parser.lexer.bytes.count) }
                break
            }
            if token.isSymbol("}") {
                if closing { parser.position += 1; break }
                throw parser.lexer.fail("unexpected }", at: token.offset)
            }
            guard let name = token.identifier else {
                parser.skipToValueEnd()
                if let t = parser.current, !t.isNewline { parser.position += 1 }
                continue
            }
            parser.position += 1
            if let t = parser.current, t.isSymbol("=") {
                parser.position += 1
                parser.skipNewlines()
                attributes.append((name, try parser.parseValue()))
                continue
            }
            var labels: [String] = []
            while let t = parser.current, !t.isSymbol("{"), !t.isNewline {
                switch t.kind {
                case .string(let s): labels.append(s.value)
                case .identifier(let i): labels.append(i)
                default: break
                }
                parser.position += 1
            }
            guard let open = parser.current, open.isSymbol("{") else { continue }
            parser.position += 1
            parser.depth += 1
            if parser.depth > 64 { throw parser.lexer.fail("blocks nested deeper than 64 levels", at: open.offset) }
            let inner = try body(&parser, file: file, lines: lines, closing: true)
            parser.depth -= 1
            blocks.append(Block(type: name, labels: labels, attributes: inner.attributes, blocks: inner.blocks, offset: token.offset, file: file, lines: lines))
        }
        return (attributes, blocks)
    }

    struct Reader {
        let module: String
        let source: PolicySourceFiles
        let blocks: [Block]
        var tree: PolicyTree
        var locals: [String: (value: TemplateValue, block: Block)] = [:]
        let resources: [Block]
        let resourcesByAddress: [String: Block]

        init(module: String, source: PolicySourceFiles, blocks: [Block], tree: PolicyTree) {
            self.module = module
            self.source = source
            self.blocks = blocks
            self.tree = tree
            for block in blocks where block.type == "locals" {
                for (name, value) in block.attributes { locals[name] = (value, block) }
            }
            resources = blocks.filter { $0.type == "resource" && $0.labels.count == 2 }
            resourcesByAddress = Dictionary(resources.map { ($0.labels[0] + "." + $0.labels[1], $0) }, uniquingKeysWith: { first, _ in first })
        }

        func resource(_ type: String, _ name: String) -> Block? { resourcesByAddress[type + "." + name] }

        /// A name: a static string, another resource's attribute (`azurerm_api_management_api.orders.name`), a
        /// local, or the expression as written.
        func name(_ value: TemplateValue?, depth: Int = 0) -> String? {
            // References can go round (`name = azurerm_x.y.name` inside y): a few levels, then as written.
            guard let value else { return nil }
            if depth >= 8 { return value.source }
            switch value {
            case .string(let s): return s.value
            case .reference(let path, _):
                if path.count == 2, path[0] == "local", let local = locals[path[1]] { return name(local.value, depth: depth + 1) }
                if path.count >= 3, let other = resource(path[0], path[1]) {
                    let attribute = path[2] == "id" ? "name" : path[2]
                    return name(other.attribute(attribute), depth: depth + 1) ?? (attribute == "name" || attribute == "product_id" || attribute == "operation_id" ? path[1] : nil)
                }
                return path.joined(separator: ".")
            default:
                return value.source
            }
        }

        func bool(_ value: TemplateValue?) -> Bool? { value?.bool }

        mutating func read() {
            for block in resources {
                let type = block.labels[0]
                guard type.hasPrefix("azurerm_api_management_") else { continue }
                let (line, _) = block.lines.position(block.offset)
                var workspace: String?
                if type == "azurerm_api_management_workspace_policy" {
                    workspace = name(block.attribute("api_management_workspace_id")) ?? block.labels[1]
                }
                // Policy text first (it may add findings to the tree), then the level changes in place.
                let text: PolicySource? = switch type {
                case "azurerm_api_management_policy", "azurerm_api_management_workspace_policy", "azurerm_api_management_api_policy",
                    "azurerm_api_management_api_operation_policy", "azurerm_api_management_product_policy":
                    policy(block)
                case "azurerm_api_management_policy_fragment":
                    self.text(block.attribute("value"), block: block, attribute: "value")
                default:
                    nil
                }
                // The tree is moved out while the level changes, so that neither is copied.
                var moved = tree
                tree = PolicyTree(path: moved.path, kind: moved.kind)
                defer { tree = moved }
                moved.withLevel(workspace) { level in
                switch type {
                case "azurerm_api_management_policy", "azurerm_api_management_workspace_policy":
                    level.policy = text
                case "azurerm_api_management_api":
                    let index = level.api(name(block.attribute("name")) ?? block.labels[1])
                    if let path = block.attribute("path")?.staticString { level.apis[index].path = path }
                    if let displayName = block.attribute("display_name")?.staticString { level.apis[index].displayName = displayName }
                    if let required = bool(block.attribute("subscription_required")) { level.apis[index].subscriptionRequired = required }
                    level.apis[index].definedAt = (block.file, line)
                case "azurerm_api_management_api_policy":
                    let index = level.api(name(block.attribute("api_name")) ?? "?")
                    level.apis[index].policy = text
                case "azurerm_api_management_api_operation":
                    let api = level.api(name(block.attribute("api_name")) ?? "?")
                    let op = level.apis[api].operation(name(block.attribute("operation_id")) ?? block.labels[1])
                    if let method = block.attribute("method")?.staticString { level.apis[api].operations[op].method = method.uppercased() }
                    if let url = block.attribute("url_template")?.staticString { level.apis[api].operations[op].urlTemplate = url }
                case "azurerm_api_management_api_operation_policy":
                    let api = level.api(name(block.attribute("api_name")) ?? "?")
                    let op = level.apis[api].operation(name(block.attribute("operation_id")) ?? "?")
                    level.apis[api].operations[op].policy = text
                case "azurerm_api_management_product":
                    let index = level.product(name(block.attribute("product_id")) ?? block.labels[1])
                    if let required = bool(block.attribute("subscription_required")) { level.products[index].subscriptionRequired = required }
                    if let published = bool(block.attribute("published")) { level.products[index].state = published ? "published" : "notPublished" }
                case "azurerm_api_management_product_policy":
                    let index = level.product(name(block.attribute("product_id")) ?? "?")
                    level.products[index].policy = text
                case "azurerm_api_management_product_api":
                    let index = level.product(name(block.attribute("product_id")) ?? "?")
                    let api = APIDefinition(name: name(block.attribute("api_name")) ?? "?").baseName
                    if !level.products[index].apis.contains(api) { level.products[index].apis.append(api) }
                case "azurerm_api_management_policy_fragment":
                    // Unlike the policies, a fragment's format defaults to xml (entity-escaped); both read the same here.
                    let id = name(block.attribute("name")) ?? block.labels[1]
                    if let text { level.fragments.append(FragmentDefinition(id: id, source: text)) }
                case "azurerm_api_management_named_value":
                    let keyVault = block.blocks.contains { $0.type == "value_from_key_vault" }
                    level.namedValues.append(NamedValueDefinition(
                        name: name(block.attribute("name")) ?? block.labels[1],
                        displayName: block.attribute("display_name")?.staticString,
                        value: keyVault ? nil : block.attribute("value")?.staticString,
                        secret: bool(block.attribute("secret")) ?? false, keyVault: keyVault))
                default:
                    break
                }
                }
            }
        }

        /// `xml_content`, or why there is no text: `xml_link` is fetched by APIM at deployment.
        mutating func policy(_ block: Block) -> PolicySource {
            if let link = block.attribute("xml_link") {
                let (line, column) = block.lines.position(link.offset)
                return .unresolvable(reason: "xml_link \(link.staticString ?? link.source): APIM fetches the text at deployment", file: block.file, line: line, column: column)
            }
            return text(block.attribute("xml_content"), block: block, attribute: "xml_content")
        }

        mutating func text(_ value: TemplateValue?, block: Block, attribute: String, depth: Int = 0) -> PolicySource {
            guard let value else {
                let (line, column) = block.lines.position(block.offset)
                return .unresolvable(reason: "it has no \(attribute)", file: block.file, line: line, column: column)
            }
            let lines = block.lines
            let (line, column) = lines.position(value.offset)
            switch value {
            case .string(let s):
                if s.directives {
                    return .unresolvable(reason: "its text holds template directives (%{...}), which are evaluated at plan time", file: block.file, line: line, column: column)
                }
                if !s.isStatic {
                    tree.note("template-interpolation",
                              "the policy text holds \(s.interpolations.count == 1 ? "an interpolation" : "interpolations") (\(TemplateReaders.list(s.interpolations))) kept as written: what depends on \(s.interpolations.count == 1 ? "it" : "them") is not judged",
                              file: block.file, line: line, column: column)
                }
                return .text(s.text, format: nil)
            case .reference(let path, _) where path.count == 2 && path[0] == "local" && depth < 8:
                guard let local = locals[path[1]] else { break }
                return text(local.value, block: local.block, attribute: attribute, depth: depth + 1)
            case .call(let name, let arguments, _, let written) where name == "file":
                guard case .string(let pathString)? = arguments.first else {
                    return .unresolvable(reason: "\(written) names its file with an expression", file: block.file, line: line, column: column)
                }
                // `${path.module}` and `${path.root}` are the module's directory (the file's, here).
                var relative = pathString.value
                for placeholder in ["${path.module}", "${path.root}", "${path.cwd}"] { relative = relative.replacing(placeholder, with: ".") }
                if relative.contains("${") {
                    return .unresolvable(reason: "\(written) builds its path with variables", file: block.file, line: line, column: column)
                }
                return TemplateReaders.load(relative, from: block.file, source: source, line: line, column: column, format: nil)
            case .call(let name, _, _, let written) where name == "templatefile":
                return .unresolvable(reason: "\(written) renders variables into the text at plan time", file: block.file, line: line, column: column)
            default:
                break
            }
            return .unresolvable(reason: "its \(attribute) is \(value.source), which is not known before deployment", file: block.file, line: line, column: column)
        }
    }
}
