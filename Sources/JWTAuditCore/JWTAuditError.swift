/// The one error type of the core. `code` is for programs to switch on (the CLI maps it to an exit status);
/// `reason` is for people: it names what was wrong and where.
public struct JWTAuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The input holds no token, or the token's structure is wrong (segments, base64url, header JSON).
        case malformedToken
        /// A JSON document could not be parsed (syntax, UTF-8, duplicate handling is a finding, not an error).
        case malformedJSON
        /// A size, depth or count limit was exceeded. Limits are part of the security model (RFC 8725 §3.x).
        case limitExceeded
        /// A key, key set, PEM or certificate could not be read or was refused on import.
        case malformedKey
        /// A key was read but its parameters are unsafe (short RSA modulus, bad exponent, ROCA, off-curve EC…).
        case unsafeKey
        /// A policy file is not well-formed XML, or is not a policy jwtaudit can read.
        case malformedPolicy
        /// A policy expression or named value has no value the tool can use.
        case unevaluable
        /// Keys or metadata could not be obtained (network, TLS, offline cache miss): "could not decide".
        case unavailable
        /// An OpenSSL call failed for a reason that is not the input's fault.
        case cryptoFailure
        /// Anything else that is the caller's mistake (a bad time string, an unreadable file).
        case invalidArgument
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
