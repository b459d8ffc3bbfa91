extension Verifier {
    /// `format`: the compact structure parsed (base64url and header JSON were checked by `CompactToken.parse`);
    /// what remains are the things a parse cannot refuse but a verifier must.
    func formatCheck(_ token: CompactToken) -> CheckResult {
        if token.isDecrypted {
            // RFC 7519 §11.2: "it is RECOMMENDED that the sender sign the message and then encrypt the result".
            return CheckResult(
                id: CheckID.format, status: .fail, expected: "a signed JWT (JWS) inside the JWE", actual: "an unsigned plaintext",
                detail: "the decrypted plaintext is not a signed JWT, so nothing proves who wrote it: whoever can encrypt to the recipient could have (\(token.claimsProblem ?? "a claims set, unsigned"))")
        }
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

extension Verifier {
    /// `decryption` (JWE only): whether the envelope opened, with which key, and why not.
    func decryptionCheck(_ outcome: DecryptionOutcome) -> CheckResult {
        let algorithms = "\(outcome.algorithm ?? "(no alg)") + \(outcome.encryption ?? "(no enc)")"
        switch outcome.status {
        case .decrypted:
            let key = outcome.keyUsed?.summary ?? "a key"
            if outcome.usesRSA1_5 {
                return CheckResult(
                    id: CheckID.decryption, status: .warn, expected: "RSA-OAEP, RSA-OAEP-256 or ECDH-ES key management",
                    actual: algorithms,
                    detail: "decrypted with \(key), but RSA1_5 is deprecated: its padding oracle (Bleichenbacher) has broken real systems (RFC 8725 §3.2)")
            }
            return CheckResult(id: CheckID.decryption, status: .pass, actual: algorithms, detail: "decrypted with \(key)")
        case .failed, .noKey:
            return CheckResult(
                id: CheckID.decryption, status: .fail, expected: "a JWE that decrypts and authenticates with the keys given",
                actual: outcome.status == .noKey ? "no usable key" : algorithms, detail: outcome.reason ?? "not decrypted")
        }
    }
}
