/// The shapes of Entra issuers, and the hints a person needs when an issuer or audience does not match.
///
/// v1.0 tokens are issued by `https://sts.windows.net/{tid}/`, v2.0 tokens by
/// `https://login.microsoftonline.com/{tid}/v2.0` (Microsoft identity platform access token reference:
/// "iss ... The {tenant} value is the tenant ID"). Sovereign clouds use other hosts with the same paths.
public enum EntraHints {
    /// The tenant GUID embedded in an Entra issuer, or nil when `issuer` is not one.
    public static func tenantInIssuer(_ issuer: String) -> String? {
        guard let parsed = EntraIssuer(issuer), EntraTenant.isGUID(parsed.tenant) else { return nil }
        return parsed.tenant
    }

    /// "v1.0" or "v2.0" for an Entra issuer (templated or not), nil otherwise.
    static func issuerVersion(_ issuer: String) -> String? {
        EntraIssuer(issuer).map { $0.version == .v2 ? "v2.0" : "v1.0" }
    }

    static func issuerHint(actual: String, accepted: [String]) -> String {
        let actualVersion = issuerVersion(actual)
        for candidate in accepted {
            guard let candidateVersion = issuerVersion(candidate), let actualVersion, candidateVersion != actualVersion,
                EntraIssuer(actual)?.tenant == EntraIssuer(candidate)?.tenant || candidate.contains("{tenantid}")
            else { continue }
            return "; the token is a \(actualVersion) token and the accepted issuer is the \(candidateVersion) form of the same tenant"
        }
        if let actualTenant = tenantInIssuer(actual),
            let acceptedTenant = accepted.lazy.compactMap(tenantInIssuer).first, acceptedTenant != actualTenant
        {
            return "; the token comes from tenant \(actualTenant), not \(acceptedTenant)"
        }
        return ""
    }

    static func audienceHint(actual: [String], accepted: [String]) -> String {
        func trimmed(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
        func bare(_ s: String) -> String { s.hasPrefix("api://") ? String(s.dropFirst(6)) : s }
        for value in actual {
            if value.hasPrefix("https://graph.microsoft.com") || value == "00000003-0000-0000-c000-000000000000" {
                return "; this is a Microsoft Graph token: the client asked for a Graph scope instead of your API's"
            }
            for expected in accepted {
                if trimmed(value) == trimmed(expected) {
                    return "; only a trailing slash differs (\"\(value)\" vs \"\(expected)\")"
                }
                if bare(trimmed(value)) == bare(trimmed(expected)) {
                    return "; the same application named two ways (\"\(value)\" vs \"\(expected)\"): v2.0 tokens carry the API's client id, v1.0 tokens the App ID URI the client asked for"
                }
            }
        }
        return ""
    }
}
