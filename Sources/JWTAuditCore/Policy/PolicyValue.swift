/// An attribute or text value from a policy: either a literal, or a policy expression the tool cannot run.
///
/// Microsoft: "Unless the policy reference specifies otherwise, expressions can be used as attribute values or
/// text values in any API Management policy." `@(expression)` is a single C# expression and `@{ ... }` a
/// statement block. C# cannot be run offline, so an expression stays `.expression(text)` and is resolved only
/// from a value the user supplied (keyed by the expression's exact text).
public enum PolicyValue: Sendable, Equatable, CustomStringConvertible {
    case literal(String)
    case expression(String)

    /// Classifies a value as APIM does: an expression is a value that starts with `@(` or `@{`.
    public init(_ raw: String) {
        let trimmed = raw.trimmingXMLSpace
        if trimmed.hasPrefix("@(") || trimmed.hasPrefix("@{") {
            self = .expression(trimmed)
        } else {
            self = .literal(raw)
        }
    }

    public var isExpression: Bool { if case .expression = self { return true } else { return false } }
    public var literal: String? { if case .literal(let s) = self { return s } else { return nil } }

    public var description: String {
        switch self {
        case .literal(let s): return s
        case .expression(let e): return e
        }
    }

    /// The value to use: the literal, or the user-supplied value of the expression. A missing value is
    /// `.unevaluable` naming the expression and `what` needed it (exit 3, "unevaluable expression").
    public func resolved(_ expressionValues: [String: String], what: String) throws(JWTAuditError) -> String {
        switch self {
        case .literal(let s): return s
        case .expression(let e):
            if let value = PolicyValue.suppliedValue(of: e, in: expressionValues) { return value }
            throw JWTAuditError(
                .unevaluable,
                "\(what) is the policy expression \(e), which cannot be run offline; supply its value")
        }
    }
}

extension PolicyValue {
    /// The value supplied for `expression`: given exactly as the policy reads, or with its white space laid out
    /// differently. A multi-line `@{ ... }` block in an attribute reaches the gateway with its line breaks turned
    /// into spaces (XML 1.0 §3.3.3, attribute-value normalization), so a value keyed by the block as a person
    /// copied it from the file must still find it; white space is compared as "some", never as "none".
    public static func suppliedValue(of expression: String, in values: [String: String]) -> String? {
        if let exact = values[expression] { return exact }
        let wanted = collapsingSpace(expression)
        return values.first { collapsingSpace($0.key) == wanted }?.value
    }

    static func collapsingSpace(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF).
    var trimmingXMLSpace: String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}

/// Named values (`{{name}}`), substituted into the policy text before anything else.
///
/// Microsoft: named values are "substituted into the text of the policy"; they may be a whole value or part of a
/// literal, and "can't contain other named values" (one non-recursive pass).
public enum NamedValues {
    /// Names referenced by `{{name}}` in a string, in order. A name is letters, digits, `-`, `_` and `.`.
    public static func references(in text: String) -> [String] {
        var names: [String] = []
        _ = substitute(text) { names.append($0); return nil }
        return names
    }

    /// Every name referenced anywhere in the elements (attribute values and text), first occurrence order.
    public static func references(in elements: [XMLElement]) -> [String] {
        var names: [String] = []
        func visit(_ e: XMLElement) {
            for attribute in e.attributes { for n in references(in: attribute.value) where !names.contains(n) { names.append(n) } }
            for child in e.children {
                switch child {
                case .element(let c): visit(c)
                case .text(let t): for n in references(in: t) where !names.contains(n) { names.append(n) }
                }
            }
        }
        elements.forEach(visit)
        return names
    }

    /// Replaces every `{{name}}` with its value. Throws `.unevaluable` naming *every* missing name at once.
    public static func resolve(_ elements: [XMLElement], values: [String: String]) throws(JWTAuditError) -> [XMLElement] {
        let missing = references(in: elements).filter { values[$0] == nil }
        if !missing.isEmpty {
            throw JWTAuditError(
                .unevaluable,
                "named value\(missing.count == 1 ? "" : "s") not supplied: \(missing.joined(separator: ", ")) (give each with --named-value NAME=VALUE or --named-values FILE)")
        }
        func visit(_ e: XMLElement) -> XMLElement {
            var copy = e
            copy.attributes = e.attributes.map { ($0.name, substitute($0.value) { values[$0] }) }
            copy.children = e.children.map { child in
                switch child {
                case .element(let c): return .element(visit(c))
                case .text(let t): return .text(substitute(t) { values[$0] })
                }
            }
            return copy
        }
        return elements.map(visit)
    }

    /// Replaces the `{{name}}`s whose value `lookup` knows and leaves the others as written (a secret or Key
    /// Vault value is not in any repository; lint then reads the reference as an unknown value). Returns each
    /// reference left, with the element it is in, once per name and element.
    public static func substituteKnown(
        _ elements: [XMLElement], _ lookup: (String) -> String?
    ) -> (elements: [XMLElement], unresolved: [(name: String, element: XMLElement)]) {
        var unresolved: [(name: String, element: XMLElement)] = []
        func visit(_ e: XMLElement) -> XMLElement {
            var copy = e
            var left: [String] = []
            func keep(_ name: String) -> String? {
                if let value = lookup(name) { return value }
                if !left.contains(name) { left.append(name) }
                return nil
            }
            copy.attributes = e.attributes.map { ($0.name, substitute($0.value, keep)) }
            var children: [XMLElement.Node] = []
            for child in e.children {
                switch child {
                case .element(let c): children.append(.element(visit(c)))
                case .text(let t): children.append(.text(substitute(t, keep)))
                }
            }
            copy.children = children
            for name in left { unresolved.append((name, e)) }
            return copy
        }
        return (elements.map(visit), unresolved)
    }

    static func substitute(_ text: String, _ lookup: (String) -> String?) -> String {
        guard text.contains("{{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[rest.startIndex..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            if let close = afterOpen.range(of: "}}") {
                let name = String(afterOpen[afterOpen.startIndex..<close.lowerBound])
                if isName(name) {
                    out += lookup(name) ?? "{{\(name)}}"
                    rest = afterOpen[close.upperBound...]
                    continue
                }
            }
            out += "{{"
            rest = afterOpen
        }
        out += rest
        return out
    }

    static func isName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
                    || $0 == "_" || $0 == "."
            }
    }
}

extension Substring {
    fileprivate func range(of needle: String) -> Range<Substring.Index>? {
        let n = Array(needle.unicodeScalars)
        var i = startIndex
        while i < endIndex {
            var j = i
            var k = 0
            while k < n.count, j < endIndex, self.unicodeScalars[j] == n[k] {
                j = self.unicodeScalars.index(after: j)
                k += 1
            }
            if k == n.count { return i..<j }
            i = self.unicodeScalars.index(after: i)
        }
        return nil
    }
}
