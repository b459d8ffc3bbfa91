public import JWTAuditCore

/// The exit statuses of DESIGN.md's contract, for every subcommand.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The token is rejected, or lint found problems.
    case rejected = 1
    /// Could not decide: keys or metadata could not be obtained.
    case undecided = 2
    /// Bad input: not a token, unreadable file, malformed JWKS/PEM/policy.
    case badInput = 3
    /// EX_USAGE from sysexits(3).
    case usage = 64

    /// Core errors: "could not decide" for what could not be obtained, "bad input" for everything else.
    public init(_ error: JWTAuditError.Code) {
        self = error == .unavailable ? .undecided : .badInput
    }

    static let documented: [(Int32, String)] = [
        (0, "Decoded; valid; the policy accepts; lint found nothing at or above the --fail-on level."),
        (1, "The token is rejected (a check failed, the policy rejects it, or a JWE does not decrypt and authenticate), or lint found problems."),
        (2, "Could not decide: keys or metadata could not be obtained (network, TLS, offline cache miss)."),
        (3, "Bad input: not a token, an unreadable file, a malformed JWKS, PEM or policy, an unevaluable expression."),
        (64, "Usage error: an unknown option or subcommand (the closest one is suggested), a missing value, an option given where a value was expected, conflicting options, or no subcommand at all (the subcommands are then listed on standard error)."),
    ]
}
