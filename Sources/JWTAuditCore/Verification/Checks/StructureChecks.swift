extension Verifier {
    /// `format`: the compact structure parsed (base64url and header JSON were checked by `CompactToken.parse`);
    /// what remains are the things a parse cannot refuse but a verifier must.
    @inline(__always)
    func formatCheck(_ token: CompactToken) -> CheckResult {
        // RFC 7519 §11.2: "it is RECOMMENDED that the sender sign the message and then encrypt the result".
        if token.isDecrypted { return CheckResult(.format, .fail, .format(.unsignedPlaintext(problem: token.claimsProblem))) }
        if token.kind == .jwe { return CheckResult(.format, .fail, .format(.encrypted)) }
        // RFC 7515 §4: "The Header Parameter names within the JOSE Header MUST be unique; JWS parsers MUST
        // either reject JWSs with duplicate Header Parameter names or use a JSON parser that returns only the
        // lexically last duplicate member name". Two readers can disagree about which `alg` counts.
        let duplicates = token.header.duplicateKeys
        if !duplicates.isEmpty { return CheckResult(.format, .fail, .format(.duplicateHeaderNames(duplicates))) }
        return CheckResult(.format, .pass, .format(.compactJWS))
    }

    /// `claims`: RFC 7519 §7.2 step 10: the payload must be a JSON object (a claims set), with unique names.
    @inline(__always)
    func claimsCheck(_ token: CompactToken) -> CheckResult {
        guard let claims = token.claims else {
            return CheckResult(
                .claims, .fail, .claimsSet(.notAClaimsSet(encrypted: token.kind == .jwe, problem: token.claimsProblem)))
        }
        let duplicates = claims.duplicateKeys
        if !duplicates.isEmpty { return CheckResult(.claims, .fail, .claimsSet(.duplicateNames(duplicates))) }
        return CheckResult(.claims, .pass, .claimsSet(.claims(count: claims.count)))
    }

    /// `decryption` (JWE only): whether the envelope opened, with which key, and why not. RSA1_5 opens, and warns.
    func decryptionCheck(_ outcome: DecryptionOutcome) -> CheckResult {
        let status: CheckResult.Status
        switch outcome.status {
        case .decrypted: status = outcome.usesRSA1_5 ? .warn : .pass
        case .failed, .noKey: status = .fail
        }
        return CheckResult(.decryption, status, .decryption(outcome))
    }
}
