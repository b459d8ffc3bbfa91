/// What the algorithm and key checks read from a protected header, read once per header rather than once per check
/// and token: the tokens of one batch share their header (`CompactToken.parse(_:limits:reusingHeaderOf:)` hands
/// the previous token's header on when the segment is byte for byte the same), and a shared header brings its
/// facts along. Each is a function of the header alone, so sharing cannot change a result.
///
/// A class of constants: handing the facts to the next token, and to the checks that read them, is one reference,
/// where the struct's copies retained and released each of its values (some 300 instructions a token, issue 22).
final class HeaderFacts: Sendable {
    /// `alg` as found, and what it names when it is a string.
    let alg: JSONValue?
    let algorithm: ParsedAlgorithm?
    /// RFC 7515 §4.1.11 `crit` and RFC 7797 `b64`, as found.
    let crit: JSONValue?
    let b64: JSONValue?
    let kid: String?
    /// The header parameters that carry or point at keys (RFC 8725 §3.10), which the key check ignores and names.
    let keyParameters: TokenKeyParameters

    init(_ header: JSONObject) {
        alg = header["alg"]
        algorithm = alg?.stringValue.map(JWSAlgorithm.parse)
        crit = header["crit"]
        b64 = header["b64"]
        kid = header["kid"]?.stringValue
        keyParameters = TokenKeyParameters(in: header)
    }
}
