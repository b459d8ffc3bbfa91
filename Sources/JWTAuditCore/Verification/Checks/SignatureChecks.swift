extension Verifier {
    /// Header parameters that carry or point at keys. RFC 8725 §3.10/§3.2: a verifier must not let the token
    /// choose its own key; jwtaudit never reads them, and says so where it matters.
    static let tokenKeyParameters = ["jwk", "jku", "x5u", "x5c"]

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

    func allowedAlgorithms() -> Set<JWSAlgorithm> { allowed }

    static func describe(_ algorithms: Set<JWSAlgorithm>) -> String {
        algorithms.isEmpty ? "(none)" : algorithms.map(\.rawValue).sorted().joined(separator: ", ")
    }

    /// `algorithm`: never taken from the token alone. RFC 8725 §3.1: "Libraries MUST enable the caller to
    /// specify a supported set of algorithms and MUST NOT use any other algorithms when performing
    /// cryptographic operations."
    func algorithmCheck(_ token: CompactToken) -> (CheckResult, JWSAlgorithm?) {
        if token.isDecrypted {
            return (CheckResult(id: CheckID.algorithm, status: .skip, detail: "not run: the decrypted plaintext is not signed"), nil)
        }
        let allowed = self.allowed
        let expected = allowedDescription
        guard let raw = token.header["alg"] else {
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: expected, actual: "(absent)",
                    detail: "the header has no \"alg\"; RFC 7515 §4.1.1: this Header Parameter MUST be present"),
                nil
            )
        }
        guard let name = raw.stringValue else {
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: expected, actual: raw.kindDescription,
                    detail: "\"alg\" must be a string"),
                nil
            )
        }
        let algorithm: JWSAlgorithm
        switch JWSAlgorithm.parse(name) {
        case .unsecured(let spelling):
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: expected, actual: spelling,
                    detail: "\"\(spelling)\" means an unsigned token; jwtaudit never accepts it in any spelling (RFC 8725 §3.1)"),
                nil
            )
        case .unknown(let spelling):
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: expected, actual: spelling,
                    detail: "\"\(spelling)\" is not a JWS signature algorithm jwtaudit verifies (names are case-sensitive)"),
                nil
            )
        case .known(let known):
            algorithm = known
        }

        // RFC 7515 §4.1.11: "If any of the listed extension Header Parameters are not understood and supported
        // by the recipient, then the JWS is invalid." jwtaudit understands no extensions.
        if let crit = token.header["crit"] {
            let names = crit.arrayValue?.compactMap(\.stringValue) ?? []
            let shown = names.isEmpty ? crit.kindDescription : names.joined(separator: ", ")
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: "no critical extensions", actual: "crit: \(shown)",
                    detail: "the token marks header extensions as critical that jwtaudit does not understand (RFC 7515 §4.1.11: the JWS is invalid)"),
                algorithm
            )
        }
        // RFC 7797: with "b64": false the signing input is the raw payload, a different message from the one
        // every other reader sees. Not supported, so refused rather than misverified.
        if let b64 = token.header["b64"], b64 != .bool(true) {
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail, expected: "base64url-encoded payload", actual: "b64: false",
                    detail: "unencoded payloads (RFC 7797 \"b64\": false) are not supported"),
                algorithm
            )
        }
        guard allowed.contains(algorithm) else {
            let why: String
            if policy.allowedAlgorithms != nil {
                why = "\(algorithm.rawValue) is not in the algorithms allowed with --alg"
            } else if algorithm.isSymmetric, let keys, keys.keys.contains(where: { $0.keyType == "oct" }) {
                why = "\(algorithm.rawValue) with the symmetric key in \(keys.source): a JWK given with --key is used as an HMAC secret only when --alg \(algorithm.rawValue) is given too (a symmetric key is used only when given explicitly as a secret)"
            } else if algorithm.isSymmetric, let refused = keys?.refused.first(where: { $0.keyType == "oct" }) {
                why = "\(algorithm.rawValue) needs a shared secret, and the symmetric key in the key set is not used: \(refused.error.reason)"
            } else if algorithm.isSymmetric {
                why = "\(algorithm.rawValue) needs a shared secret; with public keys it is refused, because a public key used as an HMAC secret lets anyone sign"
            } else if keys == nil {
                why = "no key was given, so no algorithm can be verified"
            } else {
                why = "none of the keys can verify \(algorithm.rawValue)"
            }
            return (
                CheckResult(id: CheckID.algorithm, status: .fail, expected: expected, actual: algorithm.rawValue, detail: why),
                algorithm
            )
        }
        if let keys, !keys.keys.contains(where: { $0.compatibleAlgorithms.contains(algorithm) }) {
            return (
                CheckResult(
                    id: CheckID.algorithm, status: .fail,
                    expected: Self.describe(keys.keys.reduce(into: Set()) { $0.formUnion($1.compatibleAlgorithms) }),
                    actual: algorithm.rawValue, detail: "no key in \(keys.source) can verify \(algorithm.rawValue)"),
                algorithm
            )
        }
        return (
            CheckResult(id: CheckID.algorithm, status: .pass) {
                CheckResult.Text(
                    expected: expected, actual: algorithm.rawValue,
                    detail: "\(algorithm.rawValue) is allowed by the key and the allow-list")
            },
            algorithm
        )
    }

    /// `key`: which key verifies, chosen by `kid`, never by anything else the token says.
    func keyCheck(_ token: CompactToken, algorithm: JWSAlgorithm?) -> (CheckResult, [VerificationKey]) {
        let ignoredNote: String
        if token.header.members.contains(where: { Self.tokenKeyParameters.contains($0.key) }) {
            let ignored = Self.tokenKeyParameters.filter { token.header[$0] != nil }
            ignoredNote = "; the token's own " + ignored.map { "\"\($0)\"" }.joined(separator: ", ") + " was ignored"
        } else {
            ignoredNote = ""
        }
        let kid = token.keyID
        guard let keys else {
            return (
                CheckResult(
                    id: CheckID.key, status: .fail, expected: "a key to verify with", actual: "no key source",
                    detail: "no key was given" + ignoredNote),
                []
            )
        }
        guard let algorithm else {
            // A refused key the token names is worth saying even so: it is often why the algorithm was refused.
            let refusedNote = kid.flatMap { kid in keys.refused.first { $0.kid == kid } }
                .map { "; the key with that kid is not used: \($0.error.reason)" } ?? ""
            return (
                CheckResult(
                    id: CheckID.key, status: .skip, actual: kid.map { "kid \($0)" },
                    detail: (token.isDecrypted ? "not run: the decrypted plaintext is not signed" : "not run: the algorithm was refused")
                        + refusedNote + ignoredNote),
                []
            )
        }
        let selection = KeySelection.select(from: keys, kid: kid, algorithm: algorithm)
        // Entra's v2 JWKS gives keys an `issuer`: "Keys that have a templated issuer value ... should only be
        // used when the iss claim in the token matches this value after substituting the tid claim".
        let iss = token.claims?["iss"]?.stringValue ?? ""
        let tid = token.claims?["tid"]?.stringValue
        let candidates = selection.candidates.filter {
            IssuerTemplate.keyAllows(keyIssuer: $0.issuer, tokenIssuer: iss, tokenTenantID: tid)
        }
        if candidates.isEmpty && !selection.candidates.isEmpty {
            let key = selection.candidates[0]
            return (
                CheckResult(
                    id: CheckID.key, status: .fail, expected: "a key whose issuer is \(key.issuer ?? "")",
                    actual: "token issuer \(iss.isEmpty ? "(absent)" : iss)",
                    detail: "\(key.summary) is published for another issuer, so it may not verify this token" + ignoredNote),
                []
            )
        }
        if selection.candidates.isEmpty {
            return (
                CheckResult(
                    id: CheckID.key, status: .fail,
                    expected: kid.map { "a key with kid \"\($0)\" in \(keys.source)" } ?? "a key for \(algorithm.rawValue)",
                    actual: kid.map { "kid \"\($0)\" not found" } ?? "no compatible key",
                    detail: selection.explanation + ignoredNote),
                []
            )
        }
        return (
            CheckResult(id: CheckID.key, status: .pass) {
                CheckResult.Text(actual: kid.map { "kid \"\($0)\"" }, detail: selection.explanation + ignoredNote)
            },
            candidates
        )
    }

    /// `signature`: over the exact signing-input bytes received (RFC 7515 §5.2 step 8).
    func signatureCheck(_ token: CompactToken, algorithm: JWSAlgorithm?, candidates: [VerificationKey])
        -> (CheckResult, VerificationKey?)
    {
        guard token.kind == .jws else {
            let why = token.isDecrypted ? "not run: the decrypted plaintext is not signed" : "not run: the token is encrypted"
            return (CheckResult(id: CheckID.signature, status: .skip, detail: why), nil)
        }
        guard let algorithm else {
            return (CheckResult(id: CheckID.signature, status: .skip, detail: "not run: the algorithm was refused"), nil)
        }
        guard !candidates.isEmpty else {
            return (CheckResult(id: CheckID.signature, status: .skip, detail: "not run: no key to verify with"), nil)
        }
        var reasons: [String] = []
        for key in candidates {
            switch verifySignature(algorithm: algorithm, key: key, message: token.signingInput, signature: token.signature) {
            case .valid:
                return (
                    CheckResult(
                        id: CheckID.signature, status: .pass, actual: algorithm.rawValue,
                        detail: "verified with \(key.summary)"),
                    key
                )
            case .invalid(let reason):
                reasons.append(candidates.count == 1 ? reason : "\(key.summary): \(reason)")
            }
        }
        let graphNote = token.header["nonce"] == nil ? "" :
            "; the header carries a \"nonce\", as Microsoft Graph tokens do: their signature can only be checked by Graph itself"
        let detail = reasons.joined(separator: "; ") + graphNote
        return (
            CheckResult(
                id: CheckID.signature, status: .fail, expected: "a valid \(algorithm.rawValue) signature",
                actual: "does not verify", detail: detail),
            nil
        )
    }
}
