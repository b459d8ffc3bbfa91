extension Verifier {
    /// A NumericDate claim (RFC 7519 §2: "A JSON numeric value representing the number of seconds from
    /// 1970-01-01T00:00:00Z UTC until the specified UTC date/time, ignoring leap seconds"): a number, nothing else.
    enum TimeClaim {
        case absent
        case invalid(String)
        case value(Int64)
    }

    static func timeClaim(_ claims: JSONObject, _ name: String) -> TimeClaim {
        switch NumericDate.read(name, in: claims) {
        case .absent: return .absent
        case .invalid(let why): return .invalid(why)
        case .seconds(let seconds, _): return .value(seconds)
        }
    }

    /// The evaluation time. Its text is formatted only when a check's text is read (a batch never reads it).
    struct Now {
        let seconds: Int64
        /// RFC 3339, e.g. `2026-01-01T00:00:00Z`.
        var instant: String { TimeText.instant(seconds) }
        /// `now <instant>`, the `actual` of `expiry` and `not-before`.
        var phrase: String { "now " + instant }

        init(_ seconds: Int64) {
            self.seconds = seconds
        }
    }

    /// `expiry`. Microsoft.IdentityModel's rule, which APIM inherits: expired when `exp < now - skew`, so a token
    /// whose `exp` equals now still passes (IDX10223).
    func expiryCheck(_ claims: JSONObject, now clock: Now) -> CheckResult {
        let now = clock.seconds
        let skewNote = self.skewNote
        switch Self.timeClaim(claims, "exp") {
        case .absent:
            if policy.requireExpiry {
                return CheckResult(
                    id: CheckID.expiry, status: .fail, expected: "an \"exp\" claim", actual: "(absent)",
                    detail: "the token never expires; an exp is required (--allow-missing-exp waives this)")
            }
            return CheckResult(
                id: CheckID.expiry, status: .warn, actual: "(absent)",
                detail: "the token has no exp and never expires (allowed by --allow-missing-exp)")
        case .invalid(let why):
            return CheckResult(id: CheckID.expiry, status: .fail, expected: "a NumericDate", actual: nil, detail: why)
        case .value(let exp):
            let expired = exp < now - policy.clockSkew
            return CheckResult(id: CheckID.expiry, status: expired ? .fail : .pass) {
                CheckResult.Text(
                    expected: "not after \(TimeText.instant(exp)) (\(skewNote))", actual: clock.phrase,
                    detail: expired
                        ? "expired \(TimeText.duration(now - exp)) ago" : "expires in \(TimeText.duration(exp - now))")
            }
        }
    }

    /// `not-before`: not yet valid when `nbf > now + skew` (IDX10222), and never when `nbf > exp` (IDX10224).
    func notBeforeCheck(_ claims: JSONObject, now clock: Now) -> CheckResult {
        let now = clock.seconds
        let skewNote = self.skewNote
        switch Self.timeClaim(claims, "nbf") {
        case .absent:
            return CheckResult(id: CheckID.notBefore, status: .skip, detail: "the token has no nbf")
        case .invalid(let why):
            return CheckResult(id: CheckID.notBefore, status: .fail, expected: "a NumericDate", detail: why)
        case .value(let nbf):
            if case .value(let exp) = Self.timeClaim(claims, "exp"), nbf > exp {
                return CheckResult(
                    id: CheckID.notBefore, status: .fail, expected: "nbf before exp",
                    actual: "nbf \(TimeText.instant(nbf)) is after exp \(TimeText.instant(exp))",
                    detail: "the token is never valid")
            }
            let early = nbf > now + policy.clockSkew
            return CheckResult(id: CheckID.notBefore, status: early ? .fail : .pass) {
                CheckResult.Text(
                    expected: "not before \(TimeText.instant(nbf)) (\(skewNote))", actual: clock.phrase,
                    detail: early
                        ? "not valid for another \(TimeText.duration(nbf - now))" : "valid since \(TimeText.instant(nbf))")
            }
        }
    }

    /// `issued-at`: a token issued in the future (beyond the skew) means a broken clock or a forged token.
    func issuedAtCheck(_ claims: JSONObject, now clock: Now) -> CheckResult {
        let now = clock.seconds
        let skewNote = self.skewNote
        switch Self.timeClaim(claims, "iat") {
        case .absent:
            return CheckResult(id: CheckID.issuedAt, status: .skip, detail: "the token has no iat")
        case .invalid(let why):
            return CheckResult(id: CheckID.issuedAt, status: .fail, expected: "a NumericDate", detail: why)
        case .value(let iat):
            let future = iat > now + policy.clockSkew
            return CheckResult(id: CheckID.issuedAt, status: future ? .fail : .pass) {
                CheckResult.Text(
                    expected: "not after now \(clock.instant) (\(skewNote))", actual: TimeText.instant(iat),
                    detail: future
                        ? "issued \(TimeText.duration(iat - now)) in the future" : "issued \(TimeText.duration(now - iat)) ago")
            }
        }
    }
}
