import Testing
@testable import JWTAuditCore

/// An ASCII issuer is recognised over its bytes (`EntraIssuer.parse`), every other one by comparing Characters
/// (`parseCharacters`): both must say the same of every ASCII issuer, Entra's or not.
@Suite("Entra issuers read over bytes")
struct EntraIssuerBytesTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"

    static var issuers: [String] {
        var out: [String] = []
        for host in EntraAuthority.stsHosts + EntraAuthority.loginHosts {
            for tail in [
                "/\(tenant)/", "/\(tenant)/v2.0", "/\(tenant)", "/\(tenant)/v2.0/", "//", "//v2.0", "/a/b/", "/a/b/v2.0",
                "/contoso.onmicrosoft.com/", "/\(tenant.uppercased())/v2.0", "/v2.0", "/x", "", "/",
            ] {
                out.append("https://\(host)\(tail)")
                out.append("http://\(host)\(tail)")
                out.append("https://\(host.uppercased())\(tail)")
                out.append("https://\(host).evil.example\(tail)")
            }
        }
        return out + ["https://bench.example/", "https://login.microsoftonline.com", "https://sts.windows.ne/\(tenant)/", ""]
    }

    @Test func bytesAndCharactersAgreeOnEveryASCIIIssuer() {
        var entra = 0
        for issuer in Self.issuers {
            let bytes = EntraIssuer(issuer).map { "\($0.tenant) \($0.version)" }
            let characters = EntraIssuer.parseCharacters(issuer).map { "\($0.tenant) \($0.version)" }
            #expect(bytes == characters, "\(issuer)")
            if bytes != nil { entra += 1 }
        }
        #expect(entra >= 16)
        let v1 = EntraIssuer("https://sts.windows.net/\(Self.tenant)/")
        #expect(v1?.tenant == Self.tenant && v1?.version == .v1)
        #expect(EntraIssuer("https://login.microsoftonline.com/\(Self.tenant)/v2.0")?.version == .v2)
    }

    @Test func aTenantIsTheSameIgnoringCaseOverBytesAsOverCharacters() {
        #expect(EntraTenant.sameID(Self.tenant, Self.tenant.uppercased()))
        #expect(EntraTenant.sameID(Substring(Self.tenant), Self.tenant))
        #expect(!EntraTenant.sameID(Self.tenant, Self.tenant.replacingOccurrences("a", "b")))
        #expect(!EntraTenant.sameID(Self.tenant, String(Self.tenant.dropLast())))
        #expect(EntraTenant.sameID("ÄBC", "äbc"))
    }
}
