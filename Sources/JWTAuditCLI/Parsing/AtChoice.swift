import JWTAuditCore

/// `--at`: the instant a token's times are judged at. A fixed instant (`--at TIME`, else now), or each token's own
/// issue time (`--at iat`): tokens taken from last month's gateway logs are then judged on everything except having
/// expired since, which is the question a dry run of a policy over old traffic asks ("which of these callers would
/// the policy refuse?"), not "are these tokens still usable?".
enum AtChoice: Sendable, Equatable {
    case fixed(Int64)
    case issuedAt

    /// The value of `--at` that asks for each token's own `iat`.
    static let issuedAtSpelling = "iat"

    /// The commands that judge a token they read (decode, verify, check-policy): `--at iat` needs the token.
    /// explain and check-policy --matrix take a fixed instant only (`ParsedArguments.instant`).
    static func parse(_ parsed: ParsedArguments, now: Int64, command: String) throws(CommandFailure) -> AtChoice {
        if parsed.last(.at) == issuedAtSpelling { return .issuedAt }
        return .fixed(try parsed.instant(now: now, command: command))
    }

    /// The instant, when it does not depend on the token.
    var fixedInstant: Int64? {
        if case .fixed(let instant) = self { return instant }
        return nil
    }

    var isIssuedAt: Bool { self == .issuedAt }

    /// The instant a token with these claims is judged at. Under `--at iat` a token without a usable `iat` has no
    /// instant of its own: it is refused, saying so, rather than judged as of now (which would call last month's
    /// tokens expired, the very answer `--at iat` was asked to avoid) or skipped. An encrypted token's `iat` is
    /// inside it: the caller passes the claims of the token it judges.
    func instant(claims: JSONObject?) throws(JWTAuditError) -> Int64 {
        switch self {
        case .fixed(let instant): return instant
        case .issuedAt:
            guard let claims else {
                throw JWTAuditError(.malformedToken, Self.noIssuedAt("its claims cannot be read (an encrypted token's iat is inside it)"))
            }
            switch NumericDate.read("iat", in: claims) {
            case .seconds(let seconds, _): return seconds
            case .absent: throw JWTAuditError(.malformedToken, Self.noIssuedAt("the token has no iat claim"))
            case .invalid(let why): throw JWTAuditError(.malformedToken, Self.noIssuedAt(why))
            }
        }
    }

    /// "--at iat cannot judge this token: the token has no iat claim; give --at TIME for it"
    static func noIssuedAt(_ why: String) -> String {
        "--at iat cannot judge this token as of its issue time: \(why); give --at TIME to judge it as of a fixed instant"
    }

    /// What the text reports say about the instant under `--at iat`.
    static func issuedAtText(_ instant: Int64) -> String {
        "its iat, \(NumericDate.formatRFC3339(instant)) (--at iat: an expiry since then is not held against it)"
    }
}
