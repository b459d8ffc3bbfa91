import Testing
@testable import JWTAuditCore

@Suite("Discovery models: OpenID configuration, JWKS document, Entra metadata URLs, tenants")
struct DiscoveryModelTests {
    func error<T>(_ body: () throws(JWTAuditError) -> T) -> JWTAuditError? {
        do { _ = try body(); return nil } catch { return error }
    }

    @Test func readsIssuerAndJWKSURI() throws {
        let json = #"{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","authorization_endpoint":"x","jwks_uri":"https://login.microsoftonline.com/common/discovery/v2.0/keys"}"#
        let config = try OpenIDConfiguration(bytes: Array(json.utf8), source: "test")
        #expect(config.issuer.template == "https://login.microsoftonline.com/{tenantid}/v2.0")
        #expect(config.issuer.isTenantTemplated)
        #expect(config.jwksURI == "https://login.microsoftonline.com/common/discovery/v2.0/keys")
    }

    @Test(arguments: [
        ("", JWTAuditError.Code.malformedJSON),
        ("<html>", .malformedJSON),
        ("\u{0}\u{1}", .malformedJSON),
        // Too deep for the JSON limits: refused as a limit (still bad input, exit 3), not as a syntax error.
        (String(repeating: "[", count: 200) + String(repeating: "]", count: 200), .limitExceeded),
        ("[]", .malformedKey),
        (#"{"issuer":"https://i"}"#, .malformedKey),
        (#"{"jwks_uri":"https://k"}"#, .malformedKey),
        (#"{"issuer":"https://i","jwks_uri":5}"#, .malformedKey),
        (#"{"issuer":"https://i","jwks_uri":""}"#, .malformedKey),
        (#"{"issuer":null,"jwks_uri":"https://k"}"#, .malformedKey),
        (#"{"issuer":"https://i","jwks_uri":"https://k","jwks_uri":"https://evil"}"#, .malformedKey),
    ])
    func refusesMalformedMetadata(json: String, code: JWTAuditError.Code) {
        let e = error { () throws(JWTAuditError) in try OpenIDConfiguration(bytes: Array(json.utf8), source: "https://idp/meta") }
        #expect(e?.code == code, "\(json.prefix(40)): \(String(describing: e))")
        #expect(e?.reason.contains("https://idp/meta") == true, "names the source")
    }

    @Test(arguments: [
        (#"{"keys":[]}"#, nil),
        (#"{"keys":[{"kty":"RSA"}],"x":1}"#, nil),
        ("nope", JWTAuditError.Code.malformedJSON),
        (#"{"key":[]}"#, .malformedKey),
        (#"{"keys":{}}"#, .malformedKey),
        (#"{"keys":[],"keys":[]}"#, .malformedKey),
        (#"[{"keys":[]}]"#, .malformedKey),
    ] as [(String, JWTAuditError.Code?)])
    func checksThatAJWKSHasAKeysArray(json: String, code: JWTAuditError.Code?) {
        let e = error { () throws(JWTAuditError) in try JWKSDocument(bytes: Array(json.utf8), source: "s") }
        #expect(e?.code == code, "\(json): \(String(describing: e))")
    }

    @Test func buildsEntraMetadataURLsByTokenVersion() throws {
        let guid = try EntraTenant("72F988BF-86F1-41AF-91AB-2D7CD011DB47")
        #expect(guid.kind == .guid && guid.text == "72f988bf-86f1-41af-91ab-2d7cd011db47")
        #expect(try EntraMetadataEndpoint.metadataURL(tenant: guid, version: .v1)
            == "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/.well-known/openid-configuration")
        #expect(try EntraMetadataEndpoint.metadataURL(tenant: guid, version: .v2)
            == "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration")
        let domain = try EntraTenant("Contoso.onmicrosoft.com")
        #expect(domain.kind == .domain)
        #expect(try EntraMetadataEndpoint.metadataURL(authority: "https://login.microsoftonline.us//", tenant: domain, version: .v2)
            == "https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
        for name in ["common", "Organizations", "consumers"] {
            let t = try EntraTenant(name)
            #expect(t.isMultiTenant, "\(name)")
        }
        #expect(!guid.isMultiTenant && !domain.isMultiTenant)
    }

    @Test func recognisesGUIDsByShapeOnly() {
        for good in ["72f988bf-86f1-41af-91ab-2d7cd011db47", "72F988BF-86F1-41AF-91AB-2D7CD011DB47", "00000000-0000-0000-0000-000000000000"] {
            #expect(EntraTenant.isGUID(good), "\(good)")
        }
        for bad in ["", "72f988bf-86f1-41af-91ab-2d7cd011db4", "72f988bf-86f1-41af-91ab-2d7cd011db477", "72f988bf86f1-41af-91ab-2d7cd011db47-",
                    "72f988bg-86f1-41af-91ab-2d7cd011db47", "72f988bf-86f1-41af-91ab_2d7cd011db47", "{72f988bf-86f1-41af-91ab-2d7cd011db47}",
                    "７2f988bf-86f1-41af-91ab-2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011dbé"] {
            #expect(!EntraTenant.isGUID(bad), "\(bad)")
        }
    }

    @Test func comparesTenantIDsIgnoringOnlyASCIICase() {
        #expect(EntraTenant.sameID("72F988BF-86F1-41AF-91AB-2D7CD011DB47", "72f988bf-86f1-41af-91ab-2d7cd011db47"))
        #expect(!EntraTenant.sameID("72f988bf-86f1-41af-91ab-2d7cd011db47", "72f988bf-86f1-41af-91ab-2d7cd011db48"))
        #expect(!EntraTenant.sameID("72f988bf", "72f988bf-"))
        // '@' (0x40) and '`' (0x60) differ only in the bit that ASCII case folding uses; they are not letters.
        #expect(!EntraTenant.sameID("a@b", "a`b"))
        #expect(!EntraTenant.sameID("a[b", "a{b"))
        #expect(EntraTenant.sameID("Ünï", "ünï"))
    }

    @Test(arguments: ["", "../etc", "contoso", "a/b.com", "contoso.com/..", "-x.com", "x..com", "72f988bf-86f1-41af-91ab-2d7cd011db4",
                      "contoso.com?x=1", "ünïcode.com", "a b.com"])
    func refusesTenantsThatAreNotPathSafe(text: String) {
        let e = error { () throws(JWTAuditError) in try EntraTenant(text) }
        #expect(e?.code == .invalidArgument, "'\(text)'")
    }

    @Test(arguments: ["http://login.microsoftonline.com", "login.microsoftonline.com", "https://x.com/?q", "https://x.com#f", "ftp://x"])
    func refusesUnusableAuthorities(authority: String) throws {
        let tenant = try EntraTenant("common")
        let e = error { () throws(JWTAuditError) in try EntraMetadataEndpoint.metadataURL(authority: authority, tenant: tenant, version: .v2) }
        // A plain-http loopback authority is the fetcher's call (--allow-http); a non-loopback http one is
        // still built here and refused by the fetcher, so only shape errors are checked in the core.
        if authority.hasPrefix("http://") { #expect(e == nil) } else { #expect(e?.code == .invalidArgument, "\(authority)") }
    }

    @Test(arguments: [
        ("https://127.0.0.1:8443/x", true), ("http://127.1.2.3/", true), ("https://localhost/", true), ("https://LOCALHOST:1/", true),
        ("https://[::1]:443/", true), ("https://128.0.0.1/", false), ("https://127.0.0.1.example.com/", false),
        ("https://127.0.0.256/", false), ("https://example.com/", false), ("https://[::2]/", false), ("https://localhost.evil/", false),
    ])
    func recognisesLoopbackHosts(url: String, loopback: Bool) throws {
        #expect(try EndpointURL(url).isLoopback == loopback, "\(url)")
    }

    @Test(arguments: ["file:///x", "https://", "https://u:p@h/", "https://h:0/", "https://h:99999/", "https://h:x/", "https://[::1/", "https://h/a b", "javascript:x"])
    func refusesUnusableURLs(url: String) {
        let e = error { () throws(JWTAuditError) in try EndpointURL(url) }
        #expect(e?.code == .invalidArgument, "\(url)")
    }
}
