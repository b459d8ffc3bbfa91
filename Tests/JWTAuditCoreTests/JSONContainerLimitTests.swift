import Testing
@testable import JWTAuditCore

/// Every object and array is read by one walk (`JSONParser.Cursor.walk`), whether the parser builds it, the lazy
/// scan skips it (a nested value) or records its members (the top-level object, `JSONParser.scanObject`): the
/// depth limit, the item limit and the separators are checked in one order, with one set of messages and offsets.
/// Tight limits put those checks at every nesting level, in objects and arrays, empty and not, with and without
/// whitespace, so any reader that counted, nested or stopped differently from the others would show here.
@Suite("JSON containers: parse, skip and scan share one walk and its limits")
struct JSONContainerLimitTests {
    static func object(_ count: Int, spaced: Bool, _ value: (Int) -> String) -> String {
        let (comma, colon) = spaced ? (" , ", " : ") : (",", ":")
        return (spaced ? "{ " : "{") + (0..<count).map { "\"k\($0)\"" + colon + value($0) }.joined(separator: comma)
            + (spaced ? " }" : "}")
    }

    static func array(_ count: Int, spaced: Bool, _ value: (Int) -> String) -> String {
        (spaced ? "[ " : "[") + (0..<count).map(value).joined(separator: spaced ? " , " : ",") + (spaced ? " ]" : "]")
    }

    /// Containers of 0 to 4 items at nesting levels 1, 2 and 3 (objects in objects, arrays in objects, objects
    /// in arrays in objects, arrays in objects in objects), and top-level arrays.
    static func documents(items count: Int, spaced: Bool) -> [String] {
        let scalar: (Int) -> String = { "\($0)" }
        return [
            object(count, spaced: spaced, scalar),
            object(count, spaced: spaced) { _ in object(count, spaced: spaced, scalar) },
            object(count, spaced: spaced) { _ in array(count, spaced: spaced, scalar) },
            object(2, spaced: spaced) { _ in array(2, spaced: spaced) { _ in object(count, spaced: spaced) { _ in "true" } } },
            object(2, spaced: spaced) { _ in object(2, spaced: spaced) { _ in array(count, spaced: spaced) { _ in "\"s\"" } } },
            array(count, spaced: spaced) { _ in object(count, spaced: spaced, scalar) },
        ]
    }

    /// A non-empty top-level object with one member more at its end: an array at depth 2.
    static func withOneMoreMember(_ object: String, spaced: Bool) -> String {
        let members = String(object.dropLast(spaced ? 2 : 1))
        return spaced ? members + " , \"extra\" : [0] }" : members + ",\"extra\":[0]}"
    }

    /// `JSONDocument.scan`, with its table sizing and its fallback to the parser, against `JSONParser.parse`:
    /// the same error, or (for an object it reads) the same object. Nil hands the document to the parser.
    static func scanMatchesParse(
        _ bytes: [UInt8], limits: JSONParser.Limits, previous: JSONDocument? = nil, _ label: String
    ) {
        let parsed: Result<JSONValue, JSONParser.ParseError>
        do { parsed = .success(try JSONParser.parse(bytes: bytes, limits: limits)) } catch { parsed = .failure(error) }
        do {
            guard let document = try JSONDocument.scan(bytes, limits: limits, previous: previous) else { return }
            switch parsed {
            case .failure(let parseError):
                Issue.record("\(label): JSONDocument.scan accepts what the parser refuses (\(parseError))")
            case .success(let value):
                #expect(JSONObject(document: document) == value.objectValue, "\(label): members")
            }
        } catch {
            guard case .failure(let parseError) = parsed else {
                Issue.record("\(label): JSONDocument.scan refuses (\(error)) what the parser accepts")
                return
            }
            #expect(error == parseError, "\(label): JSONDocument.scan and parse fail differently")
        }
    }

    @Test func tightDepthAndItemLimitsAgreeAtEveryNesting() {
        var checked = 0
        for count in 0...4 {
            for spaced in [false, true] {
                for (shape, text) in Self.documents(items: count, spaced: spaced).enumerated() {
                    let bytes = Array(text.utf8)
                    for maxDepth in 0...4 {
                        for maxItems in 0...5 {
                            let limits = JSONParser.Limits(maxDepth: maxDepth, maxBytes: 1 << 20, maxContainerCount: maxItems)
                            let label = "shape \(shape), \(count) items, spaced \(spaced), depth \(maxDepth), items \(maxItems)"
                            JSONDocumentTests.agree(bytes, limits: limits, label)
                            Self.scanMatchesParse(bytes, limits: limits, label)
                            // After a document the scan accepted under the same limits, whose members this one
                            // repeats: one member more comes after the repeated ones.
                            if let previous = try? JSONDocument.scan(bytes, limits: limits), text.hasPrefix("{"),
                                count > 0
                            {
                                let longer = Array(Self.withOneMoreMember(text, spaced: spaced).utf8)
                                JSONDocumentTests.agree(longer, limits: limits, previous: previous, "\(label), one more")
                                Self.scanMatchesParse(longer, limits: limits, previous: previous, "\(label), one more")
                                checked += 1
                            }
                        }
                    }
                }
            }
        }
        // The repeated-member path ran under limits it could meet.
        #expect(checked > 100)
    }

    /// A top-level object with more members than the table holds and than the item limit allows: the member
    /// past the limit is refused (the parser's error, at the parser's offset) before the table is found full, as
    /// the parser would refuse it. A full table within the limit only asks the caller for a larger table.
    @Test func theItemLimitComesBeforeAFullTable() {
        for spaced in [false, true] {
            let text = Self.object(6, spaced: spaced) { "\($0)" }
            let bytes = Array(text.utf8)
            for maxItems in 0...7 {
                let limits = JSONParser.Limits(maxDepth: 64, maxBytes: 1 << 20, maxContainerCount: maxItems)
                let parsed: JSONParser.ParseError?
                do { _ = try JSONParser.parse(bytes: bytes, limits: limits); parsed = nil } catch { parsed = error }
                let previous = try? JSONDocument.scan(bytes, limits: limits)
                for tableSize in 0...7 {
                    for lender in [nil, previous] {
                        let label = "spaced \(spaced), item limit \(maxItems), table \(tableSize), previous \(lender != nil)"
                        let outcome = JSONDocumentTests.scanObject(bytes, limits: limits, tableSize: tableSize, previous: lender)
                        switch outcome {
                        case .failure(let error):
                            #expect(maxItems < 6 && maxItems <= tableSize, "\(label): refused, not found full")
                            #expect(error == parsed, "\(label): the parser's error")
                        case .success(.tableFull):
                            #expect(tableSize < 6 && tableSize < maxItems, "\(label): found full, not refused")
                        case .success(.members(let count, _)):
                            #expect(count == 6 && tableSize >= 6 && maxItems >= 6, "\(label): read")
                        case .success(.otherShape):
                            Issue.record("\(label): handed over an object of plain names")
                        }
                    }
                }
            }
        }
        // Through `JSONDocument.scan`, which sizes its table itself (16 members for a short document) and scans
        // again with a larger one when it is full: an item limit just under, at and over the first table's size.
        let many = Array(Self.object(20, spaced: false) { "\($0)" }.utf8)
        for maxItems in 14...21 {
            let limits = JSONParser.Limits(maxDepth: 64, maxBytes: 1 << 20, maxContainerCount: maxItems)
            Self.scanMatchesParse(many, limits: limits, "20 members, item limit \(maxItems)")
        }
    }

    /// A container grammar error: the document, the limits it is read under, and what the walk reports where.
    struct GrammarError: Sendable, CustomTestStringConvertible {
        let text: String
        var maxDepth = 64
        var maxItems = 10_000
        let kind: JSONParser.ParseError.Kind
        let offset: Int
        var testDescription: String { text }
    }

    static func syntax(_ text: String, _ message: String, at offset: Int) -> GrammarError {
        GrammarError(text: text, kind: .syntax(message), offset: offset)
    }

    /// Each rule of the container grammar broken once, in an object and in an array: what every reader reports
    /// and where (the byte the walk stopped at). The differential tests above show the readers agree; this shows
    /// what they agree on, so that a change to the walk itself cannot pass unseen.
    static let grammarErrors: [GrammarError] = [
        syntax("{", "unexpected end of input in an object", at: 1),
        syntax("{ ", "unexpected end of input in an object", at: 2),
        syntax(#"{"a":1"#, "unexpected end of input in an object", at: 6),
        syntax(#"{"a":1, "#, "unexpected end of input in an object", at: 8),
        syntax(#"{"a":1 x"#, "expected ',' or '}' in an object", at: 7),
        syntax(#"{"a":1]"#, "expected ',' or '}' in an object", at: 6),
        syntax(#"{"a":1,}"#, "expected a member name", at: 7),
        syntax("{1}", "expected a member name", at: 1),
        syntax(#"{"a" 1}"#, "expected ':' after a member name", at: 5),
        syntax(#"{"a""#, "expected ':' after a member name", at: 4),
        syntax("[", "unexpected end of input", at: 1),
        syntax("[1", "unexpected end of input in an array", at: 2),
        syntax("[1 x", "expected ',' or ']' in an array", at: 3),
        syntax("[1}", "expected ',' or ']' in an array", at: 2),
        syntax("[1,]", "unexpected character ']'", at: 3),
        syntax("[,1]", "unexpected character ','", at: 1),
        // The item past the limit, at the byte after it (before any whitespace), whatever follows.
        GrammarError(text: #"{"a":1,"b":2,"c":3,"d":4 x"#, maxItems: 3, kind: .tooManyMembers(3), offset: 24),
        GrammarError(text: "[1,2,3,4 x", maxItems: 3, kind: .tooManyMembers(3), offset: 8),
        // The container past the depth limit, at its opening byte, whatever it holds.
        GrammarError(text: #"{"a":{"#, maxDepth: 1, kind: .tooDeep(1), offset: 5),
        GrammarError(text: "[[", maxDepth: 1, kind: .tooDeep(1), offset: 1),
    ]

    @Test(arguments: grammarErrors)
    func everyReaderReportsTheContainerGrammarsErrorsAlike(_ error: GrammarError) {
        // At the top level, as a member's value and as an element: one level deeper, the same bytes later.
        for prefix in ["", #"{"x":"#, "["] {
            let nested = prefix.isEmpty ? 0 : 1
            let limits = JSONParser.Limits(maxDepth: error.maxDepth + nested, maxBytes: 1 << 20, maxContainerCount: error.maxItems)
            let bytes = Array((prefix + error.text).utf8)
            let label = "\(prefix + error.text) under depth \(limits.maxDepth), items \(limits.maxContainerCount)"
            let kind: JSONParser.ParseError.Kind
            switch error.kind {
            case .tooDeep(let depth): kind = .tooDeep(depth + nested)
            default: kind = error.kind
            }
            let expected = JSONParser.ParseError(kind: kind, offset: prefix.utf8.count + error.offset)
            let parsed: JSONParser.ParseError?
            do { _ = try JSONParser.parse(bytes: bytes, limits: limits); parsed = nil } catch { parsed = error }
            #expect(parsed == expected, "\(label): parse")
            guard bytes.first == UInt8(ascii: "{") else { continue }
            switch JSONDocumentTests.scanObject(bytes, limits: limits, tableSize: 16, previous: nil) {
            case .failure(let scanned): #expect(scanned == expected, "\(label): scanObject")
            case .success(let found): Issue.record("\(label): scanObject found \(found)")
            }
            Self.scanMatchesParse(bytes, limits: limits, label)
        }
    }
}
