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
    /// Read by index rather than by iterating copies: a check holds three text closures, and copying one out of
    /// the array retains and releases each of them (a batch asks this of every token).
    public var isValid: Bool {
        var signatureVerified = false
        for index in checks.indices {
            switch checks[index].status {
            case .fail: return false
            case .pass where checks[index].id == CheckID.signature: signatureVerified = true
            default: break
            }
        }
        return signatureVerified
    }

    public var failedChecks: [CheckResult] { checks.filter { $0.status == .fail } }

    public subscript(id: String) -> CheckResult? { checks.first { $0.id == id } }

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

/// The check ids of DESIGN.md's contract. Scripts match on these strings.
public enum CheckID {
    public static let format = "format"
    public static let claims = "claims"
    public static let algorithm = "algorithm"
    public static let key = "key"
    public static let signature = "signature"
    public static let expiry = "expiry"
    public static let notBefore = "not-before"
    public static let issuedAt = "issued-at"
    public static let issuer = "issuer"
    public static let audience = "audience"
    public static let tenant = "tenant"
    public static let client = "client"
    public static let credential = "credential"
    public static func claim(_ name: String) -> String { "claim:\(name)" }
    /// A JWE's decryption, reported first (before the checks of the token it carries); JWE only.
    public static let decryption = "decryption"

    /// Every fixed id, in report order (`claim:<name>` ids follow them).
    public static let all = [
        format, claims, algorithm, key, signature, expiry, notBefore, issuedAt, issuer, audience, tenant, client,
        credential,
    ]
}
