/// "What this token is", from decode's inspection: issuer, tenant, version and why, access or ID token,
/// app-only or delegated, which client and how it authenticated, lifetime, binding, findings with meaning.
///
/// Sources for the statements made here (Microsoft identity platform, access token claims reference and
/// optional claims reference): `idtyp` "is the most accurate way for an API to determine if a token is an app
/// token or an app+user token"; `roles` "The client credential flow uses this set of permission in place of
/// user scopes for application tokens"; `scp` "Only included for user tokens"; `oid` "the verified identity of
/// the user or service principal"; the version "The values of null and 1 result in v1.0 tokens, and the value
/// of 2 results in v2.0 tokens" (requestedAccessTokenVersion of the resource's app registration).
enum TokenNarrative {
    /// The summary when the request carried no token to describe: `why` says what was found instead.
    static func noToken(_ why: String) -> Explanation.TokenSummary {
        Explanation.TokenSummary(paragraph: sentence("No token to describe: " + why), facts: [], findings: [])
    }

    static func summary(_ inspection: TokenInspection) -> Explanation.TokenSummary {
        let token = inspection.token
        let findings = inspection.findings.map { finding in
            Explanation.FindingNote(
                id: finding.id, severity: finding.severity, message: finding.message,
                meaning: ExplanationCatalog.meaning(ofFinding: finding.id)
                    ?? (finding.severity == .info ? "for information" : "a reviewer should look at this"))
        }
        let envelope = decryptionDescription(inspection)
        guard token.kind == .jws, let claims = token.claims else {
            var paragraph: String
            if token.kind != .jwe {
                paragraph = "A signed token whose payload is not a JSON claims set (\(token.claimsProblem ?? "unreadable")), so nothing can be said about its claims."
            } else if token.isDecrypted {
                paragraph = token.claims != nil
                    ? "An encrypted token (JWE) whose plaintext is a claims set that nobody signed: whoever can encrypt to the recipient could have written it, so no claim in it can be trusted."
                    : "An encrypted token (JWE) whose plaintext is not a signed JWT: \(token.claimsProblem ?? "unreadable")."
            } else if let outcome = inspection.decryption, outcome.failure != .noKeys {
                paragraph = "An encrypted token (JWE) that did not \(outcome.status == .noKey ? "decrypt: no key given fits it" : "decrypt"); only its protected header can be read, and nothing it carries is shown."
            } else {
                paragraph = "An encrypted token (JWE): only its protected header can be read; its claims are for the holder of the decryption key."
            }
            if let envelope, token.isDecrypted { paragraph = envelope.sentence + " " + paragraph }
            var facts = [Explanation.Fact(label: "algorithm", value: token.algorithm ?? "(none)")]
            if let enc = token.header["enc"]?.stringValue { facts.append(.init(label: "encryption", value: enc)) }
            if let envelope { facts.append(envelope.fact) }
            return Explanation.TokenSummary(paragraph: paragraph, facts: facts, findings: findings)
        }

        var facts: [Explanation.Fact] = []
        var sentences: [String] = []
        if let envelope {
            facts.append(envelope.fact)
            sentences.append(envelope.sentence)
        }
        let iss = claims["iss"]?.stringValue
        let entra = iss.flatMap(EntraIssuer.init)
        let credential = inspection.credential
        let version = credential.tokenVersion
        let isIDToken = CredentialVerdict.looksLikeIDToken(claims)
        let kind = isIDToken ? "ID token" : "access token"

        // Issuer, tenant, version.
        if let iss {
            let form = entra.map { " (Entra ID, the v\($0.version.rawValue) issuer form)" } ?? ""
            facts.append(.init(label: "issuer", value: iss + form))
        } else {
            facts.append(.init(label: "issuer", value: "(none)"))
        }
        let tenant = claims["tid"]?.stringValue ?? entra?.tenant
        if let tenant { facts.append(.init(label: "tenant", value: tenant)) }
        if let version {
            let why = version == .v1
                ? "the API's app registration leaves requestedAccessTokenVersion null or 1, so Entra issues v1.0 tokens (appid, appidacr, issuer https://sts.windows.net/{tenant}/) whatever endpoint the client called"
                : "the API's app registration sets requestedAccessTokenVersion to 2, so Entra issues v2.0 tokens (azp, azpacr, issuer https://login.microsoftonline.com/{tenant}/v2.0) whatever endpoint the client called"
            facts.append(.init(label: "version", value: "\(version.rawValue): \(isIDToken ? "ID tokens follow the endpoint the client used" : why)"))
        } else if let ver = credential.unrecognizedVersion {
            facts.append(.init(label: "version", value: "\(ver) (not a version Entra issues)"))
        }
        var opening = "A"
        if let version { opening += " v\(version.rawValue)" }
        opening += " \(kind)"
        if let entra {
            opening += " issued by Entra ID tenant \(tenant ?? entra.tenant)"
        } else if let iss {
            opening += " issued by \(iss)"
        }
        if let aud = audienceText(claims["aud"]) {
            opening += isIDToken ? " for the client app \(aud)" : " for the audience \(aud)"
            facts.append(.init(label: "audience", value: aud))
        }
        sentences.append(opening + ".")
        if isIDToken {
            facts.append(.init(label: "type", value: "ID token: proves a user's sign-in to the client; an API must not accept it"))
            sentences.append("It is an ID token: it proves a user signed in to the client app and must not be sent to an API as an access token.")
        } else {
            facts.append(.init(label: "type", value: "access token"))
        }

        // App-only or delegated.
        let clientClaim = [TokenVersion.v2, .v1].lazy.map(\.clientClaim).first { claims[$0]?.stringValue != nil }
        let client = clientClaim.flatMap { claims[$0]?.stringValue }
        let oid = claims["oid"]?.stringValue
        let roles = claims["roles"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let scopes = claims["scp"]?.stringValue.map { $0.split(separator: " ").map(String.init) } ?? []
        let user = ["upn", "preferred_username", "unique_name", "email"].lazy.compactMap { claims[$0]?.stringValue }.first
        let appOnly = claims["idtyp"]?.stringValue == "app" || (!roles.isEmpty && scopes.isEmpty && user == nil && !isIDToken)
        if !isIDToken {
            if appOnly {
                var flow = "app-only (client credentials)"
                var evidence: [String] = []
                if claims["idtyp"]?.stringValue == "app" { evidence.append("idtyp app") }
                if !roles.isEmpty { evidence.append("roles \(roles.joined(separator: ", "))") }
                if let oid { evidence.append("oid \(oid) is the client's service principal") }
                if !evidence.isEmpty { flow += ": " + evidence.joined(separator: "; ") }
                facts.append(.init(label: "flow", value: flow))
                var sentence = "It is app-only: the client \(client ?? "(unnamed)") called as itself with the client credentials flow"
                if !roles.isEmpty { sentence += ", holding the application permission\(roles.count == 1 ? "" : "s") \(roles.joined(separator: ", "))" }
                if let oid { sentence += "; oid \(oid) is its service principal" }
                sentences.append(sentence + ".")
            } else if !scopes.isEmpty || user != nil {
                var flow = "delegated (a user signed in to the client)"
                if let user { flow += ": user \(user)" }
                if let oid { flow += "; oid \(oid) is the user's object id" }
                if !scopes.isEmpty { flow += "; scopes \(scopes.joined(separator: ", "))" }
                facts.append(.init(label: "flow", value: flow))
                var sentence = "It is delegated: the client \(client ?? "(unnamed)") acts for the user \(user ?? oid ?? "(unnamed)")"
                if !scopes.isEmpty { sentence += " with the scope\(scopes.count == 1 ? "" : "s") \(scopes.joined(separator: ", "))" }
                sentences.append(sentence + ".")
            }
        }

        // Client and credential.
        if let client, let clientClaim { facts.append(.init(label: "client", value: "\(client) (\(clientClaim))")) }
        if !isIDToken || credential.claim != nil {
            let credentialText = credentialDescription(credential, claims: claims)
            facts.append(.init(label: "credential", value: credentialText.fact))
            sentences.append(credentialText.sentence)
        }

        // Lifetime.
        let times = Dictionary(inspection.times.compactMap { t in t.seconds.map { (t.name, $0) } }, uniquingKeysWith: { a, _ in a })
        if let exp = times["exp"] {
            let start = times["iat"] ?? times["nbf"]
            var parts: [String] = []
            if let start { parts.append("issued \(NumericDate.formatRFC3339(start))") }
            let relative = NumericDate.relative(exp, to: inspection.now)
            let now = inspection.now
            // The verifier's rule says whether it expired; a token past its exp but inside the skew is still
            // accepted, and the narration says both.
            let expired = inspection.lifetime.isExpired(exp: exp, at: now)
            let tolerated = !expired && exp < now
            let skew = tolerated ? ", within the clock skew of \(inspection.lifetime.clockSkew) s" : ""
            parts.append((expired || tolerated ? "expired " : "expires ") + NumericDate.formatRFC3339(exp)
                + " (\(relative), as of \(NumericDate.formatRFC3339(now))\(skew))")
            if let start, exp > start { parts.append("lifetime \(NumericDate.describe(UInt64(exp - start)))") }
            let text = parts.joined(separator: "; ")
            facts.append(.init(label: "lifetime", value: text))
            sentences.append(expired || tolerated
                ? "It expired \(relative) (at \(NumericDate.formatRFC3339(exp)))\(tolerated ? skew + ", so it is still accepted" : "")."
                : "It expires \(relative) (at \(NumericDate.formatRFC3339(exp)))\(start.map { exp - $0 > TokenInspection.longLifetime ? ", a lifetime of \(NumericDate.describe(UInt64(exp - $0))): far longer than Entra's 60-90 minutes" : "" } ?? "")."
            )
        } else {
            facts.append(.init(label: "lifetime", value: "no exp: never expires"))
            sentences.append("It has no exp, so it never expires.")
        }
        facts.append(.init(label: "binding", value: inspection.binding.note))
        let serious = inspection.findings.filter { $0.severity >= .warning }
        if !serious.isEmpty {
            sentences.append("\(serious.count) finding\(serious.count == 1 ? "" : "s") below need\(serious.count == 1 ? "s" : "") attention.")
        }
        return Explanation.TokenSummary(paragraph: sentences.joined(separator: " "), facts: facts, findings: findings)
    }

    /// How a JWE was opened, for the summary: the decryption step told before the token inside is.
    static func decryptionDescription(_ inspection: TokenInspection) -> (fact: Explanation.Fact, sentence: String)? {
        guard let outcome = inspection.decryption else { return nil }
        let algorithms = "\(outcome.algorithm ?? "(no alg)") + \(outcome.encryption ?? "(no enc)")"
        guard outcome.status == .decrypted, let key = outcome.keyUsed else {
            let why = outcome.reason ?? "not decrypted"
            return (Explanation.Fact(label: "decryption", value: "\(algorithms): \(outcome.status.rawValue): \(why)"),
                    "The token is encrypted (JWE, \(algorithms)) and was not decrypted: \(why).")
        }
        let inner = inspection.envelope != nil ? "the signed token inside it is described below" : "its plaintext is described below"
        let choice = outcome.keyChoice.map { " (\($0))" } ?? ""
        return (Explanation.Fact(label: "decryption", value: "\(algorithms), decrypted with \(key.summary)\(choice)"),
                "The token arrived encrypted (JWE, key management \(outcome.algorithm ?? "?"), content encryption \(outcome.encryption ?? "?")) and was decrypted with \(key.summary); \(inner).")
    }

    static func audienceText(_ aud: JSONValue?) -> String? {
        switch aud {
        case .string(let s)?: return s
        case .array(let a)?: return a.compactMap(\.stringValue).joined(separator: ", ")
        default: return nil
        }
    }

    /// The credential verdict as a fact and as a sentence, naming the claim and its value.
    static func credentialDescription(_ credential: CredentialVerdict, claims: JSONObject) -> (fact: String, sentence: String) {
        let named = credential.claim.map { "\($0) \"\(credential.value ?? "")\"" }
        switch credential.kind {
        case .certificate:
            if let resource = claims["xms_mirid"]?.stringValue {
                return ("managed identity (\(named ?? "")): Azure signed the assertion for \(resource); there is no certificate you manage",
                        "The client is an Azure managed identity (xms_mirid): \(named ?? "") means a signed assertion that Azure made for it, not a certificate you manage.")
            }
            if claims["xms_par_app_azp"] != nil {
                return ("Entra agent identity (\(named ?? "")): a federated credential of its blueprint",
                        "The client is an Entra agent identity (xms_par_app_azp): \(named ?? "") means its blueprint's federated credential, a signed assertion.")
            }
            if claims["xms_idrel"]?.stringValue == "33" {
                return ("federated managed identity (\(named ?? ""), xms_idrel 33)",
                        "The client used a federated managed identity (xms_idrel 33): \(named ?? "") is a signed assertion.")
            }
            return ("certificate or other signed assertion (\(named ?? ""))",
                    "The client authenticated with a certificate (\(named ?? "")): a client assertion signed with its private key, or a federated credential, which the token does not distinguish.")
        case .secret:
            return ("client secret (\(named ?? ""))",
                    "The client authenticated with a client secret (\(named ?? "")), a shared password that a certificate-only API refuses.")
        case .publicClient:
            return ("public client (\(named ?? "")): no client credential",
                    "The client is a public client (\(named ?? "")): a desktop, mobile, single-page or device-code app with no credential of its own.")
        case .unknown:
            return ("unknown: \(credential.notes.first ?? "no appidacr or azpacr")",
                    "The token does not say how the client authenticated (no appidacr or azpacr).")
        }
    }

    /// The claims glossary: every claim in the token's order, its value, one line on its meaning.
    static func glossary(_ token: CompactToken, now: Int64) -> [Explanation.GlossaryEntry] {
        guard let claims = token.claims else { return [] }
        var seen = Set<String>()
        return claims.members.compactMap { member in
            guard seen.insert(member.key).inserted else { return nil }
            var value: String
            switch member.value {
            case .string(let s): value = s
            default: value = JSONWriter.write(member.value, style: .compact)
            }
            if ["exp", "nbf", "iat", "auth_time", "xms_tcdt"].contains(member.key),
                case .seconds(let seconds, _) = NumericDate.read(member.key, in: claims)
            {
                value += " (\(NumericDate.formatRFC3339(seconds)), \(NumericDate.relative(seconds, to: now)))"
            }
            return Explanation.GlossaryEntry(claim: member.key, value: value, meaning: ClaimGlossary.describe(member.key).meaning)
        }
    }
}
