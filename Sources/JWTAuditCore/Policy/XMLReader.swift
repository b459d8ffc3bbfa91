/// A small, strict XML reader for APIM policy files, written over bytes with no DTD support at all.
///
/// Why our own: DESIGN.md requires policy XML to be "read with no DTD, no external entities, no network", and
/// the offline path must not pull in an XML stack. A `<!DOCTYPE` or `<!ENTITY` anywhere is refused at once, so an
/// XXE file or a billion-laughs file costs nothing: there is nothing to expand. Only the five predefined
/// entities (XML 1.0 §4.6) and numeric character references (§4.1) are understood. Processing instructions and
/// comments are skipped. APIM's `{{named-value}}` is not XML syntax and is kept as text.
///
/// Policy expressions are read as the gateway reads them. Policies exported with `format=rawxml`, kept in
/// APIOps trees or deployed from Bicep and Terraform, write C# as it is: `condition="@(context.Variables.
/// GetValueOrDefault<bool>("isMobile"))"`, `@{ ... }` blocks with `<`, `>` and `&&` in text. So in attribute values
/// and text, an expression runs from `@(` to its matching `)` and from `@{` to its matching `}` (brackets inside C#
/// string and character literals, verbatim and interpolated strings and comments do not count), and inside it the
/// attribute's quote, `<` and a bare `&` are C#, not markup. The five entities are still decoded there, so the
/// entity-escaped form of `format=xml` (`@(&quot;id&quot;)`) reads the same. Nothing else is relaxed.
public enum XMLReader {
    public struct Limits: Sendable, Equatable {
        public var maxBytes: Int
        public var maxDepth: Int
        public var maxAttributes: Int
        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 256, maxAttributes: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxAttributes = maxAttributes
        }
        public static let `default` = Limits()
    }

    /// Reads a document. Several top-level elements are accepted (a bare policy fragment such as two
    /// `validate-jwt` elements one after the other); text other than white space outside them is not.
    /// Errors are `.malformedPolicy` or `.limitExceeded`, their reason starting "line L, column C: ".
    public static func parse(
        _ bytes: [UInt8], sourceName: String? = nil, limits: Limits = .default
    ) throws(JWTAuditError) -> [XMLElement] {
        try parse(bytes, sourceName: sourceName, embedded: nil, limits: limits)
    }

    public static func parse(
        _ text: String, sourceName: String? = nil, limits: Limits = .default
    ) throws(JWTAuditError) -> [XMLElement] {
        try parse(Array(text.utf8), sourceName: sourceName, limits: limits)
    }

    /// Reads policy text taken out of another file (a template's string): elements and errors carry the
    /// template's file, line and column.
    public static func parse(_ text: PolicyText, limits: Limits = .default) throws(JWTAuditError) -> [XMLElement] {
        try parse(text.bytes, sourceName: text.file, embedded: text.isEmbedded ? text : nil, limits: limits)
    }

    static func parse(
        _ bytes: [UInt8], sourceName: String?, embedded: PolicyText?, limits: Limits
    ) throws(JWTAuditError) -> [XMLElement] {
        if bytes.count > limits.maxBytes {
            throw JWTAuditError(
                .limitExceeded,
                "\(sourceName.map { "\($0): " } ?? "")policy XML is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes")
        }
        var parser = Parser(bytes: bytes, sourceName: sourceName, embedded: embedded, limits: limits)
        return try parser.parseDocument()
    }
}

/// One element with its attributes in document order and where it starts (lint findings cite lines).
public struct XMLElement: Sendable, Equatable {
    public enum Node: Sendable, Equatable {
        case element(XMLElement)
        case text(String)
    }

    public var name: String
    public var attributes: [(name: String, value: String)]
    /// The line each attribute starts on, in the order of `attributes` (empty for an element built in code):
    /// lint findings about one attribute cite its own line.
    public var attributeLines: [Int] = []
    public var children: [Node]
    /// The file the element came from (composed policies mix several files).
    public var source: String?
    public var line: Int
    public var column: Int

    public init(
        name: String, attributes: [(name: String, value: String)] = [], children: [Node] = [],
        source: String? = nil, line: Int = 0, column: Int = 0
    ) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.source = source
        self.line = line
        self.column = column
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The line attribute `name` starts on (the element's own line when it is not known).
    public func line(ofAttribute name: String) -> Int {
        guard let index = attributes.firstIndex(where: { $0.name == name }), index < attributeLines.count else { return line }
        return attributeLines[index]
    }

    public var elements: [XMLElement] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    public func elements(named name: String) -> [XMLElement] { elements.filter { $0.name == name } }
    public func firstElement(named name: String) -> XMLElement? { elements.first { $0.name == name } }

    /// The concatenated character data of the element's own text children (CDATA included).
    public var text: String {
        var out = ""
        for child in children { if case .text(let t) = child { out += t } }
        return out
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.children == rhs.children && lhs.source == rhs.source && lhs.line == rhs.line
            && lhs.column == rhs.column && lhs.attributes.count == rhs.attributes.count
            && zip(lhs.attributes, rhs.attributes).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

private struct Parser {
    let bytes: [UInt8]
    let sourceName: String?
    /// Text taken out of a template: positions come from its table, not from these bytes' own lines.
    let embedded: PolicyText?
    let limits: XMLReader.Limits
    var index = 0
    var lineStarts: [Int] = [0]
    /// The last position handed out for an element start: element starts come in increasing order, so each is
    /// found by counting on from the previous one (linear overall, even for a 1 MiB file on one line).
    var cursor: (offset: Int, line: Int, column: Int) = (0, 1, 1)

    init(bytes: [UInt8], sourceName: String?, embedded: PolicyText?, limits: XMLReader.Limits) {
        self.bytes = bytes
        self.sourceName = sourceName
        self.embedded = embedded
        self.limits = limits
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
    }

    // MARK: positions and errors

    /// The line of `offset` alone (a binary search: no column to count, which on a one-line file would scan it).
    func line(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    func position(_ offset: Int) -> (line: Int, column: Int) {
        if let embedded { return embedded.embeddedPosition(offset)! }
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        var column = 1
        var i = start
        while i < min(offset, bytes.count) {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (low + 1, column)
    }

    mutating func advancingPosition(to offset: Int) -> (line: Int, column: Int) {
        guard embedded == nil, offset >= cursor.offset else { return position(offset) }
        var (i, line, column) = cursor
        while i < offset {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        cursor = (offset, line, column)
        return (line, column)
    }

    func fail(_ message: String, at offset: Int? = nil, code: JWTAuditError.Code = .malformedPolicy) -> JWTAuditError {
        let (line, column) = position(offset ?? index)
        let prefix = sourceName.map { "\($0): " } ?? ""
        return JWTAuditError(code, "\(prefix)line \(line), column \(column): \(message)")
    }

    func peek(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for k in 0..<count where bytes[index + k] != start[k] { return false }
        return true
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count, Parser.isSpace(bytes[index]) { index += 1 }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x3A || b >= 0x80
    }

    static func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }

    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    // MARK: grammar

    mutating func parseDocument() throws(JWTAuditError) -> [XMLElement] {
        if let bad = UTF8Text.firstUnreadableByte(bytes, characters: .xml) {
            throw fail(UTF8Text.notText(bytes[bad], xml: true), at: bad)
        }
        if peek("\u{FEFF}") { index += 3 }
        var roots: [XMLElement] = []
        while true {
            skipWhitespace()
            if atEnd { break }
            if peek("<?") {
                try skipProcessingInstruction()
            } else if peek("<!--") {
                try skipComment()
            } else if peek("<!") {
                throw refusedDeclaration()
            } else if peek("</") {
                throw fail("end tag with no matching start tag")
            } else if peek("<") {
                roots.append(try parseElementTree())
            } else {
                throw fail("text outside the policy's elements")
            }
        }
        if roots.isEmpty { throw fail("no element: the file holds no policy", at: bytes.count) }
        return roots
    }

    func refusedDeclaration() -> JWTAuditError {
        if peek("<!DOCTYPE") || peek("<!ENTITY") || peek("<!ELEMENT") || peek("<!ATTLIST") {
            return fail(
                "DOCTYPE and ENTITY declarations are refused: policies are read with no DTD, no external entities and no entity expansion")
        }
        return fail("unexpected markup '<!'")
    }

    mutating func skipProcessingInstruction() throws(JWTAuditError) {
        let start = index
        index += 2
        while !atEnd {
            if bytes[index] == UInt8(ascii: "?"), peek("?>") { index += 2; return }
            index += 1
        }
        throw fail("processing instruction is not closed with '?>'", at: start)
    }

    mutating func skipComment() throws(JWTAuditError) {
        let start = index
        index += 4
        while !atEnd {
            if bytes[index] == UInt8(ascii: "-") {
                if peek("-->") { index += 3; return }
                if peek("--") { throw fail("'--' inside a comment") }
            }
            index += 1
        }
        throw fail("comment is not closed with '-->'", at: start)
    }

    mutating func parseName(what: String) throws(JWTAuditError) -> String {
        let start = index
        guard !atEnd, Parser.isNameStart(bytes[index]) else {
            throw fail(atEnd ? "file ends where \(what) was expected" : "\(what) expected")
        }
        while !atEnd, Parser.isNameChar(bytes[index]) { index += 1 }
        return string(start..<index)
    }

    /// Reads one element and everything inside it, iteratively: depth is bounded by the limit, never by the
    /// call stack, so a 200,000-deep file fails at level `maxDepth + 1` without touching the rest.
    mutating func parseElementTree() throws(JWTAuditError) -> XMLElement {
        var stack: [XMLElement] = []
        var pendingText = ""
        while true {
            if atEnd {
                let open = stack.last!
                throw fail(
                    "file ends inside <\(open.name)> (opened at line \(open.line), column \(open.column))", at: bytes.count)
            }
            if peek("</") {
                let tagStart = index
                index += 2
                let name = try parseName(what: "an end tag name")
                skipWhitespace()
                guard peek(">") else { throw fail("'>' expected to close </\(name)>") }
                index += 1
                var element = stack.removeLast()
                if !pendingText.isEmpty { element.children.append(.text(pendingText)); pendingText = "" }
                guard element.name == name else {
                    throw fail(
                        "end tag </\(name)> does not match <\(element.name)> opened at line \(element.line), column \(element.column)",
                        at: tagStart)
                }
                if stack.isEmpty { return element }
                stack[stack.count - 1].children.append(.element(element))
            } else if peek("<!--") {
                try skipComment()
            } else if peek("<![CDATA[") {
                let start = index
                index += 9
                let contentStart = index
                while !atEnd, !(bytes[index] == UInt8(ascii: "]") && peek("]]>")) { index += 1 }
                if atEnd { throw fail("CDATA section is not closed with ']]>'", at: start) }
                pendingText += string(contentStart..<index)
                index += 3
            } else if peek("<!") {
                throw refusedDeclaration()
            } else if peek("<?") {
                try skipProcessingInstruction()
            } else if peek("<") {
                if !stack.isEmpty, let generic = genericCall(at: index) {
                    throw fail(
                        "'\(generic.text)' reads as a C# generic call, not as an element: it is C# outside a policy expression (an expression runs from @( to its matching ) or from @{ to its matching }); check that the expression starts with @ and that its brackets balance",
                        at: generic.start)
                }
                if stack.count >= limits.maxDepth {
                    throw fail("elements are nested deeper than \(limits.maxDepth) levels", code: .limitExceeded)
                }
                if !pendingText.isEmpty { stack[stack.count - 1].children.append(.text(pendingText)); pendingText = "" }
                let (element, selfClosing) = try parseStartTag()
                if selfClosing {
                    if stack.isEmpty { return element }
                    stack[stack.count - 1].children.append(.element(element))
                } else {
                    stack.append(element)
                }
            } else {
                if stack.isEmpty { throw fail("text outside the policy's elements") }
                pendingText += try parseCharacterData(until: UInt8(ascii: "<"))
            }
        }
    }

    mutating func parseStartTag() throws(JWTAuditError) -> (XMLElement, Bool) {
        let (line, column) = advancingPosition(to: index)
        index += 1
        let name = try parseName(what: "an element name")
        var element = XMLElement(name: name, source: sourceName, line: line, column: column)
        while true {
            let hadSpace = !atEnd && Parser.isSpace(bytes[index])
            skipWhitespace()
            if atEnd { throw fail("file ends inside the start tag <\(name)>") }
            if peek("/>") { index += 2; return (element, true) }
            if peek(">") { index += 1; return (element, false) }
            guard hadSpace else { throw fail("white space expected before an attribute in <\(name)>") }
            let attributeStart = index
            let attributeName = try parseName(what: "an attribute name or '>'")
            skipWhitespace()
            guard peek("=") else { throw fail("'=' expected after attribute \(attributeName)") }
            index += 1
            skipWhitespace()
            guard !atEnd, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("attribute \(attributeName) needs a quoted value")
            }
            let quote = bytes[index]
            index += 1
            let value = try parseCharacterData(until: quote, inAttribute: true)
            guard !atEnd else { throw fail("attribute \(attributeName) value is not closed", at: attributeStart) }
            index += 1
            if element.attributes.contains(where: { $0.name == attributeName }) {
                throw fail("attribute \(attributeName) appears twice in <\(name)>", at: attributeStart)
            }
            if element.attributes.count >= limits.maxAttributes {
                throw fail("<\(name)> has more than \(limits.maxAttributes) attributes", at: attributeStart, code: .limitExceeded)
            }
            element.attributes.append((attributeName, value))
            element.attributeLines.append(self.line(at: attributeStart))
        }
    }

    /// Character data up to `terminator`, with references decoded. Stops *at* the terminator.
    mutating func parseCharacterData(until terminator: UInt8, inAttribute: Bool = false) throws(JWTAuditError) -> String {
        var out: [UInt8] = []
        while !atEnd, bytes[index] != terminator {
            let b = bytes[index]
            if b == UInt8(ascii: "&") {
                out += try parseReference()
            } else if b == UInt8(ascii: "@"), index + 1 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "(") || bytes[index + 1] == UInt8(ascii: "{")
            {
                out += try parseExpression(inAttribute: inAttribute)
            } else if inAttribute && b == UInt8(ascii: "<") {
                if let generic = genericCall(at: index) {
                    throw fail(
                        "'\(generic.text)' reads as a C# generic call in an attribute value that is not a policy expression (an expression runs from @( to its matching ) or from @{ to its matching }); check that the value starts with @ and that its brackets balance",
                        at: generic.start)
                }
                throw fail("'<' is not allowed in an attribute value (write &lt;)")
            } else if !inAttribute && b == UInt8(ascii: "]") && peek("]]>") {
                throw fail("']]>' is not allowed in text")
            } else {
                // XML 1.0 §3.3.3: white space in attribute values is normalised to spaces.
                out.append(inAttribute && (b == 0x09 || b == 0x0A || b == 0x0D) ? 0x20 : b)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func parseReference() throws(JWTAuditError) -> [UInt8] {
        let start = index
        if let decoded = try decodeReference(strict: true) { return decoded }
        throw fail("'&' must start a reference such as &amp; (write &amp; for a literal '&')", at: start)
    }

    /// The reference at `index` decoded (and consumed); nil, consuming nothing, when `&` does not start one.
    /// `strict`: an unknown entity or a bad character reference is an error (markup); otherwise (C# inside an
    /// expression, where `a && b; c` is code) it is not a reference, and nil.
    mutating func decodeReference(strict: Bool) throws(JWTAuditError) -> [UInt8]? {
        let start = index
        index += 1
        let nameStart = index
        while !atEnd, bytes[index] != UInt8(ascii: ";"), index - nameStart < 12 { index += 1 }
        guard !atEnd, bytes[index] == UInt8(ascii: ";") else {
            index = start
            return nil
        }
        let name = string(nameStart..<index)
        index += 1
        switch name {
        case "amp": return [UInt8(ascii: "&")]
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos": return [UInt8(ascii: "'")]
        default: break
        }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.hasPrefix("x") {
                value = digits.count > 1 ? UInt32(digits.dropFirst(), radix: 16) : nil
            } else {
                value = digits.isEmpty ? nil : UInt32(digits, radix: 10)
            }
            if let value, let scalar = Unicode.Scalar(value),
                value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF)
            {
                return Array(String(Character(scalar)).utf8)
            }
            guard strict else {
                index = start
                return nil
            }
            throw fail("&\(name); is not a valid character reference", at: start)
        }
        guard strict else {
            index = start
            return nil
        }
        throw fail(
            "undefined entity &\(name); (only &amp; &lt; &gt; &quot; &apos; and numeric references are allowed; no DTD entities)",
            at: start)
    }

    // MARK: policy expressions

    /// Where the scanner is inside the C# of an expression.
    private enum ExpressionMode {
        case code
        /// A string literal: `"..."` (backslash escapes), `@"..."` (verbatim: `""` is a quote), `$"..."` with
        /// `{hole}`s of code (`{{` is a brace).
        case string(verbatim: Bool, interpolated: Bool)
        /// A verbatim string's `"`: the end of the string, or the first half of `""`.
        case verbatimQuote(interpolated: Bool)
        /// An interpolated string's `{`: a hole, or the first half of `{{`.
        case interpolationBrace(verbatim: Bool)
        /// After a backslash in a regular string or character literal.
        case escape(inCharacter: Bool, interpolated: Bool)
        case character
        case lineComment
        case blockComment(star: Bool)

        var isCode: Bool { if case .code = self { return true } else { return false } }
    }

    /// What must close next: a bracket, or an interpolation hole that returns to its string.
    private enum ExpressionFrame: Equatable {
        case bracket(UInt8)
        case hole(verbatim: Bool)
    }

    /// Reads `@(...)` or `@{...}` at `index` to its matching bracket and returns its text (references decoded;
    /// in an attribute, white space normalised as XML does for the rest of the value). The brackets that count
    /// are those of C# code: not those in string or character literals, in an interpolated string's text, or in
    /// comments. A bracket that closes the wrong kind, or the end of the file, is an error at the expression's
    /// start, naming it.
    mutating func parseExpression(inAttribute: Bool) throws(JWTAuditError) -> [UInt8] {
        let start = index
        let opener = bytes[index + 1]
        var out: [UInt8] = [bytes[index], opener]
        index += 2
        var frames: [ExpressionFrame] = [.bracket(opener == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}"))]
        var mode = ExpressionMode.code
        var previous: (UInt8, UInt8) = (0, 0)  // the last two characters of code, for @" $" // /*
        while !atEnd {
            var character = bytes[index]
            var decoded: [UInt8] = [character]
            if character == UInt8(ascii: "&"), let reference = try decodeReference(strict: false) {
                decoded = reference
                character = reference[0]
            } else {
                index += 1
            }
            for byte in decoded {
                out.append(inAttribute && (byte == 0x09 || byte == 0x0A || byte == 0x0D) ? 0x20 : byte)
            }
            var reprocess = true
            while reprocess {
                reprocess = false
                switch mode {
                case .code:
                    switch character {
                    case UInt8(ascii: "\""):
                        let verbatim = previous.1 == UInt8(ascii: "@") || (previous.1 == UInt8(ascii: "$") && previous.0 == UInt8(ascii: "@"))
                        let interpolated = previous.1 == UInt8(ascii: "$") || (previous.1 == UInt8(ascii: "@") && previous.0 == UInt8(ascii: "$"))
                        mode = .string(verbatim: verbatim, interpolated: interpolated)
                    case UInt8(ascii: "'"):
                        mode = .character
                    case UInt8(ascii: "/") where previous.1 == UInt8(ascii: "/"):
                        mode = .lineComment
                    case UInt8(ascii: "*") where previous.1 == UInt8(ascii: "/"):
                        mode = .blockComment(star: false)
                    case UInt8(ascii: "("): frames.append(.bracket(UInt8(ascii: ")")))
                    case UInt8(ascii: "["): frames.append(.bracket(UInt8(ascii: "]")))
                    case UInt8(ascii: "{"): frames.append(.bracket(UInt8(ascii: "}")))
                    case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                        let top = frames.removeLast()
                        if case .hole(let verbatim) = top, character == UInt8(ascii: "}") {
                            mode = .string(verbatim: verbatim, interpolated: true)
                        } else if top != .bracket(character) {
                            let expected: String
                            if case .bracket(let closer) = top { expected = String(UnicodeScalar(closer)) } else { expected = "}" }
                            throw fail(
                                "the policy expression \(expressionSnippet(from: start)) has '\(UnicodeScalar(character))' where '\(expected)' was expected (at \(describePosition(index - 1)))",
                                at: start)
                        } else if frames.isEmpty {
                            return out
                        }
                    default: break
                    }
                    previous = mode.isCode ? (previous.1, character) : (0, 0)
                case .string(let verbatim, let interpolated):
                    if character == UInt8(ascii: "\"") {
                        mode = verbatim ? .verbatimQuote(interpolated: interpolated) : .code
                    } else if !verbatim && character == UInt8(ascii: "\\") {
                        mode = .escape(inCharacter: false, interpolated: interpolated)
                    } else if interpolated && character == UInt8(ascii: "{") {
                        mode = .interpolationBrace(verbatim: verbatim)
                    } else if !verbatim && character == 0x0A {
                        mode = .code  // C# ends nothing here; the gateway would refuse the code, not the XML
                    }
                case .verbatimQuote(let interpolated):
                    if character == UInt8(ascii: "\"") {
                        mode = .string(verbatim: true, interpolated: interpolated)
                    } else {
                        mode = .code
                        previous = (0, 0)
                        reprocess = true
                    }
                case .interpolationBrace(let verbatim):
                    if character == UInt8(ascii: "{") {
                        mode = .string(verbatim: verbatim, interpolated: true)
                    } else {
                        frames.append(.hole(verbatim: verbatim))
                        mode = .code
                        previous = (0, 0)
                        reprocess = true
                    }
                case .escape(let inCharacter, let interpolated):
                    mode = inCharacter ? .character : .string(verbatim: false, interpolated: interpolated)
                case .character:
                    if character == UInt8(ascii: "'") || character == 0x0A {
                        mode = .code
                    } else if character == UInt8(ascii: "\\") {
                        mode = .escape(inCharacter: true, interpolated: false)
                    }
                case .lineComment:
                    if character == 0x0A { mode = .code }
                case .blockComment(let star):
                    if star && character == UInt8(ascii: "/") {
                        mode = .code
                        previous = (0, 0)
                    } else {
                        mode = .blockComment(star: character == UInt8(ascii: "*"))
                    }
                }
            }
        }
        let missing: String
        switch mode {
        case .string, .verbatimQuote, .interpolationBrace, .escape: missing = "a string literal in it is not closed"
        case .character: missing = "a character literal in it is not closed"
        case .blockComment: missing = "a /* comment in it is not closed"
        default:
            if case .bracket(let closer)? = frames.last {
                missing = "'\(UnicodeScalar(closer == UInt8(ascii: ")") ? UInt8(ascii: "(") : closer == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")))' has no matching '\(UnicodeScalar(closer))'"
            } else {
                missing = "an interpolation hole '{' has no matching '}'"
            }
        }
        throw fail(
            "the policy expression \(expressionSnippet(from: start)) is not closed before the end of the file: \(missing) (an expression runs from @( to its matching ) or from @{ to its matching })",
            at: start)
    }

    /// The first characters of the expression at `start`, on one line, for error messages.
    func expressionSnippet(from start: Int) -> String {
        var end = start
        var characters = 0
        while end < bytes.count, characters < 48, bytes[end] != 0x0A, bytes[end] != 0x0D {
            if bytes[end] & 0xC0 != 0x80 { characters += 1 }
            end += 1
        }
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let more = end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D
        return string(start..<end) + (more ? "..." : "")
    }

    func describePosition(_ offset: Int) -> String {
        let (line, column) = position(offset)
        return "line \(line), column \(column)"
    }

    static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }

    /// C# that reads as a start tag: `GetValueOrDefault<string>(` or `Body.As<JObject>()` outside an expression.
    /// A `<` right after an identifier (no space), closed by `>` with no attribute in between, and followed by
    /// `(` or preceded by a dotted member chain, is a generic call, not an element; naming it beats the "end tag
    /// does not match" error the reader would give lines later.
    func genericCall(at lessThan: Int) -> (text: String, start: Int)? {
        guard lessThan > 0, Parser.isIdentifierByte(bytes[lessThan - 1]),
            lessThan + 1 < bytes.count, Parser.isNameStart(bytes[lessThan + 1])
        else { return nil }
        var close = lessThan + 1
        while close < bytes.count, close - lessThan < 200 {
            let b = bytes[close]
            if b == UInt8(ascii: ">") { break }
            if b == UInt8(ascii: "<") || b == UInt8(ascii: "=") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
                || b == 0x0A || b == UInt8(ascii: "/")
            {
                return nil
            }
            close += 1
        }
        guard close < bytes.count, bytes[close] == UInt8(ascii: ">") else { return nil }
        var chainStart = lessThan
        while chainStart > 0, Parser.isIdentifierByte(bytes[chainStart - 1]) || bytes[chainStart - 1] == UInt8(ascii: ".") {
            chainStart -= 1
        }
        let called = close + 1 < bytes.count && bytes[close + 1] == UInt8(ascii: "(")
        let dotted = bytes[chainStart..<lessThan].contains(UInt8(ascii: "."))
        guard called || dotted else { return nil }
        return (string(chainStart..<(close + 1)) + (called ? "(" : ""), chainStart)
    }
}

