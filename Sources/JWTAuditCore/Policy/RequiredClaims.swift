/// `required-claims` matching. Microsoft: claims are "expected to be present on the token for it to be
/// considered valid. When multiple claims are present, the token must match claim values according to the
/// value of the `match` attribute"; `all`: "every claim value in the policy must be present in the token",
/// `any`: "at least one claim value must be present in the token"; `separator` is "used for extracting a set of
/// values from a multi-valued claim".
public enum RequiredClaims {
    public enum Failure: Sendable, Equatable {
        case missing
        /// The token's value(s) as printed in "Claim {name} value of {value} is not allowed."
        case valueNotAllowed(tokenValue: String)
    }

    public struct Outcome: Sendable, Equatable {
        /// One `claim:<name>` check per requirement, in policy order.
        public var checks: [CheckResult]
        /// Names of absent claims, in policy order (for "JWT is missing the following claims: a, b").
        public var missing: [String]
        /// The first claim whose values do not satisfy `match`, with the value printed in "Claim {name} value of
        /// {value} is not allowed.": for `all`, the first required value the token lacks (what is missing); for
        /// `any`, the token's value(s), none of which is allowed [inferred: which value APIM prints is not
        /// documented].
        public var firstValueNotAllowed: (name: String, value: String, match: ClaimMatch)?

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.checks == rhs.checks && lhs.missing == rhs.missing
                && lhs.firstValueNotAllowed?.name == rhs.firstValueNotAllowed?.name
                && lhs.firstValueNotAllowed?.value == rhs.firstValueNotAllowed?.value
                && lhs.firstValueNotAllowed?.match == rhs.firstValueNotAllowed?.match
        }
    }

    /// The values APIM sees for a claim: a JSON array gives its elements (APIM exposes claims as
    /// `IReadOnlyDictionary<string, string[]>`); strings as they are; numbers as their text and booleans as
    /// `true`/`false` [inferred from the policy toolkit, not the gateway]. Each value is split on `separator`.
    /// nil when the claim is absent (or null).
    public static func tokenValues(_ value: JSONValue?, separator: String?) -> [String]? {
        guard let value, !value.isNull else { return nil }
        func text(_ v: JSONValue) -> String {
            switch v {
            case .string(let s): return s
            case .number(let n): return n.text
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .array, .object: return JSONWriter.write(v, style: .compact)
            }
        }
        let raw: [String] = value.arrayValue.map { $0.map(text) } ?? [text(value)]
        guard let separator, !separator.isEmpty else { return raw }
        return raw.flatMap { split($0, on: separator) }
    }

    static func split(_ text: String, on separator: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix(separator) {
                parts.append(current)
                current = ""
                rest = rest.dropFirst(separator.count)
            } else {
                current.append(rest.removeFirst())
            }
        }
        parts.append(current)
        return parts.map(\.trimmingXMLSpace).filter { !$0.isEmpty }
    }

    public static func evaluate(_ requirements: [ResolvedTokenValidation.Claim], claims: JSONObject) -> Outcome {
        var outcome = Outcome(checks: [], missing: [], firstValueNotAllowed: nil)
        for requirement in requirements {
            func check(_ status: CheckResult.Status, _ values: [String]?, _ result: RequiredClaimEvidence.Outcome) {
                outcome.checks.append(CheckResult(
                    .claim, status, .requiredClaim(RequiredClaimEvidence(requirement: requirement, values: values, outcome: result)),
                    claim: requirement.name))
            }
            guard let values = tokenValues(claims[requirement.name], separator: requirement.separator) else {
                outcome.missing.append(requirement.name)
                check(.fail, nil, .missing)
                continue
            }
            if requirement.values.isEmpty {
                check(.pass, values, .present)
                continue
            }
            let satisfied = requirement.match == .all
                ? requirement.values.allSatisfy(values.contains)
                : requirement.values.contains(where: values.contains)
            if satisfied {
                check(.pass, values, .satisfied)
            } else {
                let printed = values.joined(separator: ", ")
                let lacking = requirement.values.first { !values.contains($0) } ?? printed
                if outcome.firstValueNotAllowed == nil {
                    outcome.firstValueNotAllowed = (
                        requirement.name, requirement.match == .all ? lacking : printed, requirement.match)
                }
                let looksMultiValued = values.count == 1 && requirement.separator == nil
                    && requirement.values.contains(where: { printed.contains($0) })
                check(.fail, values, .notSatisfied(looksMultiValued: looksMultiValued))
            }
        }
        return outcome
    }
}
