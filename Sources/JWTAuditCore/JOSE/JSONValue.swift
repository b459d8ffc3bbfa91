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
    ///
    /// Plain digits of at most 18 (which cannot overflow) are summed straight from the UTF-8 (`plainInteger`);
    /// anything else is left to `Int64(_:)`, which defines the result.
    public var int64Value: Int64? {
        if let fast = text.utf8.withContiguousStorageIfAvailable(Self.plainInteger), let value = fast { return value }
        return Int64(text)
    }

    /// The value of a JSON number written as an optional `-` and 1 to 18 digits (which cannot overflow), summed
    /// straight from its bytes; nil for anything else (then `Int64(_:)` defines the result). Time claims are read
    /// through here from the token's own bytes (`NumericDate`), and every other integer from a number's text.
    static func plainInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        let digits = bytes.count - index
        guard digits > 0 && digits <= 18 else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// The value as a double, for NumericDate comparisons with fractions (RFC 7519 §2 allows them).
    public var doubleValue: Double? { Double(text) }

    public var description: String { text }
}

/// A member name the program knows when it is written (the claims the verifier reads on every token), with its
/// `JSONObject` fingerprint worked out once. A verification looks up eleven claims per token, and working out
/// each name's fingerprint again was about a third of a lookup (issue 22).
struct MemberName: Sendable {
    let text: String
    /// `JSONObject.queryFingerprint(text)`; nil for a name that is not ASCII (then looked up as a String).
    let print: UInt64?

    init(_ text: String) {
        self.text = text
        print = JSONObject.queryFingerprint(text)
    }

    /// A name with its fingerprint written out, so that a `static let` of it is a constant the compiler lays out
    /// in the binary: one worked out at first use is reached through `swift_once` on every read (some 20
    /// instructions, eleven times a token). `MemberNameTests` holds each written fingerprint to the computed one.
    init(_ text: String, print: UInt64) {
        self.text = text
        self.print = print
    }
}

/// A JSON object with its members in document order. Lookups return the *last* member of a name, which is
/// what ECMAScript's JSON.parse (and most JWT libraries) do; `duplicateKeys` says when that matters.
public struct JSONObject: Sendable, Equatable {
    /// One reference, whatever the object holds: objects are copied into evidence, verdicts and reports, and a copy
    /// of three references (members, key index, document) cost three retains and releases each time (issue 22).
    private var storage: Storage

    private enum Storage: Sendable {
        case list(MemberList)
        /// The validated document this object reads its members from, lazily (a token's claims set).
        case document(JSONDocument.Shared)
    }

    /// Members held as a list, with the parser's key index. Shared between copies and changed in place only
    /// when not shared (copy on write), so it is safe to send.
    final class MemberList: @unchecked Sendable {
        var members: [(key: String, value: JSONValue)]
        /// Built by `JSONParser` (see `makeKeyIndex`): one `fingerprint` per member, in member order; then, when
        /// `IndexFlags.hashed`, `slotWords` words of one-byte hash slots; then one word of `IndexFlags`. Empty when
        /// the object was built or changed any other way. A verifier looks up some 30 claims per token in a set of
        /// ~20; comparing Strings for each was a fifth of the per-token parsing cost, and finding duplicates
        /// pairwise after the fact another eighth.
        var keyIndex: [UInt64]

        init(_ members: [(key: String, value: JSONValue)], _ keyIndex: [UInt64]) {
            self.members = members
            self.keyIndex = keyIndex
        }
    }

    private static let emptyList = MemberList([], [])

    /// The members in document order. For an object read lazily (`document`), the first read parses them all
    /// (once per document); any change makes the object an ordinary list of members.
    public var members: [(key: String, value: JSONValue)] {
        get {
            switch storage {
            case .list(let list): return list.members
            case .document(let shared): return shared.document.object.members
            }
        }
        set { storage = .list(MemberList(newValue, [])) }
    }

    /// The validated document this object reads its members from, lazily; nil for an object held as a list.
    public var document: JSONDocument? {
        if case .document(let shared) = storage { return shared.document }
        return nil
    }

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        storage = .list(members.isEmpty ? Self.emptyList : MemberList(members, []))
    }

    init(members: [(key: String, value: JSONValue)], keyIndex: [UInt64]) {
        storage = .list(MemberList(members, keyIndex))
    }

    /// The object a document holds, read lazily.
    init(document: JSONDocument) {
        storage = .document(JSONDocument.Shared(document: document))
    }

    /// The value of a name known in advance (`MemberName`): for a document, found without working out the
    /// name's fingerprint again.
    subscript(name name: MemberName) -> JSONValue? {
        if case .document(let shared) = storage { return shared.document.value(for: name) }
        return self[name.text]
    }

    public subscript(key: String) -> JSONValue? {
        let list: MemberList
        switch storage {
        case .document(let shared): return shared.document.value(forKey: key)
        case .list(let held): list = held
        }
        let members = list.members
        let keyIndex = list.keyIndex
        let count = members.count
        if let flags = keyIndex.last, let wanted = Self.queryFingerprint(key) {
            if flags & IndexFlags.hashed != 0 && keyIndex.count == count + Self.slotWords + 1 {
                return keyIndex.withUnsafeBufferPointer { index -> JSONValue? in
                    guard let found = Self.slot(of: wanted, key, index, members) else { return nil }
                    return members[found].value
                }
            }
            if keyIndex.count == count + 1 {
                return keyIndex.withUnsafeBufferPointer { prints -> JSONValue? in
                    let exact = Self.fingerprintIsExact(wanted)
                    var index = count
                    while index > 0 {
                        index -= 1
                        let print = prints[index]
                        if print == wanted || print == 0 {
                            if (print == wanted && exact) || members[index].key == key { return members[index].value }
                        }
                    }
                    return nil
                }
            }
        }
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    /// True when a member is named `key`, without building its value.
    public func contains(_ key: String) -> Bool {
        if let document { return document.index(of: key) != nil }
        return self[key] != nil
    }

    public var keys: [String] {
        switch storage {
        case .document(let shared): return (0..<shared.document.count).map(shared.document.name(of:))
        case .list(let list): return list.members.map(\.key)
        }
    }
    public var count: Int {
        switch storage {
        case .document(let shared): return shared.document.count
        case .list(let list): return list.members.count
        }
    }
    public var isEmpty: Bool { count == 0 }

    /// Names that occur more than once, in order of their second occurrence.
    public var duplicateKeys: [String] {
        // The parser already compared every name: when it found no duplicate, there is nothing to list.
        if let document, !document.hasDuplicates && !document.duplicatesUnknown { return [] }
        if case .list(let list) = storage, let flags = list.keyIndex.last,
            flags & (IndexFlags.duplicates | IndexFlags.unchecked) == 0
        {
            return []
        }
        let members = self.members
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

    public mutating func append(_ key: String, _ value: JSONValue) {
        switch storage {
        case .document(let shared):
            storage = .list(MemberList(shared.document.object.members + [(key, value)], []))
        case .list(var list):
            // Drop this object's own reference first, so that a list nobody else holds is changed in place.
            storage = .list(Self.emptyList)
            if list === Self.emptyList || !isKnownUniquelyReferenced(&list) { list = MemberList(list.members, []) }
            list.members.append((key, value))
            list.keyIndex = []
            storage = .list(list)
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        if let left = lhs.document, let right = rhs.document, left === right { return true }
        let lhs = lhs.members
        let rhs = rhs.members
        return lhs.count == rhs.count
            && zip(lhs, rhs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    // MARK: Key index

    /// The last word of a key index.
    enum IndexFlags {
        /// Two names are equal.
        static let duplicates: UInt64 = 1
        /// Too many members to compare every pair while parsing: `duplicateKeys` finds out itself.
        static let unchecked: UInt64 = 2
        /// The index has hash slots (every name is ASCII and there are at most `hashedLimit` members).
        static let hashed: UInt64 = 4
    }

    /// Hash slots: 64 bytes, each 0 (empty) or 1 + the index of a member. At most `hashedLimit` members, so the
    /// table is at most half full and a probe sequence is short.
    static let slotWords = 8
    static let slotCount = 64
    static let hashedLimit = 32

    /// A name's fingerprint: for an all-ASCII name, bit 63 set, its length (at most 127) in bits 56-62 and its
    /// first seven bytes in bits 0-55, so two ASCII names with different fingerprints differ, and names of at most
    /// seven bytes are equal exactly when their fingerprints are. 0 for a name with any non-ASCII byte: Swift
    /// compares Strings by canonical equivalence, under which a non-ASCII name can equal an ASCII one (U+212A
    /// KELVIN SIGN is "K"), so such a name is always compared as a String.
    @inline(__always)
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
            let count = bytes.count
            var print: UInt64 = 1 << 63 | UInt64(min(count, 127)) << 56
            var high: UInt8 = 0
            var index = 0
            while index < count {
                let byte = bytes[index]
                high |= byte
                if index < 7 { print |= UInt64(byte) << UInt64(index &* 8) }
                index += 1
            }
            return high < 0x80 ? print : nil
        }
        return print ?? nil
    }

    @inline(__always)
    static func fingerprintIsExact(_ print: UInt64) -> Bool { print >> 56 & 0x7F <= 7 }

    @inline(__always)
    static func hash(_ print: UInt64) -> Int { Int(truncatingIfNeeded: (print &* 0x9E37_79B9_7F4A_7C15) >> 58) }

    /// The member index a hashed key index gives for `key` (fingerprint `print`): the last member of that name.
    @inline(__always)
    static func slot(
        of print: UInt64, _ key: String, _ index: UnsafeBufferPointer<UInt64>,
        _ members: [(key: String, value: JSONValue)]
    ) -> Int? {
        let slots = UnsafeRawPointer(index.baseAddress! + members.count)
        let exact = fingerprintIsExact(print)
        var probe = hash(print)
        while true {
            let entry = Int(slots.load(fromByteOffset: probe, as: UInt8.self))
            if entry == 0 { return nil }
            let member = entry - 1
            if index[member] == print && (exact || members[member].key == key) { return member }
            probe = (probe + 1) & (slotCount - 1)
        }
    }

    /// Completes a key index: `prints` holds one fingerprint per member of `members`; this appends the hash slots
    /// (when every name is ASCII and there are few enough) and the flags, noting duplicates on the way (a later
    /// member of a name takes over its slot, so lookups find the last one).
    static func makeKeyIndex(_ prints: inout [UInt64], _ members: [(key: String, value: JSONValue)]) {
        let count = members.count
        var flags: UInt64 = 0
        if count <= hashedLimit && !prints.contains(0) {
            flags |= IndexFlags.hashed
            for _ in 0..<slotWords { prints.append(0) }
            prints.withUnsafeMutableBufferPointer { index in
                let slots = UnsafeMutableRawPointer(index.baseAddress! + count)
                for member in 0..<count {
                    let print = index[member]
                    let exact = fingerprintIsExact(print)
                    var probe = hash(print)
                    while true {
                        let entry = Int(slots.load(fromByteOffset: probe, as: UInt8.self))
                        if entry == 0 { break }
                        if index[entry - 1] == print && (exact || members[entry - 1].key == members[member].key) {
                            flags |= IndexFlags.duplicates
                            break
                        }
                        probe = (probe + 1) & (slotCount - 1)
                    }
                    slots.storeBytes(of: UInt8(member + 1), toByteOffset: probe, as: UInt8.self)
                }
            }
        } else if count <= hashedLimit {
            // A non-ASCII name: compare pairs as Strings wherever a fingerprint cannot tell them apart.
            outer: for member in 1..<max(count, 1) {
                let print = prints[member]
                for earlier in 0..<member {
                    let other = prints[earlier]
                    if other == print || other == 0 || print == 0 {
                        if (other == print && print != 0 && fingerprintIsExact(print))
                            || members[earlier].key == members[member].key
                        {
                            flags |= IndexFlags.duplicates
                            break outer
                        }
                    }
                }
            }
        } else {
            flags |= IndexFlags.unchecked
        }
        prints.append(flags)
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
