/// A minimal, strict YAML reader for the two YAML files policy sources hold: APIOps's `configuration.<env>.yaml`
/// (named values and policy overrides) and an API's `specification.yaml` (OpenAPI: paths, methods,
/// `operationId`). It reads block mappings and sequences, flow `[...]`/`{...}`, plain, single- and double-quoted
/// scalars (multi-line ones folded as YAML 1.2 §6.5 and §7.3 say) and `|`/`>` block scalars with their chomping
/// and indentation indicators, and comments. What those files never need, anchors, aliases, tags, complex keys and
/// several documents, is refused with its line, not guessed at: no new package, and no surprise.
enum YAMLReader {
    struct Limits {
        var maxBytes = 16 << 20
        var maxDepth = 64
    }

    /// Reads one document. With `positions`, every scalar keeps where each of its characters is, so policy text in
    /// a block scalar points at the YAML file's lines.
    static func parse(_ bytes: [UInt8], file: String, positions: Bool = false, limits: Limits = Limits()) throws(JWTAuditError) -> YAMLNode {
        if bytes.count > limits.maxBytes {
            throw JWTAuditError(.limitExceeded, "\(file): YAML is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes")
        }
        var parser = YAMLParser(bytes: bytes, file: file, positions: positions, limits: limits)
        return try parser.parseDocument()
    }
}

/// A YAML value. Scalars stay text (the readers decide what `true` or `5` mean where they need to).
indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)

    var line: Int {
        switch self {
        case .scalar(let s): return s.line
        case .sequence(_, let line), .mapping(_, let line): return line
        }
    }

    subscript(key: String) -> YAMLNode? {
        if case .mapping(let members, _) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    var string: String? {
        if case .scalar(let s) = self, !s.isNull { return s.value }
        return nil
    }

    var bool: Bool? {
        guard case .scalar(let s) = self else { return nil }
        switch s.value.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    var items: [YAMLNode] {
        if case .sequence(let items, _) = self { return items }
        return []
    }

    var members: [(key: String, value: YAMLNode)] {
        if case .mapping(let members, _) = self { return members }
        return []
    }

    /// The same data as JSON (scalars as strings, `true`/`false` as booleans, `null`/`~` as null), for readers
    /// written once against `JSONValue` (OpenAPI documents come as JSON or YAML).
    var jsonValue: JSONValue {
        switch self {
        case .scalar(let s):
            if s.isNull { return .null }
            if s.plain, let b = bool { return .bool(b) }
            return .string(s.value)
        case .sequence(let items, _): return .array(items.map(\.jsonValue))
        case .mapping(let members, _): return .object(JSONObject(members.map { ($0.key, $0.value.jsonValue) }))
        }
    }
}

struct YAMLScalar: Sendable {
    var value: String
    var line: Int
    var column: Int
    /// Unquoted: `null`, `true` and `~` mean what they say only then.
    var plain: Bool
    /// The decoded text with the position of each byte in the file (only when asked for).
    var text: PolicyText?

    var isNull: Bool { plain && (value.isEmpty || value == "null" || value == "~" || value == "Null" || value == "NULL") }
}

private struct YAMLParser {
    let bytes: [UInt8]
    let file: String
    let positions: Bool
    let limits: YAMLReader.Limits
    let lines: SourceLines
    var index = 0

    init(bytes: [UInt8], file: String, positions: Bool, limits: YAMLReader.Limits) {
        self.bytes = bytes
        self.file = file
        self.positions = positions
        self.limits = limits
        self.lines = SourceLines(bytes)
    }

    // MARK: errors and positions

    func fail(_ message: String, at offset: Int? = nil) -> JWTAuditError {
        let (line, column) = lines.position(offset ?? index)
        return JWTAuditError(.malformedPolicy, "\(file): line \(line), column \(column): \(message)")
    }

    var atEnd: Bool { index >= bytes.count }
    func byte(_ offset: Int) -> UInt8? { offset < bytes.count && offset >= 0 ? bytes[offset] : nil }

    /// The start of the line holding `offset`.
    func lineStart(_ offset: Int) -> Int {
        var i = min(offset, bytes.count)
        while i > 0, bytes[i - 1] != 0x0A { i -= 1 }
        return i
    }

    /// Spaces before the first character of the line starting at `start`.
    func indent(ofLineAt start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 { i += 1 }
        return i - start
    }

    func column(_ offset: Int) -> Int { offset - lineStart(offset) }

    static func isSpace(_ b: UInt8?) -> Bool { b == 0x20 || b == 0x09 }
    static func isBreak(_ b: UInt8?) -> Bool { b == nil || b == 0x0A || b == 0x0D }

    /// Moves to the first significant character at or after `index`, across blank and comment lines. Returns
    /// false at the end of the document.
    mutating func skipToContent() -> Bool {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                index += 1
            } else if b == UInt8(ascii: "#"), index == 0 || YAMLParser.isSpace(byte(index - 1)) || YAMLParser.isBreak(byte(index - 1)) {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else {
                return true
            }
        }
        return false
    }

    /// Skips spaces and a trailing comment on the current line; true when the line has nothing else.
    mutating func restOfLineIsEmpty() -> Bool {
        while index < bytes.count, YAMLParser.isSpace(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        }
        return YAMLParser.isBreak(byte(index))
    }

    // MARK: document

    mutating func parseDocument() throws(JWTAuditError) -> YAMLNode {
        if let bad = UTF8Text.firstUnreadableByte(bytes) { throw fail(UTF8Text.notText(bytes[bad]), at: bad) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        guard skipToContent() else { return .mapping([], line: 1) }
        if startsWith("%") { throw fail("YAML directives are not supported") }
        if startsWith("---"), YAMLParser.isSpace(byte(index + 3)) || YAMLParser.isBreak(byte(index + 3)) {
            index += 3
            guard skipToContent() else { return .mapping([], line: 1) }
        }
        let node = try parseBlock(parentIndent: -1, depth: 0)
        if skipToContent() {
            if startsWith("..."), YAMLParser.isBreak(byte(index + 3)) || YAMLParser.isSpace(byte(index + 3)) {
                index += 3
                if !skipToContent() { return node }
            }
            if startsWith("---") { throw fail("several YAML documents in one file are not supported") }
            throw fail("unexpected content (check the indentation)")
        }
        return node
    }

    func startsWith(_ literal: String) -> Bool {
        let utf8 = Array(literal.utf8)
        guard index + utf8.count <= bytes.count else { return false }
        return Array(bytes[index..<(index + utf8.count)]) == utf8
    }

    // MARK: block structure

    /// A node whose first character is at `index` (already past blank lines), more indented than `parentIndent`.
    mutating func parseBlock(parentIndent: Int, depth: Int) throws(JWTAuditError) -> YAMLNode {
        if depth > limits.maxDepth { throw fail("YAML nested deeper than \(limits.maxDepth) levels") }
        try refuseUnsupported()
        let indent = column(index)
        if isSequenceEntry() { return try parseSequence(indent: indent, depth: depth) }
        if let _ = mappingKeyEnd() { return try parseMapping(indent: indent, depth: depth) }
        return try parseValue(parentIndent: parentIndent, depth: depth)
    }

    mutating func refuseUnsupported() throws(JWTAuditError) {
        switch byte(index) {
        case UInt8(ascii: "&"): throw fail("YAML anchors (&) are not supported")
        case UInt8(ascii: "*"): throw fail("YAML aliases (*) are not supported")
        case UInt8(ascii: "!"): throw fail("YAML tags (!) are not supported")
        case UInt8(ascii: "?") where YAMLParser.isSpace(byte(index + 1)) || YAMLParser.isBreak(byte(index + 1)):
            throw fail("YAML complex keys (?) are not supported")
        default: break
        }
    }

    func isSequenceEntry() -> Bool {
        byte(index) == UInt8(ascii: "-") && (YAMLParser.isSpace(byte(index + 1)) || YAMLParser.isBreak(byte(index + 1)))
    }

    mutating func parseSequence(indent: Int, depth: Int) throws(JWTAuditError) -> YAMLNode {
        let line = lines.line(index)
        var items: [YAMLNode] = []
        while true {
            index += 1  // the dash
            if restOfLineIsEmpty() {
                if !skipToContent() || column(index) <= indent {
                    // An empty entry ("-" alone), unless the next entry of a compact "- - x" follows.
                    items.append(.scalar(YAMLScalar(value: "", line: lines.line(index), column: 1, plain: true)))
                } else {
                    items.append(try parseBlock(parentIndent: indent, depth: depth + 1))
                }
            } else {
                items.append(try parseBlock(parentIndent: indent, depth: depth + 1))
            }
            guard skipToContent() else { break }
            let next = column(index)
            if next == indent && isSequenceEntry() { continue }
            if next > indent { throw fail("unexpected indentation in a sequence") }
            break
        }
        return .sequence(items, line: line)
    }

    /// Where the key ends (the offset of its `:`) when the line at `index` is `key: ...` or `key:`; nil otherwise.
    func mappingKeyEnd() -> Int? {
        var i = index
        if byte(i) == UInt8(ascii: "\"") || byte(i) == UInt8(ascii: "'") {
            let quote = byte(i)!
            i += 1
            while i < bytes.count, bytes[i] != 0x0A {
                if bytes[i] == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { i += 2; continue }
                if bytes[i] == quote {
                    if quote == UInt8(ascii: "'"), byte(i + 1) == quote { i += 2; continue }
                    break
                }
                i += 1
            }
            i += 1
            while YAMLParser.isSpace(byte(i)) { i += 1 }
            return byte(i) == UInt8(ascii: ":") && (YAMLParser.isSpace(byte(i + 1)) || YAMLParser.isBreak(byte(i + 1))) ? i : nil
        }
        if byte(i) == UInt8(ascii: "[") || byte(i) == UInt8(ascii: "{") { return nil }
        while i < bytes.count, bytes[i] != 0x0A {
            if bytes[i] == UInt8(ascii: ":") && (YAMLParser.isSpace(byte(i + 1)) || YAMLParser.isBreak(byte(i + 1))) { return i }
            if bytes[i] == UInt8(ascii: "#") && YAMLParser.isSpace(byte(i - 1)) { return nil }
            i += 1
        }
        return nil
    }

    mutating func parseMapping(indent: Int, depth: Int) throws(JWTAuditError) -> YAMLNode {
        let line = lines.line(index)
        var members: [(key: String, value: YAMLNode)] = []
        while true {
            try refuseUnsupported()
            guard let colon = mappingKeyEnd() else { throw fail("a mapping key ('name:') was expected") }
            let key: String
            if byte(index) == UInt8(ascii: "\"") || byte(index) == UInt8(ascii: "'") {
                key = try parseQuoted(parentIndent: indent).value
            } else {
                key = trimmedString(index..<colon)
            }
            if members.contains(where: { $0.key == key }) { throw fail("the key '\(key)' appears twice in one mapping") }
            index = colon + 1
            let value: YAMLNode
            if restOfLineIsEmpty() {
                if skipToContent(), column(index) > indent || (column(index) == indent && isSequenceEntry()) {
                    value = try parseBlock(parentIndent: indent, depth: depth + 1)
                } else {
                    value = .scalar(YAMLScalar(value: "", line: lines.line(colon), column: column(colon) + 1, plain: true))
                }
            } else {
                value = try parseValue(parentIndent: indent, depth: depth + 1)
            }
            members.append((key, value))
            guard skipToContent() else { break }
            let next = column(index)
            if next == indent, mappingKeyEnd() != nil { continue }
            if next > indent { throw fail("unexpected indentation in a mapping") }
            break
        }
        return .mapping(members, line: line)
    }

    func trimmedString(_ range: Range<Int>) -> String {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, YAMLParser.isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, YAMLParser.isSpace(bytes[upper - 1]) { upper -= 1 }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    // MARK: values

    /// A value on the current line: flow collection, quoted or block scalar, or plain scalar.
    mutating func parseValue(parentIndent: Int, depth: Int) throws(JWTAuditError) -> YAMLNode {
        try refuseUnsupported()
        switch byte(index) {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let node = try parseFlow(depth: depth)
            guard restOfLineIsEmpty() else { throw fail("unexpected text after a flow collection") }
            return node
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let scalar = try parseQuoted(parentIndent: parentIndent)
            guard restOfLineIsEmpty() else { throw fail("unexpected text after a quoted scalar") }
            return .scalar(scalar)
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            return .scalar(try parseBlockScalar(parentIndent: parentIndent))
        default:
            return .scalar(parsePlain(parentIndent: parentIndent))
        }
    }

    /// A plain scalar, folded across continuation lines more indented than its parent.
    mutating func parsePlain(parentIndent: Int) -> YAMLScalar {
        let start = index
        var builder = PolicyTextBuilder()
        var pieces: [Range<Int>] = []
        while true {
            let lineBegin = index
            var end = index
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D {
                if bytes[end] == UInt8(ascii: "#"), end > lineBegin, YAMLParser.isSpace(bytes[end - 1]) { break }
                end += 1
            }
            var trimmed = end
            while trimmed > lineBegin, YAMLParser.isSpace(bytes[trimmed - 1]) { trimmed -= 1 }
            pieces.append(lineBegin..<trimmed)
            index = end
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            // A continuation line: more indented than the parent, and not a key or an entry of its own.
            var probe = index
            while probe < bytes.count, YAMLParser.isSpace(bytes[probe]) || bytes[probe] == 0x0A || bytes[probe] == 0x0D { probe += 1 }
            guard probe < bytes.count, column(probe) > parentIndent, bytes[probe] != UInt8(ascii: "#") else { break }
            let saved = index
            index = probe
            if mappingKeyEnd() != nil || isSequenceEntry() { index = saved; break }
        }
        var value: [UInt8] = []
        for (n, piece) in pieces.enumerated() {
            if n > 0 {
                value.append(0x20)
                if positions { builder.append(0x20, at: lines.position(piece.lowerBound)) }
            }
            value += bytes[piece]
            if positions { for offset in piece { builder.append(bytes[offset], at: lines.position(offset)) } }
        }
        let (line, column) = lines.position(start)
        return YAMLScalar(
            value: String(decoding: value, as: UTF8.self), line: line, column: column, plain: true,
            text: positions ? builder.finish(file: file, end: lines.position(pieces.last?.upperBound ?? start)) : nil)
    }

    /// `"..."` or `'...'`, folded across lines (a line break is a space, an empty line a newline).
    mutating func parseQuoted(parentIndent: Int) throws(JWTAuditError) -> YAMLScalar {
        let start = index
        let quote = bytes[index]
        index += 1
        var builder = PolicyTextBuilder()
        var value: [UInt8] = []
        func emit(_ decoded: [UInt8], _ at: Int) {
            value += decoded
            if positions { builder.append(contentsOf: decoded, at: lines.position(at)) }
        }
        while true {
            guard index < bytes.count else { throw fail("quoted scalar is not closed", at: start) }
            let b = bytes[index]
            if b == quote {
                if quote == UInt8(ascii: "'"), byte(index + 1) == quote {
                    emit([quote], index)
                    index += 2
                    continue
                }
                index += 1
                break
            }
            if b == 0x0A || b == 0x0D {
                // Folding: trailing spaces of the line go; one break is a space, each further empty line a newline.
                while let last = value.last, YAMLParser.isSpace(last) { value.removeLast(); if positions { builder.dropLast() } }
                var breaks = 0
                while index < bytes.count, YAMLParser.isSpace(bytes[index]) || bytes[index] == 0x0A || bytes[index] == 0x0D {
                    if bytes[index] == 0x0A { breaks += 1 }
                    index += 1
                }
                emit(breaks > 1 ? Array(repeating: 0x0A, count: breaks - 1) : [0x20], index)
                continue
            }
            if quote == UInt8(ascii: "\""), b == UInt8(ascii: "\\") {
                let at = index
                index += 1
                guard let e = byte(index) else { throw fail("quoted scalar is not closed", at: start) }
                index += 1
                switch e {
                case UInt8(ascii: "n"): emit([0x0A], at)
                case UInt8(ascii: "t"), 0x09: emit([0x09], at)
                case UInt8(ascii: "r"): emit([0x0D], at)
                case UInt8(ascii: "0"): emit([0x00], at)
                case UInt8(ascii: " "): emit([0x20], at)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): emit([e], at)
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                    guard index + count <= bytes.count,
                        let code = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw fail("bad \\\(UnicodeScalar(e)) escape in a double-quoted scalar", at: at) }
                    index += count
                    emit(Array(String(Character(scalar)).utf8), at)
                case 0x0A:
                    while index < bytes.count, YAMLParser.isSpace(bytes[index]) { index += 1 }
                default: throw fail("unknown escape \\\(UnicodeScalar(e)) in a double-quoted scalar", at: at)
                }
                continue
            }
            emit([b], index)
            index += 1
        }
        let (line, column) = lines.position(start)
        return YAMLScalar(
            value: String(decoding: value, as: UTF8.self), line: line, column: column, plain: false,
            text: positions ? builder.finish(file: file, end: lines.position(index)) : nil)
    }

    /// `|` (literal) or `>` (folded) with optional chomping (`-`, `+`) and indentation indicator (YAML 1.2
    /// §8.1): lines less indented than the content end it; folding joins adjacent ordinary lines with a space and
    /// keeps the breaks around empty and more-indented lines.
    mutating func parseBlockScalar(parentIndent: Int) throws(JWTAuditError) -> YAMLScalar {
        let headerLine = lines.line(index)
        let literal = bytes[index] == UInt8(ascii: "|")
        index += 1
        var chomp: UInt8 = 0
        var explicitIndent: Int?
        while let b = byte(index), !YAMLParser.isSpace(b), !YAMLParser.isBreak(b) {
            if b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                chomp = b
            } else if b >= UInt8(ascii: "1"), b <= UInt8(ascii: "9") {
                explicitIndent = Int(b - UInt8(ascii: "0"))
            } else {
                throw fail("unexpected character in a block scalar header")
            }
            index += 1
        }
        guard restOfLineIsEmpty() else { throw fail("unexpected text after a block scalar header") }
        if index < bytes.count { index += 1 }
        // The content's indentation: the indicator's, or the first non-empty line's.
        var contentIndent = explicitIndent.map { max(0, parentIndent) + $0 }
        if contentIndent == nil {
            var probe = index
            while probe < bytes.count {
                let start = probe
                while probe < bytes.count, bytes[probe] == 0x20 { probe += 1 }
                if probe < bytes.count, bytes[probe] != 0x0A, bytes[probe] != 0x0D {
                    contentIndent = probe - start
                    break
                }
                while probe < bytes.count, bytes[probe] != 0x0A { probe += 1 }
                probe += 1
            }
        }
        let indent = max(contentIndent ?? (parentIndent + 1), parentIndent + 1)
        // The scalar's lines: nil for an empty one, else the content range after the indentation.
        var content: [Range<Int>?] = []
        while index < bytes.count {
            let start = index
            var spaces = 0
            while index < bytes.count, bytes[index] == 0x20, spaces < indent { index += 1; spaces += 1 }
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var contentEnd = end
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let blank = (index..<contentEnd).allSatisfy { YAMLParser.isSpace(bytes[$0]) } && spaces < indent
                || index == contentEnd
            if !blank && spaces < indent {
                index = start
                break
            }
            content.append(blank ? nil : index..<contentEnd)
            index = end < bytes.count ? end + 1 : end
        }
        var builder = PolicyTextBuilder()
        var value: [UInt8] = []
        func emit(_ byte: UInt8, at offset: Int) {
            value.append(byte)
            if positions { builder.append(byte, at: lines.position(offset)) }
        }
        let last = content.lastIndex { $0 != nil }
        var pendingEmpty = 0
        var previous: Range<Int>?
        for line in content.prefix(last.map { $0 + 1 } ?? 0) {
            guard let line else { pendingEmpty += 1; continue }
            let moreIndented = YAMLParser.isSpace(bytes[line.lowerBound])
            let breakAt = previous?.upperBound ?? line.lowerBound
            if let previous {
                let previousMoreIndented = YAMLParser.isSpace(bytes[previous.lowerBound])
                if literal || moreIndented || previousMoreIndented {
                    for _ in 0...pendingEmpty { emit(0x0A, at: breakAt) }
                } else if pendingEmpty == 0 {
                    emit(0x20, at: breakAt)
                } else {
                    for _ in 0..<pendingEmpty { emit(0x0A, at: breakAt) }
                }
            } else {
                for _ in 0..<pendingEmpty { emit(0x0A, at: breakAt) }
            }
            for offset in line { emit(bytes[offset], at: offset) }
            pendingEmpty = 0
            previous = line
        }
        // Chomping: strip (-) no final break, clip (default) one, keep (+) every trailing one.
        if let previous, chomp != UInt8(ascii: "-") {
            let trailing = content.count - 1 - (last ?? 0)
            for _ in 0..<(chomp == UInt8(ascii: "+") ? 1 + trailing : 1) { emit(0x0A, at: previous.upperBound) }
        }
        let first = content.firstIndex { $0 != nil }
        let (line, column) = first.flatMap { content[$0] }.map { lines.position($0.lowerBound) } ?? (headerLine, indent + 1)
        return YAMLScalar(
            value: String(decoding: value, as: UTF8.self), line: line, column: column, plain: false,
            text: positions ? builder.finish(file: file, end: lines.position(previous?.upperBound ?? index)) : nil)
    }

    // MARK: flow collections

    mutating func parseFlow(depth: Int) throws(JWTAuditError) -> YAMLNode {
        if depth > limits.maxDepth { throw fail("YAML nested deeper than \(limits.maxDepth) levels") }
        let line = lines.line(index)
        let isSequence = bytes[index] == UInt8(ascii: "[")
        let close = isSequence ? UInt8(ascii: "]") : UInt8(ascii: "}")
        index += 1
        var items: [YAMLNode] = []
        var members: [(key: String, value: YAMLNode)] = []
        while true {
            guard skipToContent() else { throw fail("flow collection is not closed") }
            if bytes[index] == close { index += 1; break }
            try refuseUnsupported()
            let item: YAMLNode
            switch bytes[index] {
            case UInt8(ascii: "["), UInt8(ascii: "{"): item = try parseFlow(depth: depth + 1)
            case UInt8(ascii: "\""), UInt8(ascii: "'"): item = .scalar(try parseQuoted(parentIndent: -1))
            default: item = .scalar(parseFlowPlain())
            }
            guard skipToContent() else { throw fail("flow collection is not closed") }
            if isSequence {
                items.append(item)
            } else {
                guard case .scalar(let key) = item, bytes[index] == UInt8(ascii: ":") else {
                    throw fail("a 'key: value' pair was expected in a flow mapping")
                }
                index += 1
                guard skipToContent() else { throw fail("flow collection is not closed") }
                let value: YAMLNode
                switch bytes[index] {
                case UInt8(ascii: "["), UInt8(ascii: "{"): value = try parseFlow(depth: depth + 1)
                case UInt8(ascii: "\""), UInt8(ascii: "'"): value = .scalar(try parseQuoted(parentIndent: -1))
                case UInt8(ascii: ","), close: value = .scalar(YAMLScalar(value: "", line: key.line, column: key.column, plain: true))
                default: value = .scalar(parseFlowPlain())
                }
                members.append((key.value, value))
                guard skipToContent() else { throw fail("flow collection is not closed") }
            }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == close { index += 1; break }
            throw fail("',' or '\(UnicodeScalar(close))' expected in a flow collection")
        }
        return isSequence ? .sequence(items, line: line) : .mapping(members, line: line)
    }

    /// A plain scalar inside `[...]` or `{...}`: up to `,`, `]`, `}`, `: ` or a comment.
    mutating func parseFlowPlain() -> YAMLScalar {
        let start = index
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") || b == 0x0A || b == 0x0D { break }
            if b == UInt8(ascii: ":"), YAMLParser.isSpace(byte(index + 1)) || YAMLParser.isBreak(byte(index + 1))
                || byte(index + 1) == UInt8(ascii: ",")
            {
                break
            }
            if b == UInt8(ascii: "#"), YAMLParser.isSpace(byte(index - 1)) { break }
            index += 1
        }
        let (line, column) = lines.position(start)
        return YAMLScalar(value: trimmedString(start..<index), line: line, column: column, plain: true)
    }
}

