/// The words for every check id and every `context.LastError` reason that the verifier and the policy
/// evaluator can emit. It is a table, not a switch scattered through the explainer, so that a test can assert
/// that every id has words: a new check without an explanation fails that test instead of reaching a user as
/// a bare id.
public enum ExplanationCatalog {
    /// What a check establishes, why it usually fails, and the usual fix. The explainer replaces the generic
    /// cause and fix with specific ones where the token and the expectations show what happened.
    public struct Narration: Sendable, Equatable {
        /// One sentence: what the check establishes.
        public let purpose: String
        /// The usual cause of a failure.
        public let cause: String
        /// The usual fix.
        public let fix: String
    }

    /// Ids the policy evaluator adds to the verifier's (`token`: where the policy reads the token; `client`:
    /// validate-azure-ad-token's client-application-ids, which shares the verifier's id).
    public static let policyCheckIDs = ["token", "client"]
    /// The step used when a policy cannot be evaluated at all (a named value or expression has no value).
    public static let unevaluableCheckID = "policy"
    /// Every `claim:<name>` id shares this entry.
    public static let claimWildcard = "claim:*"

    public static func narration(for id: String) -> Narration? {
        if id.hasPrefix("claim:") { return checks[claimWildcard] }
        return checks[id]
    }

    static let checks: [String: Narration] = [
        "token": Narration(
            purpose: "the gateway finds the token where the policy reads it (header, query parameter or token-value)",
            cause: "the request carries no token there, or not with the required scheme",
            fix: "send the access token where the policy reads it, e.g. the header 'Authorization: Bearer <token>'"),
        "format": Narration(
            purpose: "the text is a compact JWS: three base64url segments with a JSON header",
            cause: "the value is not a signed JWT (an encrypted JWE, a truncated paste, or an opaque token)",
            fix: "send the access token itself, as the token endpoint returned it, unmodified"),
        "claims": Narration(
            purpose: "the payload is one JSON object of claims with unique names",
            cause: "the payload is not a claims set, or repeats a claim name",
            fix: "use a token minted by the identity provider, not one edited by hand"),
        "algorithm": Narration(
            purpose: "the signing algorithm is one the keys and the allow-list accept (never taken from the token alone)",
            cause: "the header names an algorithm the keys cannot or may not verify (none, HMAC with public keys, or one outside --alg)",
            fix: "treat the token as forged or as a test token; Entra signs access tokens with RS256"),
        "key": Narration(
            purpose: "a trusted key is found for the token's kid",
            cause: "no published key has the token's kid: the keys rotated, the metadata is for another tenant or version, or the token was signed elsewhere",
            fix: "verify against the metadata of the tenant and token version that issued the token"),
        "signature": Narration(
            purpose: "the signature verifies over the exact bytes received",
            cause: "the token was altered after signing, or signed by a different key",
            fix: "do not trust this token; obtain a fresh one from the token endpoint"),
        "expiry": Narration(
            purpose: "the token has not expired (exp, with the clock skew allowed)",
            cause: "the token outlived its exp",
            fix: "request a new token; clients should renew before exp (MSAL does so from its cache)"),
        "not-before": Narration(
            purpose: "the token is already valid (nbf, with the clock skew allowed)",
            cause: "nbf is still in the future: a clock is wrong",
            fix: "synchronise the clocks (NTP), or allow a small clock skew"),
        "issued-at": Narration(
            purpose: "the token was not issued in the future (iat)",
            cause: "iat is in the future: a clock is wrong or the token is forged",
            fix: "synchronise the clocks (NTP); distrust the token if the clocks are right"),
        "issuer": Narration(
            purpose: "the token comes from an accepted issuer (iss)",
            cause: "iss is not one of the accepted issuers",
            fix: "accept the issuer that really issued the token, or use a token from the expected issuer"),
        "audience": Narration(
            purpose: "the token was issued for this API (aud)",
            cause: "aud names another application, or this one in another form",
            fix: "have the client request a token for this API, or accept the audience form the token carries"),
        "tenant": Narration(
            purpose: "the token was issued by the expected tenant and tid agrees with iss",
            cause: "the token comes from another tenant, or tid and iss disagree",
            fix: "use a token from the expected tenant, or accept that tenant on purpose"),
        "client": Narration(
            purpose: "the client that requested the token (appid in v1.0, azp in v2.0) is an accepted one",
            cause: "the token was requested by a client that is not accepted",
            fix: "call with an accepted client, or add this client's application id to the accepted list"),
        "credential": Narration(
            purpose: "the client authenticated with a certificate (appidacr or azpacr \"2\")",
            cause: "the client authenticated with a client secret, or is a public client",
            fix: "add a certificate to the client's app registration and request tokens with a client assertion"),
        "decryption": Narration(
            purpose: "an encrypted token (JWE) decrypts and authenticates with a key the verifier or the gateway holds, before anything inside it is judged",
            cause: "no key given fits the token, the token was encrypted to another key, or it was altered (a failed tag)",
            fix: "give the recipient's private key (--decryption-key, or the policy's decryption-keys with --certificate ID=FILE); if the key is right, treat the token as tampered"),
        "claim:*": Narration(
            purpose: "a claim the policy or --require-claim names carries an accepted value",
            cause: "the claim is absent, or carries none of the accepted values",
            fix: "grant the client what the claim stands for, or correct the claim name or value in the policy"),
        "policy": Narration(
            purpose: "the policy can be evaluated offline: every named value and expression it needs has a value",
            cause: "a named value or a policy expression has no value offline",
            fix: "supply each value the message names: named values with --named-value NAME=VALUE or --named-values FILE, expressions as 'jwtaudit check-policy --help' describes"),
    ]

    /// What each LastError reason tells the API's owner (error-handling reference: the documented reasons).
    public static func meaning(of reason: PolicyFailureReason) -> String { reasons[reason]! }

    static let reasons: [PolicyFailureReason: String] = [
        .tokenNotPresent: "the request carries no token where the policy looks for one",
        .tokenSignatureInvalid: "the signature did not verify, or its algorithm is not allowed",
        .tokenAudienceNotAllowed: "the token was issued for another audience",
        .tokenIssuerNotAllowed: "the token comes from an issuer the policy does not accept",
        .tokenExpired: "the token has expired",
        .tokenSignatureKeyNotFound: "no key the policy knows has the token's kid",
        .tokenClaimNotFound: "a claim the policy requires is absent from the token",
        .tokenClaimValueNotAllowed: "a required claim carries none of the values the policy allows",
        .jwtInvalid: "the token failed a check Microsoft documents no specific reason for (format, lifetime, client or scheme)",
    ]

    /// What decode's findings mean for the reader (TokenInspection's finding ids).
    public static func meaning(ofFinding id: String) -> String? {
        if id.hasPrefix("header-") { return findings["header-*"] }
        return findings[id]
    }

    static let findings: [String: String] = [
        "alg-none": "an unsigned token: anyone can write one, so no API may accept it",
        "alg-missing": "without an algorithm the token cannot be verified",
        "symmetric-alg-entra": "Entra never signs with a shared secret; this is the algorithm-confusion attack",
        "header-*": "the token tries to name its own key; a verifier that follows it lets the attacker choose the key",
        "kid-suspicious": "the key id looks crafted to attack a key lookup",
        "crit-header": "the token demands extensions a verifier does not understand, so it must be rejected",
        "graph-nonce": "a Microsoft Graph token: only Graph can check its signature, so your API cannot validate it",
        "graph-audience": "the client asked for a Microsoft Graph scope, so the token is not for your API",
        "duplicate-key": "two readers may see different values for the same name; verifiers reject it",
        "encrypted-payload": "the claims are encrypted for their recipient; only the header can be read",
        "jwe-rsa1_5": "RSA1_5 key encryption is deprecated (RFC 8725 §3.2): a recipient that answers differently to bad padding is a Bleichenbacher oracle; encrypt with RSA-OAEP-256 or ECDH-ES instead",
        "jwe-compression": "compressing before encrypting lets the ciphertext length leak how compressible the plaintext is (RFC 8725 §3.6); encrypt tokens uncompressed",
        "jwe-unsigned": "encrypted but not signed: anyone holding the recipient's public key could have written these claims, so none can be trusted; the issuer must sign, then encrypt (RFC 7519 §11.2)",
        "signature-unreadable": "the signature segment is cut or damaged, so no verifier can check it; only the header and claims can be read",
        "payload-not-claims": "the payload is not a JSON claims set, so no claim can be checked",
        "time-claim-invalid": "a time claim is not a number of seconds, so lifetime cannot be judged",
        "missing-exp": "a token without exp never dies: a leaked copy works forever",
        "expired": "the token is past its exp and every validator refuses it",
        "long-lifetime": "a long-lived bearer token is valuable to a thief; Entra's own live about an hour",
        "nbf-after-exp": "the token can never be valid",
        "not-yet-valid": "the token is not valid yet; a clock is wrong somewhere",
        "issued-in-future": "a clock is wrong, or the token was forged",
        "id-token": "ID tokens prove a sign-in to the client app; sending one to an API is a client bug",
        "issuer-tenant-mismatch": "iss and tid name different tenants; Entra never issues that",
        "kid-x5t-mismatch": "Entra writes the same thumbprint in kid and x5t, so the header was altered",
        "version-issuer-mismatch": "a validator set up for one version's metadata rejects this token's issuer",
    ]
}
