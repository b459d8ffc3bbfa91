extension Verifier {
    /// `expiry`, `not-before` and `issued-at`: the claim against the instant, under the verifier's lifetime rule
    /// (the one `decode` applies too). A NumericDate (RFC 7519 §2: "A JSON numeric value representing the number
    /// of seconds from 1970-01-01T00:00:00Z UTC until the specified UTC date/time, ignoring leap seconds") is a
    /// number, nothing else.
    @inline(__always)
    func timeCheck(_ id: CheckID, _ claims: borrowing CheckedClaims, at now: Int64) -> CheckResult {
        let rule = lifetime
        func result(_ status: CheckResult.Status, _ finding: TimeEvidence.Finding) -> CheckResult {
            CheckResult(id, status, .time(TimeEvidence(now: now, rule: rule, finding: finding)))
        }
        let value: Int64
        switch claims.time(id) {
        case .absent:
            // RFC 7519 makes `exp` optional; an access token without one never dies, so it fails unless waived.
            guard id == .expiry else { return result(.skip, .absent) }
            return result(policy.requireExpiry ? .fail : .warn, .absent)
        case .invalid(let why): return result(.fail, .invalid(why))
        case .seconds(let seconds): value = seconds
        }
        switch id {
        case .expiry:
            return result(rule.isExpired(exp: value, at: now) ? .fail : .pass, .value(value))
        case .notBefore:
            if case .seconds(let exp) = claims.exp, rule.isNeverValid(nbf: value, exp: exp) {
                return result(.fail, .neverValid(nbf: value, exp: exp))
            }
            return result(rule.isNotYetValid(nbf: value, at: now) ? .fail : .pass, .value(value))
        default:
            return result(rule.isIssuedInFuture(iat: value, at: now) ? .fail : .pass, .value(value))
        }
    }
}
