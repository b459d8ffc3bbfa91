/// Every check the verifier or the policy evaluator runs produces one of these: a value, never an early exit,
/// so that a report lists *all* the reasons a token fails and `explain` can narrate them without recomputing.
///
/// A result holds the facts the check compared (`evidence`), never text: `CheckText` writes the expected,
/// actual and detail texts from the evidence when a renderer asks, and every consumer (the policy evaluator,
/// `explain`, the renderers) switches on the evidence rather than reading text back. A batch verifies thousands
/// of tokens and reads only `id` and `status`, so a result costs no allocation and no text (swift-certificates'
/// `VerificationDiagnostic` keeps the same split: typed facts, text on demand).
public struct CheckResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case pass, fail, warn, skip
    }

    public let id: CheckID
    public let status: Status
    public let evidence: Evidence
    /// The claim a `claim:<name>` check is about; nil for every other check.
    public let claim: String?

    public init(_ id: CheckID, _ status: Status, _ evidence: Evidence, claim: String? = nil) {
        self.id = id
        self.status = status
        self.evidence = evidence
        self.claim = claim
    }

    /// The contract's id, as scripts match on it: `not-before`, `claim:roles`.
    public var name: String { id == .claim ? "claim:" + (claim ?? "") : id.rawValue }

    /// The three texts people read, written from the evidence.
    public var text: CheckText { CheckText(self) }
    public var expected: String? { text.expected }
    public var actual: String? { text.actual }
    /// One sentence for people: why it passed, failed or was skipped.
    public var detail: String { text.detail }

    /// Equal when everything a reader can see is equal: the id, the status and the texts.
    public static func == (lhs: CheckResult, rhs: CheckResult) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.claim == rhs.claim && lhs.text == rhs.text
    }
}

/// The check ids of DESIGN.md's contract; the raw value is the text scripts match on. `claim` stands for every
/// `claim:<name>` check (the name is `CheckResult.claim`); `token` is check-policy's own step (where the policy
/// reads the token).
public enum CheckID: String, Sendable, CaseIterable {
    case token
    case format, claims, algorithm, key, signature, expiry
    case notBefore = "not-before"
    case issuedAt = "issued-at"
    case issuer, audience, tenant, client, credential, claim
    /// A JWE's decryption, reported first (before the checks of the token it carries); JWE only.
    case decryption

    /// The verifier's fixed checks, in `verify`'s report order (`claim:<name>` checks follow them).
    public static let verifierChecks: [CheckID] = [
        .format, .claims, .algorithm, .key, .signature, .expiry, .notBefore, .issuedAt, .issuer, .audience, .tenant,
        .client, .credential,
    ]
}

/// Something a reviewer should see that is not itself a pass/fail check (decode findings, lint findings).
public struct Finding: Sendable, Equatable {
    public enum Severity: String, Sendable, Equatable, Comparable, CaseIterable {
        case info, warning, error

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .error: return 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let id: String
    public let severity: Severity
    public let message: String

    public init(id: String, severity: Severity, message: String) {
        self.id = id
        self.severity = severity
        self.message = message
    }
}
