/// One line on what a claim means, for `explain`'s glossary. Sources: RFC 7519 §4.1 (registered claims), the
/// Microsoft identity platform "Access token claims reference" and "Optional claims reference", RFC 8705 and
/// RFC 9449 (`cnf`), and observed Entra tokens where a claim is undocumented (said so in the text).
public enum ClaimGlossary {
    public struct Entry: Sendable, Equatable {
        public let claim: String
        public let meaning: String
        /// Where the meaning comes from: "RFC 7519", "Entra", "Entra (undocumented, observed)"...
        public let source: String
    }

    public static func entry(for claim: String) -> Entry? {
        table[claim].map { Entry(claim: claim, meaning: $0.meaning, source: $0.source) }
    }

    /// The meaning of `claim`, or a sentence that says the claim is not one jwtaudit knows.
    public static func describe(_ claim: String) -> Entry {
        if let entry = entry(for: claim) { return entry }
        if claim.hasPrefix("xms_") {
            return Entry(claim: claim, meaning: "a Microsoft-specific (xms_) claim jwtaudit has no description for", source: "Entra")
        }
        return Entry(claim: claim, meaning: "not a claim jwtaudit knows: application-specific or custom", source: "unknown")
    }

    private static let rfc7519 = "RFC 7519"
    private static let entra = "Entra access token reference"
    private static let optional = "Entra optional claims"
    private static let observed = "Entra (undocumented, observed)"

    static let table: [String: (meaning: String, source: String)] = [
        // RFC 7519 §4.1
        "iss": ("issuer: who created and signed the token (for Entra, the tenant's token service; its form tells v1.0 from v2.0)", rfc7519),
        "sub": ("subject: the principal the token is about (for Entra, a pairwise id unique to this user or app and this API)", rfc7519),
        "aud": ("audience: who the token is for; your API must find itself here (v2.0: the API's client id; v1.0: its App ID URI or client id)", rfc7519),
        "exp": ("expiration time (seconds since 1970, UTC): the token must not be accepted after it", rfc7519),
        "nbf": ("not before (seconds since 1970, UTC): the token must not be accepted before it", rfc7519),
        "iat": ("issued at (seconds since 1970, UTC): when the token was issued", rfc7519),
        "jti": ("JWT id: a unique identifier for the token, usable to detect replay", rfc7519),
        // Entra access tokens
        "ver": ("token version, \"1.0\" or \"2.0\"; chosen by the API's app registration (requestedAccessTokenVersion), not by the endpoint the client called", entra),
        "tid": ("tenant id: the Entra tenant that issued the token; must match the tenant in iss", entra),
        "oid": ("object id of the caller: the user, or in an app-only token the client's service principal", entra),
        "appid": ("v1.0: application (client) id of the client that requested the token", entra),
        "azp": ("v2.0: application (client) id of the client that requested the token (replaces appid)", entra),
        "appidacr": ("v1.0: how the client authenticated: \"0\" public client, \"1\" client secret, \"2\" certificate or other signed assertion", entra),
        "azpacr": ("v2.0: how the client authenticated: \"0\" public client, \"1\" client secret, \"2\" certificate or other signed assertion (replaces appidacr)", entra),
        "roles": ("app roles granted: application permissions in an app-only token, or the user's roles on this API", entra),
        "scp": ("delegated scopes the user consented to, space-separated; only in tokens issued for a user", entra),
        "idtyp": ("\"app\" for an app-only token (client credentials), \"user\" for a user token; the most reliable way to tell them apart", optional),
        "amr": ("authentication methods used (pwd: password or client secret; rsa: key or certificate; mfa; fed: federated assertion)", entra),
        "acr": ("v1.0: authentication context class of the user (\"0\": did not meet ISO/IEC 29115 requirements)", entra),
        "acrs": ("authentication context ids (Conditional Access) the user satisfied", entra),
        "aio": ("opaque Entra-internal data used to reuse tokens; not for authorization", entra),
        "rh": ("opaque Entra-internal claim used to revalidate tokens; not for authorization", entra),
        "uti": ("token identifier, opaque and unique per token (like jti)", entra),
        "idp": ("identity provider that authenticated the subject; for app-only tokens often the tenant's issuer", entra),
        "name": ("display name of the user, for display only; not unique and not for authorization", entra),
        "given_name": ("the user's first name", entra),
        "family_name": ("the user's last name", entra),
        "unique_name": ("v1.0: a human-readable user identifier, for display only; may change", entra),
        "upn": ("user principal name of the user; may change and is not for authorization", entra),
        "preferred_username": ("v2.0: the user's preferred username (often an email); mutable, for display only", entra),
        "email": ("the user's email address, when the user has one", entra),
        "ipaddr": ("the IP address the user authenticated from", entra),
        "puid": ("Microsoft-internal user id (undocumented for validation)", observed),
        "onprem_sid": ("the user's on-premises security identifier, for legacy applications", optional),
        "groups": ("object ids of the groups the user belongs to (or a _claim_names pointer when there are too many)", entra),
        "hasgroups": ("the user has too many groups to list; query Microsoft Graph instead", entra),
        "wids": ("tenant-wide directory roles of the user (role template ids)", entra),
        "_claim_names": ("group overage: groups did not fit in the token; see _claim_sources", entra),
        "_claim_sources": ("group overage: where to fetch the groups that did not fit", entra),
        "auth_time": ("when the user last authenticated (seconds since 1970, UTC)", "OpenID Connect Core"),
        "nonce": ("ID tokens: the value the client sent to bind the token to its sign-in request", "OpenID Connect Core"),
        "c_hash": ("ID tokens: hash of the authorization code", "OpenID Connect Core"),
        "at_hash": ("ID tokens: hash of the access token issued with it", "OpenID Connect Core"),
        "sid": ("session id of the user's sign-in session", entra),
        "login_hint": ("an opaque hint to sign the same user in again", optional),
        "cnf": ("confirmation: the token is bound to a key (x5t#S256: a client certificate, RFC 8705; jkt: a DPoP key, RFC 9449)", "RFC 7800"),
        "cid": ("client id (Okta and other providers)", "provider-specific"),
        "client_id": ("client id of the requester (RFC 9068 JWT access tokens)", "RFC 9068"),
        "scope": ("space-separated scopes (RFC 9068 / RFC 8693 style)", "RFC 8693"),
        "xms_mirid": ("resource id of the managed identity the token was issued to: the client is an Azure managed identity", observed),
        "xms_tcdt": ("when the tenant was created (seconds since 1970)", observed),
        "xms_cc": ("client capabilities the client declared (e.g. cp1: can handle claims challenges)", optional),
        "xms_edov": ("the user's email domain is verified by the domain owner", optional),
        "xms_pdl": ("preferred data location of the user (multi-geo tenants)", optional),
        "xms_pl": ("the user's preferred language", optional),
        "xms_tpl": ("the tenant's preferred language", optional),
        "xms_idrel": ("relationship of the subject to the tenant (7: service principal; 33: federated managed identity)", "Entra Agent ID claims"),
        "xms_par_app_azp": ("the parent (blueprint) application of an Entra agent identity", "Entra Agent ID claims"),
        "xms_ftd": ("Microsoft-internal claim (undocumented)", observed),
        "xms_st": ("Microsoft-internal subject type information (undocumented)", observed),
        "xms_az_rid": ("Azure resource id of the calling resource (undocumented)", observed),
        "xms_az_nwperimid": ("network security perimeter ids of the caller (undocumented)", observed),
        "deviceid": ("id of the device the user signed in from", optional),
        "verified_primary_email": ("the user's verified primary email addresses", optional),
        "verified_secondary_email": ("the user's verified secondary email addresses", optional),
        "ctry": ("the user's country or region", optional),
        "tenant_ctry": ("the tenant's country or region", optional),
        "tenant_region_scope": ("the tenant's region", optional),
        "fwd": ("the IP address of the client when behind a proxy", optional),
        "in_corp": ("the client signed in from the corporate network", optional),
        "sub_jwk": ("the public key the token is bound to (proof-of-possession tokens)", entra),
        "trust_framework_policy": ("Azure AD B2C: the user flow or custom policy that issued the token", "Azure AD B2C"),
        "tfp": ("Azure AD B2C: the user flow or custom policy that issued the token (legacy name)", "Azure AD B2C"),
        "acct": ("the user's account status in the tenant (0: member, 1: guest)", optional),
    ]
}
