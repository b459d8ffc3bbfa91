/// Which checks a verifier runs, in which order, and how: chosen once, when the verifier is made, instead of
/// filtering, downgrading or re-sorting its report afterwards (swift-certificates composes its `VerifierPolicy`
/// values the same way, once).
///
/// Two plans exist: `verify`'s, every check in DESIGN.md's order, and APIM's (the gateway's), the checks APIM's
/// validate-jwt runs in Microsoft.IdentityModel's order. Both judge lifetime by the one `LifetimeRule`.
public struct VerificationPlan: Sendable, Equatable {
    /// What an unsigned token (`alg` none, or no signature) meets.
    public enum UnsignedTokens: Sendable, Equatable {
        /// Refused: the algorithm, key and signature checks fail (every plan but the one below).
        case refused
        /// validate-jwt's `require-signed-tokens="false"`: the gateway lets it through, so those three checks
        /// warn instead of failing, and say why [inferred: the gateway's behaviour is not documented further].
        case accepted
    }

    /// Whether the signature is checked at all.
    public enum Signatures: Sendable, Equatable {
        /// Checked: the algorithm, key and signature checks run (every plan anyone can make outside the core).
        case verified
        /// Not checked: the algorithm, key and signature checks are skipped with `.notRun(.assumed)`. Only the
        /// admission matrix (`AdmissionMatrix`) uses it, for the tokens it synthesizes, which no key signed; the
        /// plan has no public way to be made, so `verify`, `check-policy` and `explain` cannot reach it.
        case assumed
    }

    /// The checks, in order. `claim` stands for one `claim:<name>` check per required claim of the policy
    /// (`--require-claim`); `token` is not the verifier's (the policy evaluator adds it).
    public let checks: [CheckID]
    public let unsignedTokens: UnsignedTokens
    public let signatures: Signatures

    /// `verify`: every check, in the order of DESIGN.md's contract.
    public static let verify = VerificationPlan(
        checks: [
            .format, .claims, .algorithm, .key, .signature, .expiry, .notBefore, .issuedAt, .issuer, .audience, .tenant,
            .client, .credential, .claim,
        ],
        unsignedTokens: .refused, signatures: .verified)

    /// The gateway's `validate-jwt` / `validate-azure-ad-token`: structure, then Microsoft.IdentityModel's order
    /// (signature, then lifetime, then audience, then issuer) [inferred, research §1.7: APIM's order is not
    /// documented]. `issued-at`, `tenant`, `client` and `credential` are jwtaudit's own checks, which the gateway
    /// does not run (validate-azure-ad-token's client restriction and required claims are the policy
    /// evaluator's).
    public static func apim(requireSignedTokens: Bool) -> VerificationPlan {
        apim(requireSignedTokens: requireSignedTokens, signatures: .verified)
    }

    /// The gateway's plan with the signature checked or assumed: internal, so that only the core's admission
    /// matrix can ask for `.assumed`.
    static func apim(requireSignedTokens: Bool, signatures: Signatures) -> VerificationPlan {
        VerificationPlan(
            checks: [.format, .claims, .algorithm, .key, .signature, .expiry, .notBefore, .audience, .issuer],
            unsignedTokens: requireSignedTokens ? .refused : .accepted, signatures: signatures)
    }

    /// The checks a `.assumed` plan skips.
    static let signatureChecks: Set<CheckID> = [.algorithm, .key, .signature]
}
