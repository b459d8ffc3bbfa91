/// Every check the verifier or the policy evaluator runs produces one of these: a value, never an early exit,
/// so that a report lists *all* the reasons a token fails and `explain` can narrate them without recomputing.
public struct CheckResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case pass, fail, warn, skip
    }

    /// Stable id from DESIGN.md: `format`, `claims`, `algorithm`, `key`, `signature`, `expiry`, `not-before`,
    /// `issued-at`, `issuer`, `audience`, `tenant`, `client`, `credential`, `claim:<name>`.
    public let id: String
    public let status: Status
    public let expected: String?
    public let actual: String?
    /// One sentence for people: why it passed, failed or was skipped.
    public let detail: String

    public init(id: String, status: Status, expected: String? = nil, actual: String? = nil, detail: String) {
        self.id = id
        self.status = status
        self.expected = expected
        self.actual = actual
        self.detail = detail
    }
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
