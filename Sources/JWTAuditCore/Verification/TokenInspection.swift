/// What `decode` reports about a token without verifying it: the credential verdict, proof-of-possession
/// binding, the time claims read against a given instant, and findings for what a reviewer must see. The time
/// findings (`expired`, `not-yet-valid`, `nbf-after-exp`, `issued-in-future`) are the verifier's lifetime rule
/// applied to the same instant, so `decode`, `verify` and `explain` never disagree about a token's lifetime.
public struct TokenInspection: Sendable {
    /// Proof-of-possession: RFC 7800 `cnf`, with RFC 8705 §3.1 `x5t#S256` (certificate-bound) and RFC 9449
    /// §6.1 `jkt` (DPoP, the JWK SHA-256 thumbprint).
    public struct Binding: Sendable, Equatable {
        public enum Kind: String, Sendable { case none, certificate, dpop, other }
        public let kind: Kind
        public let certificateThumbprint: String?
        public let jwkThumbprint: String?
        public let note: String
    }

    /// One of `exp`, `nbf`, `iat`, `auth_time`, read and placed relative to `now`.
    public struct TimeClaim: Sendable, Equatable {
        public let name: String
        /// Whole seconds, when the claim is a usable NumericDate.
        public let seconds: Int64?
        /// The exact JSON text of the number.
        public let text: String?
        public let utc: String?
        /// "in 42 min", "expired 3 h ago".
        public let relative: String?
        public let problem: String?
    }

    /// The token described: for a decrypted JWE that carries a signed JWT, that inner JWT.
    public let token: CompactToken
    /// Why the signature segment cannot be read, when the token was parsed for reading only
    /// (`CompactToken.parseForReading`): a `signature-unreadable` finding.
    public let signatureProblem: String?
    public let now: Int64
    /// The rule the time findings follow (the verifier's; `decode` has no skew, so 0 s).
    public let lifetime: LifetimeRule
    public let credential: CredentialVerdict
    public let binding: Binding
    public let times: [TimeClaim]
    public let findings: [Finding]
    /// For a JWE: what decrypting it gave (nil for a JWS, and for a JWE inspected without keys by `inspect(_:at:)`).
    public let decryption: DecryptionOutcome?
    /// The JWE that carried `token`, when `token` is the signed JWT found inside it.
    public let envelope: CompactToken?

    /// Tokens living longer than this get `long-lifetime`. Entra's default access token lifetime is 60-90
    /// minutes; configurable lifetimes stop at one day ("The maximum is 1 day" for access tokens).
    public static let longLifetime: Int64 = 86_400

    /// `lifetime`: the rule the time findings follow (the verifier's; `decode` has none of its own, so a skew of
    /// 0 s). `credential`: the verdict the verifier already gave for this token, so that it is classified once.
    /// `signatureProblem`: why the signature segment of a token parsed for reading cannot be read.
    public static func inspect(
        _ token: CompactToken, at now: Int64, lifetime: LifetimeRule = LifetimeRule(), credential: CredentialVerdict? = nil,
        signatureProblem: String? = nil
    ) -> TokenInspection {
        inspect(
            token, envelope: nil, decryption: nil, at: now, lifetime: lifetime, credential: credential,
            signatureProblem: signatureProblem)
    }

    /// A JWE with what decrypting it gave. Decrypted, the token it carries is inspected as any token is (the
    /// nested JWS when there is one, else the JWE with its plaintext as the payload), with the JWE header's own
    /// findings added; not decrypted, only the protected header is (as `inspect(_:at:)` does), with the outcome.
    /// `credential`: the verifier's verdict on the token inside, when it gave one.
    public static func inspect(
        _ jwe: CompactToken, decryption: DecryptionOutcome, at now: Int64, lifetime: LifetimeRule = LifetimeRule(),
        credential: CredentialVerdict? = nil
    ) -> TokenInspection {
        guard let opened = jwe.opened(with: decryption) else {
            return inspect(
                jwe, envelope: nil, decryption: decryption, at: now, lifetime: lifetime, credential: nil,
                signatureProblem: nil)
        }
        return inspect(
            opened, envelope: opened.kind == .jws ? jwe : nil, decryption: decryption, at: now, lifetime: lifetime,
            credential: credential, signatureProblem: nil)
    }

    private static func inspect(
        _ token: CompactToken, envelope: CompactToken?, decryption: DecryptionOutcome?, at now: Int64,
        lifetime: LifetimeRule, credential given: CredentialVerdict?, signatureProblem: String?
    ) -> TokenInspection {
        let claims = token.claims ?? JSONObject()
        let credential: CredentialVerdict
        if let given {
            credential = given
        } else if token.kind == .jwe && !token.isDecrypted {
            credential = CredentialVerdict(
                kind: .unknown, claim: nil, value: nil, tokenVersion: nil,
                notes: ["the payload is encrypted (JWE): its claims cannot be read without the recipient's key"])
        } else if token.claims == nil {
            credential = CredentialVerdict(
                kind: .unknown, claim: nil, value: nil, tokenVersion: nil,
                notes: [token.claimsProblem ?? "the payload is not a claims set"])
        } else {
            credential = CredentialVerdict.classify(claims: claims)
        }
        let binding = Self.binding(claims)
        var findings: [Finding] = []
        if let envelope {
            // The JWE around a signed JWT: its header's findings, said to be the envelope's.
            var outer: [Finding] = []
            Self.headerFindings(envelope, claims: JSONObject(), into: &outer)
            findings += outer.filter { $0.id != "encrypted-payload" }.map {
                Finding(id: $0.id, severity: $0.severity, message: "JWE header: " + $0.message)
            }
        }
        Self.headerFindings(token, claims: claims, into: &findings)
        if let problem = signatureProblem {
            findings.append(Finding(
                id: "signature-unreadable", severity: .error,
                message: "\(problem): the header and claims are shown, but no verifier can check this signature (verify refuses the token); documentation samples are cut like this"))
        }
        let times = Self.timeFindings(token, claims: claims, now: now, rule: lifetime, into: &findings)
        Self.entraFindings(token, claims: claims, into: &findings)
        return TokenInspection(
            token: token, signatureProblem: signatureProblem, now: now, lifetime: lifetime, credential: credential, binding: binding, times: times,
            findings: findings, decryption: decryption, envelope: envelope)
    }

    private static func binding(_ claims: JSONObject) -> Binding {
        guard let cnf = claims["cnf"] else {
            return Binding(kind: .none, certificateThumbprint: nil, jwkThumbprint: nil, note: "bearer token: no cnf claim, whoever holds it can use it")
        }
        guard let object = cnf.objectValue else {
            return Binding(kind: .other, certificateThumbprint: nil, jwkThumbprint: nil, note: "cnf is \(cnf.kindDescription), not an object (RFC 7800 §3.1)")
        }
        let x5t = object["x5t#S256"]?.stringValue
        let jkt = object["jkt"]?.stringValue
        if let x5t {
            return Binding(
                kind: .certificate, certificateThumbprint: x5t, jwkThumbprint: jkt,
                note: "certificate-bound (RFC 8705): only a client presenting the certificate with this SHA-256 thumbprint over mutual TLS may use it")
        }
        if let jkt {
            return Binding(
                kind: .dpop, certificateThumbprint: nil, jwkThumbprint: jkt,
                note: "DPoP-bound (RFC 9449): each request needs a DPoP proof signed by the key with this thumbprint")
        }
        return Binding(
            kind: .other, certificateThumbprint: nil, jwkThumbprint: nil,
            note: "cnf holds \(object.keys.joined(separator: ", ")): a confirmation method jwtaudit does not interpret")
    }

    private static func headerFindings(_ token: CompactToken, claims: JSONObject, into findings: inout [Finding]) {
        let header = token.header
        let alg = header["alg"]?.stringValue
        if let alg, alg.lowercased() == "none" {
            findings.append(Finding(
                id: "alg-none", severity: .error,
                message: "alg is \"\(alg)\": an unsecured token (RFC 7515 §A.5) that no verifier may accept"))
        } else if header["alg"] == nil {
            findings.append(Finding(id: "alg-missing", severity: .error, message: "the header has no alg (RFC 7515 §4.1.1 requires it)"))
        } else if alg == nil {
            findings.append(Finding(id: "alg-missing", severity: .error, message: "alg is not a string"))
        }
        if let alg, alg.hasPrefix("HS"), let iss = claims["iss"]?.stringValue, EntraIssuer.isMicrosoftHost(iss) {
            findings.append(Finding(
                id: "symmetric-alg-entra", severity: .error,
                message: "alg \(alg) on a token from an Entra issuer: Entra signs with RSA keys only, so this token was forged or re-signed (algorithm confusion)"))
        }
        let carried: [(String, String)] = [
            ("jwk", "a public key"), ("jku", "a URL of a key set"), ("x5u", "a URL of a certificate"),
            ("x5c", "a certificate chain"),
        ]
        for (name, what) in carried where header[name] != nil {
            findings.append(Finding(
                id: "header-\(name)", severity: .warning,
                message: "the header carries \(what) (\(name)): a key named by the token itself must never be trusted or fetched"))
        }
        if let kidValue = header["kid"] {
            if let kid = kidValue.stringValue {
                if let reason = suspiciousKid(kid) {
                    findings.append(Finding(id: "kid-suspicious", severity: .warning, message: "kid \(reason): a sign of path traversal or injection against the key lookup"))
                }
            } else {
                findings.append(Finding(id: "kid-suspicious", severity: .warning, message: "kid is \(kidValue.kindDescription), not a string (RFC 7515 §4.1.4)"))
            }
        }
        if let crit = header["crit"] {
            let names = crit.arrayValue?.compactMap(\.stringValue) ?? []
            let detail = names.isEmpty ? "crit is present" : "crit names \(names.joined(separator: ", "))"
            findings.append(Finding(
                id: "crit-header", severity: .error,
                message: "\(detail): RFC 7515 §4.1.11 requires rejecting a token whose critical extensions the recipient does not understand"))
        }
        if header["nonce"] != nil {
            findings.append(Finding(
                id: "graph-nonce", severity: .warning,
                message: "the header has a nonce: a Microsoft Graph token, signed over a transformed header, so its signature cannot be verified outside Graph; request a token for your own API"))
        } else if EntraAudience.isGraph(claims["aud"]) {
            findings.append(Finding(
                id: "graph-audience", severity: .warning,
                message: "aud is Microsoft Graph: this token is for Graph, not for your API"))
        }
        var duplicates: [String] = []
        collectDuplicates(in: token.header, path: "header", into: &duplicates)
        if let claimsObject = token.claims { collectDuplicates(in: claimsObject, path: "claims", into: &duplicates) }
        if !duplicates.isEmpty {
            findings.append(Finding(
                id: "duplicate-key", severity: .error,
                message: "duplicate member \(duplicates.joined(separator: ", ")): libraries disagree on which value wins (RFC 7515 §5.2 requires rejecting or using the last)"))
        }
        if token.kind == .jwe {
            jweFindings(token, into: &findings)
        } else if let problem = token.claimsProblem {
            findings.append(Finding(id: "payload-not-claims", severity: .warning, message: problem))
        }
    }

    /// What a JWE's protected header and plaintext say about how it was protected.
    private static func jweFindings(_ token: CompactToken, into findings: inout [Finding]) {
        if token.header["alg"]?.stringValue == JWEKeyManagement.rsa1_5.rawValue {
            // RFC 8725 §3.2 ("Use Appropriate Algorithms") and RFC 7516 §11.5: RSAES-PKCS1-v1_5 key encryption
            // is open to padding-oracle (Bleichenbacher) attacks wherever a recipient's failures can be told apart.
            findings.append(Finding(
                id: "jwe-rsa1_5", severity: .warning,
                message: "alg RSA1_5 (RSAES-PKCS1-v1_5 key encryption) is deprecated: its padding oracle (Bleichenbacher) has broken real systems (RFC 8725 §3.2); encrypt with RSA-OAEP-256 or ECDH-ES instead"))
        }
        if token.header["zip"] != nil {
            findings.append(Finding(
                id: "jwe-compression", severity: .warning,
                message: "the content is compressed before encryption (zip): the ciphertext's length then reveals how compressible the plaintext is, which leaks secrets next to attacker-chosen text (RFC 8725 §3.6)"))
        }
        guard token.isDecrypted else {
            findings.append(Finding(id: "encrypted-payload", severity: .info, message: "a JWE: only the protected header is readable"))
            return
        }
        if token.claims != nil {
            findings.append(Finding(
                id: "jwe-unsigned", severity: .warning,
                message: "the plaintext is a claims set, not a signed JWT: the token is encrypted but not signed, so whoever can encrypt to the recipient (with RSA or ECDH-ES, anyone holding the public key) could have written it (RFC 7519 §11.2: sign, then encrypt)"
                    + (token.declaresNestedJWT ? "; its cty says JWT, but no signed JWT is inside" : "")))
        } else if let problem = token.claimsProblem {
            findings.append(Finding(id: "payload-not-claims", severity: .warning, message: problem))
        }
    }

    /// A kid is opaque (RFC 7515 §4.1.4), but servers look it up in files and databases.
    static func suspiciousKid(_ kid: String) -> String? {
        if kid.isEmpty { return "is empty" }
        if kid.utf8.count > 256 { return "is \(kid.utf8.count) bytes long" }
        if kid.contains("..") { return "contains '..'" }
        for scalar in kid.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "contains a control character" }
            if "/\\'\";|$`<>{}*%&".unicodeScalars.contains(scalar) { return "contains '\(scalar)'" }
            if scalar == " " { return "contains a space" }
        }
        return nil
    }

    private static func collectDuplicates(in object: JSONObject, path: String, into out: inout [String]) {
        for key in object.duplicateKeys { out.append("\(path).\(key)") }
        var seen = Set<String>()
        for member in object.members where seen.insert(member.key).inserted {
            collectDuplicates(in: member.value, path: "\(path).\(member.key)", into: &out)
        }
    }

    private static func collectDuplicates(in value: JSONValue, path: String, into out: inout [String]) {
        switch value {
        case .object(let o): collectDuplicates(in: o, path: path, into: &out)
        case .array(let a): for (i, v) in a.enumerated() { collectDuplicates(in: v, path: "\(path)[\(i)]", into: &out) }
        default: break
        }
    }

    private static func timeFindings(
        _ token: CompactToken, claims: JSONObject, now: Int64, rule: LifetimeRule, into findings: inout [Finding]
    ) -> [TimeClaim] {
        guard token.claims != nil else { return [] }
        var times: [TimeClaim] = []
        var values: [String: Int64] = [:]
        for name in ["exp", "nbf", "iat", "auth_time"] {
            switch NumericDate.read(name, in: claims) {
            case .absent: continue
            case .invalid(let reason):
                times.append(TimeClaim(name: name, seconds: nil, text: nil, utc: nil, relative: nil, problem: reason))
                findings.append(Finding(id: "time-claim-invalid", severity: .error, message: reason))
            case .seconds(let seconds, let text):
                values[name] = seconds
                var relative = NumericDate.relative(seconds, to: now)
                if name == "exp" && rule.isExpired(exp: seconds, at: now) { relative = "expired \(relative)" }
                times.append(TimeClaim(
                    name: name, seconds: seconds, text: text, utc: NumericDate.formatRFC3339(seconds),
                    relative: relative, problem: nil))
            }
        }
        if claims["exp"] == nil {
            findings.append(Finding(
                id: "missing-exp", severity: .warning,
                message: "no exp: the token never expires (RFC 7519 §4.1.4); Entra always sets one"))
        }
        if let exp = values["exp"] {
            if rule.isExpired(exp: exp, at: now) {
                findings.append(Finding(
                    id: "expired", severity: .error,
                    message: "expired at \(NumericDate.formatRFC3339(exp)) (\(NumericDate.relative(exp, to: now)))"))
            }
            if let start = values["iat"] ?? values["nbf"], exp - start > longLifetime {
                findings.append(Finding(
                    id: "long-lifetime", severity: .warning,
                    message: "lives \(NumericDate.describe(UInt64(exp - start))) from \(values["iat"] != nil ? "iat" : "nbf") to exp; Entra access tokens live 60-90 min and at most a day"))
            }
            if let nbf = values["nbf"], rule.isNeverValid(nbf: nbf, exp: exp) {
                findings.append(Finding(id: "nbf-after-exp", severity: .error, message: "nbf is after exp: the token is never valid"))
            }
        }
        if let nbf = values["nbf"], rule.isNotYetValid(nbf: nbf, at: now) {
            findings.append(Finding(
                id: "not-yet-valid", severity: .error,
                message: "not valid before \(NumericDate.formatRFC3339(nbf)) (\(NumericDate.relative(nbf, to: now)))"))
        }
        if let iat = values["iat"], rule.isIssuedInFuture(iat: iat, at: now) {
            findings.append(Finding(
                id: "issued-in-future", severity: .warning,
                message: "issued at \(NumericDate.formatRFC3339(iat)), \(NumericDate.relative(iat, to: now)): a clock is wrong or the token is forged"))
        }
        return times
    }

    private static func entraFindings(_ token: CompactToken, claims: JSONObject, into findings: inout [Finding]) {
        guard let iss = claims["iss"]?.stringValue, let issuer = EntraIssuer(iss) else { return }
        if token.claims != nil && CredentialVerdict.looksLikeIDToken(claims) {
            findings.append(Finding(
                id: "id-token", severity: .warning,
                message: "an ID token, not an access token: it proves a sign-in to the client and must not be accepted by an API"))
        }
        if let tid = claims["tid"]?.stringValue, tid.lowercased() != issuer.tenant.lowercased() {
            findings.append(Finding(
                id: "issuer-tenant-mismatch", severity: .error,
                message: "iss names tenant \(issuer.tenant) but tid is \(tid): Entra validation requires iss to contain the exact tid"))
        }
        // "x5t: Functions the same (in use and value) as kid" (Entra access token claims reference).
        if let kid = token.header["kid"]?.stringValue, let x5t = token.header["x5t"]?.stringValue, kid != x5t {
            findings.append(Finding(
                id: "kid-x5t-mismatch", severity: .warning,
                message: "kid \(kid) and x5t \(x5t) differ; Entra writes the same thumbprint in both, so the header was altered"))
        }
        if let ver = claims["ver"]?.stringValue, let version = TokenVersion(rawValue: ver), version != issuer.version {
            findings.append(Finding(
                id: "version-issuer-mismatch", severity: .warning,
                message: "ver is \(ver) but iss has the v\(issuer.version.rawValue) form; a validator configured for one version's metadata rejects it"))
        }
    }
}
