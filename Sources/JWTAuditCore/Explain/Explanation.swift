/// What `explain` says about a token: the verdict, what the token is, the evaluation as numbered steps with
/// cause and fix, and a glossary of its claims. It is built from results computed elsewhere (the shared
/// Verifier's report, the PolicyEvaluator's outcome, decode's inspection): DESIGN.md, "`explain` narrates the
/// same results that `verify` and `check-policy` compute: there is one verifier, not four".
public struct Explanation: Sendable, Equatable {
    /// The answer as the verifier or the gateway gives it, and the exit status that goes with it.
    public struct Verdict: Sendable, Equatable {
        /// `decoded` (token alone, nothing verified), `valid` / `rejected` (verifier), `accepted` / `rejected`
        /// (policy), `undecided` (the keys or metadata could not be obtained), `cannot-evaluate` (an expression or
        /// named value has no value).
        public var status: String
        /// The HTTP status the gateway answers with (policy mode only).
        public var httpStatus: Int?
        /// `context.LastError.Reason` (policy mode), or the id of the first failed check (verify mode).
        public var reason: String?
        /// `context.LastError.Message`, or the first failed check's detail.
        public var message: String?
        /// The response body's message (policy mode, when rejected).
        public var body: String?
        /// DESIGN.md's exit status: 0 decoded/valid/accepted, 1 rejected, 2 undecided (the keys could not be
        /// obtained), 3 bad input (unevaluable).
        public var exitCode: Int32
        /// Policy mode: the gateway's verdict, the very value `check-policy` reports (`explain --json` writes it
        /// as its `"verdict"`).
        public var policy: PolicyVerdict? = nil
        /// What to do to reach a verdict, when there is something (`--offline` with a cached copy).
        public var hint: String? = nil
    }

    /// One labelled fact in the token summary ("issuer", "credential", ...).
    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String
    }

    /// A decode finding with what it means for the reader.
    public struct FindingNote: Sendable, Equatable {
        public var id: String
        public var severity: Finding.Severity
        public var message: String
        public var meaning: String
    }

    /// The token in a paragraph a person reads in ten seconds, then the facts behind it.
    public struct TokenSummary: Sendable, Equatable {
        public var paragraph: String
        public var facts: [Fact]
        public var findings: [FindingNote]
    }

    /// One check, in the order the verifier or gateway runs it: the check as every report shows it (its id,
    /// status, expected, actual and detail: `CheckText`'s words), and explain's prose. Failing steps carry a
    /// cause (`explanation`) and a `fix`; the others a sentence.
    public struct Step: Sendable, Equatable {
        public var check: String
        public var status: CheckResult.Status
        public var expected: String?
        public var actual: String?
        /// One sentence: why it passed, failed or was skipped.
        public var detail: String
        public var explanation: String
        public var fix: String?
    }

    public struct GlossaryEntry: Sendable, Equatable {
        public var claim: String
        /// The value as compact JSON text (strings without quotes).
        public var value: String
        public var meaning: String
    }

    public var verdict: Verdict
    public var token: TokenSummary
    /// Who ran the steps: "jwtaudit verifier", "validate-jwt", "validate-azure-ad-token"; nil with a token alone.
    public var evaluator: String?
    public var steps: [Step]
    public var glossary: [GlossaryEntry]
    /// How certain the evaluation is (the policy evaluator's "inferred" notes).
    public var notes: [String]
}
