/// The verifier's answer: every check with its status, in a fixed order, plus the facts a reader needs.
public struct VerificationReport: Sendable {
    public let checks: [CheckResult]
    /// The parsed token, when it could be parsed.
    public let token: CompactToken?
    /// Why the text is not a token at all (the `format` check failed before anything else could run).
    public let parseError: JWTAuditError?
    /// How the client authenticated, when the payload is a claims set.
    public let credential: CredentialVerdict?
    /// The key whose signature verified, or nil.
    public let key: VerificationKey?
    /// For a JWE: what decrypting it gave (the `decryption` check reports it; `token` is then what it carried).
    public let decryption: DecryptionOutcome?

    /// Valid means: nothing failed, and the signature was actually verified. A report in which every check was
    /// skipped is not "valid" (peers exit 0 when nothing was verified; this tool does not).
    ///
    /// Read by index rather than by iterating copies: copying a check out of the array retains and releases the
    /// references its evidence holds (a batch asks this of every token).
    public var isValid: Bool { Self.isValid(checks) }

    /// `isValid` of a report with these checks (a batch judges its per-worker checks without making a report).
    public static func isValid(_ checks: [CheckResult]) -> Bool {
        var signatureVerified = false
        for index in checks.indices {
            switch checks[index].status {
            case .fail: return false
            case .pass where checks[index].id == .signature: signatureVerified = true
            default: break
            }
        }
        return signatureVerified
    }

    public var failedChecks: [CheckResult] { checks.filter { $0.status == .fail } }

    /// The first check with this id (for `claim`, the first `claim:<name>` check).
    public subscript(id: CheckID) -> CheckResult? { checks.first { $0.id == id } }

    public init(
        checks: [CheckResult], token: CompactToken?, parseError: JWTAuditError?, credential: CredentialVerdict?,
        key: VerificationKey?, decryption: DecryptionOutcome? = nil
    ) {
        self.checks = checks
        self.token = token
        self.parseError = parseError
        self.credential = credential
        self.key = key
        self.decryption = decryption
    }
}

