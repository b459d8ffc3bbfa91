/// Microsoft Graph's audience. Graph tokens carry `aud` `https://graph.microsoft.com` (or Graph's application id
/// `00000003-0000-0000-c000-000000000000`); an API that receives one was sent a token for Graph, which it can
/// neither use nor verify ("the signature of Graph tokens can only be checked by Graph").
public enum EntraAudience {
    public static let graphApplicationID = "00000003-0000-0000-c000-000000000000"

    /// The one test for "this audience is Microsoft Graph".
    public static func isGraph(_ audience: String) -> Bool {
        audience == "https://graph.microsoft.com" || audience.hasPrefix("https://graph.microsoft.com/")
            || audience.lowercased() == graphApplicationID
    }

    /// Azure AD Graph, retired: "Azure AD Graph APIs are retired" (Microsoft Entra, "Migrate your apps from Azure
    /// AD Graph to Microsoft Graph"); its resource is `https://graph.windows.net` or application id
    /// `00000002-0000-0000-c000-000000000000`.
    public static let azureADGraphApplicationID = "00000002-0000-0000-c000-000000000000"

    public static func isAzureADGraph(_ audience: String) -> Bool {
        let lower = audience.lowercased()
        return lower == azureADGraphApplicationID || lower == "https://graph.windows.net" || lower.hasPrefix("https://graph.windows.net/")
    }

    /// Whether any value of an `aud` claim (a string or an array of strings) is Graph's.
    public static func isGraph(_ aud: JSONValue?) -> Bool {
        guard let aud else { return false }
        return AudienceEvidence.values(of: aud).contains(where: isGraph)
    }
}

/// The forms one application's audience takes: `https://api.example/` and `https://api.example`, `api://GUID` and
/// `GUID`. Audiences are compared exactly; these only explain a mismatch.
enum AudienceForms {
    /// Without one trailing slash.
    static func trimmed(_ audience: String) -> String {
        audience.hasSuffix("/") ? String(audience.dropLast()) : audience
    }

    /// Trimmed, and without `api://`: the application id an App ID URI of that shape names.
    static func bare(_ audience: String) -> String {
        let trimmed = trimmed(audience)
        return trimmed.hasPrefix("api://") ? String(trimmed.dropFirst(6)) : trimmed
    }
}
