import JWTAuditCore

/// Who sent a token, as `--summary` groups a batch: the tenant (`tid`), the client (`appid`, or `azp` in v2.0),
/// the token version and how the client authenticated. A line that held no token is its own group
/// (`malformed`), so that it is counted, never dropped.
struct BatchCaller: Hashable, Sendable {
    var tenant: String?
    var client: String?
    var tokenVersion: String?
    var credential: String
    /// Lines that held no token at all.
    var malformed = false

    static let notAToken = BatchCaller(tenant: nil, client: nil, tokenVersion: nil, credential: CredentialKind.unknown.rawValue, malformed: true)
    /// Where callers go once `BatchTally.maxGroups` are held: memory stays flat whatever the input.
    static let others = BatchCaller(tenant: nil, client: "(other callers)", tokenVersion: nil, credential: CredentialKind.unknown.rawValue)

    /// Read from a token's claims (nil claims: a token whose claims cannot be read, such as a JWE without its key).
    init(claims: JSONObject?) {
        let verdict = claims.map { CredentialVerdict.classify(claims: $0) }
        tenant = claims?["tid"]?.stringValue
        client = claims.flatMap { ClientEvidence.client(in: $0, version: verdict?.tokenVersion ?? .v1).value }
        tokenVersion = verdict?.versionText
        credential = (verdict?.kind ?? .unknown).rawValue
    }

    init(tenant: String?, client: String?, tokenVersion: String?, credential: String, malformed: Bool = false) {
        self.tenant = tenant
        self.client = client
        self.tokenVersion = tokenVersion
        self.credential = credential
        self.malformed = malformed
    }

    /// `"tenant", "client", "tokenVersion", "credential"` into a batch line.
    func write(into line: inout JSONLineWriter) {
        line.raw(",\"tenant\":")
        line.string(tenant)
        line.raw(",\"client\":")
        line.string(client)
        line.raw(",\"tokenVersion\":")
        line.string(tokenVersion)
        line.raw(",\"credential\":")
        line.string(credential)
    }
}

/// The `--summary` of a batch: one row per caller (`BatchCaller`) with the tokens seen, how many the policy
/// admitted and refused, and the refusals by reason. Built on the writer's thread in input order
/// (`BatchRunner`), so it needs no lock; its size is bounded by `maxGroups`, not by the input.
struct BatchTally: Sendable {
    /// What one line adds: who sent it; whether it was admitted (nil: no policy, as in `decode --batch`); the
    /// reason it was refused (the LastError reason, or why it could not be judged).
    struct Entry: Sendable {
        var caller: BatchCaller
        var admitted: Bool?
        var reason: String?
    }

    struct Row: Sendable {
        var caller: BatchCaller
        var tokens = 0
        var admitted = 0
        var refused = 0
        var reasons: [String: Int] = [:]

        mutating func add(_ entry: Entry) {
            tokens += 1
            if entry.admitted == true { admitted += 1 } else if entry.admitted == false { refused += 1 }
            if let reason = entry.reason { reasons[reason, default: 0] += 1 }
        }

        /// The most frequent reason (ties: the name first in order), with its count.
        var mainReason: (reason: String, count: Int)? {
            reasons.min { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        }

        /// The reasons, most frequent first.
        var sortedReasons: [(key: String, value: Int)] {
            reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        }
    }

    /// More distinct callers than this are counted together as `BatchCaller.others`.
    static let maxGroups = 10_000

    private(set) var rows: [BatchCaller: Row] = [:]
    private(set) var totals = Row(caller: BatchCaller(tenant: nil, client: nil, tokenVersion: nil, credential: ""))
    private(set) var malformed = 0

    mutating func add(_ entry: Entry) {
        var caller = entry.caller
        if rows[caller] == nil && rows.count >= Self.maxGroups { caller = .others }
        rows[caller, default: Row(caller: caller)].add(entry)
        totals.add(entry)
        if caller.malformed { malformed += 1 }
    }

    /// The rows, the callers that would break first: most refusals, then most tokens; then by tenant, client,
    /// version and credential, so that the order never depends on hashing. Lines that held no token come last.
    var sortedRows: [Row] {
        rows.values.sorted { a, b in
            if a.caller.malformed != b.caller.malformed { return !a.caller.malformed }
            if a.refused != b.refused { return a.refused > b.refused }
            if a.tokens != b.tokens { return a.tokens > b.tokens }
            let left = [a.caller.tenant ?? "", a.caller.client ?? "", a.caller.tokenVersion ?? "", a.caller.credential]
            let right = [b.caller.tenant ?? "", b.caller.client ?? "", b.caller.tokenVersion ?? "", b.caller.credential]
            return left.lexicographicallyPrecedes(right)
        }
    }
}
