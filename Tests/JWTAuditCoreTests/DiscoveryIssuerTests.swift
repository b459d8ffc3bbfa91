import Testing
@testable import JWTAuditCore

@Suite("Issuer templates ({tenantid}) and per-key issuers")
struct DiscoveryIssuerTests {
    let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    let other = "9188040d-6c67-4c5b-b112-36a304b66dad"
    let templated = IssuerTemplate("https://login.microsoftonline.com/{tenantid}/v2.0")

    @Test func substitutesTheTokensTenant() {
        #expect(templated.isTenantTemplated)
        #expect(templated.expectedIssuer(tokenTenantID: tid) == "https://login.microsoftonline.com/\(tid)/v2.0")
        #expect(templated.matches(issuer: "https://login.microsoftonline.com/\(tid)/v2.0", tokenTenantID: tid))
        #expect(templated.matches(issuer: "https://login.microsoftonline.com/\(other)/v2.0", tokenTenantID: other),
            "any tenant's token passes a templated issuer")
        #expect(!templated.matches(issuer: "https://login.microsoftonline.com/\(tid)/v2.0", tokenTenantID: other), "iss and tid disagree")
    }

    @Test(arguments: [nil, "", "evil", "72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/x", "{tenantid}"] as [String?])
    func needsAGUIDTenantToSubstitute(tid: String?) {
        #expect(templated.expectedIssuer(tokenTenantID: tid) == nil, "tid \(String(describing: tid))")
        #expect(!templated.matches(issuer: "https://login.microsoftonline.com/{tenantid}/v2.0", tokenTenantID: tid),
            "the literal template never matches")
    }

    /// One list of Entra authorities (`EntraAuthority`) for issuers and tenant-ids, national clouds included.
    @Test func nationalCloudIssuersAndTenantPrefixesAreKnown() {
        #expect(EntraIssuer("https://login.microsoftonline.us/\(tid)/v2.0")?.version == .v2)
        #expect(EntraIssuer("https://login.partner.microsoftonline.cn/\(tid)/v2.0")?.tenant == tid)
        #expect(EntraIssuer("https://sts.chinacloudapi.cn/\(tid)/")?.version == .v1)
        #expect(EntraIssuer("https://login.example/\(tid)/v2.0") == nil)
        for host in EntraAuthority.loginHosts {
            #expect(EntraAuthority.strippingAuthority("https://\(host)/\(tid)/") == tid, "\(host)")
            #expect(EntraAuthority.strippingAuthority("\(host)/\(tid)") == tid, "\(host)")
        }
        #expect(EntraAuthority.strippingAuthority("https://login.example/\(tid)") == "https://login.example/\(tid)")
    }

    @Test func exactIssuersMatchExactly() {
        let exact = IssuerTemplate("https://sts.windows.net/\(tid)/")
        #expect(!exact.isTenantTemplated)
        #expect(exact.matches(issuer: "https://sts.windows.net/\(tid)/", tokenTenantID: nil))
        #expect(!exact.matches(issuer: "https://sts.windows.net/\(tid)", tokenTenantID: tid), "no trailing-slash leniency")
        #expect(!exact.matches(issuer: "HTTPS://sts.windows.net/\(tid)/", tokenTenantID: tid), "case-sensitive")
    }

    @Test func perKeyIssuerRestrictsWhichTokensAKeyMayVerify() {
        let iss = "https://login.microsoftonline.com/\(tid)/v2.0"
        #expect(IssuerTemplate.keyAllows(keyIssuer: nil, tokenIssuer: iss, tokenTenantID: tid))
        #expect(IssuerTemplate.keyAllows(keyIssuer: "https://login.microsoftonline.com/{tenantid}/v2.0", tokenIssuer: iss, tokenTenantID: tid))
        #expect(IssuerTemplate.keyAllows(keyIssuer: iss, tokenIssuer: iss, tokenTenantID: tid))
        #expect(!IssuerTemplate.keyAllows(keyIssuer: "https://login.microsoftonline.com/\(other)/v2.0", tokenIssuer: iss, tokenTenantID: tid))
        #expect(!IssuerTemplate.keyAllows(keyIssuer: "https://login.microsoftonline.com/{tenantid}/v2.0",
            tokenIssuer: "https://sts.windows.net/\(tid)/", tokenTenantID: tid))
    }
}
