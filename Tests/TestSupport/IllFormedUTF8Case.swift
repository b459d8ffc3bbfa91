/// A template source with one sequence that only looks like UTF-8 (an overlong form, a UTF-16 surrogate, a code
/// point past U+10FFFF) between text, and where the readers must say it is: the cases of the core's reader tests
/// and of the binary's check-policy tests.
public struct IllFormedUTF8Case: Sendable, CustomStringConvertible {
    public let name: String
    public let before: String
    public let sequence: [UInt8]
    public let after: String
    /// "line L, column C" of the sequence's first byte.
    public let position: String

    public init(name: String, before: String, sequence: [UInt8], after: String, position: String) {
        self.name = name
        self.before = before
        self.sequence = sequence
        self.after = after
        self.position = position
    }

    /// The source's bytes.
    public var bytes: [UInt8] { Array(before.utf8) + sequence + Array(after.utf8) }
    /// The first byte of the sequence in hex digits, as the message names it ("E0").
    public var lead: String { String(sequence[0], radix: 16, uppercase: true) }
    public var description: String { name }
}
