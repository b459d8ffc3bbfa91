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
    /// The tenant check compares `tid` with the issuer's tenant over bytes (`EntraIssuer.tenant(in:against:)`): it
    /// must say what the slice of the issuer compared as Strings says, for every issuer and `tid` shape.
    @Test func theTenantCheckOverBytesAgreesWithTheIssuersTenantSlice() {
        let tids = [
            Self.tenant, Self.tenant.uppercased(), "11111111-2222-3333-4444-555555555555", String(Self.tenant.dropLast()),
            Self.tenant + "0", "contoso.onmicrosoft.com", "", "\u{e9}" + String(Self.tenant.dropFirst()),
        ]
        var outcomes: Set<String> = []
        for issuer in Self.issuers + ["https://sts.windows.net/\u{e9}\(Self.tenant.dropFirst())/", "https://sts.windows.net/\(Self.tenant)/\u{e9}"] {
            for tid in tids {
                let expected: String
                if let slice = EntraIssuer.tenantSlice(in: issuer) {
                    expected = EntraTenant.sameID(slice, tid) ? "same" : "different"
                } else {
                    expected = "noTenant"
                }
                let found: String
                switch EntraIssuer.tenant(in: issuer, against: tid) {
                case .noTenant: found = "noTenant"
                case .same: found = "same"
                case .different: found = "different"
                }
                #expect(found == expected, "\(issuer) \(tid)")
                outcomes.insert(found)
            }
        }
        #expect(outcomes == ["noTenant", "same", "different"])
    }

    /// A GUID is 8-4-4-4-12 hexadecimal digits in either case: every byte that is not one is refused in every
    /// position.
    @Test func aGUIDIsHexadecimalDigitsAndDashesOnly() {
        #expect(EntraTenant.isGUID(Self.tenant))
        #expect(EntraTenant.isGUID(Self.tenant.uppercased()))
        #expect(EntraTenant.isGUID("ABCDEFab-cdef-0123-4567-89abcdefABCD"))
        let hex = Set("0123456789abcdefABCDEF".utf8)
        for position in 0..<36 {
            for byte in UInt8(0x20)...UInt8(0x7E) {
                var bytes = Array(Self.tenant.utf8)
                bytes[position] = byte
                let dash = [8, 13, 18, 23].contains(position)
                let valid = dash ? byte == UInt8(ascii: "-") : hex.contains(byte)
                #expect(EntraTenant.isGUID(String(decoding: bytes, as: UTF8.self)) == valid, "\(position) \(byte)")
            }
        }
        #expect(!EntraTenant.isGUID(String(Self.tenant.dropLast())))
        #expect(!EntraTenant.isGUID(Self.tenant + "a"))
    }
}
