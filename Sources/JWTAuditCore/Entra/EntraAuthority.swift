/// The Microsoft Entra ID authorities jwtaudit knows: the public cloud and the national clouds. The one list that
/// issuer parsing, lint and the tenant handling of `validate-azure-ad-token` read, so a sovereign cloud is known
/// everywhere or nowhere.
///
/// Microsoft, "National clouds": "Microsoft Entra ID is deployed in the following national clouds: Azure
/// Government, Microsoft Azure operated by 21Vianet", with the authentication endpoints
/// `https://login.microsoftonline.us` (US Government), `https://login.partner.microsoftonline.cn` (21Vianet) and
/// `https://login.microsoftonline.com` (global); MSAL still maps the China cloud to `https://login.chinacloudapi.cn`,
/// and `login.windows.net` is the global cloud's older name. (Azure Germany, `login.microsoftonline.de`, closed in
/// October 2021 and is not listed.) v1.0 tokens name an `sts.` host in `iss`.
public enum EntraAuthority {
    /// Hosts that serve Entra's OpenID metadata and write v2.0 issuers (`https://{host}/{tid}/v2.0`); the first
    /// is the public cloud, `--authority`'s default.
    public static let loginHosts = [
        "login.microsoftonline.com", "login.windows.net", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
        "login.chinacloudapi.cn",
    ]
    /// Hosts of v1.0 issuers (`https://{host}/{tid}/`).
    public static let stsHosts = ["sts.windows.net", "sts.chinacloudapi.cn", "sts.microsoftonline.us"]
    /// Microsoft Entra External ID: `https://{tenant}.ciamlogin.com/{tenant-id}/v2.0/.well-known/openid-configuration`.
    public static let externalIDDomain = "ciamlogin.com"

    /// Azure AD B2C: `https://{tenant}.b2clogin.com/...` (and custom domains, which nothing names). B2C is a separate
    /// identity service: its tokens carry no `appidacr`/`azpacr`, its policies (user flows) name the metadata.
    public static let b2cDomain = "b2clogin.com"

    /// Whether `url` names Azure AD B2C: a `*.b2clogin.com` host, or B2C's older form at an Entra host, which names
    /// the user flow in the path ("https://login.microsoftonline.com/tfp/contoso.onmicrosoft.com/b2c_1_signin/v2.0/
    /// .well-known/openid-configuration", the validate-jwt reference), or `?p=b2c_1_...`.
    public static func isB2C(url: String) -> Bool {
        guard let host = host(ofURL: url) else { return false }
        if host == b2cDomain || host.hasSuffix("." + b2cDomain) { return true }
        guard isEntraHost(host) else { return false }
        let lower = url.lowercased()
        return lower.contains("/tfp/") || lower.contains("/b2c_1_") || lower.contains("/b2c_1a_")
            || lower.contains("p=b2c_1")
    }

    /// The lower-case host of an `http://` or `https://` URL (leading and trailing XML space ignored), without
    /// judging whether it may be fetched: lint classifies what a policy names, it fetches nothing.
    public static func host(ofURL url: String) -> String? {
        let lower = url.trimmingXMLSpace.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = lower.dropFirst(8) } else if lower.hasPrefix("http://") { rest = lower.dropFirst(7) } else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last?.prefix { $0 != ":" } ?? ""
        return host.isEmpty ? nil : String(host)
    }

    /// Whether `host` (lower-case, as `EndpointURL` gives it) is an Entra authority or issuer host.
    public static func isEntraHost(_ host: String) -> Bool {
        loginHosts.contains(host) || stsHosts.contains(host) || host.hasSuffix("." + externalIDDomain)
    }

    /// The lower-case host of an `https://` URL that names an Entra authority, or nil.
    public static func entraHost(ofURL url: String) -> String? {
        guard let endpoint = try? EndpointURL(url), endpoint.scheme == .https, isEntraHost(endpoint.host) else { return nil }
        return endpoint.host
    }

    /// `tenant` without a leading Entra authority (`https://login.microsoftonline.us/contoso.onmicrosoft.com` or
    /// `login.microsoftonline.com/{guid}/`): validate-azure-ad-token's `tenant-id` is sometimes written so.
    public static func strippingAuthority(_ tenant: String) -> String {
        var text = Substring(tenant)
        let lower = tenant.lowercased()
        for host in loginHosts {
            for prefix in ["https://\(host)/", "\(host)/"] where lower.hasPrefix(prefix) {
                text = text.dropFirst(prefix.count)
            }
        }
        while text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}
