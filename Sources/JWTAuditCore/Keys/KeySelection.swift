/// The `key` check's facts: which keys to try for a token, and why; or why none.
///
/// RFC 7515 §4.1.4: "The "kid" (key ID) Header Parameter is a hint indicating which key was used to secure the
/// JWS." In a key set, the kid is matched exactly and a kid that no key has selects nothing: falling back to
/// another key (as some libraries do) hides a rotated or forged key behind a "valid" verdict.
public struct KeySelection: Sendable {
    public let candidates: [VerificationKey]
    /// Why these keys (or none): written only when read, because a batch reads only `candidates`.
    public var explanation: String { explain() }
    private let explain: @Sendable () -> String

    init(candidates: [VerificationKey], explanation: @autoclosure @escaping @Sendable () -> String) {
        self.candidates = candidates
        self.explain = explanation
    }

    public static func select(from set: KeySet, kid: String?, algorithm: JWSAlgorithm) -> KeySelection {
        @Sendable func cannot(_ key: VerificationKey) -> String {
            let can = key.compatibleAlgorithms.map(\.rawValue).sorted().joined(separator: ", ")
            return "\(key.summary) cannot verify \(algorithm.rawValue) (it can verify: \(can))"
        }
        if set.isLoneKey, let key = set.keys.first {
            guard key.compatibleAlgorithms.contains(algorithm) else {
                return KeySelection(candidates: [], explanation: cannot(key))
            }
            return KeySelection(
                candidates: [key],
                explanation: "the single key given: \(key.summary)"
                    + (kid.map { "; the token's kid \"\($0)\" is not needed to choose it" } ?? ""))
        }
        if let kid {
            let matching = set.keys.filter { $0.kid == kid }
            if matching.isEmpty {
                if let refused = set.refused.first(where: { $0.kid == kid }) {
                    return KeySelection(
                        candidates: [], explanation: "the key with kid \"\(kid)\" in \(set.source) was refused: \(refused.error.reason)")
                }
                let known = set.keys.compactMap(\.kid).map { "\"\($0)\"" }.joined(separator: ", ")
                let source = set.source
                return KeySelection(
                    candidates: [],
                    explanation: "no key in \(source) has kid \"\(kid)\" (it has \(known.isEmpty ? "no kids" : known)); a key set is matched by kid only, with no fallback to another key")
            }
            let usable = matching.filter { $0.compatibleAlgorithms.contains(algorithm) }
            if usable.isEmpty { return KeySelection(candidates: [], explanation: cannot(matching[0])) }
            return KeySelection(candidates: usable, explanation: "kid \"\(kid)\" matches \(usable[0].summary)")
        }
        let usable = set.keys.filter { $0.compatibleAlgorithms.contains(algorithm) }
        if usable.isEmpty {
            return KeySelection(
                candidates: [], explanation: "the token has no kid, and no key in \(set.source) can verify \(algorithm.rawValue)")
        }
        return KeySelection(
            candidates: usable,
            explanation: "the token has no kid: trying the \(usable.count) key(s) in \(set.source) that can verify \(algorithm.rawValue)")
    }
}
