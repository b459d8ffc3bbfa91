/// The one verifier that `verify`, `check-policy` and `explain` share.
///
/// It runs every check and never stops at the first failure: a report that lists only the first problem sends
/// people round the loop once per problem, and `explain` needs all of them. Checks that cannot run because an
/// earlier one failed say so (`skip`) rather than disappear. The verifier is pure: the clock and the keys come in
/// as values, and nothing here reads a file, the network or the environment.
///
/// A final class of constants rather than a struct: a batch hands the one verifier to every token, and each copy
/// of a struct of a dozen references retained and released every one of them (about 0.8k instructions per token
/// in an RS256 batch).
public final class Verifier: Sendable {
    public let keys: KeySet?
    public let policy: VerificationPolicy
    public let plan: VerificationPlan
    /// The algorithm allow-list, worked out once: a batch verifies thousands of tokens with one verifier, and
    /// rebuilding the set and its text per token cost as much as a claim check.
    let allowList: AlgorithmAllowList
    /// The accepted issuers as templates, made once rather than per token.
    let issuerRule: IssuerRule
    public let lifetime: LifetimeRule
    /// The keys could not be obtained (no network, an offline cache miss): the checks that need them are left
    /// undecided (`skip`) instead of failing as with no key source, and every other check runs, so that a reader
    /// still learns what the token is and what it fails whatever the keys say.
    public let keysUnavailable: Bool
    /// The last issuer and tenant compared, and their answer (`tenantCheck`).
    let tenantMemo = TenantMemo()

    public init(keys: KeySet?, policy: VerificationPolicy, plan: VerificationPlan = .verify, keysUnavailable: Bool = false) {
        self.keys = keys
        self.policy = policy
        self.plan = plan
        self.keysUnavailable = keysUnavailable && keys == nil
        self.allowList = AlgorithmAllowList(
            algorithms: policy.allowedAlgorithms ?? Self.defaultAllowedAlgorithms(keys),
            givenByCaller: policy.allowedAlgorithms != nil, keys: keys)
        self.issuerRule = IssuerRule(accepted: policy.issuers, source: policy.issuerSource, tenantPinned: policy.tenantID != nil)
        self.lifetime = LifetimeRule(clockSkew: policy.clockSkew)
    }

    /// Parses `text` as a compact token and verifies it. A text that is not a token gives a report whose `format`
    /// check fails and whose `parseError` says why; everything else is skipped.
    public func verify(text: String, at now: Int64, limits: CompactToken.Limits = .default) -> VerificationReport {
        do {
            let token = try CompactToken.parse(text, limits: limits)
            return verify(token, at: now)
        } catch {
            return notAToken(error)
        }
    }

    /// A JWE with what decrypting it gave. The `decryption` check comes first; decrypted, the token inside is
    /// verified as any token is (the JWE is only its envelope: the signature, the claims and the credential are
    /// the inner JWT's); not decrypted, every other check of the plan is skipped.
    public func verify(_ jwe: CompactToken, decryption outcome: DecryptionOutcome, at now: Int64) -> VerificationReport {
        let check = decryptionCheck(outcome)
        guard let inner = jwe.opened(with: outcome) else {
            var checks = [check]
            for id in plan.checks where id != .claim { checks.append(CheckResult(id, .skip, .notRun(.notDecrypted))) }
            if plan.checks.contains(.claim) {
                for claim in policy.requiredClaims {
                    checks.append(CheckResult(.claim, .skip, .notRun(.notDecrypted), claim: claim.name))
                }
            }
            return VerificationReport(checks: checks, token: jwe, parseError: nil, credential: nil, key: nil, decryption: outcome)
        }
        let report = verify(inner, at: now)
        return VerificationReport(
            checks: [check] + report.checks, token: report.token, parseError: nil, credential: report.credential,
            key: report.key, decryption: outcome)
    }

    /// The report for a text that is not a token (`error` says why: the extraction's or the parser's reason):
    /// `format` fails, every other check of the plan is skipped.
    public func notAToken(_ error: JWTAuditError) -> VerificationReport {
        var checks: [CheckResult] = []
        for check in plan.checks {
            switch check {
            case .format: checks.append(CheckResult(.format, .fail, .format(.notAToken(error))))
            case .claim:
                for claim in policy.requiredClaims {
                    checks.append(CheckResult(.claim, .skip, .notRun(.notAToken), claim: claim.name))
                }
            default: checks.append(CheckResult(check, .skip, .notRun(.notAToken)))
            }
        }
        return VerificationReport(checks: checks, token: nil, parseError: error, credential: nil, key: nil)
    }

    /// Runs the plan's checks in order. The signature's checks hand their findings on (the algorithm to the key
    /// check, the key selection's outcome to the signature check); the claim checks read the claims set, or say
    /// why there is none.
    public func verify(_ token: CompactToken, at now: Int64) -> VerificationReport {
        var checks: [CheckResult] = []
        checks.reserveCapacity(plan.checks.count + policy.requiredClaims.count)
        let (credential, key) = run(
            token, at: now, into: &checks, read: { claims, key in (claims.credential, key) }, unread: { (nil, $0) })
        return VerificationReport(checks: checks, token: token, parseError: nil, credential: credential, key: key)
    }

    /// What a batch's line says beside the checks: how the client authenticated, and the claims the line names the
    /// token by, as the checks read them (nil when the payload is not a claims set). Not the verdict itself: a
    /// copy of it is four references retained and released per token, for a line that prints its kind.
    public struct Facts: Sendable {
        public let credentialKind: CredentialKind?
        /// The client that asked for the token (`ClientEvidence.client`: `appid`, or `azp` in v2.0).
        public let client: String?
        /// The verdict's `versionText`, read here once (reading it from the verdict in another module copies the
        /// verdict).
        public let tokenVersion: String?
        /// `aud` and `exp` as the token has them.
        public let audience: JSONValue?
        public let expiry: JSONValue?
    }

    /// The checks of `verify(_:at:)`, appended to `checks` (emptied first, its storage kept): a batch keeps one
    /// array per worker and writes its line from it, so that no report and no array is made and freed per token.
    public func verify(_ token: CompactToken, at now: Int64, into checks: inout [CheckResult]) -> Facts {
        run(
            token, at: now, into: &checks,
            read: { claims, _ in
                Facts(
                    credentialKind: claims.credential.kind, client: claims.client.value,
                    tokenVersion: claims.credential.versionText, audience: claims.aud, expiry: claims.expValue)
            },
            unread: { _ in Facts(credentialKind: nil, client: nil, tokenVersion: nil, audience: nil, expiry: nil) })
    }

    /// The plan's checks into `checks` (emptied first, its storage kept), then what `read` makes of the claims the
    /// checks read and the key that verified (lent rather than copied), or `unread` of the key when the payload is
    /// not a claims set.
    ///
    /// The claims are unwrapped here, once: the plan's loop lends them to each claim check through a closure.
    /// Unwrapping an optional `CheckedClaims` in the loop instead copied its 264 bytes once per claim check.
    private func run<R>(
        _ token: CompactToken, at now: Int64, into checks: inout [CheckResult],
        read: (borrowing CheckedClaims, VerificationKey?) -> R, unread: (VerificationKey?) -> R
    ) -> R {
        checks.removeAll(keepingCapacity: true)
        guard let object = token.claims else {
            let problem = token.claimsProblem
            let key = runPlan(token, into: &checks) { check, checks in
                appendUnread(check, problem: problem, into: &checks)
            }
            return unread(key)
        }
        let claims = CheckedClaims(object)
        let key = runPlan(token, into: &checks) { check, checks in
            appendClaimCheck(check, claims, at: now, into: &checks)
        }
        return read(claims, key)
    }

    /// The plan's checks over `token`; the checks of its claims by `claimChecks`, which appends them. Returns the
    /// key that verified. Inlined into `run`, so that `claimChecks` is called directly rather than through a
    /// closure context, nine times a token.
    @inline(__always)
    private func runPlan(
        _ token: CompactToken, into checks: inout [CheckResult], claimChecks: (CheckID, inout [CheckResult]) -> Void
    ) -> VerificationKey? {
        var algorithm: JWSAlgorithm?
        var selected: KeySelection.Outcome?
        var usedKey: VerificationKey?
        let unsignedAccepted = plan.unsignedTokens == .accepted
            && (token.algorithm?.lowercased() == "none" || token.signatureCount == 0)
        for check in plan.checks {
            if plan.signatures == .assumed, VerificationPlan.signatureChecks.contains(check) {
                checks.append(CheckResult(check, .skip, .notRun(.assumed)))
                continue
            }
            // Each result is appended where it is made: kept in a local for the rewrite below, each was copied
            // three times on its way into the array (some 40 instructions a check, issue 22).
            switch check {
            case .format: checks.append(formatCheck(token))
            case .claims: checks.append(claimsCheck(token))
            case .algorithm:
                let (result, found) = algorithmCheck(token)
                algorithm = found
                checks.append(result)
            case .key:
                let (result, outcome) = keyCheck(token, algorithm: algorithm)
                selected = outcome
                checks.append(result)
            case .signature:
                let (result, key) = signatureCheck(token, algorithm: algorithm, selected: selected)
                usedKey = key
                checks.append(result)
            case .token, .decryption: continue
            default:
                claimChecks(check, &checks)
                continue
            }
            if unsignedAccepted, [.algorithm, .key, .signature].contains(check), let result = checks.last, result.status != .pass {
                checks[checks.count - 1] = CheckResult(result.id, .warn, .unsignedAccepted(result.evidence))
            }
        }
        return usedKey
    }

    /// The check `check` of the claims set (one per required claim for `claim`), appended to `checks`.
    private func appendClaimCheck(
        _ check: CheckID, _ claims: borrowing CheckedClaims, at now: Int64, into checks: inout [CheckResult]
    ) {
        guard check == .claim else { return checks.append(claimCheck(check, claims, at: now)) }
        for requirement in policy.requiredClaims {
            checks.append(requiredClaimCheck(claims.object, name: requirement.name, value: requirement.value))
        }
    }

    /// The same when the payload is not a claims set (`problem`: the token's own words for why): skipped, saying so.
    private func appendUnread(_ check: CheckID, problem: String?, into checks: inout [CheckResult]) {
        guard check == .claim else { return checks.append(CheckResult(check, .skip, .notRun(.payloadNotClaims(problem)))) }
        for requirement in policy.requiredClaims {
            checks.append(CheckResult(.claim, .skip, .notRun(.payloadNotClaims(problem)), claim: requirement.name))
        }
    }

    /// A check of the claims set: lifetime, issuer, audience, tenant, client, credential. Each is inlined here, and
    /// this into `appendClaimCheck` (`@inline(__always)`), so that its result is built where it is appended:
    /// returned from a call, each was copied twice more on its way into the array (some 35 instructions a check,
    /// issue 22).
    @inline(__always)
    private func claimCheck(_ check: CheckID, _ claims: borrowing CheckedClaims, at now: Int64) -> CheckResult {
        switch check {
        case .expiry, .notBefore, .issuedAt: return timeCheck(check, claims, at: now)
        case .issuer: return issuerCheck(claims)
        case .audience: return audienceCheck(claims.aud)
        case .tenant: return tenantCheck(claims)
        case .client: return clientCheck(claims.client, version: claims.credential.tokenVersion ?? .v1)
        default: return credentialCheck(claims.credential)
        }
    }
}
