/// Every check the verifier or the policy evaluator runs produces one of these: a value, never an early exit,
/// so that a report lists *all* the reasons a token fails and `explain` can narrate them without recomputing.
///
/// `id` and `status` are stored; `expected`, `actual` and `detail` are written each time they are read, by
/// closures the check hands over. A batch verifies thousands of tokens and reads only each check's id and
/// status: formatting dates, durations and lists for text nobody reads, and freeing it again, cost about an
/// eighth of the time per RS256 token. The closures are kept as they are, not cached behind a lock: a cache
/// (an object, a mutex, a state enum per check) cost more to make and free than a report reader ever saved,
/// since people read a check's text once or twice.
public struct CheckResult: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case pass, fail, warn, skip
    }

    /// Stable id from DESIGN.md: `format`, `claims`, `algorithm`, `key`, `signature`, `expiry`, `not-before`,
    /// `issued-at`, `issuer`, `audience`, `tenant`, `client`, `credential`, `claim:<name>`.
    public let id: String
    public let status: Status
    private let text: TextSource

    public var expected: String? { text.expected }
    public var actual: String? { text.actual }
    /// One sentence for people: why it passed, failed or was skipped.
    public var detail: String { text.detail }

    /// A check's three texts together, for the form of `init` that writes them in one closure.
    public struct Text: Sendable, Equatable {
        public var expected: String?
        public var actual: String?
        public var detail: String

        public init(expected: String? = nil, actual: String? = nil, detail: String) {
            self.expected = expected
            self.actual = actual
            self.detail = detail
        }
    }

    /// Three closures, or one that writes all three texts: each closure that captures values is an allocation,
    /// and the checks every token runs (lifetime, algorithm, key, issuer, tenant) pass through the second form,
    /// one allocation instead of three.
    private enum TextSource: Sendable {
        case parts(expected: @Sendable () -> String?, actual: @Sendable () -> String?, detail: @Sendable () -> String)
        case whole(@Sendable () -> Text)

        var expected: String? {
            switch self {
            case .parts(let expected, _, _): return expected()
            case .whole(let text): return text().expected
            }
        }

        var actual: String? {
            switch self {
            case .parts(_, let actual, _): return actual()
            case .whole(let text): return text().actual
            }
        }

        var detail: String {
            switch self {
            case .parts(_, _, let detail): return detail()
            case .whole(let text): return text().detail
            }
        }
    }

    /// The three texts are closures so that a caller writes them as plain expressions and pays only if they
    /// are read. They must be pure: they may run on any thread, any number of times.
    public init(
        id: String, status: Status,
        expected: @autoclosure @escaping @Sendable () -> String? = nil,
        actual: @autoclosure @escaping @Sendable () -> String? = nil,
        detail: @autoclosure @escaping @Sendable () -> String
    ) {
        self.id = id
        self.status = status
        self.text = .parts(expected: expected, actual: actual, detail: detail)
    }

    /// The same, with the three texts written by one closure (one capture context instead of three). Pure too.
    public init(id: String, status: Status, text: @escaping @Sendable () -> Text) {
        self.id = id
        self.status = status
        self.text = .whole(text)
    }

    /// Equal when everything a reader can see is equal: the rendered texts, not the closures that make them.
    public static func == (lhs: CheckResult, rhs: CheckResult) -> Bool {
        lhs.id == rhs.id && lhs.status == rhs.status && lhs.expected == rhs.expected && lhs.actual == rhs.actual
            && lhs.detail == rhs.detail
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
