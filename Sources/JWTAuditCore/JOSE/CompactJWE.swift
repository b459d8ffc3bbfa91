/// A JWE in compact serialization (RFC 7516 §7.1), its five segments decoded:
///
///     BASE64URL(UTF8(JWE Protected Header)) '.' BASE64URL(JWE Encrypted Key) '.' BASE64URL(JWE Initialization
///     Vector) '.' BASE64URL(JWE Ciphertext) '.' BASE64URL(JWE Authentication Tag)
///
/// Made from a `CompactToken` whose kind is `.jwe`, and only then: `CompactToken.parse` checks every segment's
/// base64url and keeps the protected header, but does no more for a JWE, so a signed token never pays for this.
public struct CompactJWE: Sendable {
    /// The token as parsed: text, protected header (members in order), and the findings `decode` reads.
    public let token: CompactToken
    /// RFC 7516 §5.2 step 14: "Let the Additional Authenticated Data encryption parameter be
    /// ASCII(Encoded Protected Header)": the first segment's bytes exactly as received.
    let additionalData: [UInt8]
    let encryptedKey: [UInt8]
    let iv: [UInt8]
    let ciphertext: [UInt8]
    let tag: [UInt8]

    public var header: JSONObject { token.header }

    /// Splits `token` (which `CompactToken.parse` already checked) into its decoded segments. Throws
    /// `.malformedToken` when `token` is a JWS.
    public init(_ token: CompactToken) throws(JWTAuditError) {
        guard token.kind == .jwe else {
            throw JWTAuditError(.malformedToken, "a signed token (JWS, 3 segments) is not a JWE: there is nothing to decrypt")
        }
        let segments = token.text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 5 else {
            throw JWTAuditError(.malformedToken, "a compact JWE has 5 segments; this one has \(segments.count)")
        }
        var decoded: [[UInt8]] = []
        let names = ["encrypted key", "initialization vector", "ciphertext", "authentication tag"]
        for index in 1..<5 {
            do {
                decoded.append(try Base64URL.decode(bytes: Array(segments[index])))
            } catch {
                throw JWTAuditError(.malformedToken, "\(names[index - 1]) segment (segment \(index + 1)): \(error)")
            }
        }
        self.token = token
        additionalData = Array(segments[0])
        encryptedKey = decoded[0]
        iv = decoded[1]
        ciphertext = decoded[2]
        tag = decoded[3]
    }

    /// Parses compact text (`CompactToken.parse`, with its limits) and requires a JWE.
    public static func parse(_ text: String, limits: CompactToken.Limits = .default) throws(JWTAuditError) -> CompactJWE {
        try CompactJWE(try CompactToken.parse(text, limits: limits))
    }
}
