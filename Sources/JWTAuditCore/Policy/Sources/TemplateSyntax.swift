/// The little of Bicep and Terraform (HCL) syntax that finding policies needs: tokens, string literals decoded
/// with the position of every byte, and values (objects, arrays, calls, references, and any other expression
/// kept as its source text). It is not a compiler: what it cannot know statically, it keeps as an expression,
/// and the readers report that text as "not resolvable" instead of guessing.
enum TemplateLanguage {
    case bicep, hcl
}

/// A string literal: its text decoded (escapes replaced; `${...}` interpolations kept as written) and where
/// each byte came from.
struct TemplateString: Sendable {
    var text: PolicyText
    /// The `${...}` holes (HCL `%{...}` directives too), as written; empty for a static string.
    var interpolations: [String]
    var directives: Bool
    var offset: Int

    var value: String { String(decoding: text.bytes, as: UTF8.self) }
    var isStatic: Bool { interpolations.isEmpty && !directives }
}

struct TemplateToken: Sendable {
    enum Kind: Sendable {
        case identifier(String)
        case string(TemplateString)
        case number(String)
        case symbol(UInt8)
        case newline
    }

    var kind: Kind
    var offset: Int
    var end: Int

    var identifier: String? { if case .identifier(let s) = kind { return s } else { return nil } }
    var isNewline: Bool { if case .newline = kind { return true } else { return false } }
    func isSymbol(_ c: Character) -> Bool {
        if case .symbol(let b) = kind { return b == c.asciiValue } else { return false }
    }
}

indirect enum TemplateValue: Sendable {
    case string(TemplateString)
    case object([(key: String, value: TemplateValue)], offset: Int)
    case array([TemplateValue], offset: Int)
    case call(name: String, arguments: [TemplateValue], offset: Int, source: String)
    case reference([String], offset: Int)
    case literal(String, offset: Int)
    case expression(String, offset: Int)

    var offset: Int {
        switch self {
        case .string(let s): return s.offset
        case .object(_, let o), .array(_, let o), .call(_, _, let o, _), .reference(_, let o), .literal(_, let o), .expression(_, let o):
            return o
        }
    }

    subscript(key: String) -> TemplateValue? {
        if case .object(let members, _) = self {
            let lower = key.lowercased()
            return members.first { $0.key.lowercased() == lower }?.value
        }
        return nil
    }

    var members: [(key: String, value: TemplateValue)] {
        if case .object(let members, _) = self { return members }
        return []
    }

    var staticString: String? {
        if case .string(let s) = self, s.isStatic { return s.value }
        return nil
    }

    var bool: Bool? {
        if case .literal(let text, _) = self { return text == "true" ? true : text == "false" ? false : nil }
        return nil
    }

    /// The value as it is written, for messages.
    var source: String {
        switch self {
        case .string(let s): return s.isStatic ? "'\(s.value)'" : s.value
        case .object: return "{...}"
        case .array: return "[...]"
        case .call(_, _, _, let source), .expression(let source, _): return source
        case .reference(let path, _): return path.joined(separator: ".")
        case .literal(let text, _): return text
        }
    }
}

/// Tokens of a Bicep or HCL file. Errors (an unterminated string, heredoc or comment; text that is not UTF-8)
/// are `.malformedPolicy` with the file, line and column.
struct TemplateLexer {
    let language: TemplateLanguage
    let file: String
    let lines: SourceLines
    var bytes: [UInt8] { lines.bytes }
    var index = 0

    init(_ bytes: [UInt8], file: String, language: TemplateLanguage) {
        self.language = language
        self.file = file
        self.lines = SourceLines(bytes)
    }

    func fail(_ message: String, at offset: Int) -> JWTAuditError {
        let (line, column) = lines.position(offset)
        return JWTAuditError(.malformedPolicy, "\(file): line \(line), column \(column): \(message)")
    }

    func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    static func isIdentifierByte(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D
    }

    mutating func tokens() throws(JWTAuditError) -> [TemplateToken] {
        if let bad = UTF8Text.firstUnreadableByte(bytes) { throw fail(UTF8Text.notText(bytes[bad]), at: bad) }
        var out: [TemplateToken] = []
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < bytes.count {
            let b = bytes[index]
            let start = index
            switch b {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                index += 1
                out.append(TemplateToken(kind: .newline, offset: start, end: index))
            case UInt8(ascii: "#") where language == .hcl:
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "/") where byte(index + 1) == UInt8(ascii: "*"):
                index += 2
                var newline = false
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && byte(index + 1) == UInt8(ascii: "/")) {
                    if bytes[index] == 0x0A { newline = true }
                    index += 1
                }
                guard index < bytes.count else { throw fail("comment is not closed with */", at: start) }
                index += 2
                if newline { out.append(TemplateToken(kind: .newline, offset: start, end: index)) }
            case UInt8(ascii: "'") where language == .bicep:
                out.append(TemplateToken(kind: .string(try bicepString()), offset: start, end: index))
            case UInt8(ascii: "\"") where language == .hcl:
                out.append(TemplateToken(kind: .string(try hclString()), offset: start, end: index))
            case UInt8(ascii: "<") where language == .hcl && byte(index + 1) == UInt8(ascii: "<")
                && (byte(index + 2).map(TemplateLexer.isIdentifierStart) == true || byte(index + 2) == UInt8(ascii: "-")):
                out.append(TemplateToken(kind: .string(try heredoc()), offset: start, end: index))
            default:
                if TemplateLexer.isIdentifierStart(b) {
                    // HCL identifiers may hold dashes; Bicep's may not (a dash there is a minus).
                    while index < bytes.count, TemplateLexer.isIdentifierByte(bytes[index]), language == .hcl || bytes[index] != 0x2D {
                        index += 1
                    }
                    out.append(TemplateToken(kind: .identifier(String(decoding: bytes[start..<index], as: UTF8.self)), offset: start, end: index))
                } else if b >= 0x30 && b <= 0x39 {
                    while index < bytes.count, (bytes[index] >= 0x30 && bytes[index] <= 0x39) || bytes[index] == 0x2E { index += 1 }
                    out.append(TemplateToken(kind: .number(String(decoding: bytes[start..<index], as: UTF8.self)), offset: start, end: index))
                } else {
                    index += 1
                    out.append(TemplateToken(kind: .symbol(b), offset: start, end: index))
                }
            }
        }
        return out
    }

    /// The source text of an interpolation `${...}` starting at `index` (past it on return): braces counted,
    /// strings inside it skipped.
    mutating func interpolation(quote: UInt8) throws(JWTAuditError) -> String {
        let start = index
        index += 2
        var depth = 1
        while index < bytes.count, depth > 0 {
            let b = bytes[index]
            if b == UInt8(ascii: "{") { depth += 1 }
            if b == UInt8(ascii: "}") { depth -= 1 }
            if b == quote {
                // A string inside the hole: skip it whole.
                index += 1
                while index < bytes.count, bytes[index] != quote {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
            }
            index += 1
        }
        guard depth == 0 else { throw fail("interpolation ${ is not closed with }", at: start) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Bicep strings

    /// `'...'` (escapes `\\ \' \n \r \t \$ \u{X}`, `${...}` interpolation) or `'''...'''` (verbatim; "the opening
    /// sequence may be followed by a newline", which is not part of the string).
    mutating func bicepString() throws(JWTAuditError) -> TemplateString {
        let start = index
        var builder = PolicyTextBuilder()
        if byte(index + 1) == UInt8(ascii: "'"), byte(index + 2) == UInt8(ascii: "'") {
            index += 3
            if byte(index) == 0x0D, byte(index + 1) == 0x0A { index += 2 } else if byte(index) == 0x0A { index += 1 }
            let contentStart = index
            while index < bytes.count, !(bytes[index] == UInt8(ascii: "'") && byte(index + 1) == UInt8(ascii: "'") && byte(index + 2) == UInt8(ascii: "'")) {
                index += 1
            }
            guard index < bytes.count else { throw fail("multi-line string ''' is not closed", at: start) }
            let text = lines.verbatim(contentStart..<index, file: file)
            index += 3
            return TemplateString(text: text, interpolations: [], directives: false, offset: start)
        }
        var cursor = SourceCursor(bytes: bytes, offset: index + 1, position: lines.position(index + 1))
        var interpolations: [String] = []
        while true {
            guard let b = cursor.current, b != 0x0A else { throw fail("string is not closed with '", at: start) }
            let at = cursor.position
            if b == UInt8(ascii: "'") { cursor.advance(); break }
            if b == UInt8(ascii: "\\") {
                cursor.advance()
                guard let e = cursor.current else { throw fail("string is not closed with '", at: start) }
                cursor.advance()
                switch e {
                case UInt8(ascii: "n"): builder.append(0x0A, at: at)
                case UInt8(ascii: "r"): builder.append(0x0D, at: at)
                case UInt8(ascii: "t"): builder.append(0x09, at: at)
                case UInt8(ascii: "u"):
                    guard cursor.current == UInt8(ascii: "{") else { throw fail("\\u needs {hex digits}", at: cursor.offset) }
                    var digits = ""
                    cursor.advance()
                    while let d = cursor.current, d != UInt8(ascii: "}"), digits.count < 8 {
                        digits.append(Character(UnicodeScalar(d)))
                        cursor.advance()
                    }
                    cursor.advance()
                    guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw fail("\\u{\(digits)} is not a character", at: cursor.offset)
                    }
                    builder.append(contentsOf: Array(String(Character(scalar)).utf8), at: at)
                default: builder.append(e, at: at)
                }
                continue
            }
            if b == UInt8(ascii: "$"), cursor.peek(1) == UInt8(ascii: "{") {
                index = cursor.offset
                let hole = try interpolation(quote: UInt8(ascii: "'"))
                interpolations.append(hole)
                for byte in hole.utf8 {
                    builder.append(byte, at: cursor.position)
                    cursor.advance()
                }
                continue
            }
            builder.append(b, at: at)
            cursor.advance()
        }
        index = cursor.offset
        return TemplateString(text: builder.finish(file: file, end: cursor.position), interpolations: interpolations, directives: false, offset: start)
    }

    // MARK: HCL strings

    /// `"..."`: escapes `\n \r \t \" \\ \uNNNN \UNNNNNNNN`; `$${` and `%%{` are literal `${` and `%{`; `${...}` is
    /// an interpolation and `%{...}` a directive (kept as written).
    mutating func hclString() throws(JWTAuditError) -> TemplateString {
        let start = index
        var builder = PolicyTextBuilder()
        var cursor = SourceCursor(bytes: bytes, offset: index + 1, position: lines.position(index + 1))
        var interpolations: [String] = []
        var directives = false
        while true {
            guard let b = cursor.current, b != 0x0A else { throw fail("string is not closed with \"", at: start) }
            let at = cursor.position
            if b == UInt8(ascii: "\"") { cursor.advance(); break }
            if b == UInt8(ascii: "\\") {
                cursor.advance()
                guard let e = cursor.current else { throw fail("string is not closed with \"", at: start) }
                cursor.advance()
                switch e {
                case UInt8(ascii: "n"): builder.append(0x0A, at: at)
                case UInt8(ascii: "r"): builder.append(0x0D, at: at)
                case UInt8(ascii: "t"): builder.append(0x09, at: at)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "u") ? 4 : 8
                    var digits = ""
                    for _ in 0..<count {
                        guard let d = cursor.current else { break }
                        digits.append(Character(UnicodeScalar(d)))
                        cursor.advance()
                    }
                    guard let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw fail("\\\(UnicodeScalar(e))\(digits) is not a character", at: cursor.offset)
                    }
                    builder.append(contentsOf: Array(String(Character(scalar)).utf8), at: at)
                default: builder.append(e, at: at)
                }
                continue
            }
            if try templateSequence(&cursor, &builder, &interpolations, &directives, quote: UInt8(ascii: "\"")) { continue }
            builder.append(b, at: at)
            cursor.advance()
        }
        index = cursor.offset
        return TemplateString(text: builder.finish(file: file, end: cursor.position), interpolations: interpolations, directives: directives, offset: start)
    }

    /// `$${`/`%%{` escapes and `${...}`/`%{...}` template sequences at the cursor; true when one was read.
    mutating func templateSequence(
        _ cursor: inout SourceCursor, _ builder: inout PolicyTextBuilder, _ interpolations: inout [String],
        _ directives: inout Bool, quote: UInt8
    ) throws(JWTAuditError) -> Bool {
        guard let b = cursor.current, b == UInt8(ascii: "$") || b == UInt8(ascii: "%") else { return false }
        if cursor.peek(1) == b, cursor.peek(2) == UInt8(ascii: "{") {
            let at = cursor.position
            builder.append(b, at: at)
            builder.append(UInt8(ascii: "{"), at: at)
            cursor.advance(3)
            return true
        }
        guard cursor.peek(1) == UInt8(ascii: "{") else { return false }
        index = cursor.offset
        let hole = try interpolation(quote: quote)
        if b == UInt8(ascii: "%") { directives = true } else { interpolations.append(hole) }
        for byte in hole.utf8 {
            builder.append(byte, at: cursor.position)
            cursor.advance()
        }
        return true
    }

    /// `<<ID ... ID` or `<<-ID` (indented: the least indentation of the lines is removed). Heredocs are templates:
    /// no backslash escapes, but `${...}` and `%{...}` as in strings.
    mutating func heredoc() throws(JWTAuditError) -> TemplateString {
        let start = index
        index += 2
        let indented = byte(index) == UInt8(ascii: "-")
        if indented { index += 1 }
        let idStart = index
        while index < bytes.count, TemplateLexer.isIdentifierByte(bytes[index]) { index += 1 }
        let id = Array(bytes[idStart..<index])
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        guard index < bytes.count else { throw fail("heredoc <<\(String(decoding: id, as: UTF8.self)) has no body", at: start) }
        index += 1
        // The body's lines, up to the line that is only the identifier.
        var bodyLines: [Range<Int>] = []
        var closed = false
        while index < bytes.count {
            let lineStart = index
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if index < bytes.count { index += 1 }
            var trimmed = lineStart
            while trimmed < lineEnd, bytes[trimmed] == 0x20 || bytes[trimmed] == 0x09 { trimmed += 1 }
            if Array(bytes[trimmed..<lineEnd]) == id, indented || trimmed == lineStart {
                closed = true
                break
            }
            bodyLines.append(lineStart..<lineEnd)
        }
        guard closed else {
            throw fail("heredoc <<\(indented ? "-" : "")\(String(decoding: id, as: UTF8.self)) is not closed: no line holds only \(String(decoding: id, as: UTF8.self))", at: start)
        }
        var strip = 0
        if indented {
            strip = bodyLines.filter { range in range.contains { bytes[$0] != 0x20 && bytes[$0] != 0x09 } }
                .map { range in range.prefix { bytes[$0] == 0x20 || bytes[$0] == 0x09 }.count }.min() ?? 0
        }
        var builder = PolicyTextBuilder()
        var interpolations: [String] = []
        var directives = false
        let savedIndex = index
        for range in bodyLines {
            let from = min(range.lowerBound + strip, range.upperBound)
            var cursor = SourceCursor(bytes: bytes, offset: from, position: lines.position(from))
            while cursor.offset < range.upperBound {
                if try templateSequence(&cursor, &builder, &interpolations, &directives, quote: UInt8(ascii: "\"")) { continue }
                builder.append(cursor.current!, at: cursor.position)
                cursor.advance()
            }
            builder.append(0x0A, at: cursor.position)
        }
        index = savedIndex
        let end = lines.position(max(start, savedIndex - 1))
        return TemplateString(text: builder.finish(file: file, end: end), interpolations: interpolations, directives: directives, offset: start)
    }
}

/// Values over tokens, for both languages: `{ key: value }` (Bicep) and `{ key = value }` (HCL objects),
/// `[ ... ]` with `for` loops, calls, references (`a.b.c`), and anything else kept as its source text.
struct TemplateParser {
    let tokens: [TemplateToken]
    let lexer: TemplateLexer
    var position = 0
    var depth = 0
    /// Bicep child resources declared inside a resource body, reported to the reader with their offset.
    var nestedResources: [(symbol: String, type: String, value: TemplateValue, offset: Int, parentOffset: Int)] = []

    init(tokens: [TemplateToken], lexer: TemplateLexer) {
        self.tokens = tokens
        self.lexer = lexer
    }

    var current: TemplateToken? { position < tokens.count ? tokens[position] : nil }
    var atEnd: Bool { position >= tokens.count }

    mutating func skipNewlines() { while let t = current, t.isNewline { position += 1 } }

    func source(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        let raw = String(decoding: lexer.bytes[tokens[from].offset..<tokens[to - 1].end], as: UTF8.self)
        return raw.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0).trimmingXMLSpace }.joined(separator: " ")
    }

    func isValueEnd(_ token: TemplateToken) -> Bool {
        token.isNewline || token.isSymbol(",") || token.isSymbol("}") || token.isSymbol("]") || token.isSymbol(")")
    }

    /// Skips a balanced run of tokens to the end of the value (newline, `,` or a closing bracket at depth 0).
    mutating func skipToValueEnd() {
        var level = 0
        while let t = current {
            if level == 0 && isValueEnd(t) { return }
            if t.isSymbol("(") || t.isSymbol("[") || t.isSymbol("{") { level += 1 }
            if t.isSymbol(")") || t.isSymbol("]") || t.isSymbol("}") { level -= 1 }
            position += 1
        }
    }

    mutating func parseValue() throws(JWTAuditError) -> TemplateValue {
        depth += 1
        defer { depth -= 1 }
        if depth > 128 { throw lexer.fail("nested deeper than 128 levels", at: current?.offset ?? 0) }
        let start = position
        guard let token = current else { throw lexer.fail("a value was expected", at: lexer.bytes.count) }
        var value: TemplateValue
        switch token.kind {
        case .string(let s):
            position += 1
            value = .string(s)
        case .number(let n):
            position += 1
            value = .literal(n, offset: token.offset)
        case .symbol(let b) where b == UInt8(ascii: "{"):
            value = try parseObject()
        case .symbol(let b) where b == UInt8(ascii: "["):
            value = try parseArray()
        case .identifier(let name) where name == "if" && lexer.language == .bicep:
            // `if (condition) { ... }`: the body is what matters here.
            position += 1
            try skipParenthesized()
            skipNewlines()
            return try parseValue()
        case .identifier(let name):
            position += 1
            if name == "true" || name == "false" || name == "null" {
                value = .literal(name, offset: token.offset)
            } else {
                var path = [name]
                while let t = current, t.isSymbol("."), let next = tokens.dropFirst(position + 1).first?.identifier {
                    path.append(next)
                    position += 2
                }
                if let t = current, t.isSymbol("(") {
                    position += 1
                    var arguments: [TemplateValue] = []
                    while true {
                        skipNewlines()
                        guard let t = current else { throw lexer.fail("a call is not closed with )", at: token.offset) }
                        if t.isSymbol(")") { position += 1; break }
                        arguments.append(try parseValue())
                        skipNewlines()
                        if let t = current, t.isSymbol(",") { position += 1 }
                    }
                    value = .call(name: path.joined(separator: "."), arguments: arguments, offset: token.offset, source: source(start, position))
                } else {
                    value = .reference(path, offset: token.offset)
                }
            }
        default:
            skipToValueEnd()
            // A stray closer (`)` where a value belongs): taken as the value, so every caller moves on.
            if position == start { position += 1 }
            return .expression(source(start, position), offset: token.offset)
        }
        // An operator after the primary (`a ? b : c`, `x.y[0]`, `a + b`): the whole is an expression.
        if let t = current, !isValueEnd(t), !(lexer.language == .hcl && t.isSymbol("=")) {
            skipToValueEnd()
            return .expression(source(start, position), offset: token.offset)
        }
        return value
    }

    /// Skips what is not a member in an object, always moving on (a stray `)` or `]` included).
    mutating func skipPastMember() {
        let start = position
        skipToValueEnd()
        if position == start, let t = current, !t.isSymbol("}") { position += 1 }
    }

    mutating func skipParenthesized() throws(JWTAuditError) {
        guard let t = current, t.isSymbol("(") else { return }
        var level = 0
        while let t = current {
            if t.isSymbol("(") { level += 1 }
            if t.isSymbol(")") { level -= 1; if level == 0 { position += 1; return } }
            position += 1
        }
        throw lexer.fail("( is not closed", at: tokens.last?.offset ?? 0)
    }

    mutating func parseObject() throws(JWTAuditError) -> TemplateValue {
        let open = current!
        position += 1
        var members: [(key: String, value: TemplateValue)] = []
        while true {
            skipNewlines()
            guard let t = current else { throw lexer.fail("{ is not closed with }", at: open.offset) }
            if t.isSymbol("}") { position += 1; break }
            if t.isSymbol(",") { position += 1; continue }
            if lexer.language == .bicep, t.identifier == "resource", let symbol = tokens.dropFirst(position + 1).first?.identifier {
                try parseNestedResource(symbol: symbol, parentOffset: open.offset)
                continue
            }
            if t.isSymbol("@") {
                // A decorator inside a body: skip it.
                position += 1
                _ = try parseValue()
                continue
            }
            let key: String
            switch t.kind {
            case .identifier(let name): key = name
            case .string(let s): key = s.value
            default:
                skipPastMember()
                continue
            }
            position += 1
            guard let separator = current, separator.isSymbol(":") || separator.isSymbol("=") else {
                skipPastMember()
                continue
            }
            position += 1
            skipNewlines()
            members.append((key, try parseValue()))
        }
        return .object(members, offset: open.offset)
    }

    mutating func parseArray() throws(JWTAuditError) -> TemplateValue {
        let open = current!
        position += 1
        skipNewlines()
        if current?.identifier == "for" {
            // `[for x in xs: value]`: the value is the template of each element.
            while let t = current, !t.isSymbol(":") { position += 1 }
            position += 1
            skipNewlines()
            let body = try parseValue()
            skipNewlines()
            if let t = current, t.isSymbol("]") { position += 1 } else { throw lexer.fail("[ is not closed with ]", at: open.offset) }
            return .array([body], offset: open.offset)
        }
        var items: [TemplateValue] = []
        while true {
            skipNewlines()
            guard let t = current else { throw lexer.fail("[ is not closed with ]", at: open.offset) }
            if t.isSymbol("]") { position += 1; break }
            if t.isSymbol(",") { position += 1; continue }
            items.append(try parseValue())
        }
        return .array(items, offset: open.offset)
    }

    /// `resource child 'type' = { ... }` inside a Bicep resource body.
    mutating func parseNestedResource(symbol: String, parentOffset: Int) throws(JWTAuditError) {
        let declaration = current!.offset
        position += 2
        guard let typeToken = current, case .string(let type) = typeToken.kind else {
            skipToValueEnd()
            return
        }
        position += 1
        while let t = current, !t.isSymbol("=") { if t.isNewline { return }; position += 1 }
        position += 1
        skipNewlines()
        let value = try parseValue()
        nestedResources.append((symbol, type.value, value, declaration, parentOffset))
    }
}
