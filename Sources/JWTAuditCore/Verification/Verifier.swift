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
    /// The algorithm allow-list and its description, worked out once: a batch verifies thousands of tokens with
    /// one verifier, and rebuilding the set and its text per token cost as much as a claim check.
    let allowed: Set<JWSAlgorithm>
    let allowedDescription: String
    /// `clock skew N s`, quoted by the lifetime checks.
    let skewNote: String
    /// The accepted issuers as templates, made once rather than per token.
    let issuerTemplates: [IssuerTemplate]

    public init(keys: KeySet?, policy: VerificationPolicy) {
        self.keys = keys
        self.policy = policy
        let allowed = policy.allowedAlgorithms ?? Self.defaultAllowedAlgorithms(keys)
        self.allowed = allowed
        self.allowedDescription = Self.describe(allowed)
        self.skewNote = "clock skew \(policy.clockSkew) s"
        self.issuerTemplates = policy.issuers.map(IssuerTemplate.init)
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
    /// the inner JWT's); not decrypted, every other check is skipped.
    public func verify(_ jwe: CompactToken, decryption outcome: DecryptionOutcome, at now: Int64) -> VerificationReport {
        let check = decryptionCheck(outcome)
        guard let inner = jwe.opened(with: outcome) else {
            var checks = [check]
            let why = "not run: the token could not be decrypted"
            for id in CheckID.all { checks.append(CheckResult(id: id, status: .skip, detail: why)) }
            for claim in policy.requiredClaims {
                checks.append(CheckResult(id: CheckID.claim(claim.name), status: .skip, detail: why))
            }
            return VerificationReport(checks: checks, token: jwe, parseError: nil, credential: nil, key: nil, decryption: outcome)
        }
        let report = verify(inner, at: now)
        return VerificationReport(
            checks: [check] + report.checks, token: report.token, parseError: nil, credential: report.credential,
            key: report.key, decryption: outcome)
    }

    /// The report for a text that is not a token (`error` says why): `format` fails, everything else is skipped.
    public func notAToken(_ error: JWTAuditError) -> VerificationReport {
        var checks = [
            CheckResult(
                id: CheckID.format, status: .fail, expected: "a compact JWS (three base64url segments)",
                actual: nil, detail: error.reason)
        ]
        for id in CheckID.all.dropFirst() {
            checks.append(CheckResult(id: id, status: .skip, detail: "not run: the text is not a token"))
        }
        for claim in policy.requiredClaims {
            checks.append(
                CheckResult(id: CheckID.claim(claim.name), status: .skip, detail: "not run: the text is not a token"))
        }
        return VerificationReport(checks: checks, token: nil, parseError: error, credential: nil, key: nil)
    }

    public func verify(_ token: CompactToken, at now: Int64) -> VerificationReport {
        var checks: [CheckResult] = []
        checks.reserveCapacity(CheckID.all.count + policy.requiredClaims.count)
        checks.append(formatCheck(token))
        checks.append(claimsCheck(token))

        let (algorithmResult, algorithm) = algorithmCheck(token)
        checks.append(algorithmResult)
        let (keyResult, candidates) = keyCheck(token, algorithm: algorithm)
        checks.append(keyResult)
        let (signatureResult, usedKey) = signatureCheck(token, algorithm: algorithm, candidates: candidates)
        checks.append(signatureResult)

        let claims = token.claims
        let credential = claims.map { CredentialVerdict.classify(claims: $0) }
        if let claims {
            let clock = Now(now)
            checks.append(expiryCheck(claims, now: clock))
            checks.append(notBeforeCheck(claims, now: clock))
            checks.append(issuedAtCheck(claims, now: clock))
            checks.append(issuerCheck(claims))
            checks.append(audienceCheck(claims))
            checks.append(tenantCheck(claims))
            checks.append(clientCheck(claims, credential: credential!))
            checks.append(credentialCheck(credential!))
            for requirement in policy.requiredClaims {
                checks.append(requiredClaimCheck(claims, name: requirement.name, value: requirement.value))
            }
        } else {
            let why = "not run: " + (token.claimsProblem ?? "the payload is not a claims set")
            for id in [
                CheckID.expiry, CheckID.notBefore, CheckID.issuedAt, CheckID.issuer, CheckID.audience, CheckID.tenant,
                CheckID.client, CheckID.credential,
            ] {
                checks.append(CheckResult(id: id, status: .skip, detail: why))
            }
            for requirement in policy.requiredClaims {
                checks.append(CheckResult(id: CheckID.claim(requirement.name), status: .skip, detail: why))
            }
        }
        return VerificationReport(
            checks: checks, token: token, parseError: nil, credential: credential, key: usedKey)
    }
}
