import Testing
@testable import JWTAuditCore

/// A parsed object answers lookups and `duplicateKeys` from the key index the parser builds; an object built from
/// the same members with `init` answers them by comparing Strings. Both must always agree.
@Suite("JSON object key index agrees with String comparison")
struct JSONObjectKeyIndexTests {
    /// Documents whose names are hard for a fingerprint: duplicates short and long, long names that share their
    /// first seven bytes and length, escaped names equal to plain ones, non-ASCII names (U+212A KELVIN SIGN equals
    /// "K" under Swift's canonical equivalence), well-known names next to near misses, and more members than the
    /// hash slots take.
    static let documents: [String] = [
        #"{}"#,
        #"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
        #"{"alg":"RS256","kid":"a","alg":"none"}"#,
        #"{"preferred_username":"a","preferred_usernamf":"b","preferred_username":"c"}"#,
        #"{"abcdefgX1":1,"abcdefgX2":2,"abcdefgY1":3}"#,
        #"{"a\u0062":1,"ab":2}"#,
        #"{"\u212a":1,"K":2}"#,
        #"{"K":1,"é":2,"e\u0301":3}"#,
        #"{"café":1,"cafe":2,"café":3}"#,
        #"{"":1,"a":2,"":3}"#,
        #"{"aud":"x","aud":["y"],"exp":1,"exp":2,"xms_tcdt":3,"xms_tcdu":4,"unique_name":5}"#,
        "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
        "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":\"last\"}",
        "{" + (0..<32).map { "\"name\($0)\":\($0)" }.joined(separator: ",") + ",\"name3\":\"last\"}",
        "{" + (0..<32).map { "\"n\($0)\":\($0)" }.joined(separator: ",") + "}",
    ]

    static let queries = [
        "", "a", "ab", "alg", "typ", "kid", "K", "\u{212A}", "é", "e\u{0301}", "café", "cafe", "aud", "exp",
        "preferred_username", "preferred_usernamf", "preferred_usernam", "abcdefgX1", "abcdefgX2", "abcdefgY1",
        "abcdefgZ1", "xms_tcdt", "xms_tcdu", "unique_name", "k0", "k7", "k39", "k40", "name3", "name31", "n31", "nope",
    ]

    @Test(arguments: documents)
    func lookupsAndDuplicatesMatchStringComparison(_ document: String) throws {
        let parsed = try #require(try JSONParser.parse(document).objectValue, "\(document)")
        let plain = JSONObject(parsed.members)
        for query in Self.queries {
            #expect(parsed[query] == plain[query], "\(document): lookup of \(query.unicodeScalars.map(\.value))")
        }
        #expect(parsed.duplicateKeys == plain.duplicateKeys, "\(document)")
    }

    @Test func lookupsReturnTheLastMemberOfAName() throws {
        let object = try #require(try JSONParser.parse(Self.documents[3]).objectValue)
        #expect(object["preferred_username"] == "c")
        #expect(object["preferred_usernamf"] == "b")
        #expect(object.duplicateKeys == ["preferred_username"])
        let many = try #require(try JSONParser.parse(Self.documents[12]).objectValue)
        #expect(many["k7"] == "last")
        #expect(many.duplicateKeys == ["k7"])
        let kelvin = try #require(try JSONParser.parse(Self.documents[6]).objectValue)
        #expect(kelvin["K"] == 2)
        #expect(kelvin.duplicateKeys == ["\u{212A}"] || kelvin.duplicateKeys == ["K"])
    }

    @Test func changingMembersKeepsLookupsRight() throws {
        var object = try #require(try JSONParser.parse(Self.documents[1]).objectValue)
        object.append("alg", "none")
        #expect(object["alg"] == "none")
        #expect(object.duplicateKeys == ["alg"])
        object.members.removeAll { $0.key == "alg" }
        #expect(object["alg"] == nil)
        #expect(object.duplicateKeys.isEmpty)
        object.members[0].key = "kid"
        #expect(object["typ"] == nil)
        #expect(object["kid"] == "k1")
        #expect(object.duplicateKeys == ["kid"])
    }

    /// Names and short values that come back as literals are the same Strings the bytes spell, and near misses
    /// (same length and first seven bytes) are not taken for them.
    @Test func wellKnownStringsAreExact() throws {
        let names = ["aud", "iss", "exp", "alg", "kid", "x5t#S256", "preferred_username", "appidacr", "RS256", "1.0"]
        for name in names {
            var mangled = Array(name.utf8)
            mangled[mangled.count - 1] ^= 0x01
            let nearMiss = String(decoding: mangled, as: UTF8.self)
            let document = "{\"\(name)\":\"\(name)\",\"\(nearMiss)\":\"\(nearMiss)\"}"
            let object = try #require(try JSONParser.parse(document).objectValue, "\(document)")
            #expect(object.keys == [name, nearMiss], "\(document)")
            #expect(object[name] == .string(name), "\(document)")
            #expect(object[nearMiss] == .string(nearMiss), "\(document)")
        }
    }
}

extension JSONObjectKeyIndexTests {
    /// Names of every length from 0 to 20 at the very end of a document (where the parser cannot read a whole
    /// word from the name's start), followed by padding (where it can), nested, and repeated: each is found, with
    /// the value of its last member, and duplicates are reported as String comparison reports them.
    @Test func namesOfEveryLengthWhereverTheyEnd() throws {
        for length in 0...20 {
            let name = String((0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            let documents = [
                "{\"\(name)\":1}", "{\"\(name)\":1}" + String(repeating: " ", count: 12),
                "{\"\(name)\":0,\"\(name)\":1}", "{\"x\":{\"\(name)\":1}}",
            ]
            for document in documents {
                var object = try #require(try JSONParser.parse(document).objectValue, "\(document)")
                if let inner = object["x"]?.objectValue { object = inner }
                #expect(object[name] == 1, "\(document)")
                #expect(object.duplicateKeys == JSONObject(object.members).duplicateKeys, "\(document)")
            }
        }
    }
}

extension JSONObjectKeyIndexTests {
    /// The claims the verifier reads per token are looked up by fingerprints written into the source
    /// (`MemberName.init(_:print:)`): each must be the fingerprint the name has.
    @Test(arguments: MemberName.claimsReadPerToken)
    func writtenFingerprintsAreTheComputedOnes(_ name: MemberName) {
        #expect(name.print == JSONObject.queryFingerprint(name.text), "fingerprint written for \(name.text)")
    }

    /// A lookup by `MemberName` answers as one by String, in a parsed object, a lazily read document and a list of
    /// members: for every claim name, beside near misses (same length and first seven bytes: `appidacX`),
    /// repeated names and a document past the hash slots.
    @Test func memberNameLookupsMatchStringLookups() throws {
        let names = MemberName.claimsReadPerToken + [MemberName("appidacX"), MemberName("K"), MemberName("\u{212A}")]
        let claims = #"{"iss":"a","tid":"t","aud":["x"],"exp":1,"nbf":2,"iat":3,"ver":"1.0","appidacr":"2","#
            + #""azpacr":"1","appid":"c","azp":"d","appidacX":"near","iss":"last"}"#
        let documents = Self.documents + [claims, #"{"appidacX":"near","appidac":"short"}"#,
            "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"exp\":9,\"appidacr\":\"2\"}"]
        for document in documents {
            let bytes = Array(document.utf8)
            let parsed = try #require(try JSONParser.parse(document).objectValue, "\(document)")
            var objects = [parsed, JSONObject(parsed.members)]
            if let lazy = try JSONDocument.scan(bytes, limits: .default) { objects.append(JSONObject(document: lazy)) }
            for object in objects {
                for name in names {
                    #expect(object[name: name] == parsed[name.text], "\(document): \(name.text)")
                }
            }
        }
    }
}
