/// An issuer as a provider publishes it: exact, or with Entra's `{tenantid}` placeholder.
///
/// Microsoft (access tokens, "Validate the issuer"): tenant-independent metadata (`common`, `organizations`)
/// returns "https://login.microsoftonline.com/{tenantid}/v2.0", and "Keys that have a templated issuer value like
/// `https://login.microsoftonline.com/{tenantid}/v2.0` should only be used when the `iss` claim in the token
/// matches this value after substituting the `tid` claim"; GUID issuers only on exact match.
/// The same type serves the metadata `issuer` and the per-key `issuer` member of Entra's v2 JWKS.
public struct IssuerTemplate: Sendable, Equatable, CustomStringConvertible {
    public static let tenantPlaceholder = "{tenantid}"

    /// As published.
    public let template: String

    public init(_ template: String) {
        self.template = template
        self.isTenantTemplated = Self.holdsPlaceholder(template)
    }

    public var description: String { template }

    /// True when the issuer holds `{tenantid}`: then a token from ANY tenant matches (after substitution of its
    /// own `tid`), so the report must say that any tenant's token passes unless `--tenant` names one.
    ///
    /// Worked out once, when the template is made: the verifier makes its templates once and asks this of every
    /// token.
    public let isTenantTemplated: Bool

    /// Searched as bytes: `String.contains(String)` goes through the generic substring searcher, which showed up
    /// as a tenth of the per-token cost in batch verification.
    private static func holdsPlaceholder(_ template: String) -> Bool {
        let haystack = template.utf8
        let needle = Self.tenantPlaceholder.utf8
        guard haystack.count >= needle.count else { return false }
        var start = haystack.startIndex
        while let brace = haystack[start...].firstIndex(of: UInt8(ascii: "{")) {
            if haystack[brace...].starts(with: needle) { return true }
            start = haystack.index(after: brace)
        }
        return false
    }

    /// The issuer a token must carry: the template with `{tenantid}` replaced by the token's `tid`.
    /// nil when the template needs a `tid` and the token has none, or its `tid` is not a GUID (Entra's tenant
    /// IDs are GUIDs; substituting anything else would let a token pick its own issuer path).
    public func expectedIssuer(tokenTenantID: String?) -> String? {
        guard isTenantTemplated else { return template }
        guard let tid = tokenTenantID, EntraTenant.isGUID(tid) else { return nil }
        return template.replacing(Self.tenantPlaceholder, with: tid)
    }

    /// Exact, case-sensitive comparison (OpenID Connect Core §3.1.3.7: the issuer "MUST exactly match").
    public func matches(issuer: String, tokenTenantID: String?) -> Bool {
        guard let expected = expectedIssuer(tokenTenantID: tokenTenantID) else { return false }
        return expected == issuer
    }

    /// Whether a JWKS key with this per-key `issuer` may verify a token with issuer `iss` and tenant `tid`.
    /// A key without an `issuer` member (nil) is not restricted.
    public static func keyAllows(keyIssuer: String?, tokenIssuer: String, tokenTenantID: String?) -> Bool {
        guard let keyIssuer else { return true }
        return IssuerTemplate(keyIssuer).matches(issuer: tokenIssuer, tokenTenantID: tokenTenantID)
    }
}
