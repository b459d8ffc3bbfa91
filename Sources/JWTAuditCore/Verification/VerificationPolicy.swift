/// What a token must satisfy, as the caller (the `verify` options, a policy, a tenant's metadata) states it.
/// Nothing here has a permissive default that the user did not ask for: no audience means the caller said
/// `--any-audience`, and a clock skew is 0 s unless given (APIM's default; Microsoft.IdentityModel's 5 minutes
/// hides broken clocks).
public struct VerificationPolicy: Sendable {
    /// Accepted issuers, any of. An entry may hold `{tenantid}` (Entra multi-tenant metadata): the token's `tid`
    /// is substituted, which means a token from any tenant passes unless the tenant is pinned.
    public var issuers: [String] = []
    /// Accept any issuer (`--any-issuer`, or the issuer is checked elsewhere).
    public var anyIssuer = false
    /// Accepted audiences, any of (RFC 7519 §4.1.3: "each principal intended to process the JWT MUST identify
    /// itself with a value in the audience claim").
    public var audiences: [String] = []
    public var anyAudience = false
    /// Accepted client ids (`appid` in v1.0 tokens, `azp` in v2.0), any of; empty = not checked.
    public var clientIDs: [String] = []
    /// The credential verdict must be `certificate`.
    public var requireCertificate = false
    /// `claim:<name>` checks: each name must carry the value (arrays match any element; `scp` splits on spaces).
    public var requiredClaims: [(name: String, value: String)] = []
    /// Algorithms the caller allows. nil: every asymmetric algorithm the key can do, and HS* only with a
    /// symmetric key the user supplied (RFC 8725 §3.1: "libraries MUST enable the caller to specify a supported
    /// set of algorithms").
    public var allowedAlgorithms: Set<JWSAlgorithm>?
    /// Seconds of tolerance on `exp`, `nbf` and `iat`.
    public var clockSkew: Int64 = 0
    /// RFC 7519 makes `exp` optional; an access token without one never dies, so it is required unless waived.
    public var requireExpiry = true
    /// The tenant the caller pinned (`--tenant` as a GUID), checked against `tid`.
    public var tenantID: String?
    /// Note shown on the issuer check (e.g. "issuer from https://…/.well-known/openid-configuration").
    public var issuerSource: String?

    public init() {}
}
