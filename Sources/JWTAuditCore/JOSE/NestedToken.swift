extension CompactToken {
    /// The token a decrypted JWE carries, to be judged like any token.
    ///
    /// RFC 7519 §7.2 step 8: "If the JOSE Header contains a "cty" (content type) value of "JWT", then the Message
    /// is a JWT that was the subject of nested signing or encryption operations." A nested JWS is returned as
    /// itself; so is a plaintext that parses as a compact JWS without `cty` (producers omit it, and APIM reads
    /// such tokens too). Otherwise the result is this JWE with its plaintext as the payload (`isDecrypted`), whose
    /// `claims` are the plaintext's when it is a JSON object: an encrypted but unsigned JWT. A JWE inside the JWE
    /// is not opened further. Nil when `outcome` did not decrypt this token.
    public func opened(with outcome: DecryptionOutcome, limits: Limits = .default) -> CompactToken? {
        guard kind == .jwe, outcome.status == .decrypted, let plaintext = outcome.plaintext else { return nil }
        if let text = String(validating: plaintext, as: UTF8.self), text.utf8.first != UInt8(ascii: "{"),
            let nested = try? CompactToken.parse(text, limits: limits)
        {
            if nested.kind == .jws { return nested }
            return decrypted(
                plaintext, claims: nil,
                problem: "the plaintext is itself a JWE (encrypted twice); jwtaudit opens one layer, so its claims cannot be read")
        }
        if plaintext.isEmpty { return decrypted(plaintext, claims: nil, problem: "the plaintext is empty") }
        do {
            guard let object = try JSONParser.parse(bytes: plaintext, limits: limits.json).objectValue else {
                return decrypted(plaintext, claims: nil, problem: "the plaintext is JSON but not a JSON object")
            }
            return decrypted(plaintext, claims: object, problem: nil)
        } catch {
            return decrypted(plaintext, claims: nil, problem: "the plaintext is neither a signed JWT nor JSON (\(error))")
        }
    }

    /// Whether the header's `cty` says the plaintext is a nested JWT (RFC 7519 §5.2: "JWT"; RFC 7515 §4.1.10: the
    /// "application/" prefix may be omitted, and media types compare case-insensitively).
    public var declaresNestedJWT: Bool {
        guard let cty = header["cty"]?.stringValue?.lowercased() else { return false }
        return cty == "jwt" || cty == "application/jwt"
    }

    private func decrypted(_ plaintext: [UInt8], claims: JSONObject?, problem: String?) -> CompactToken {
        CompactToken(
            kind: .jwe, text: storage, header: header, headerBytes: headerBytes, payloadBytes: plaintext, signature: [],
            signingInputLength: 0, claims: claims, claimsProblem: problem, isDecrypted: true,
            headerSegmentLength: headerSegmentLength, headerLimits: headerLimits)
    }
}
