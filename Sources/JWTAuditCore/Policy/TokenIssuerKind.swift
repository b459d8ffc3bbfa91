/// Who issues the tokens a policy validates, as far as the policy's own text says: lint rules about Entra's claims
/// (`appid`/`azp`, `appidacr`/`azpacr`, the `scp` string) judge Entra ID tokens only.
///
/// - Microsoft Entra ID, workforce tenants and External ID customer tenants (`*.ciamlogin.com`): External ID
///   tenants are Entra tenants ("Microsoft Entra External ID ... a customer identity and access management
///   solution" built on Entra ID); their access tokens are Entra v2.0 tokens with `azp`, `azpacr`, `roles` and
///   `scp`, and the validate-jwt reference's customer-tenant example checks `azp`. `validate-azure-ad-token` is
///   always Entra.
/// - Azure AD B2C (`*.b2clogin.com`, or a `tfp`/`b2c_1_` user flow at an Entra host): a separate service whose
///   tokens have no `appidacr`/`azpacr` and name the user flow (`tfp`/`acr`).
/// - Any other issuer (Google, Auth0, Okta, a company's own identity server).
/// - Self-issued: no metadata and no issuer, only `issuer-signing-keys` (an HMAC secret or a certificate shared
///   with whoever mints the tokens).
/// - Unknown: the metadata and issuers are all policy expressions or named values.
public enum TokenIssuerKind: String, Sendable, Equatable {
    case entraID = "Microsoft Entra ID"
    case entraB2C = "Azure AD B2C"
    case otherProvider = "a non-Microsoft identity provider"
    case selfIssued = "self-issued tokens checked with issuer-signing-keys"
    case unknown = "an identity provider the policy does not name literally"

    /// What the policy names: the `openid-config` URLs and `<issuers>`, literal parts only.
    public init(_ policy: TokenValidationPolicy) {
        guard policy.kind == .validateJWT else {
            self = .entraID
            return
        }
        var kinds: [TokenIssuerKind] = []
        let named = policy.openIDConfigs.map(\.url) + (policy.issuers ?? [])
        for value in named {
            guard let text = value.literal?.trimmingXMLSpace, !text.isEmpty else { continue }
            kinds.append(Self.classify(text))
        }
        // B2C first: its older issuers are at login.microsoftonline.com too (`https://login.microsoftonline.com/
        // {tid}/v2.0/`, with the slash), so an Entra-looking issuer beside B2C metadata is B2C's.
        if kinds.contains(.entraB2C) {
            self = .entraB2C
        } else if kinds.contains(.entraID) {
            self = .entraID
        } else if kinds.contains(.otherProvider) {
            self = .otherProvider
        } else if !policy.issuerSigningKeys.isEmpty {
            self = .selfIssued
        } else {
            self = .unknown
        }
    }

    /// One metadata URL or issuer. A value whose host is itself a placeholder (`https://{{idp-host}}/...`, or
    /// `{{issuer}}` alone) says nothing.
    static func classify(_ text: String) -> TokenIssuerKind {
        if EntraAuthority.isB2C(url: text) { return .entraB2C }
        guard let host = EntraAuthority.host(ofURL: text) else {
            // Not a URL: an issuer such as "my-issuer", unless it is a named value or a template placeholder.
            return NamedValues.references(in: text).isEmpty && !text.contains("{") && !text.contains("$(") && !text.hasPrefix("__")
                ? .otherProvider : .unknown
        }
        if EntraAuthority.isEntraHost(host) { return .entraID }
        if host.contains("{") || host.contains("$(") || host.contains("__") || host.contains("#") { return .unknown }
        return .otherProvider
    }

    public var isEntraID: Bool { self == .entraID }
}
