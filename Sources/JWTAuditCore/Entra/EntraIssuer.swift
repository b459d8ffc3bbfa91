import Glibc

/// The issuer forms Microsoft Entra ID writes into `iss`.
///
/// "v1 is `https://sts.windows.net/{tid}/` (trailing slash); v2 is
/// `https://login.microsoftonline.com/{tid}/v2.0`" (access token reference), and "Validate that the `tid` claim
/// is a GUID and the `iss` claim is of the form `https://login.microsoftonline.com/{tid}/v2.0` where `{tid}` is
/// the exact `tid` claim."
public struct EntraIssuer: Sendable, Equatable {
    public let tenant: String
    public let version: TokenVersion

    /// Hosts Entra issues from, public cloud and the national clouds (`EntraAuthority`).
    static let v1Hosts = EntraAuthority.stsHosts.map { "https://\($0)/" }
    static let v2Hosts = EntraAuthority.loginHosts.map { "https://\($0)/" }

    /// Parses `iss`; nil when it is not an Entra issuer.
    public init?(_ issuer: String) {
        guard let (tenant, version) = Self.parse(issuer) else { return nil }
        self.tenant = String(tenant)
        self.version = version
    }

    /// The tenant GUID in an Entra issuer; nil when `issuer` is not an Entra issuer or its tenant is not a GUID.
    public static func tenantID(in issuer: String) -> String? { tenantSlice(in: issuer).map(String.init) }

    /// The same, without copying it out of the issuer (this runs for every token a batch verifies).
    static func tenantSlice(in issuer: String) -> Substring? {
        guard let (tenant, _) = parse(issuer), EntraTenant.isGUID(tenant) else { return nil }
        return tenant
    }

    /// How a token's `tid` relates to the tenant in its issuer, for the `tenant` check.
    enum TenantAgreement {
        /// The issuer is not an Entra issuer, or its tenant is not a GUID: nothing to compare.
        case noTenant
        case same
        case different
    }

    /// `tenantSlice(in:)` compared with `tid` (`EntraTenant.sameID`), over the bytes of both: this runs for every
    /// token a batch verifies, and slicing the issuer as a String cost some 2,000 instructions a token.
    static func tenant(in issuer: String, against tid: String) -> TenantAgreement {
        let fast = issuer.utf8.withContiguousStorageIfAvailable { bytes -> TenantAgreement? in
            let range: Range<Int>
            switch locate(bytes) {
            case .notEntra: return .noTenant
            case .notASCII: return nil
            case .entra(let located, _): range = located
            }
            let tenant = UnsafeBufferPointer(rebasing: bytes[range])
            guard EntraTenant.isGUID(tenant) else { return .noTenant }
            let same = tid.utf8.withContiguousStorageIfAvailable { tid -> Bool? in
                tid.count == tenant.count ? EntraTenant.sameID(tenant, tid) : false
            }
            guard let same, let same else { return nil }
            return same ? .same : .different
        }
        if let fast, let agreement = fast { return agreement }
        guard let slice = tenantSlice(in: issuer) else { return .noTenant }
        return EntraTenant.sameID(slice, tid) ? .same : .different
    }

    /// The hosts above as the issuer's first bytes (`https://sts.windows.net/`), for `locate`.
    private static let v1Prefixes = v1Hosts.map { Array($0.utf8) }
    private static let v2Prefixes = v2Hosts.map { Array($0.utf8) }

    private static func parse(_ issuer: String) -> (tenant: Substring, version: TokenVersion)? {
        // An ASCII issuer (every Entra issuer is one) is read over its bytes: this runs for every token a batch
        // verifies, and the String comparisons below cost some 20,000 instructions a token.
        let located = issuer.utf8.withContiguousStorageIfAvailable { bytes -> Located in locate(bytes) } ?? .notASCII
        switch located {
        case .notEntra: return nil
        case .entra(let range, let version):
            let utf8 = issuer.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let end = utf8.index(start, offsetBy: range.count)
            return (issuer[start..<end], version)
        case .notASCII: return parseCharacters(issuer)
        }
    }

    private enum Located {
        case notEntra
        case entra(Range<Int>, TokenVersion)
        /// Not ASCII: `parseCharacters` decides, comparing Characters as before.
        case notASCII
    }

    /// `/v2.0`, the end of every v2.0 issuer.
    private static let v2Suffix = Array("/v2.0".utf8)

    /// `parseCharacters` over the bytes of an ASCII issuer, where bytes and Characters are one and the same. Eight
    /// bytes at a time where it can: this runs for every token a batch verifies.
    private static func locate(_ bytes: UnsafeBufferPointer<UInt8>) -> Located {
        guard let base = bytes.baseAddress else { return .notEntra }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            if UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return .notASCII
            }
            index += 8
        }
        while index < count {
            if base[index] >= 0x80 { return .notASCII }
            index += 1
        }
        // Every host is `https://sts.` or `https://login.`: most other issuers are turned away on a byte or two.
        guard count > 16, base[8] == UInt8(ascii: "s") || base[8] == UInt8(ascii: "l") else { return .notEntra }
        func hasPrefix(_ prefix: [UInt8]) -> Bool {
            count >= prefix.count && prefix.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, prefix.count) == 0 }
        }
        /// The tenant, when it is not empty and holds no `/`.
        func tenant(_ range: Range<Int>) -> Range<Int>? {
            guard !range.isEmpty, memchr(base + range.lowerBound, Int32(UInt8(ascii: "/")), range.count) == nil else {
                return nil
            }
            return range
        }
        for prefix in v1Prefixes where hasPrefix(prefix) {
            guard count > prefix.count, base[count - 1] == UInt8(ascii: "/"), let range = tenant(prefix.count..<(count - 1))
            else { return .notEntra }
            return .entra(range, .v1)
        }
        let v2 = v2Suffix
        for prefix in v2Prefixes where hasPrefix(prefix) {
            guard count - prefix.count >= v2.count,
                v2.withUnsafeBufferPointer({ memcmp(base + count - v2.count, $0.baseAddress!, v2.count) == 0 }),
                let range = tenant(prefix.count..<(count - v2.count))
            else { return .notEntra }
            return .entra(range, .v2)
        }
        return .notEntra
    }

    /// The issuer compared as Characters, for an issuer that is not ASCII (none that Entra writes).
    static func parseCharacters(_ issuer: String) -> (tenant: Substring, version: TokenVersion)? {
        let utf8 = issuer.utf8
        guard utf8.count > 16, utf8.starts(with: "https://".utf8) else { return nil }
        let hostStart = utf8[utf8.index(utf8.startIndex, offsetBy: 8)]
        guard hostStart == UInt8(ascii: "s") || hostStart == UInt8(ascii: "l") else { return nil }
        for host in v1Hosts where issuer.hasPrefix(host) {
            let rest = issuer.dropFirst(host.count)
            guard rest.hasSuffix("/") else { return nil }
            let tenant = rest.dropLast()
            guard !tenant.isEmpty, !tenant.contains("/") else { return nil }
            return (tenant, .v1)
        }
        for host in v2Hosts where issuer.hasPrefix(host) {
            let rest = issuer.dropFirst(host.count)
            guard rest.hasSuffix("/v2.0") else { return nil }
            let tenant = rest.dropLast("/v2.0".count)
            guard !tenant.isEmpty, !tenant.contains("/") else { return nil }
            return (tenant, .v2)
        }
        return nil
    }

    /// Whether `iss` merely looks like Microsoft's (any of the hosts), even if its path is unusual.
    public static func isMicrosoftHost(_ issuer: String) -> Bool {
        (v1Hosts + v2Hosts).contains { issuer.hasPrefix($0) }
    }
}
