/// A JSON value that keeps what a token author wrote: object members in their order (duplicates included, so
/// they can be reported), and numbers as their exact text (`1.0` stays `1.0`, `1e3` stays `1e3`).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A short name for messages: "a string", "an object"...
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON number kept as the exact text of the document.
public struct JSONNumber: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    public init(text: String) { self.text = text }
    public init(_ value: Int64) { self.text = String(value) }
    public init(_ value: Int) { self.text = String(value) }

    /// The value when the text is an integer (no fraction, no exponent) that fits in 64 bits.
    public var int64Value: Int64? { Int64(text) }

    /// The value as a double, for NumericDate comparisons with fractions (RFC 7519 §2 allows them).
    public var doubleValue: Double? { Double(text) }

    public var description: String { text }
}

/// A JSON object with its members in document order. Lookups return the *last* member of a name, which is
/// what ECMAScript's JSON.parse (and most JWT libraries) do; `duplicateKeys` says when that matters.
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Names that occur more than once, in order of their second occurrence.
    public var duplicateKeys: [String] {
        // Claims sets and headers are small: comparing pairs is cheaper than hashing every key with a seeded
        // hasher, and this runs twice per token in batch verification.
        if members.count <= 32 {
            var duplicates: [String] = []
            for index in members.indices.dropFirst() {
                let key = members[index].key
                if members[..<index].contains(where: { $0.key == key }) && !duplicates.contains(key) {
                    duplicates.append(key)
                }
            }
            return duplicates
        }
        var seen = Set<String>()
        var duplicates: [String] = []
        for member in members {
            if !seen.insert(member.key).inserted && !duplicates.contains(member.key) {
                duplicates.append(member.key)
            }
        }
        return duplicates
    }

    public mutating func append(_ key: String, _ value: JSONValue) { members.append((key, value)) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
