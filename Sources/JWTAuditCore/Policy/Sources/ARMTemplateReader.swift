/// API Management policies in an ARM template (`.json`): the same resource types as Bicep, in `resources` (an
/// array, or the symbolic-name object of `languageVersion` 2.0), nested child `resources`, and nested deployments'
/// `properties.template`. Policy text is `properties.value` with `format`, or the old `policyContent` with
/// `contentFormat`; `xml` values are entity-escaped and `rawxml` ones are not (the XML reader reads both). The
/// value is a JSON string, so it is decoded again from its place in the file: findings point at the template's
/// line and column. A value that is a template expression (`[parameters('policy')]`, `[concat(...)]`) is not
/// resolvable; a value starting with `[[` is a literal `[`.
enum ARMTemplateReader {
    static func read(_ bytes: [UInt8], file: String, source: PolicySourceFiles) throws(JWTAuditError) -> PolicyTree {
        let json = try LocatedJSON.parse(bytes, file: file)
        let schema = json["$schema"]?.string?.lowercased() ?? ""
        guard schema.contains("deploymenttemplate") || (json["resources"] != nil && json["contentVersion"] != nil) else {
            throw JWTAuditError(
                .malformedPolicy,
                "\(file): line 1, column 1: not an ARM template: expected a deploymentTemplate $schema, or contentVersion and resources")
        }
        var reader = Reader(file: file, lines: SourceLines(bytes), tree: PolicyTree(path: file, kind: .arm))
        reader.template(json, depth: 0)
        return reader.tree
    }

    struct Reader {
        let file: String
        let lines: SourceLines
        var tree: PolicyTree

        mutating func template(_ json: LocatedJSON, depth: Int) {
            guard depth < 8 else { return }
            let variables = Dictionary(json["variables"]?.members ?? [], uniquingKeysWith: { first, _ in first })
            let resources = json["resources"].map { $0.items.isEmpty ? $0.members.map(\.value) : $0.items } ?? []
            for resource in resources { self.resource(resource, parentType: nil, parentNames: [], variables: variables, depth: depth) }
        }

        mutating func resource(
            _ resource: LocatedJSON, parentType: [String]?, parentNames: [String], variables: [String: LocatedJSON], depth: Int
        ) {
            guard let typeText = resource["type"]?.string else { return }
            if typeText.lowercased() == "microsoft.resources/deployments" {
                if let nested = resource["properties"]?["template"] { template(nested, depth: depth + 1) }
                return
            }
            var parts: [String]
            if let full = APIManagementResource.typeParts(typeText) {
                parts = full
            } else if let parentType, !typeText.contains(".") {
                parts = parentType + typeText.lowercased().split(separator: "/").map(String.init)
            } else {
                return
            }
            let ownNames = ARMExpression.evaluate(resource["name"]?.string ?? "?", variables: variables)
                .split(separator: "/").map(String.init)
            let names = ownNames.count >= parts.count ? ownNames : parentNames + ownNames
            let position = lines.position(resource["type"]?.offset ?? 0)
            var facts = APIManagementResource(typeParts: parts, names: names, file: file, line: position.line, column: position.column)
            let properties = resource["properties"]
            for key in ["path", "displayName", "method", "urlTemplate", "state"] {
                if let value = properties?[caseInsensitive: key]?.string, !ARMExpression.isExpression(value) { facts.strings[key.lowercased()] = value }
            }
            if let value = properties?["value"]?.string, !ARMExpression.isExpression(value) { facts.strings["value"] = value }
            if let apiId = properties?["apiId"]?.string {
                facts.strings["apiid"] = ARMExpression.evaluate(apiId, variables: variables)
            }
            for key in ["subscriptionRequired", "secret"] {
                if let value = properties?[caseInsensitive: key]?.bool { facts.bools[key.lowercased()] = value }
            }
            facts.hasKeyVault = properties?["keyVault"] != nil
            if facts.holdsPolicy { facts.policy = policy(properties, at: position) }
            facts.apply(to: &tree)
            for child in resource["resources"]?.items ?? [] {
                self.resource(child, parentType: parts, parentNames: names, variables: variables, depth: depth)
            }
        }

        func policy(_ properties: LocatedJSON?, at position: (line: Int, column: Int)) -> PolicySource {
            let format = (properties?["format"] ?? properties?["contentFormat"])?.string
            guard let value = properties?["value"] ?? properties?["policyContent"], let text = value.string, let offset = value.offset else {
                return .unresolvable(reason: "it has no value", file: file, line: position.line, column: position.column)
            }
            let at = lines.position(offset)
            if let format, format.lowercased().hasSuffix("-link") {
                return .unresolvable(reason: "its format is \(format): APIM fetches the text from \(text) at deployment", file: file, line: at.line, column: at.column)
            }
            if ARMExpression.isExpression(text) {
                return .unresolvable(reason: "its value is the template expression \(text), which is not known before deployment", file: file, line: at.line, column: at.column)
            }
            var decoded = LocatedJSON.text(at: offset, in: lines, file: file)
            if text.hasPrefix("[[") { decoded = decoded.droppingFirst() }
            return .text(decoded, format: format)
        }
    }
}

/// The part of ARM's template expression language that names need: `[concat(...)]`, `[format('{0}/x', ...)]`,
/// string literals, `variables('v')` (when the variable is a plain string) and `resourceId(type, names...)`
/// (its names joined with `/`). Anything else stays as written, so two resources that name their parent the same
/// way still meet.
enum ARMExpression {
    static func isExpression(_ text: String) -> Bool { text.hasPrefix("[") && !text.hasPrefix("[[") && text.hasSuffix("]") }

    static func evaluate(_ text: String, variables: [String: LocatedJSON], depth: Int = 0) -> String {
        guard isExpression(text) else { return text.hasPrefix("[[") ? String(text.dropFirst()) : text }
        var parser = Parser(scalars: Array(text.unicodeScalars.dropFirst().dropLast()), variables: variables, depth: depth)
        guard let value = parser.expression(), parser.atEnd else { return text }
        return value
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        let variables: [String: LocatedJSON]
        let depth: Int
        var index = 0

        var atEnd: Bool {
            var i = index
            while i < scalars.count, scalars[i] == " " { i += 1 }
            return i >= scalars.count
        }

        mutating func skipSpaces() { while index < scalars.count, scalars[index] == " " { index += 1 } }

        func source(_ from: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<index])
            return String(view)
        }

        mutating func expression() -> String? {
            skipSpaces()
            guard index < scalars.count else { return nil }
            let start = index
            if scalars[index] == "'" {
                index += 1
                var out = String.UnicodeScalarView()
                while index < scalars.count {
                    if scalars[index] == "'" {
                        if index + 1 < scalars.count, scalars[index + 1] == "'" { out.append("'"); index += 2; continue }
                        index += 1
                        return String(out)
                    }
                    out.append(scalars[index])
                    index += 1
                }
                return nil
            }
            var name = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index] == "_" || ("0"..."9").contains(scalars[index]) {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !name.isEmpty else { return nil }
            skipSpaces()
            guard index < scalars.count, scalars[index] == "(" else { return name }
            index += 1
            var arguments: [String] = []
            while true {
                skipSpaces()
                guard index < scalars.count else { return nil }
                if scalars[index] == ")" { index += 1; break }
                if scalars[index] == "," { index += 1; continue }
                guard let argument = expression() else { return nil }
                arguments.append(argument)
            }
            // Member access or indexing after a call: not evaluated.
            if index < scalars.count, scalars[index] == "." || scalars[index] == "[" {
                var level = 0
                while index < scalars.count {
                    let c = scalars[index]
                    if c == "[" || c == "(" { level += 1 }
                    if c == "]" || c == ")" { if level == 0 { break }; level -= 1 }
                    if c == "," && level == 0 { break }
                    index += 1
                }
                return source(start)
            }
            switch name.lowercased() {
            case "concat": return arguments.joined()
            case "format":
                guard var format = arguments.first else { return source(start) }
                for (i, argument) in arguments.dropFirst().enumerated() { format = format.replacing("{\(i)}", with: argument) }
                return format
            case "resourceid":
                // resourceId([subscription, resourceGroup,] type, name1, name2, ...): the names after the type.
                guard let type = arguments.firstIndex(where: { $0.lowercased().hasPrefix("microsoft.") }) else { return source(start) }
                return arguments[(type + 1)...].joined(separator: "/")
            case "variables":
                if depth < 8, let variable = arguments.first.flatMap({ variables[$0]?.string }) {
                    return ARMExpression.evaluate(variable, variables: variables, depth: depth + 1)
                }
                return source(start)
            default:
                return source(start)
            }
        }
    }
}
