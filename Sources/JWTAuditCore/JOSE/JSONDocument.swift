import CWordLock
import Glibc

/// A JSON object validated in full but read lazily: where each top-level member's name and value are in the
/// document's bytes, and a value becomes a `JSONValue` only when someone asks for it.
///
/// A claims set is read by name a dozen times per verification and printed whole only by `decode` and `explain`.
/// Parsing it into Strings and arrays up front cost a batch more than the checks themselves: about 30 Swift
/// allocations' worth of Strings, members and key index per token, each made, reference-counted and freed again
/// (issue 22). Here a token's claims cost one scan (the parser's own grammar, limits and messages), a table of
/// member positions, and the values the checks ask for; `JSONObject` keeps its whole API over it, materialising
/// the members (with the parser, so exactly as before) the first time anyone needs them as a list.
///
/// Values worth keeping (strings over 15 bytes, arrays, objects) are cached, at most `cacheSlots` of them; a
/// document parsed after another from the same source takes the earlier one's cached values where the member and
/// its bytes are the same: tokens of one batch repeat their issuer, tenant and client byte for byte.
///
/// One allocation besides the bytes: the member table lives in the object's own tail (`ManagedBuffer`), and the
/// cache beside it in the header, guarded by a lock.
public final class JSONDocument: ManagedBuffer<JSONDocument.Fields, JSONDocument.Member> {
    /// A document is safe to share between threads (its fields are constant and its cache is read and written
    /// under its lock), but `ManagedBuffer` cannot say so itself: holders keep it in this.
    struct Shared: @unchecked Sendable {
        let document: JSONDocument
    }

    /// Where one top-level member is: its name (plain ASCII, no escape, so its bytes are its text) and its value.
    public struct Member: Sendable {
        var keyStart: Int32
        var keyLength: Int32
        var valueStart: Int32
        var valueEnd: Int32
        /// `JSONObject.fingerprint` of the name.
        var fingerprint: UInt64
        /// The value's first byte: `"`, `{`, `[`, `t`, `f`, `n`, `-` or a digit.
        var first: UInt8
        /// A string of plain ASCII with no escape: its text is the bytes between its quotes.
        var plainString: Bool
        /// The previous document's member of the same index, byte for byte from its name to its value
        /// (`JSONParser.scanObject` took it as it was): its cached value, if any, is this one's.
        var repeated = false
    }

    /// Everything but the member table. All constant once `scan` has returned the document (`complete` sets the
    /// table's fields one by one, before anyone else can see it: assigning a whole new `Fields` copied and destroyed
    /// the bytes and the cache), except `cache`, which is read and written only with `lock` held (that is what makes
    /// the class safe to send).
    public struct Fields {
        /// The document, as decoded.
        let bytes: [UInt8]
        /// Where `bytes` keeps them: the array is held here, constant, for the document's life, so its storage
        /// neither moves nor changes. Reading through `bytes` retained and released the array each time, some 40
        /// instructions a claim read (issue 22).
        let start: UnsafePointer<UInt8>?
        var count: Int
        let limits: JSONParser.Limits
        /// Hash slots over the names (`JSONObject`'s scheme: one byte per slot, 0 or 1 + a member's index, the
        /// last member of a name winning), when every name fits (`JSONObject.hashedLimit`); else lookups scan.
        var slots: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        var hashed: Bool
        /// Two members have one name (known only for hashed documents; `duplicatesUnknown` otherwise).
        var hasDuplicates: Bool
        var duplicatesUnknown: Bool
        /// `CWordLock`'s word: 0 free, 1 held.
        var lock: UInt32 = 0
        var cache = Cache()
    }

    /// Four values by member index (-1: empty), and the whole object once asked for. Separate stored values, not
    /// tuples or arrays: reading one copies one value, and a cache costs no allocation.
    struct Cache {
        var member0: Int32 = -1, member1: Int32 = -1, member2: Int32 = -1, member3: Int32 = -1
        var value0 = JSONValue.null, value1 = JSONValue.null, value2 = JSONValue.null, value3 = JSONValue.null
        var whole: JSONObject?

        func find(_ member: Int32) -> JSONValue? {
            if member0 == member { return value0 }
            if member1 == member { return value1 }
            if member2 == member { return value2 }
            if member3 == member { return value3 }
            return nil
        }

        mutating func insert(_ member: Int32, _ value: JSONValue) {
            if member0 < 0 {
                member0 = member
                value0 = value
            } else if member1 < 0 {
                member1 = member
                value1 = value
            } else if member2 < 0 {
                member2 = member
                value2 = value
            } else if member3 < 0 {
                member3 = member
                value3 = value
            }
        }

        /// Each cached value, in slot order.
        func forEach(_ body: (Int32, JSONValue) -> Void) {
            if member0 >= 0 { body(member0, value0) }
            if member1 >= 0 { body(member1, value1) }
            if member2 >= 0 { body(member2, value2) }
            if member3 >= 0 { body(member3, value3) }
        }
    }

    /// Runs `body` on the cache with the lock held.
    private func withCache<R>(_ body: (inout Cache) -> R) -> R {
        let fields = self.fields
        // The lock's address, straight from the header's (a `static let` offset was a `swift_once` per read).
        let lock = withUnsafeMutablePointer(to: &fields.pointee.lock) { $0 }
        jwtaudit_word_lock(lock)
        defer { jwtaudit_word_unlock(lock) }
        return body(&fields.pointee.cache)
    }

    /// The fields, read in place: `header` would copy all of them (and check exclusive access) on every read.
    private var fields: UnsafeMutablePointer<Fields> { withUnsafeMutablePointerToHeader { $0 } }

    var bytes: [UInt8] { fields.pointee.bytes }
    var limits: JSONParser.Limits { fields.pointee.limits }
    var hasDuplicates: Bool { fields.pointee.hasDuplicates }
    var duplicatesUnknown: Bool { fields.pointee.duplicatesUnknown }

    /// The object in `bytes`, or nil when `bytes` is not an object of plain names (the caller then parses it in
    /// full). Throws what `JSONParser.parse` throws for invalid JSON, with its message, except where the scan hands
    /// over before it reaches the error (a document that does not open with '{', a name with an escape or a
    /// non-ASCII byte, a depth limit of 0): the full parse after that nil reports it.
    static func scan(_ bytes: [UInt8], limits: JSONParser.Limits, previous: JSONDocument? = nil) throws(JSONParser.ParseError)
        -> JSONDocument?
    {
        // A claims set has a member per 25-60 bytes: a table of one slot per 20 bytes (at least 16) holds it in the
        // document's own allocation, and the scan writes straight into it. Every member takes at least five bytes
        // (`"":0,`), so a second scan with that many slots always fits, for the rare document that needs it.
        //
        // After a previous document, its member count and a few more: the tokens of a batch have about as many
        // claims each, and the one-per-20-bytes table made the document's allocation larger than malloc's
        // per-thread cache takes (1,032 bytes), which cost some 500 instructions a token to allocate and free.
        let most = bytes.count / 5 + 2
        var capacity = min(most, max(16, previous.map { $0.count + 4 } ?? bytes.count / 20))
        while true {
            switch try scan(bytes, limits: limits, previous: previous, capacity: capacity) {
            case .members(let document): return document
            case .otherShape: return nil
            case .tableFull:
                guard capacity < most else { return nil }
                capacity = most
            }
        }
    }

    private enum Scanned {
        case members(JSONDocument)
        case otherShape
        case tableFull
    }

    private static func scan(_ bytes: [UInt8], limits: JSONParser.Limits, previous: JSONDocument?, capacity: Int)
        throws(JSONParser.ParseError) -> Scanned
    {
        let scanned: Result<Scanned, JSONParser.ParseError> = bytes.withUnsafeBufferPointer { buffer in
            let document = unsafeDowncast(
                JSONDocument.create(minimumCapacity: capacity) { _ in
                    Fields(bytes: bytes, start: buffer.baseAddress, count: 0, limits: limits, slots: (0, 0, 0, 0, 0, 0, 0, 0), hashed: false,
                        hasDuplicates: false, duplicatesUnknown: true)
                }, to: JSONDocument.self)
            do throws(JSONParser.ParseError) {
                // The previous document's members are compared rather than scanned again where they repeat
                // (`scanObject`); only a document read under the same limits may lend them.
                let earlier = previous.flatMap { $0.limits == limits ? $0 : nil }
                let found = try document.withUnsafeMutablePointerToElements { (table) throws(JSONParser.ParseError) in
                    let into = UnsafeMutableBufferPointer(start: table, count: capacity)
                    guard let earlier else { return try JSONParser.scanObject(buffer, limits: limits, into: into) }
                    return try earlier.bytes.withUnsafeBufferPointer { (earlierBytes) throws(JSONParser.ParseError) in
                        try JSONParser.scanObject(
                            buffer, limits: limits, into: into, previous: (earlierBytes, earlier.members))
                    }
                }
                switch found {
                case .members(let count, let namesAsBefore):
                    document.complete(count: count, buffer, previous, namesAsBefore: namesAsBefore ? earlier : nil)
                    return .success(.members(document))
                case .otherShape: return .success(.otherShape)
                case .tableFull: return .success(.tableFull)
                }
            } catch {
                return .failure(error)
            }
        }
        switch scanned {
        case .success(let result): return result
        case .failure:
            // The full parser has the last word on what is wrong (it is the same grammar; this keeps it so).
            _ = try JSONParser.parse(bytes: bytes, limits: limits)
            return .otherShape
        }
    }

    /// Fills in what the scan found: the count, the hash slots and whether names repeat, and the values `previous`
    /// lends (its cached ones whose member and bytes are the same here).
    /// `sameNames`, when given, has exactly these names in this order: its name index is this one's.
    private func complete(
        count: Int, _ document: UnsafeBufferPointer<UInt8>, _ previous: JSONDocument?, namesAsBefore sameNames: JSONDocument?
    ) {
        var table: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var duplicates = false
        let hashed = count <= JSONObject.hashedLimit
        let members = UnsafeBufferPointer(start: withUnsafeMutablePointerToElements { $0 }, count: count)
        if let sameNames {
            table = sameNames.fields.pointee.slots
            duplicates = sameNames.fields.pointee.hasDuplicates
        } else if hashed {
            withUnsafeMutableBytes(of: &table) { slots in
                for index in 0..<count {
                    let print = members[index].fingerprint
                    var probe = JSONObject.hash(print)
                    while true {
                        let entry = Int(slots[probe])
                        if entry == 0 { break }
                        if members[entry - 1].fingerprint == print && Self.sameName(members[entry - 1], members[index], document) {
                            duplicates = true
                            break
                        }
                        probe = (probe + 1) & (JSONObject.slotCount - 1)
                    }
                    slots[probe] = UInt8(index + 1)
                }
            }
        }
        let fields = self.fields
        fields.pointee.count = count
        fields.pointee.slots = table
        fields.pointee.hashed = hashed
        fields.pointee.hasDuplicates = duplicates
        fields.pointee.duplicatesUnknown = !hashed
        guard let previous else { return }
        // No other thread can see this document yet: its cache is written without its lock.
        let cache = withUnsafeMutablePointer(to: &fields.pointee.cache) { $0 }
        previous.withCache { earlier in
            earlier.forEach { index, value in
                if Int(index) < count && members[Int(index)].repeated { cache.pointee.insert(index, value) }
            }
        }
    }

    /// The member table, borrowed.
    private func withMembers<R>(_ body: (UnsafeBufferPointer<Member>) -> R) -> R {
        let count = fields.pointee.count
        return withUnsafeMutablePointerToElements { body(UnsafeBufferPointer(start: $0, count: count)) }
    }

    private var members: UnsafeBufferPointer<Member> {
        withUnsafeMutablePointerToElements { UnsafeBufferPointer(start: $0, count: fields.pointee.count) }
    }

    var count: Int { fields.pointee.count }

    /// The index of the last member named `key`, or nil.
    func index(of key: String) -> Int? {
        guard let print = JSONObject.queryFingerprint(key) else {
            // A non-ASCII name can still equal an ASCII one under Swift's canonical equivalence (U+212A KELVIN SIGN
            // is "K"): compare as Strings, as `JSONObject` does.
            return members.indices.last { name(of: $0) == key }
        }
        return index(of: key, print: print)
    }

    /// The same, for a name whose fingerprint is worked out already.
    func index(of name: MemberName) -> Int? {
        guard let print = name.print else { return index(of: name.text) }
        return index(of: name.text, print: print)
    }

    /// `value(at:)` of `index(of: name)`.
    func value(for name: MemberName) -> JSONValue? { index(of: name).map(value(at:)) }

    private func index(of key: String, print: UInt64) -> Int? {
        let exact = JSONObject.fingerprintIsExact(print)
        let fields = self.fields
        let slots = UnsafeRawPointer(withUnsafeMutablePointer(to: &fields.pointee.slots) { $0 })
        return withMembers { table -> Int? in
            if fields.pointee.hashed {
                var probe = JSONObject.hash(print)
                while true {
                    let entry = Int(slots.load(fromByteOffset: probe, as: UInt8.self))
                    if entry == 0 { return nil }
                    if table[entry - 1].fingerprint == print && (exact || named(table[entry - 1], key)) { return entry - 1 }
                    probe = (probe + 1) & (JSONObject.slotCount - 1)
                }
            }
            var index = table.count
            while index > 0 {
                index -= 1
                if table[index].fingerprint == print && (exact || named(table[index], key)) { return index }
            }
            return nil
        }
    }

    /// The value of member `index`, built as the parser builds it. Numbers, literals and short plain strings are
    /// built straight from their bytes (what the parser would make of them: their text); longer strings, escaped
    /// ones, arrays and objects go through the parser and are cached when there is room.
    func value(at index: Int) -> JSONValue {
        let member = members[index]
        let start = Int(member.valueStart)
        let length = Int(member.valueEnd - member.valueStart)
        switch member.first {
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(JSONNumber(text: withBytes { Self.text($0 + start, length) }))
        case UInt8(ascii: "\"") where member.plainString && length <= 17:
            return .string(withBytes { Self.text($0 + start + 1, length - 2) })
        default: break
        }
        if let cached = withCache({ $0.find(Int32(index)) }) { return cached }
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParser.ParseError) in
                try JSONParser.parseMemberValue(buffer, member, limits: limits)
            }
        } catch {
            // Cannot happen (the scan validated these bytes under the same grammar); the whole object says.
            return object.members[index].value
        }
        withCache { $0.insert(Int32(index), value) }
        return value
    }

    /// Calls `body` with the document's first byte, borrowed in place (`bytes` would retain and release the array).
    private func withBytes<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        body(fields.pointee.start!)
    }

    /// A String of ASCII bytes: up to 15 (stored inline, no allocation) built in place.
    private static func text(_ start: UnsafePointer<UInt8>, _ length: Int) -> String {
        if length > 15 { return String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self) }
        return String(unsafeUninitializedCapacity: length) { buffer -> Int in
            guard let target = buffer.baseAddress else { return 0 }
            target.initialize(from: start, count: length)
            return length
        }
    }

    func value(forKey key: String) -> JSONValue? { index(of: key).map(value(at:)) }

    /// The raw JSON text of member `index`'s value, exactly as the token has it.
    func withRawValue<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let member = members[index]
        return withBytes { document in
            body(UnsafeBufferPointer(start: document + Int(member.valueStart), count: Int(member.valueEnd - member.valueStart)))
        }
    }

    func name(of index: Int) -> String { name(of: members[index]) }

    private func name(of member: Member) -> String {
        bytes.withUnsafeBufferPointer { document in
            String(decoding: document[Int(member.keyStart)..<Int(member.keyStart + member.keyLength)], as: UTF8.self)
        }
    }

    /// Every member, parsed in full by the parser (so exactly what it always gave), once.
    var object: JSONObject {
        if let whole = withCache({ $0.whole }) { return whole }
        let whole = (try? JSONParser.parse(bytes: bytes, limits: limits))?.objectValue ?? JSONObject()
        withCache { $0.whole = whole }
        return whole
    }

    // MARK: Comparisons over bytes

    private static func sameName(_ a: Member, _ b: Member, _ document: UnsafeBufferPointer<UInt8>) -> Bool {
        a.keyLength == b.keyLength
            && memcmp(document.baseAddress! + Int(a.keyStart), document.baseAddress! + Int(b.keyStart), Int(a.keyLength)) == 0
    }

    /// True when `member`'s name is `key` (an ASCII key: bytes compare as the text does).
    private func named(_ member: Member, _ key: String) -> Bool {
        let equal = key.utf8.withContiguousStorageIfAvailable { wanted -> Bool in
            guard wanted.count == Int(member.keyLength) else { return false }
            guard let base = wanted.baseAddress, wanted.count > 0 else { return true }
            return withBytes { memcmp($0 + Int(member.keyStart), base, wanted.count) == 0 }
        }
        return equal ?? (name(of: member) == key)
    }
}
