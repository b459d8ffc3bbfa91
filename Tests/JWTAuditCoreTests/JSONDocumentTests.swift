import Testing
@testable import JWTAuditCore

/// A token's claims are read lazily (`JSONDocument`): validated by a scan that builds nothing, values built when
/// asked. The scan must refuse exactly what the full parser refuses, with the same error, and the lazy object must
/// answer every question (members, lookups, duplicates, count, keys) as the parsed one does. A scan more permissive
/// than the parser would let a token through that `decode` calls malformed; so every document here goes through
/// both, and a seeded mutation fuzz adds thousands more.
@Suite("Lazy claims: the scan agrees with the parser")
struct JSONDocumentTests {
    static let claims = #"{"aud":"api://bench","iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","iat":1767225600,"nbf":1767225600,"exp":4102444800,"aio":"E2ZgYDjy9Lj7nVbKp3bgq4TqRmGgAQ==","appid":"1105ae9f-6be2-42a2-9439-7a17934226ac","appidacr":"2","roles":["Data.Read","Data.Write"],"cnf":{"x5t#S256":"abc","n":[1,{"a":null}]},"tid":"3d6e366f-9587-413b-ab6b-0a851b1b91ba","ver":"1.0","xms_tcdt":1600000000,"ok":true,"no":false,"nil":null,"f":-1.5e+3}"#

    /// Hand-picked shapes: every value kind at the top level, escapes and non-ASCII in values and names (names
    /// with either make the scan hand over to the parser), duplicates short and long, more members than the hash
    /// slots take, and the errors of each grammar rule at the top level and nested.
    static let documents: [String] = [
        claims, "{}", " { } ", "{\"a\":1}", "[1,2]", "\"s\"", "1", "true", "null",
        #"{"a":"x\"y","b":"\u00e9","c":"é","d":"\ud83d\ude00","e":"\/"}"#,
        #"{"a\u0062":1,"ab":2}"#, #"{"café":1,"cafe":2}"#, #"{"\u212a":1,"K":2}"#,
        #"{"alg":"RS256","kid":"a","alg":"none"}"#,
        #"{"preferred_username":"a","preferred_usernamf":"b","preferred_username":"c"}"#,
        #"{"":1,"a":2,"":3}"#,
        "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":\"last\"}",
        "{" + (0..<33).map { "\"n\($0)\":\"\($0)\"" }.joined(separator: ",") + "}",
        "", " ", "{", "{\"a\"", "{\"a\":", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{a:1}",
        "{\"a\":1} x", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\u{01}\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\"}}", "{\"a\":{\"b\":1,}}", "{\"a\":\"unterminated}",
        "{\"a\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}",
        "{\"a\":" + String(repeating: "{\"b\":", count: 63) + "1" + String(repeating: "}", count: 63) + "}",
        "{\"a\":" + String(repeating: "{\"b\":", count: 64) + "1" + String(repeating: "}", count: 64) + "}",
    ]

    static let queries = [
        "", "a", "ab", "b", "K", "\u{212A}", "café", "cafe", "aud", "iss", "exp", "tid", "appid", "roles", "cnf",
        "preferred_username", "preferred_usernamf", "alg", "k7", "k39", "n32", "x5t#S256", "nope",
    ]

    /// Scan, then compare with the full parser: the same error, or the same object answering the same way.
    static func agree(
        _ bytes: [UInt8], limits: JSONParser.Limits = .default, previous: JSONDocument? = nil, _ label: String
    ) {
        let parsed: Result<JSONValue, JSONParser.ParseError>
        do { parsed = .success(try JSONParser.parse(bytes: bytes, limits: limits)) } catch { parsed = .failure(error) }
        // The scanner alone, without the fallback that `JSONDocument.scan` adds.
        let scanned = scanObject(bytes, limits: limits, tableSize: bytes.count / 5 + 2, previous: previous)
        switch (scanned, parsed) {
        case (.failure(let scanError), .failure(let parseError)):
            #expect(scanError == parseError, "\(label): scan and parse fail differently")
        case (.failure(let scanError), .success):
            Issue.record("\(label): the scan refuses (\(scanError)) what the parser accepts")
        case (.success(let found), .failure(let parseError)):
            if case .members = found { Issue.record("\(label): the scan accepts what the parser refuses (\(parseError))") }
        case (.success(let found), .success(let value)):
            guard case .members = found else {
                // Handed over: valid JSON of another shape, or names the scan does not read itself.
                return
            }
            guard let expected = value.objectValue else {
                Issue.record("\(label): the scan found an object where the parser found \(value.kindDescription)")
                return
            }
            let document: JSONDocument?
            do { document = try JSONDocument.scan(bytes, limits: limits, previous: previous) } catch {
                Issue.record("\(label): JSONDocument.scan threw \(error)")
                return
            }
            guard let document else {
                Issue.record("\(label): JSONDocument.scan handed over a document scanObject read")
                return
            }
            let lazy = JSONObject(document: document)
            #expect(lazy.count == expected.count, "\(label): count")
            #expect(lazy.keys == expected.keys, "\(label): keys")
            #expect(lazy.duplicateKeys == expected.duplicateKeys, "\(label): duplicates")
            for query in queries + expected.keys {
                #expect(lazy[query] == expected[query], "\(label): lookup of \(query.unicodeScalars.map(\.value))")
                #expect(lazy.contains(query) == (expected[query] != nil), "\(label): contains \(query)")
            }
            #expect(lazy.members.map(\.key) == expected.members.map(\.key), "\(label): member order")
            #expect(lazy == expected, "\(label): members")
        }
    }

    /// `JSONParser.scanObject` into a table of `tableSize` members (`bytes.count / 5 + 2` always holds them),
    /// lent `previous`'s members when given.
    static func scanObject(_ bytes: [UInt8], limits: JSONParser.Limits, tableSize: Int, previous: JSONDocument?)
        -> Result<JSONParser.ObjectScan, JSONParser.ParseError>
    {
        withUnsafeTemporaryAllocation(of: JSONDocument.Member.self, capacity: max(1, tableSize)) { storage in
            let table = UnsafeMutableBufferPointer(rebasing: storage[..<tableSize])
            do throws(JSONParser.ParseError) {
                return .success(try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.ParseError) in
                    guard let previous else { return try JSONParser.scanObject(buffer, limits: limits, into: table) }
                    let members = UnsafeBufferPointer(
                        start: previous.withUnsafeMutablePointerToElements { $0 }, count: previous.count)
                    return try previous.bytes.withUnsafeBufferPointer { (earlier) throws(JSONParser.ParseError) in
                        try JSONParser.scanObject(buffer, limits: limits, into: table, previous: (earlier, members))
                    }
                })
            } catch {
                return .failure(error)
            }
        }
    }

    @Test(arguments: documents)
    func scanAndParserAgree(_ document: String) {
        Self.agree(Array(document.utf8), "document \(document.debugDescription)")
    }

    @Test func limitsAreTheParsersLimits() {
        let tight = JSONParser.Limits(maxDepth: 2, maxBytes: 200, maxContainerCount: 3)
        for document in [
            #"{"a":1,"b":2,"c":3}"#, #"{"a":1,"b":2,"c":3,"d":4}"#, #"{"a":[1,2,3,4]}"#, #"{"a":{"b":{"c":1}}}"#,
            #"{"a":[[1]]}"#, "{\"a\":\"" + String(repeating: "x", count: 300) + "\"}",
        ] {
            Self.agree(Array(document.utf8), limits: tight, "document \(document.prefix(40)) under tight limits")
        }
    }

    /// Every byte of a realistic claims set replaced, deleted or followed by a byte that matters to the grammar
    /// (quotes, backslashes, brackets, digits, signs, control bytes, UTF-8 leads and continuations), then random
    /// multi-byte edits: the scan and the parser must agree on each.
    /// Every mutation runs twice: alone, and after the unmutated claims set as the previous document, whose
    /// members the scan compares instead of scanning where they repeat. A repeated member must never let through
    /// what the parser refuses: a value cut short, a number that only starts the same, a changed separator.
    @Test func mutatedClaimsSetsAgree() throws {
        let base = Array(Self.claims.utf8)
        let original = try #require(try JSONDocument.scan(base, limits: .default))
        let alphabet: [UInt8] = Array("\"\\{}[]:,0123456789-+.eEtrufalsn u/ ".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC2, 0xC0, 0xE0, 0xED, 0xF4, 0xF5, 0xFF]
        var checked = 0
        for position in base.indices {
            for byte in [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "}"), UInt8(ascii: ","), 0x01, 0xC3] {
                var replaced = base
                replaced[position] = byte
                Self.agree(replaced, "claims with byte \(position) replaced by 0x\(String(byte, radix: 16))")
                Self.agree(replaced, previous: original, "after the original, claims with byte \(position) replaced by 0x\(String(byte, radix: 16))")
                var inserted = base
                inserted.insert(byte, at: position)
                Self.agree(inserted, "claims with 0x\(String(byte, radix: 16)) inserted at \(position)")
                Self.agree(inserted, previous: original, "after the original, claims with 0x\(String(byte, radix: 16)) inserted at \(position)")
                checked += 2
            }
            var deleted = base
            deleted.remove(at: position)
            Self.agree(deleted, "claims without byte \(position)")
            Self.agree(deleted, previous: original, "after the original, claims without byte \(position)")
        }
        var generator = SplitMix64(seed: 0x6A77_7461_7564_6974)
        for round in 0..<4000 {
            var bytes = base
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let at = Int(generator.next() % UInt64(bytes.count))
                let byte = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                switch generator.next() % 3 {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: if bytes.count > 1 { bytes.remove(at: at) }
                }
            }
            Self.agree(bytes, "fuzz round \(round) (seed 0x6A77_7461_7564_6974)")
            Self.agree(bytes, previous: original, "after the original, fuzz round \(round) (seed 0x6A77_7461_7564_6974)")
        }
        #expect(checked > 1000)
    }

    /// A token after another from the same source takes the earlier one's cached values where the member and its
    /// bytes are the same, and only there: a value that differs in one byte, or sits under another name, is read
    /// from its own bytes.
    @Test func previousDocumentLendsOnlyIdenticalMembers() throws {
        let first = try #require(try JSONDocument.scan(Array(Self.claims.utf8), limits: .default))
        let firstObject = JSONObject(document: first)
        _ = firstObject["iss"]
        _ = firstObject["appid"]
        _ = firstObject["roles"]
        let otherIssuer = Self.claims.replacing("0a851b1b91ba/", with: "0a851b1b91bb/")
        let otherClient = Self.claims.replacing("\"appid\":", with: "\"appie\":")
        for (label, text) in [("same", Self.claims), ("other issuer", otherIssuer), ("renamed client", otherClient)] {
            let second = try #require(try JSONDocument.scan(Array(text.utf8), limits: .default, previous: first))
            let lazy = JSONObject(document: second)
            let expected = try #require(try JSONParser.parse(text).objectValue)
            for name in ["iss", "appid", "appie", "roles", "tid", "aud"] {
                #expect(lazy[name] == expected[name], "\(label): \(name)")
            }
        }
    }
}



/// Repeated members are compared, not scanned (`JSONParser.scanObject(previous:)`): the cases where equal bytes
/// must not be taken for an equal member.
@Suite("Lazy claims: members repeated from the previous token")
struct JSONDocumentRepeatTests {
    @Test(arguments: [
        // A number that only starts the same, a literal that only starts the same.
        (#"{"a":12,"b":true}"#, #"{"a":123,"b":true}"#),
        (#"{"a":12,"b":true}"#, #"{"a":12,"b":truex}"#),
        // The same member, then the end of input, or something that is not a separator.
        (#"{"a":"x","b":1}"#, #"{"a":"x""#),
        (#"{"a":"x","b":1}"#, #"{"a":"x" "b":1}"#),
        (#"{"a":"x","b":1}"#, #"{"a":"x":1}"#),
        // Repeated, then a member the previous document did not have, then a broken one.
        (#"{"a":"x","b":1}"#, #"{"a":"x","b":1,"c":}"#),
        (#"{"a":"x","b":1}"#, #"{"a":"x","c":[1,,2]}"#),
        // Members at other positions, whitespace around them, and a previous document with more members.
        (#"{"a":"x","b":1}"#, #"{"b":1,"a":"x"}"#),
        (#"{"a" : "x" ,"b":1}"#, #"{"a" : "x" , "b":1 }"#),
        (#"{"a":"x","b":1,"c":2}"#, #"{"a":"x"}"#),
    ])
    func equalBytesAreOnlyAMemberWhenTheySayTheSame(_ pair: (String, String)) throws {
        let previous = try #require(try JSONDocument.scan(Array(pair.0.utf8), limits: .default))
        JSONDocumentTests.agree(Array(pair.1.utf8), previous: previous, "\(pair.1) after \(pair.0)")
        JSONDocumentTests.agree(Array(pair.1.utf8), "\(pair.1) alone")
    }

    /// Limits are the caller's: a document read under other limits lends nothing.
    @Test func aDocumentReadUnderOtherLimitsLendsNothing() throws {
        let text = #"{"a":[1,2,3,4],"b":1}"#
        let previous = try #require(try JSONDocument.scan(Array(text.utf8), limits: .default))
        let tight = JSONParser.Limits(maxDepth: 64, maxBytes: 1 << 20, maxContainerCount: 3)
        #expect(throws: JSONParser.ParseError.self) {
            _ = try JSONDocument.scan(Array(text.utf8), limits: tight, previous: previous)
        }
    }
}
