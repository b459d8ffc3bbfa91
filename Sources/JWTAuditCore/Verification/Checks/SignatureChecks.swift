extension Verifier {
    /// The algorithms allowed when the caller gave no `--alg`: what the keys can do, and HS* only when the keys
    /// are a secret the user named as one (`KeySet.Provenance.secret`), never because of what the keys say about
    /// themselves: an all-`oct` JWK set from a file or a provider is not a secret. An RSA key set never admits
    /// HS256, which closes the "public key as HMAC secret" confusion (CVE-2015-9235 and its many siblings).
    static func defaultAllowedAlgorithms(_ keys: KeySet?) -> Set<JWSAlgorithm> {
        guard let keys else { return [] }
        var allowed = Set<JWSAlgorithm>()
        for key in keys.keys { allowed.formUnion(key.compatibleAlgorithms) }
        let secret = keys.provenance == .secret
        return allowed.filter { $0.isSymmetric == secret }
    }

    /// `algorithm`: never taken from the token alone. RFC 8725 §3.1: "Libraries MUST enable the caller to
    /// specify a supported set of algorithms and MUST NOT use any other algorithms when performing
    /// cryptographic operations." Returns the algorithm the key and signature checks go on with: nil when the
    /// header names none that jwtaudit knows.
    @inline(__always)
    func algorithmCheck(_ token: CompactToken) -> (CheckResult, JWSAlgorithm?) {
        if token.isDecrypted { return (CheckResult(.algorithm, .skip, .notRun(.plaintextNotSigned)), nil) }
        func result(_ finding: AlgorithmEvidence.Finding, _ status: CheckResult.Status = .fail) -> CheckResult {
            CheckResult(.algorithm, status, .algorithm(AlgorithmEvidence(allowList: allowList, finding: finding)))
        }
        let facts = token.headerFacts
        guard let raw = facts.alg else { return (result(.absent), nil) }
        guard let parsed = facts.algorithm else { return (result(.notAString(raw)), nil) }
        let algorithm: JWSAlgorithm
        switch parsed {
        case .unsecured(let spelling): return (result(.unsecured(spelling)), nil)
        case .unknown(let spelling): return (result(.unknown(spelling)), nil)
        case .known(let known): algorithm = known
        }
        // RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not understood and supported
        // by the recipient, then the JWS is invalid." jwtaudit understands no extensions.
        if let crit = facts.crit { return (result(.criticalExtensions(crit)), algorithm) }
        // RFC 7797: with "b64": false the signing input is the raw payload, a different message from the one
        // every other reader sees. Not supported, so refused rather than misverified.
        if let b64 = facts.b64, b64 != .bool(true) { return (result(.unencodedPayload), algorithm) }
        // Without the keys, an allow-list drawn from them is unknown: only the caller's own list can be judged.
        if keysUnavailable && !allowList.givenByCaller {
            return (CheckResult(.algorithm, .skip, .notRun(.keysUnavailable)), algorithm)
        }
        guard allowList.mask.contains(algorithm) else { return (result(.notAllowed(algorithm)), algorithm) }
        if let keys, !keys.keys.contains(where: { $0.canVerify(algorithm) }) {
            return (result(.noCompatibleKey(algorithm)), algorithm)
        }
        return (result(.allowed(algorithm), .pass), algorithm)
    }

    /// `key`: which key verifies, chosen by `kid`, never by anything else the token says. Returns the outcome of
    /// the selection the signature check tries (of `keys`, by the token's `kid` and `algorithm`), when it has a
    /// candidate the token's issuer may use.
    func keyCheck(_ token: CompactToken, algorithm: JWSAlgorithm?) -> (CheckResult, KeySelection.Outcome?) {
        let kid = token.keyID
        let ignored = token.headerFacts.keyParameters
        func result(_ status: CheckResult.Status, _ finding: KeyEvidence.Finding) -> CheckResult {
            CheckResult(.key, status, .key(KeyEvidence(kid: kid, ignored: ignored, finding: finding)))
        }
        guard let keys else {
            if keysUnavailable { return (CheckResult(.key, .skip, .notRun(.keysUnavailable)), nil) }
            return (result(.fail, .noKeySource), nil)
        }
        guard let algorithm else {
            // A refused key the token names is worth saying even so: it is often why the algorithm was refused.
            let refused = kid.flatMap { kid in keys.refused.first { $0.kid == kid } }
            return (result(.skip, .algorithmRefused(refusedKey: refused?.error, unsignedPlaintext: token.isDecrypted)), nil)
        }
        let selection = KeySelection.select(from: keys, kid: kid, algorithm: algorithm)
        // Entra's v2 JWKS gives keys an `issuer`: "Keys that have a templated issuer value ... should only be
        // used when the iss claim in the token matches this value after substituting the tid claim". One pass
        // finds the first candidate and whether any candidate may be used.
        var first: VerificationKey?
        var usable = false
        for key in keys.keys where selection.admits(key) {
            if first == nil { first = key }
            if Self.issuerMayUse(key, token) {
                usable = true
                break
            }
        }
        guard let first else { return (result(.fail, .selected(selection)), nil) }
        if !usable {
            return (result(.fail, .publishedForAnotherIssuer(first, tokenIssuer: token.claims?["iss"]?.stringValue ?? "")), nil)
        }
        return (result(.pass, .selected(selection)), selection.outcome)
    }

    static func issuerMayUse(_ key: VerificationKey, _ token: CompactToken) -> Bool {
        guard key.issuer != nil else { return true }
        return IssuerTemplate.keyAllows(
            keyIssuer: key.issuer, tokenIssuer: token.claims?["iss"]?.stringValue ?? "",
            tokenTenantID: token.claims?["tid"]?.stringValue)
    }

    /// `signature`: over the exact signing-input bytes received (RFC 7515 §5.2 step 8), with each candidate key:
    /// those of the key check's selection (`selected`: its outcome, over `keys` by the token's `kid` and the
    /// algorithm).
    func signatureCheck(_ token: CompactToken, algorithm: JWSAlgorithm?, selected outcome: KeySelection.Outcome?)
        -> (CheckResult, VerificationKey?)
    {
        guard token.kind == .jws else {
            return (CheckResult(.signature, .skip, .notRun(token.isDecrypted ? .plaintextNotSigned : .encrypted)), nil)
        }
        guard let algorithm else { return (CheckResult(.signature, .skip, .notRun(.algorithmRefused)), nil) }
        guard let outcome, let keys else {
            return (CheckResult(.signature, .skip, .notRun(keysUnavailable ? .keysUnavailable : .noKey)), nil)
        }
        let kid = token.keyID
        var failures: [SignatureFailure] = []
        for key in keys.keys
        where KeySelection.admits(key, outcome: outcome, kid: kid, algorithm: algorithm, in: keys)
            && Self.issuerMayUse(key, token)
        {
            let verdict = token.withSigningInput { message in
                token.signatureBytes.withBytes { verifySignature(algorithm: algorithm, key: key, message: message, signature: $0) }
            }
            switch verdict {
            case .valid:
                return (CheckResult(.signature, .pass, .signature(.verified(algorithm, key))), key)
            case .invalid(let reason):
                failures.append(SignatureFailure(key: key, reason: reason))
            }
        }
        let graphNonce = token.header["nonce"] != nil
        return (CheckResult(.signature, .fail, .signature(.invalid(algorithm, failures: failures, graphNonce: graphNonce))), nil)
    }
}
