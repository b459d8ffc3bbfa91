import Testing
@testable import JWTAuditCore

/// DESIGN.md: "Depth, size and count limits on every parser." These tests check that each parsing path applies
/// the limits (not only that the parsers have them): a token's header and payload, a JWK and a JWK set, fetched
/// metadata, and policy XML read through `PolicyDocument`. Each hostile input is refused as `.limitExceeded`
/// (exit 3 through the binary) with a reason that names the limit.
@Suite("Input limits on every parsing path")
struct InputLimitsTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func members(_ count: Int) -> String {
        "{" + (0..<count).map { "\"c\($0)\":0" }.joined(separator: ",") + "}"
    }

    /// `Fixtures.token`, with the typed error the limit checks below switch on.
    static func token(header: String = #"{"alg":"RS256","typ":"JWT"}"#, payload: String) throws(JWTAuditError) -> CompactToken {
        try CompactToken.parse(Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + ".c2ln")
    }

    func limitError(_ what: String, _ body: () throws(JWTAuditError) -> Void) -> JWTAuditError? {
        do {
            try body()
            Issue.record("\(what): accepted, expected a limit error")
            return nil
        } catch {
            #expect(error.code == .limitExceeded, "\(what): \(error.code) \(error.reason)")
            return error
        }
    }

    // MARK: token

    @Test func tokenSizeLimitIs256KiB() throws {
        #expect(CompactToken.Limits.default.maxTokenBytes == 256 * 1024)
        let header = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8))
        func token(ofLength length: Int) -> String {
            let prefix = header + ".e30."
            return prefix + String(repeating: "A", count: length - prefix.count)
        }
        // At the limit the size is accepted (the signature is just bytes here).
        #expect(throws: Never.self) { try CompactToken.parse(token(ofLength: 256 * 1024)) }
        let error = limitError("256 KiB + 1") { () throws(JWTAuditError) in _ = try CompactToken.parse(token(ofLength: 256 * 1024 + 1)) }
        #expect(error?.reason == "token is 262145 bytes; the limit is 262144 bytes")
    }

    @Test func headerAndPayloadUseJSONDepth64() throws {
        #expect(JSONParser.Limits.default.maxDepth == 64)
        let at = #"{"a":"# + Self.nested(63) + "}"
        let over = #"{"a":"# + Self.nested(64) + "}"
        #expect(throws: Never.self) { try Fixtures.token(header: at, payload: "{}") }
        #expect(throws: Never.self) { try Fixtures.token(payload: at) }
        let header = limitError("header 65 deep") { () throws(JWTAuditError) in _ = try Self.token(header: over, payload: "{}") }
        #expect(header?.reason.contains("header") == true && header?.reason.contains("nested deeper than 64") == true, "\(header?.reason ?? "")")
        let payload = limitError("payload 65 deep") { () throws(JWTAuditError) in _ = try Self.token(payload: over) }
        #expect(payload?.reason.contains("payload") == true && payload?.reason.contains("nested deeper than 64") == true, "\(payload?.reason ?? "")")
    }

    @Test func payloadMemberCountIsLimited() throws {
        #expect(JSONParser.Limits.default.maxContainerCount == 10_000)
        #expect(throws: Never.self) { try Fixtures.token(payload: Self.members(10_000)) }
        let error = limitError("10,001 claims") { () throws(JWTAuditError) in _ = try Self.token(payload: Self.members(10_001)) }
        #expect(error?.reason.contains("more than 10000 members") == true, "\(error?.reason ?? "")")
    }

    @Test func tokenResponseJSONUsesTheDepthLimit() {
        let response = #"{"access_token":"a.b.c","x":"# + Self.nested(65) + "}"
        let error = limitError("token response 65 deep") { () throws(JWTAuditError) in _ = try TokenInput.extract(response) }
        #expect(error?.reason.contains("nested deeper than 64") == true, "\(error?.reason ?? "")")
    }

    // MARK: keys

    /// The first RSA key of examples/keys/jwks.json, with its `kid` replaced.
    static func exampleKey(kid: String) throws -> String {
        let text = try #require(Fixtures.readFile("examples/keys/jwks.json"))
        let set = try #require(try JSONParser.parse(text).objectValue)
        let key = try #require(set["keys"]?.arrayValue?.first?.objectValue)
        let n = try #require(key["n"]?.stringValue)
        let e = try #require(key["e"]?.stringValue)
        return #"{"kty":"RSA","use":"sig","kid":"\#(kid)","n":"\#(n)","e":"\#(e)"}"#
    }

    @Test func jwkSetKeyCountIsLimitedTo100() throws {
        #expect(KeySet.maxKeys == 100)
        let keys = try (0..<101).map { try Self.exampleKey(kid: "k\($0)") }
        let atLimit = #"{"keys":["# + keys.prefix(100).joined(separator: ",") + "]}"
        let set = try KeySet.loadJWKS(Array(atLimit.utf8), source: "jwks.json")
        #expect(set.keys.count == 100)
        let over = #"{"keys":["# + keys.joined(separator: ",") + "]}"
        let error = limitError("101 keys") { () throws(JWTAuditError) in _ = try KeySet.loadJWKS(Array(over.utf8), source: "jwks.json") }
        #expect(error?.reason == "jwks.json: the set holds 101 keys; the limit is 100 keys per JWK set")
        // Counted before any key is imported: 5,000 junk entries fail on the count, not on the first entry.
        let junk = #"{"keys":["# + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]}"
        let junkError = limitError("5,000 junk keys") { () throws(JWTAuditError) in _ = try KeySet.load(Array(junk.utf8), source: "big.json") }
        #expect(junkError?.reason.contains("5000 keys") == true)
    }

    @Test func jwkAndJWKSUseTheJSONLimits() {
        let deep = #"{"kty":"RSA","x":"# + Self.nested(65) + "}"
        let error = limitError("JWK 65 deep") { () throws(JWTAuditError) in _ = try KeySet.load(Array(deep.utf8), source: "key.json") }
        #expect(error?.reason.hasPrefix("key.json: ") == true && error?.reason.contains("nested deeper than 64") == true)
        let wide = #"{"keys":[],"x":"# + Self.members(10_001) + "}"
        _ = limitError("JWKS 10,001 members") { () throws(JWTAuditError) in _ = try KeySet.load(Array(wide.utf8), source: "keys.json") }
    }

    @Test func fetchedMetadataAndJWKSUseTheJSONLimits() {
        let deep = Array((#"{"keys":[],"x":"# + Self.nested(65) + "}").utf8)
        let jwks = limitError("fetched JWKS 65 deep") { () throws(JWTAuditError) in _ = try JWKSDocument(bytes: deep, source: "https://login.example/keys") }
        #expect(jwks?.reason.contains("https://login.example/keys") == true)
        let metadata = limitError("OpenID configuration 65 deep") { () throws(JWTAuditError) in
            _ = try OpenIDConfiguration(bytes: deep, source: "https://login.example/.well-known/openid-configuration")
        }
        #expect(metadata?.reason.contains("nested deeper than 64") == true)
        let big = Array(("{\"x\":\"" + String(repeating: "a", count: 1 << 20) + "\"}").utf8)
        _ = limitError("fetched JWKS over 1 MiB") { () throws(JWTAuditError) in _ = try JWKSDocument(bytes: big, source: "https://login.example/keys") }
    }

    // MARK: policy XML

    @Test func policyDocumentAppliesTheXMLSizeLimit() {
        #expect(XMLReader.Limits.default.maxBytes == 1 << 20)
        let big = Array(("<policies><inbound>" + String(repeating: " ", count: 1 << 20) + "</inbound></policies>").utf8)
        let one = limitError("policy over 1 MiB") { () throws(JWTAuditError) in _ = try PolicyDocument(bytes: big, sourceName: "big.xml") }
        #expect(one?.reason.hasPrefix("big.xml: policy XML is ") == true, "\(one?.reason ?? "")")
        let small = Array("<policies><inbound><base /></inbound></policies>".utf8)
        let scoped = limitError("an API scope over 1 MiB") { () throws(JWTAuditError) in
            _ = try PolicyDocument(scopes: [(bytes: small, sourceName: "global.xml"), (bytes: big, sourceName: "api.xml")])
        }
        #expect(scoped?.reason.hasPrefix("api.xml: ") == true, "\(scoped?.reason ?? "")")
    }

    @Test func policyDocumentAppliesTheXMLDepthLimit() {
        #expect(XMLReader.Limits.default.maxDepth == 256)
        func nested(_ depth: Int) -> [UInt8] {
            Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
        }
        let error = limitError("XML 257 deep") { () throws(JWTAuditError) in _ = try PolicyDocument(bytes: nested(257), sourceName: "deep.xml") }
        #expect(error?.reason.contains("nested deeper than 256 levels") == true, "\(error?.reason ?? "")")
        _ = limitError("XML 100,000 deep") { () throws(JWTAuditError) in
            _ = try PolicyDocument(scopes: [(bytes: nested(100_000), sourceName: "deep.xml")])
        }
    }
}
