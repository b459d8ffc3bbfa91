/// "Did you mean 'verify'?": the name a mistyped subcommand or option most likely meant, as git and cargo
/// suggest one. The distance is the optimal string alignment distance (Levenshtein's insertions, deletions and
/// substitutions, plus the transposition of two neighbours, the commonest typo: `explian`); a name is suggested
/// only when it is close for its length (one edit up to five characters, two beyond), or when the typed text is
/// the start of exactly one name (`--aud`).
enum Suggestion {
    /// The one candidate `typed` most likely meant, or nil when none is close or two are equally close.
    static func closest(to typed: String, among candidates: [String]) -> String? {
        let typedCharacters = Array(typed)
        let allowed = typedCharacters.count > 5 ? 2 : 1
        var best: (name: String, distance: Int)?
        var tie = false
        for candidate in candidates where candidate != typed {
            // The distance is at least the difference in length: a long paste is never compared cell by cell.
            guard abs(candidate.count - typedCharacters.count) <= allowed else { continue }
            let distance = Self.distance(typedCharacters, Array(candidate))
            guard distance <= allowed else { continue }
            if let current = best, current.distance == distance {
                tie = true
            } else if best == nil || distance < best!.distance {
                best = (candidate, distance)
                tie = false
            }
        }
        if let best, !tie { return best.name }
        let extending = candidates.filter { $0.count > typed.count && $0.hasPrefix(typed) }
        return typed.count >= 3 && extending.count == 1 ? extending[0] : nil
    }

    /// Optimal string alignment distance between `a` and `b`.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rows: two back for the transposition.
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
