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
    /// Any change through this property drops the parser's key index (lookups then compare Strings as before).
    public var members: [(key: String, value: JSONValue)] { didSet { keyIndex = [] } }

    /// Built by `JSONParser` while it reads the members (it sees every name anyway): one `fingerprint` per member,
    /// in member order, then one word of `IndexFlags`. Empty when the object was built or changed any other way.
    /// A verifier looks up some 25 claims per token in a set of ~20; comparing Strings for each was a fifth of
    /// the per-token parsing cost, and finding duplicates pairwise after the fact another eighth.
    private var keyIndex: [UInt64]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
        self.keyIndex = []
    }

    init(members: [(key: String, value: JSONValue)], keyIndex: [UInt64]) {
        self.members = members
        self.keyIndex = keyIndex
    }

    public subscript(key: String) -> JSONValue? {
        if keyIndex.count == members.count + 1, let wanted = Self.queryFingerprint(key) {
            return keyIndex.withUnsafeBufferPointer { prints -> JSONValue? in
                var index = members.count
                while index > 0 {
                    index -= 1
                    let print = prints[index]
                    if print == wanted {
                        if Self.fingerprintIsExact(print) || members[index].key == key { return members[index].value }
                    } else if print == 0 && members[index].key == key {
                        return members[index].value
                    }
                }
                return nil
            }
        }
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Names that occur more than once, in order of their second occurrence.
    public var duplicateKeys: [String] {
        // The parser already compared every name: when it found no duplicate, there is nothing to list.
        if keyIndex.count == members.count + 1, keyIndex[members.count] == IndexFlags.noDuplicates { return [] }
        // Claims sets and headers are small: comparing pairs is cheaper than hashing every key with a seeded
        // hasher.
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

    // MARK: Key index

    /// The last word of a key index.
    enum IndexFlags {
        /// Every pair of names was compared and none are equal.
        static let noDuplicates: UInt64 = 0
        /// Two names are equal.
        static let duplicates: UInt64 = 1
        /// Too many members to compare every pair while parsing: `duplicateKeys` finds out itself.
        static let unchecked: UInt64 = 2
    }

    /// A name's fingerprint for lookups: for an all-ASCII name, bit 63 set, its length (at most 127) in bits
    /// 56-62 and its first seven bytes in bits 0-55, so two ASCII names with different fingerprints differ, and
    /// names of at most seven bytes are equal exactly when their fingerprints are. 0 for a name with any
    /// non-ASCII byte: Swift compares Strings by canonical equivalence, under which a non-ASCII name can equal an
    /// ASCII one (U+212A KELVIN SIGN is "K"), so such a name is always compared as a String.
    static func fingerprint(ascii bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var print: UInt64 = 1 << 63 | UInt64(min(count, 127)) << 56
        var index = 0
        let prefix = min(count, 7)
        while index < prefix {
            print |= UInt64(bytes[index]) << UInt64(index &* 8)
            index += 1
        }
        return print
    }

    static func fingerprint(of key: String) -> UInt64 { queryFingerprint(key) ?? 0 }

    /// The fingerprint of an all-ASCII name, nil for any other (which is then looked up by String comparison).
    @inline(__always)
    static func queryFingerprint(_ key: String) -> UInt64? {
        let print = key.utf8.withContiguousStorageIfAvailable { bytes -> UInt64? in
            guard let base = bytes.baseAddress else { return fingerprint(ascii: UnsafePointer(bitPattern: 1)!, count: 0) }
            for byte in bytes where byte >= 0x80 { return nil }
            return fingerprint(ascii: base, count: bytes.count)
        }
        return print ?? nil
    }

    static func fingerprintIsExact(_ print: UInt64) -> Bool { print >> 56 & 0x7F <= 7 }

    /// Beyond this many members, comparing every pair of names while parsing costs more than hashing them:
    /// the parser leaves it to `duplicateKeys` (`IndexFlags.unchecked`).
    static let pairwiseLimit = 32

    /// True when `members` (whose fingerprints are `prints`) has a member named `key`, compared as Strings are.
    static func contains(
        _ key: String, fingerprint print: UInt64, in members: [(key: String, value: JSONValue)], _ prints: [UInt64]
    ) -> Bool {
        if print == 0 { return members.contains { $0.key == key } }
        let exact = fingerprintIsExact(print)
        return prints.withUnsafeBufferPointer { earlier -> Bool in
            for index in 0..<min(earlier.count, members.count) {
                let other = earlier[index]
                if other == print || other == 0 {
                    if (other == print && exact) || members[index].key == key { return true }
                }
            }
            return false
        }
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
