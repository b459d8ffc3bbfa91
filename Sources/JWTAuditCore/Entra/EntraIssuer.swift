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

    private static func parse(_ issuer: String) -> (tenant: Substring, version: TokenVersion)? {
        // Every host above is `https://sts.` or `https://login.`: most other issuers are turned away on two byte
        // reads, not eight prefix comparisons (this runs for every token a batch verifies).
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
