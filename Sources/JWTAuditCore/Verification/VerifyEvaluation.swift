/// Everything `verify` decides about one token, before anything is printed: the report, the policy the verifier
/// applied (the caller's, completed by what the key source says), what a reader needs to know besides (stale
/// cache, refetch, a multi-tenant issuer) and the instant. `explain` narrates the same value.
public struct VerifyEvaluation: Sendable {
    public let report: VerificationReport
    public let policy: VerificationPolicy
    public let notes: [String]
    /// The instant the times were judged at.
    public let at: Int64
    /// Why the keys could not be obtained, when they could not (`undecided`): the report then holds every check
    /// that needs no key, and leaves the signature unchecked.
    public var keysFailure: JWTAuditError? = nil
    /// The lifetime rule the report applied; `explain`'s token summary applies it too.
    public var lifetime: LifetimeRule { LifetimeRule(clockSkew: policy.clockSkew) }

    /// A text that is not a token (`error` says why): the `format` check fails and the rest is skipped, with no key.
    public static func notAToken(_ error: JWTAuditError, policy: VerificationPolicy, at: Int64) -> VerifyEvaluation {
        VerifyEvaluation(report: Verifier(keys: nil, policy: policy).notAToken(error), policy: policy, notes: [], at: at)
    }

    /// The token judged without its keys, which could not be obtained (`failure` says why): every check that
    /// needs no key runs; the algorithm (unless the caller named the allowed ones), the key, the signature and an
    /// issuer that was to come from the metadata are left undecided. `explain` shows it rather than one line.
    public static func undecided(
        _ token: CompactToken, decryption: DecryptionOutcome? = nil, policy: VerificationPolicy, failure: JWTAuditError,
        at: Int64
    ) -> VerifyEvaluation {
        let verifier = Verifier(keys: nil, policy: policy, keysUnavailable: true)
        let report = decryption.map { verifier.verify(token, decryption: $0, at: at) } ?? verifier.verify(token, at: at)
        return VerifyEvaluation(report: report, policy: policy, notes: [], at: at, keysFailure: failure)
    }

    /// Verifies `token` as of `at` with the keys `source` gives, under `verify`'s plan. A JWE comes with what
    /// decrypting it gave: refused at the envelope, nothing inside is verified and no signature key is needed;
    /// decrypted, the keys are for the token inside (discovery reads its version from its claims) and the report
    /// starts with the `decryption` check. Throws only when the keys cannot be obtained or used.
    public static func evaluate(
        _ token: CompactToken, decryption: DecryptionOutcome? = nil, policy: VerificationPolicy, keys source: KeySource,
        resolution: KeyResolution, at: Int64
    ) throws(JWTAuditError) -> VerifyEvaluation {
        if let decryption, decryption.status != .decrypted {
            let report = Verifier(keys: nil, policy: policy).verify(token, decryption: decryption, at: at)
            return VerifyEvaluation(report: report, policy: policy, notes: [], at: at)
        }
        let judged = decryption.flatMap { token.opened(with: $0) } ?? token
        let keys = try resolution.keys(source, for: judged)
        let completed = policy.completed(with: keys)
        let verifier = Verifier(keys: keys.keySet, policy: completed)
        let report = decryption.map { verifier.verify(token, decryption: $0, at: at) } ?? verifier.verify(token, at: at)
        var notes = keys.notes
        if completed.issuers.contains(where: { IssuerTemplate($0).isTenantTemplated }) && completed.tenantID == nil
            && !completed.anyIssuer
        {
            notes.append(
                "the metadata's issuer is a multi-tenant template (\(completed.issuers.joined(separator: " | "))): a token from any tenant passes; name the tenant (--tenant GUID) to accept only yours")
        }
        return VerifyEvaluation(report: report, policy: completed, notes: notes, at: at)
    }
}

extension VerificationPolicy {
    /// The policy completed by what the key source says: the metadata's issuer when no issuer was given (an
    /// explicit issuer wins), and the tenant the source pins.
    public func completed(with keys: ResolvedKeys) -> VerificationPolicy {
        var policy = self
        if policy.issuers.isEmpty && !policy.anyIssuer && !keys.issuers.isEmpty {
            policy.issuers = keys.issuers
            policy.issuerSource = keys.metadataURL.map { "issuer from \($0)" }
        }
        if policy.tenantID == nil { policy.tenantID = keys.tenantID }
        return policy
    }
}
