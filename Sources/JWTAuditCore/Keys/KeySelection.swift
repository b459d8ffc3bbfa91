/// The `key` check's facts: which keys to try for a token, and why; or why none.
///
/// RFC 7515 §4.1.4: "The "kid" (key ID) Header Parameter is a hint indicating which key was used to secure the
/// JWS." In a key set, the kid is matched exactly and a kid that no key has selects nothing: falling back to
/// another key (as some libraries do) hides a rotated or forged key behind a "valid" verdict.
///
/// A selection is a rule over the set (`admits`), not a list: a batch selects for every token and tries one or
/// two keys, so no array is made unless someone asks for `candidates`.
public struct KeySelection: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The set's only key, whatever the kid.
        case loneKey
        /// The keys with the token's kid that can verify the algorithm.
        case kidMatched
        /// The token has no kid: every key that can verify the algorithm.
        case untargeted
        /// The key the kid (or the lone key) names cannot verify the algorithm.
        case cannotVerify
        /// No key has the kid.
        case kidUnknown
        /// The key with the kid was refused when the set was loaded (`refusal` says why). No payload: a
        /// selection is copied into the key check's evidence and on to the signature check for every token, and an
        /// outcome holding an error made each copy a switch over its cases.
        case kidRefused
        /// No kid, and no key can verify the algorithm.
        case noneCompatible
    }

    public let keys: KeySet
    public let kid: String?
    public let algorithm: JWSAlgorithm
    public let outcome: Outcome

    /// Whether `key` is one to try.
    public func admits(_ key: VerificationKey) -> Bool {
        Self.admits(key, outcome: outcome, kid: kid, algorithm: algorithm, in: keys)
    }

    /// The same, of the selection these describe, without making it: the signature check is handed the key
    /// check's outcome only (a selection holds the key set and the kid, and a copy of it cost a retain and a
    /// release of each, per token; the key set is shared by a batch's workers).
    static func admits(
        _ key: VerificationKey, outcome: Outcome, kid: String?, algorithm: JWSAlgorithm, in keys: KeySet
    ) -> Bool {
        switch outcome {
        case .loneKey: return key === keys.keys.first
        case .kidMatched: return key.kid == kid && key.canVerify(algorithm)
        case .untargeted: return key.canVerify(algorithm)
        case .cannotVerify, .kidUnknown, .kidRefused, .noneCompatible: return false
        }
    }

    /// The keys to try, in the set's order.
    /// Why the key with the kid was refused when the set was loaded (`kidRefused`).
    public var refusal: JWTAuditError? {
        guard outcome == .kidRefused else { return nil }
        return keys.refused.first { $0.kid == kid }?.error
    }

    public var candidates: [VerificationKey] { keys.keys.filter(admits) }

    /// The first key to try, if any.
    public var first: VerificationKey? { keys.keys.first(where: admits) }

    /// The key the kid (or the set's only key) names, when it cannot verify the algorithm.
    public var incapableKey: VerificationKey? {
        guard outcome == .cannotVerify else { return nil }
        return keys.isLoneKey ? keys.keys.first : keys.keys.first { $0.kid == kid }
    }

    /// Why these keys (or none), in a sentence.
    public var explanation: String { CheckText.explanation(of: self) }

    public static func select(from set: KeySet, kid: String?, algorithm: JWSAlgorithm) -> KeySelection {
        func selection(_ outcome: Outcome) -> KeySelection {
            KeySelection(keys: set, kid: kid, algorithm: algorithm, outcome: outcome)
        }
        if set.isLoneKey, let key = set.keys.first {
            return selection(key.canVerify(algorithm) ? .loneKey : .cannotVerify)
        }
        if let kid {
            var named = false
            for key in set.keys where key.kid == kid {
                if key.canVerify(algorithm) { return selection(.kidMatched) }
                named = true
            }
            if named { return selection(.cannotVerify) }
            if set.refused.contains(where: { $0.kid == kid }) { return selection(.kidRefused) }
            return selection(.kidUnknown)
        }
        let any = set.keys.contains { $0.canVerify(algorithm) }
        return selection(any ? .untargeted : .noneCompatible)
    }
}
