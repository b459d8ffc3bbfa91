/// A set of algorithms as one bit each, for the sets a batch tests on every token: the allow-list and each key's
/// capability, some five tests per token. A `Set<JWSAlgorithm>` hashes the raw String to look one up, and walking it
/// instead still cost about 100 instructions a test (issue 22); a mask costs an AND. The `Set`s stay where the
/// algorithms are listed for people.
struct JWSAlgorithmMask: Sendable, Equatable {
    private let bits: UInt16

    init(_ algorithms: some Sequence<JWSAlgorithm>) {
        bits = algorithms.reduce(0) { $0 | $1.maskBit }
    }

    func contains(_ algorithm: JWSAlgorithm) -> Bool { bits & algorithm.maskBit != 0 }
}

extension JWSAlgorithm {
    /// This algorithm's bit in a `JWSAlgorithmMask`.
    fileprivate var maskBit: UInt16 {
        switch self {
        case .HS256: 1 << 0
        case .HS384: 1 << 1
        case .HS512: 1 << 2
        case .RS256: 1 << 3
        case .RS384: 1 << 4
        case .RS512: 1 << 5
        case .PS256: 1 << 6
        case .PS384: 1 << 7
        case .PS512: 1 << 8
        case .ES256: 1 << 9
        case .ES384: 1 << 10
        case .ES512: 1 << 11
        case .EdDSA: 1 << 12
        }
    }
}
