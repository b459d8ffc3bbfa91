extension Verifier {
    /// `format`: the compact structure parsed (base64url and header JSON were checked by `CompactToken.parse`);
    /// what remains are the things a parse cannot refuse but a verifier must.
    func formatCheck(_ token: CompactToken) -> CheckResult {
        if token.kind == .jwe {
            return CheckResult(
                id: CheckID.format, status: .fail, expected: "a JWS (3 segments)", actual: "a JWE (5 segments)",
                detail: "the token is encrypted (JWE); jwtaudit verifies signed tokens only and cannot decrypt it")
        }
        let duplicates = token.header.duplicateKeys
        if !duplicates.isEmpty {
            // RFC 7515 §4: "The Header Parameter names within the JOSE Header MUST be unique; JWS parsers MUST
            // either reject JWSs with duplicate Header Parameter names or use a JSON parser that returns only
            // the lexically last duplicate member name". Two readers can disagree about which `alg` counts.
            return CheckResult(
                id: CheckID.format, status: .fail, expected: "unique header parameter names",
                actual: "duplicate " + duplicates.map { "\"\($0)\"" }.joined(separator: ", "),
                detail: "the header repeats a parameter name, so different libraries may read different values")
        }
        return CheckResult(id: CheckID.format, status: .pass, detail: "compact JWS with a JSON header")
    }

    /// `claims`: RFC 7519 §7.2 step 10: the payload must be a JSON object (a claims set), with unique names.
    func claimsCheck(_ token: CompactToken) -> CheckResult {
        guard let claims = token.claims else {
            return CheckResult(
                id: CheckID.claims, status: .fail, expected: "a JSON object of claims",
                actual: token.kind == .jwe ? "encrypted" : "not a claims set",
                detail: token.claimsProblem ?? "the payload is not a claims set")
        }
        let duplicates = claims.duplicateKeys
        if !duplicates.isEmpty {
            return CheckResult(
                id: CheckID.claims, status: .fail, expected: "unique claim names",
                actual: "duplicate " + duplicates.map { "\"\($0)\"" }.joined(separator: ", "),
                detail: "the payload repeats a claim; RFC 7519 §4: \"The Claim Names within a JWT Claims Set MUST be unique\"")
        }
        let count = claims.count
        return CheckResult(id: CheckID.claims, status: .pass, detail: "\(count) claims")
    }
}
