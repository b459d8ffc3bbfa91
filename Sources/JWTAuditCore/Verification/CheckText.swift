/// The only writer of a check's `expected`, `actual` and `detail`: people's text, made from the evidence when a
/// renderer (or `explain`) asks. Nothing reads these strings back to learn a fact; the facts are the evidence.
public struct CheckText: Sendable, Equatable {
    public let expected: String?
    public let actual: String?
    /// One sentence for people: why it passed, failed or was skipped.
    public let detail: String

    init(expected: String? = nil, actual: String? = nil, _ detail: String) {
        self.expected = expected
        self.actual = actual
        self.detail = detail
    }

    public init(_ result: CheckResult) {
        self = Self.write(result.id, result.status, result.evidence, claim: result.claim)
    }

    private static func write(_ id: CheckID, _ status: CheckResult.Status, _ evidence: Evidence, claim: String?) -> CheckText {
        switch evidence {
        case .notRun(let why): return CheckText(notRun(why, id: id))
        case .format(let format): return Self.format(format)
        case .claimsSet(let claims): return Self.claims(claims)
        case .algorithm(let algorithm): return Self.algorithm(algorithm)
        case .key(let key): return Self.key(key)
        case .signature(let signature): return Self.signature(signature)
        case .time(let time): return Self.time(time, id: id, status: status)
        case .issuer(let issuer): return Self.issuer(issuer)
        case .audience(let audience): return Self.audience(audience)
        case .tenant(let tenant): return Self.tenant(tenant)
        case .client(let client): return Self.client(client, status: status)
        case .credential(let credential): return Self.credential(credential)
        case .claim(let evidence): return Self.claim(evidence, name: claim ?? "", status: status)
        case .tokenLocation(let location): return Self.tokenLocation(location)
        case .requiredClaim(let evidence): return Self.requiredClaim(evidence)
        case .decryption(let outcome): return Self.decryption(outcome, status: status)
        case .clientApplication(let evidence):
            return CheckText(
                expected: "any of \(evidence.allowed.joined(separator: ", "))", actual: evidence.client,
                "client-application-ids is matched against appid (v1) or azp (v2) (inferred: the doc does not name the claim)")
        case .unsignedAccepted(let inner):
            let found = write(id, .fail, inner, claim: claim)
            return CheckText(
                expected: found.expected, actual: found.actual,
                "require-signed-tokens=\"false\": the gateway accepts a token without a signature (inferred); nothing vouches for its claims")
        }
    }

    static func notRun(_ why: NotRun, id: CheckID) -> String {
        switch why {
        case .notAToken: return "not run: the text is not a token"
        case .payloadNotClaims(let problem): return "not run: " + (problem ?? "the payload is not a claims set")
        case .encrypted: return "not run: the token is encrypted"
        case .algorithmRefused: return "not run: the algorithm was refused"
        case .noKey: return "not run: no key to verify with"
        case .keysUnavailable where id == .issuer:
            return "not checked: the accepted issuer comes from the metadata, which could not be obtained"
        case .keysUnavailable: return "signature not checked: the keys could not be obtained"
        case .policyClaimsUnreadable: return "the token's payload is not a readable claims set (encrypted or not JSON)"
        case .notDecrypted: return "not run: the token could not be decrypted"
        case .plaintextNotSigned: return "not run: the decrypted plaintext is not signed"
        case .assumed: return "not run: assumed valid (a token the admission matrix synthesized, which no key signed)"
        }
    }

    // MARK: Structure

    static func format(_ evidence: FormatEvidence) -> CheckText {
        switch evidence {
        case .compactJWS: return CheckText("compact JWS with a JSON header")
        case .notAToken(let error):
            return CheckText(expected: "a compact JWS (three base64url segments)", error.reason)
        case .encrypted:
            return CheckText(
                expected: "a JWS (3 segments)", actual: "a JWE (5 segments)",
                "the token is encrypted (JWE); jwtaudit verifies signed tokens only and cannot decrypt it")
        case .duplicateHeaderNames(let names):
            return CheckText(
                expected: "unique header parameter names", actual: duplicate(names),
                "the header repeats a parameter name, so different libraries may read different values")
        case .unsignedPlaintext(let problem):
            return CheckText(
                expected: "a signed JWT (JWS) inside the JWE", actual: "an unsigned plaintext",
                "the decrypted plaintext is not a signed JWT, so nothing proves who wrote it: whoever can encrypt to the recipient could have (\(problem ?? "a claims set, unsigned"))")
        }
    }

    static func claims(_ evidence: ClaimsSetEvidence) -> CheckText {
        switch evidence {
        case .claims(let count): return CheckText("\(count) claims")
        case .notAClaimsSet(let encrypted, let problem):
            return CheckText(
                expected: "a JSON object of claims", actual: encrypted ? "encrypted" : "not a claims set",
                problem ?? "the payload is not a claims set")
        case .duplicateNames(let names):
            return CheckText(
                expected: "unique claim names", actual: duplicate(names),
                "the payload repeats a claim; RFC 7519 §4: \"The Claim Names within a JWT Claims Set MUST be unique\"")
        }
    }

    static func duplicate(_ names: [String]) -> String {
        "duplicate " + names.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    // MARK: Algorithm, key, signature

    static func algorithm(_ evidence: AlgorithmEvidence) -> CheckText {
        let allowed = evidence.allowList.description
        switch evidence.finding {
        case .allowed(let algorithm):
            return CheckText(
                expected: allowed, actual: algorithm.rawValue, "\(algorithm.rawValue) is allowed by the key and the allow-list")
        case .absent:
            return CheckText(
                expected: allowed, actual: "(absent)",
                "the header has no \"alg\"; RFC 7515 §4.1.1: this Header Parameter MUST be present")
        case .notAString(let value):
            return CheckText(expected: allowed, actual: value.kindDescription, "\"alg\" must be a string")
        case .unsecured(let spelling):
            return CheckText(
                expected: allowed, actual: spelling,
                "\"\(spelling)\" means an unsigned token; jwtaudit never accepts it in any spelling (RFC 8725 §3.1)")
        case .unknown(let spelling):
            return CheckText(
                expected: allowed, actual: spelling,
                "\"\(spelling)\" is not a JWS signature algorithm jwtaudit verifies (names are case-sensitive)")
        case .criticalExtensions(let crit):
            let names = crit.arrayValue?.compactMap(\.stringValue) ?? []
            let shown = names.isEmpty ? crit.kindDescription : names.joined(separator: ", ")
            return CheckText(
                expected: "no critical extensions", actual: "crit: \(shown)",
                "the token marks header extensions as critical that jwtaudit does not understand (RFC 7515 §4.1.11: the JWS is invalid)")
        case .unencodedPayload:
            return CheckText(
                expected: "base64url-encoded payload", actual: "b64: false",
                "unencoded payloads (RFC 7797 \"b64\": false) are not supported")
        case .notAllowed(let algorithm):
            let name = algorithm.rawValue
            let why: String
            let keys = evidence.allowList.keys
            if evidence.allowList.givenByCaller {
                why = "\(name) is not in the algorithms allowed with --alg"
            } else if algorithm.isSymmetric, let keys, keys.keys.contains(where: { $0.keyType == "oct" }) {
                why = "\(name) with the symmetric key in \(keys.source): a JWK given with --key is used as an HMAC secret only when --alg \(name) is given too (a symmetric key is used only when given explicitly as a secret)"
            } else if algorithm.isSymmetric, let refused = keys?.refused.first(where: { $0.keyType == "oct" }) {
                why = "\(name) needs a shared secret, and the symmetric key in the key set is not used: \(refused.error.reason)"
            } else if algorithm.isSymmetric {
                why = "\(name) needs a shared secret; with public keys it is refused, because a public key used as an HMAC secret lets anyone sign"
            } else if keys == nil {
                why = "no key was given, so no algorithm can be verified"
            } else {
                why = "none of the keys can verify \(name)"
            }
            return CheckText(expected: allowed, actual: name, why)
        case .noCompatibleKey(let algorithm):
            let keys = evidence.allowList.keys
            let capable = keys?.keys.reduce(into: Set<JWSAlgorithm>()) { $0.formUnion($1.compatibleAlgorithms) } ?? []
            return CheckText(
                expected: AlgorithmAllowList.describe(capable), actual: algorithm.rawValue,
                "no key in \(keys?.source ?? "the keys") can verify \(algorithm.rawValue)")
        }
    }

    static func key(_ evidence: KeyEvidence) -> CheckText {
        let ignored = evidence.ignored.isEmpty
            ? "" : "; the token's own " + evidence.ignored.names.map { "\"\($0)\"" }.joined(separator: ", ") + " was ignored"
        let kid = evidence.kid
        switch evidence.finding {
        case .noKeySource:
            return CheckText(expected: "a key to verify with", actual: "no key source", "no key was given" + ignored)
        case .algorithmRefused(let refusedKey, let unsignedPlaintext):
            let why = unsignedPlaintext ? "not run: the decrypted plaintext is not signed" : "not run: the algorithm was refused"
            let refused = refusedKey.map { "; the key with that kid is not used: \($0.reason)" } ?? ""
            return CheckText(actual: kid.map { "kid \($0)" }, why + refused + ignored)
        case .publishedForAnotherIssuer(let key, let tokenIssuer):
            return CheckText(
                expected: "a key whose issuer is \(key.issuer ?? "")",
                actual: "token issuer \(tokenIssuer.isEmpty ? "(absent)" : tokenIssuer)",
                "\(key.summary) is published for another issuer, so it may not verify this token" + ignored)
        case .selected(let selection):
            if selection.first != nil {
                return CheckText(actual: kid.map { "kid \"\($0)\"" }, explanation(of: selection) + ignored)
            }
            return CheckText(
                expected: kid.map { "a key with kid \"\($0)\" in \(selection.keys.source)" }
                    ?? "a key for \(selection.algorithm.rawValue)",
                actual: kid.map { "kid \"\($0)\" not found" } ?? "no compatible key",
                explanation(of: selection) + ignored)
        }
    }

    /// Why a selection chose these keys, or none.
    static func explanation(of selection: KeySelection) -> String {
        let set = selection.keys
        let algorithm = selection.algorithm.rawValue
        switch selection.outcome {
        case .loneKey:
            return "the single key given: \(set.keys.first?.summary ?? "")"
                + (selection.kid.map { "; the token's kid \"\($0)\" is not needed to choose it" } ?? "")
        case .kidMatched:
            return "kid \"\(selection.kid ?? "")\" matches \(selection.first?.summary ?? "")"
        case .untargeted:
            return "the token has no kid: trying the \(selection.candidates.count) key(s) in \(set.source) that can verify \(algorithm)"
        case .cannotVerify:
            let key = selection.incapableKey
            let can = key?.compatibleAlgorithms.map(\.rawValue).sorted().joined(separator: ", ") ?? ""
            return "\(key?.summary ?? "the key") cannot verify \(algorithm) (it can verify: \(can))"
        case .kidUnknown:
            let known = set.keys.compactMap(\.kid).map { "\"\($0)\"" }.joined(separator: ", ")
            return "no key in \(set.source) has kid \"\(selection.kid ?? "")\" (it has \(known.isEmpty ? "no kids" : known)); a key set is matched by kid only, with no fallback to another key"
        case .kidRefused:
            return "the key with kid \"\(selection.kid ?? "")\" in \(set.source) was refused: \(selection.refusal?.reason ?? "")"
        case .noneCompatible:
            return "the token has no kid, and no key in \(set.source) can verify \(algorithm)"
        }
    }

    /// `decryption`: the key used, or why the JWE did not open; RSA1_5 warns.
    static func decryption(_ outcome: DecryptionOutcome, status: CheckResult.Status) -> CheckText {
        let algorithms = "\(outcome.algorithm ?? "(no alg)") + \(outcome.encryption ?? "(no enc)")"
        switch outcome.status {
        case .decrypted:
            let key = outcome.keyUsed?.summary ?? "a key"
            if status == .warn {
                return CheckText(
                    expected: "RSA-OAEP, RSA-OAEP-256 or ECDH-ES key management", actual: algorithms,
                    "decrypted with \(key), but RSA1_5 is deprecated: its padding oracle (Bleichenbacher) has broken real systems (RFC 8725 §3.2)")
            }
            return CheckText(actual: algorithms, "decrypted with \(key)")
        case .failed, .noKey:
            return CheckText(
                expected: "a JWE that decrypts and authenticates with the keys given",
                actual: outcome.status == .noKey ? "no usable key" : algorithms, outcome.reason ?? "not decrypted")
        }
    }

    static func signature(_ evidence: SignatureEvidence) -> CheckText {
        switch evidence {
        case .verified(let algorithm, let key):
            return CheckText(actual: algorithm.rawValue, "verified with \(key.summary)")
        case .invalid(let algorithm, let failures, let graphNonce):
            let reasons = failures.map { failures.count == 1 ? $0.reason : "\($0.key.summary): \($0.reason)" }
            let graph = graphNonce
                ? "; the header carries a \"nonce\", as Microsoft Graph tokens do: their signature can only be checked by Graph itself"
                : ""
            return CheckText(
                expected: "a valid \(algorithm.rawValue) signature", actual: "does not verify",
                reasons.joined(separator: "; ") + graph)
        }
    }

    // MARK: Lifetime

    /// `expiry`, `not-before` and `issued-at` share one evidence type; the id says which claim it is.
    static func time(_ evidence: TimeEvidence, id: CheckID, status: CheckResult.Status) -> CheckText {
        let skew = "clock skew \(evidence.rule.clockSkew) s"
        let now = evidence.now
        switch (id, evidence.finding) {
        case (.expiry, .absent):
            return status == .fail
                ? CheckText(
                    expected: "an \"exp\" claim", actual: "(absent)",
                    "the token never expires; an exp is required (--allow-missing-exp waives this)")
                : CheckText(actual: "(absent)", "the token has no exp and never expires (allowed by --allow-missing-exp)")
        case (.notBefore, .absent): return CheckText("the token has no nbf")
        case (_, .absent): return CheckText("the token has no iat")
        case (_, .invalid(let why)): return CheckText(expected: "a NumericDate", why)
        case (_, .neverValid(let nbf, let exp)):
            return CheckText(
                expected: "nbf before exp", actual: "nbf \(instant(nbf)) is after exp \(instant(exp))",
                "the token is never valid")
        case (.expiry, .value(let exp)):
            let detail: String
            if evidence.rule.isExpired(exp: exp, at: now) {
                detail = "expired \(duration(now - exp)) ago"
            } else if exp < now {
                detail = "expired \(duration(now - exp)) ago, within the clock skew"
            } else {
                detail = "expires in \(duration(exp - now))"
            }
            return CheckText(expected: "not after \(instant(exp)) (\(skew))", actual: "now " + instant(now), detail)
        case (.notBefore, .value(let nbf)):
            let detail: String
            if evidence.rule.isNotYetValid(nbf: nbf, at: now) {
                detail = "not valid for another \(duration(nbf - now))"
            } else if nbf > now {
                detail = "valid from \(instant(nbf)), \(duration(nbf - now)) from now, within the clock skew"
            } else {
                detail = "valid since \(instant(nbf))"
            }
            return CheckText(expected: "not before \(instant(nbf)) (\(skew))", actual: "now " + instant(now), detail)
        case (_, .value(let iat)):
            let detail: String
            if evidence.rule.isIssuedInFuture(iat: iat, at: now) {
                detail = "issued \(duration(iat - now)) in the future"
            } else if iat > now {
                detail = "issued \(duration(iat - now)) in the future, within the clock skew"
            } else {
                detail = "issued \(duration(now - iat)) ago"
            }
            return CheckText(expected: "not after now \(instant(now)) (\(skew))", actual: instant(iat), detail)
        }
    }

    static func instant(_ seconds: Int64) -> String { NumericDate.formatRFC3339(seconds) }
    static func duration(_ seconds: Int64) -> String { NumericDate.describe(seconds.magnitude) }

    // MARK: Identity

    static func issuer(_ evidence: IssuerEvidence) -> CheckText {
        let rule = evidence.rule
        let expected = rule.accepted.joined(separator: " | ")
        let source = rule.source.map { " (\($0))" } ?? ""
        switch evidence.finding {
        case .anyAccepted(let iss): return CheckText(actual: iss ?? "(absent)", "any issuer accepted")
        case .absent: return CheckText(expected: expected, actual: "(absent)", "the token names no issuer")
        case .notAString: return CheckText(expected: expected, actual: "not a string", "the token names no issuer")
        case .noneConfigured(let iss):
            return CheckText(expected: "(none configured)", actual: iss, "no accepted issuer was configured")
        case .accepted(let iss):
            var detail = "issued by \(iss)\(source)"
            if rule.acceptsAnyTenant {
                detail += "; the accepted issuer is a multi-tenant template, so a token from any tenant passes unless a tenant is named"
            }
            return CheckText(expected: expected, actual: iss, detail)
        case .rejected(let iss, let mismatch):
            let hint: String
            switch mismatch {
            case .unrelated: hint = ""
            case .otherVersion(let token, let accepted):
                hint = "; the token is a \(token.version.label) token and the accepted issuer is the \(accepted.version.label) form of the same tenant"
            case .otherTenant(let token, let accepted):
                hint = "; the token comes from tenant \(token), not \(accepted)"
            }
            return CheckText(
                expected: expected, actual: iss, "the issuer is not one of the accepted issuers\(source)" + hint)
        }
    }

    static func audience(_ evidence: AudienceEvidence) -> CheckText {
        let expected = evidence.accepted.joined(separator: " | ")
        func shown(_ aud: JSONValue) -> String { AudienceEvidence.values(of: aud).joined(separator: ", ") }
        switch evidence.finding {
        case .absent: return CheckText(expected: expected, actual: "(absent)", "the token names no audience")
        case .wrongType(let aud):
            return CheckText(
                expected: "a string or an array of strings", actual: aud.kindDescription, "\"aud\" has the wrong type")
        case .anyAccepted(let aud): return CheckText(actual: aud.map(shown) ?? "(absent)", "any audience accepted")
        case .accepted(let aud): return CheckText(expected: expected, actual: shown(aud), "meant for \(shown(aud))")
        case .rejected(let aud, let mismatch):
            let hint: String
            switch mismatch {
            case .unrelated: hint = ""
            case .graph: hint = "; this is a Microsoft Graph token: the client asked for a Graph scope instead of your API's"
            case .trailingSlash(let token, let accepted):
                hint = "; only a trailing slash differs (\"\(token)\" vs \"\(accepted)\")"
            case .sameApplication(let token, let accepted):
                hint = "; the same application named two ways (\"\(token)\" vs \"\(accepted)\"): v2.0 tokens carry the API's client id, v1.0 tokens the App ID URI the client asked for"
            }
            return CheckText(expected: expected, actual: shown(aud), "the token is meant for another audience" + hint)
        }
    }

    static func tenant(_ evidence: TenantEvidence) -> CheckText {
        switch evidence {
        case .pinnedButNoTID(let pinned):
            return CheckText(expected: pinned, actual: "(no tid)", "the token has no tid, so its tenant cannot be confirmed")
        case .otherTenant(let pinned, let tid):
            return CheckText(expected: pinned, actual: tid, "the token was issued for another tenant")
        case .notApplicable(let tid):
            return CheckText(actual: tid, tid == nil ? "no tid claim" : "the issuer does not embed a tenant id")
        case .disagreesWithIssuer(let iss, let tid):
            return CheckText(expected: EntraIssuer.tenantID(in: iss), actual: tid, "tid disagrees with the tenant in iss")
        case .agreesWithIssuer(let iss, let tid):
            return CheckText(expected: EntraIssuer.tenantID(in: iss), actual: tid, "tid matches the issuer's tenant")
        }
    }

    static func client(_ evidence: ClientEvidence, status: CheckResult.Status) -> CheckText {
        let read = evidence.readFrom.clientClaim
        guard !evidence.accepted.isEmpty else {
            return CheckText(actual: evidence.value.map { "\(read) \($0)" }, "no --client-id given")
        }
        let expected = evidence.accepted.joined(separator: " | ")
        guard let value = evidence.value else {
            let primary = evidence.tokenVersion.clientClaim
            return CheckText(
                expected: expected, actual: "(no \(primary))",
                "the token names no client (\(primary) in a \(evidence.tokenVersion.label) token)")
        }
        return CheckText(
            expected: expected, actual: value,
            status == .pass ? "\(read) is an accepted client" : "\(read) names a client that is not accepted")
    }

    static func credential(_ evidence: CredentialEvidence) -> CheckText {
        let verdict = evidence.verdict
        let actual = verdict.claim.map { "\(verdict.kind.rawValue) (\($0) = \"\(verdict.value ?? "")\")" }
            ?? verdict.kind.rawValue
        guard evidence.required else {
            return CheckText(actual: actual, "not required (--require-certificate not given)")
        }
        let expected = "certificate (\(verdict.expectedClaim) = \"2\")"
        let why: String
        switch verdict.kind {
        case .certificate: why = "the client authenticated with a certificate"
        case .secret: why = "the client authenticated with a client secret"
        case .publicClient: why = "the token was issued to a public client, which has no credential"
        case .unknown: why = "the token does not say how the client authenticated"
        }
        return CheckText(expected: expected, actual: actual, why)
    }

    static func claim(_ evidence: ClaimEvidence, name: String, status: CheckResult.Status) -> CheckText {
        guard let found = evidence.found else {
            return CheckText(expected: evidence.required, actual: "(absent)", "the token has no \(name) claim")
        }
        let values = ClaimValues.strings(of: found, splitOnSpaces: name == "scp")
        if status == .pass {
            return CheckText(
                expected: evidence.required, actual: values.joined(separator: ", "), "\(name) carries \(evidence.required)")
        }
        return CheckText(
            expected: evidence.required, actual: values.isEmpty ? found.kindDescription : values.joined(separator: ", "),
            "\(name) does not carry \(evidence.required)")
    }

    // MARK: Policy

    static func tokenLocation(_ evidence: TokenLocationEvidence) -> CheckText {
        let expected = location(evidence.location, requireScheme: evidence.requireScheme)
        switch evidence.extraction {
        case .notPresent(let detail), .schemeMismatch(let detail): return CheckText(expected: expected, detail)
        case .token(_, let note): return CheckText(expected: expected, note ?? "the token was found where the policy reads it")
        }
    }

    /// Where a policy reads the token, as the `token` step's expectation.
    static func location(_ location: ResolvedTokenValidation.Location, requireScheme: String?) -> String {
        switch location {
        case .header(let name):
            if name.lowercased() == "authorization" {
                return "\(name) header\(requireScheme.map { " with scheme \($0)" } ?? "")"
            }
            return "\(name) header (the bare token; require-scheme is ignored for custom headers)"
        case .queryParameter(let name): return "query parameter \(name)"
        case .tokenValue: return "token-value expression"
        case .unspecified: return "header-name, query-parameter-name or token-value"
        }
    }

    static func requiredClaim(_ evidence: RequiredClaimEvidence) -> CheckText {
        let requirement = evidence.requirement
        let expected = requirement.values.isEmpty
            ? "present"
            : "\(requirement.match == .all ? "all of" : "any of") \(requirement.values.joined(separator: ", "))"
                + (requirement.separator.map { " (values split on \"\($0)\")" } ?? "")
        let actual = evidence.values?.joined(separator: ", ")
        let match = requirement.match.rawValue
        switch evidence.outcome {
        case .missing:
            return CheckText(expected: expected, actual: actual, "the token has no \(requirement.name) claim (TokenClaimNotFound)")
        case .present:
            return CheckText(
                expected: expected, actual: actual,
                "the claim is present; a <claim> with no <value> only requires presence (inferred)")
        case .satisfied:
            return CheckText(
                expected: expected, actual: actual,
                "match=\(match) is satisfied (values compared exactly, case-sensitive: inferred)")
        case .notSatisfied(let looksMultiValued):
            return CheckText(
                expected: expected, actual: actual,
                "match=\(match) is not satisfied (TokenClaimValueNotAllowed)"
                    + (looksMultiValued ? "; the claim looks multi-valued: a separator attribute would split it" : ""))
        }
    }
}

extension TokenVersion {
    /// `v1.0` or `v2.0`, as people name the versions.
    public var label: String { "v" + rawValue }
}
