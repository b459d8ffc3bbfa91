/// When a token's time claims make it unusable at an instant. `decode`'s findings, both verification plans and
/// `explain`'s narration all ask this one rule, so that they cannot disagree about a token at any instant.
///
/// The comparisons are Microsoft.IdentityModel's (`ValidatorUtilities.ValidateLifetime`, which APIM's gateway and
/// ASP.NET run): `notBefore > expires` is IDX10224 (never valid), `notBefore > utcNow + ClockSkew` is IDX10222
/// (not yet valid) and `expires < utcNow - ClockSkew` is IDX10223 (expired). RFC 7519 §4.1.4 says "the current
/// date/time MUST be before the expiration date/time listed in the "exp" claim" and that "Implementers MAY
/// provide for some small leeway, usually no more than a few minutes, to account for clock skew". The two agree
/// at every instant but one: at exactly `exp + skew` the library still accepts and the RFC no longer does.
/// jwtaudit judges whole seconds (NumericDate has no finer unit, and `--at` names a second), while the gateway's
/// clock has sub-second ticks and so refuses from the first tick after `exp + skew`. jwtaudit takes the library's
/// side of that one instant, in `verify` as in `check-policy`, so that one rule serves both and `verify` predicts
/// what the validators in front of an API answer; `decode`, which has no skew option, applies it with a skew of 0.
///
/// `iat` is not judged by IdentityModel at all; a token issued in the future beyond the skew is refused by the
/// same comparison as `nbf` (it means a broken clock or a forged token).
public struct LifetimeRule: Sendable, Equatable {
    /// Seconds of tolerance on `exp`, `nbf` and `iat` (APIM's default is 0; IdentityModel's is 300).
    public var clockSkew: Int64

    public init(clockSkew: Int64 = 0) {
        self.clockSkew = max(0, clockSkew)
    }

    /// IDX10223: `exp < now - skew`. A token whose `exp` is the instant itself still passes.
    public func isExpired(exp: Int64, at now: Int64) -> Bool { exp < Self.minus(now, clockSkew) }

    /// IDX10222: `nbf > now + skew`.
    public func isNotYetValid(nbf: Int64, at now: Int64) -> Bool { nbf > Self.plus(now, clockSkew) }

    /// IDX10224: `nbf > exp`, whatever the skew: the issuer made a token with no instant of validity.
    public func isNeverValid(nbf: Int64, exp: Int64) -> Bool { nbf > exp }

    /// `iat > now + skew`: issued after the instant it is judged at.
    public func isIssuedInFuture(iat: Int64, at now: Int64) -> Bool { iat > Self.plus(now, clockSkew) }

    /// The clock skew that would accept an expired token at `now` (how far off the clocks must be).
    public func skewToAccept(exp: Int64, at now: Int64) -> Int64 { Self.minus(now, exp) }

    /// The clock skew that would accept a token that is not yet valid at `now`.
    public func skewToAccept(nbf: Int64, at now: Int64) -> Int64 { Self.minus(nbf, now) }

    /// A policy's `clock-skew` is whatever number its author wrote: saturate rather than trap.
    static func plus(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    static func minus(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? .min : .max) : difference
    }
}
