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
    /// The algorithm allow-list, worked out once: a batch verifies thousands of tokens with one verifier, and
    /// rebuilding the set and its text per token cost as much as a claim check.
    let allowList: AlgorithmAllowList
    /// The accepted issuers as templates, made once rather than per token.
    let issuerRule: IssuerRule
    let lifetime: LifetimeRule

    public init(keys: KeySet?, policy: VerificationPolicy) {
        self.keys = keys
        self.policy = policy
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
            var checks = [CheckResult(.format, .fail, .format(.notAToken(error)))]
            for id in CheckID.verifierChecks.dropFirst() {
                checks.append(CheckResult(id, .skip, .notRun(.notAToken)))
            }
            for claim in policy.requiredClaims {
                checks.append(CheckResult(.claim, .skip, .notRun(.notAToken), claim: claim.name))
            }
            return VerificationReport(checks: checks, token: nil, parseError: error, credential: nil, key: nil)
        }
    }

    public func verify(_ token: CompactToken, at now: Int64) -> VerificationReport {
        var checks: [CheckResult] = []
        checks.reserveCapacity(CheckID.verifierChecks.count + policy.requiredClaims.count)
        checks.append(formatCheck(token))
        checks.append(claimsCheck(token))

        let (algorithmResult, algorithm) = algorithmCheck(token)
        checks.append(algorithmResult)
        let (keyResult, selection) = keyCheck(token, algorithm: algorithm)
        checks.append(keyResult)
        let (signatureResult, usedKey) = signatureCheck(token, algorithm: algorithm, selection: selection)
        checks.append(signatureResult)

        let claims = token.claims
        let credential = claims.map { CredentialVerdict.classify(claims: $0) }
        if let claims, let credential {
            checks.append(timeCheck(.expiry, claims, at: now))
            checks.append(timeCheck(.notBefore, claims, at: now))
            checks.append(timeCheck(.issuedAt, claims, at: now))
            checks.append(issuerCheck(claims))
            checks.append(audienceCheck(claims))
            checks.append(tenantCheck(claims))
            checks.append(clientCheck(claims, credential: credential))
            checks.append(credentialCheck(credential))
            for requirement in policy.requiredClaims {
                checks.append(requiredClaimCheck(claims, name: requirement.name, value: requirement.value))
            }
        } else {
            let why = NotRun.payloadNotClaims(token.claimsProblem)
            for id in [CheckID.expiry, .notBefore, .issuedAt, .issuer, .audience, .tenant, .client, .credential] {
                checks.append(CheckResult(id, .skip, .notRun(why)))
            }
            for requirement in policy.requiredClaims {
                checks.append(CheckResult(.claim, .skip, .notRun(why), claim: requirement.name))
            }
        }
        return VerificationReport(checks: checks, token: token, parseError: nil, credential: credential, key: usedKey)
    }
}
