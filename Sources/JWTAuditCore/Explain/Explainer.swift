/// Turns results computed elsewhere into an `Explanation`. It never verifies anything itself: the token
/// summary comes from decode's `TokenInspection`, the steps from the shared Verifier's `VerificationReport` or
/// the `PolicyEvaluator`'s `PolicyOutcome`, in the order they ran.
public enum Explainer {
    /// A token alone: what it is, its findings and its glossary. Nothing was verified, and the verdict says so.
    public static func explain(_ inspection: TokenInspection) -> Explanation {
        Explanation(
            verdict: .init(
                status: "decoded", httpStatus: nil, reason: nil,
                message: "the signature and the claims were not verified: give verify's key options or --policy to judge the token",
                body: nil, exitCode: 0),
            token: TokenNarrative.summary(inspection), evaluator: nil, steps: [],
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: [])
    }

    /// The verifier's report, step by step. `policy` (what was expected) sharpens the explanations: the clock
    /// skew, the accepted issuers and audiences.
    public static func explain(
        _ inspection: TokenInspection, report: VerificationReport, policy: VerificationPolicy? = nil
    ) -> Explanation {
        let context = StepContext(
            inspection: inspection, clockSkew: policy?.clockSkew, metadataURLs: [], policyKind: nil)
        let steps = report.checks.map { context.step(for: $0) }
        let firstFailure = report.failedChecks.first
        let verdict = Explanation.Verdict(
            status: report.isValid ? "valid" : "rejected", httpStatus: nil, reason: firstFailure?.id,
            message: firstFailure?.detail ?? (report.isValid ? "every check passed and the signature was verified" : "the signature was not verified"),
            body: nil, exitCode: report.isValid ? 0 : 1)
        return Explanation(
            verdict: verdict, token: TokenNarrative.summary(inspection), evaluator: "jwtaudit verifier", steps: steps,
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: [])
    }

    /// The policy evaluator's outcome, step by step in the gateway's (inferred) order, ending with the
    /// response APIM would send. `policy` supplies the clock skew and the metadata URLs the key steps name.
    public static func explain(
        _ inspection: TokenInspection, outcome: PolicyOutcome, policy: ResolvedTokenValidation? = nil
    ) -> Explanation {
        let context = StepContext(
            inspection: inspection, clockSkew: policy.map { Int64($0.clockSkewSeconds) },
            metadataURLs: policy?.openIDConfigURLs ?? [], policyKind: policy?.kind.rawValue ?? outcome.lastError?.source)
        let steps = outcome.checks.map { context.step(for: $0) }
        let verdict: Explanation.Verdict
        if outcome.accepted {
            verdict = .init(
                status: "accepted", httpStatus: outcome.statusCode, reason: nil,
                message: "the policy lets the request through to the backend", body: nil, exitCode: 0)
        } else {
            verdict = .init(
                status: "rejected", httpStatus: outcome.statusCode, reason: outcome.lastError?.reason.rawValue,
                message: outcome.lastError?.message, body: outcome.bodyMessage, exitCode: 1)
        }
        return Explanation(
            verdict: verdict, token: TokenNarrative.summary(inspection),
            evaluator: policy?.kind.rawValue ?? outcome.lastError?.source ?? "policy", steps: steps,
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: outcome.notes)
    }

    /// A policy that cannot be evaluated offline (`.unevaluable` from named-value or expression resolution):
    /// one step that says which value is missing and how to supply it; exit 3 as DESIGN.md's "unevaluable
    /// expression".
    public static func explain(_ inspection: TokenInspection, unevaluable error: JWTAuditError, policySource: String? = nil) -> Explanation {
        let narration = ExplanationCatalog.narration(for: ExplanationCatalog.unevaluableCheckID)!
        let isNamedValue = error.reason.hasPrefix("named value")
        let cause = isNamedValue
            ? "The policy uses named values ({{name}}) that APIM substitutes from the instance's Named values; offline each must be given, and without them the policy cannot be evaluated at all."
            : "The policy needs the result of a policy expression (@(...)), which runs C# inside the gateway and cannot run offline, so its value must be given."
        let step = Explanation.Step(
            check: ExplanationCatalog.unevaluableCheckID, status: .fail,
            expected: "a value for every named value and expression the evaluation needs", actual: error.reason,
            explanation: cause, fix: narration.fix.prefix(1).uppercased() + narration.fix.dropFirst() + ".")
        return Explanation(
            verdict: .init(
                status: "cannot-evaluate", httpStatus: nil, reason: isNamedValue ? "named value not supplied" : "expression not evaluable",
                message: error.reason, body: nil, exitCode: 3),
            token: TokenNarrative.summary(inspection), evaluator: policySource, steps: [step],
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: [])
    }
}

/// What the step narrations need besides the check itself.
struct StepContext {
    let inspection: TokenInspection
    let clockSkew: Int64?
    let metadataURLs: [String]
    /// `validate-jwt` / `validate-azure-ad-token`, nil for the verifier.
    let policyKind: String?

    var token: CompactToken { inspection.token }
    var claims: JSONObject { inspection.token.claims ?? JSONObject() }
    var version: TokenVersion? { inspection.credential.tokenVersion.flatMap(TokenVersion.init(rawValue:)) }
    var who: String { policyKind.map { "the \($0) policy" } ?? "the verifier" }

    func step(for check: CheckResult) -> Explanation.Step {
        let narration = ExplanationCatalog.narration(for: check.id)
        switch check.status {
        case .pass, .skip, .warn:
            var text = check.detail.hasSuffix(".") ? check.detail : check.detail + "."
            if check.status == .warn, let purpose = narration?.purpose { text = "Passed with a warning (\(purpose)): " + text }
            return Explanation.Step(
                check: check.id, status: check.status, expected: check.expected, actual: check.actual,
                explanation: text, fix: nil)
        case .fail:
            let (cause, fix) = failure(check) ?? (
                sentence((narration?.cause ?? "the check failed") + ": " + check.detail),
                sentence(narration?.fix ?? "see the detail"))
            return Explanation.Step(
                check: check.id, status: .fail, expected: check.expected, actual: check.actual, explanation: cause, fix: fix)
        }
    }

    // MARK: Specific narrations

    /// The cause and fix for the failures people hit, where the token and the check show what happened.
    func failure(_ check: CheckResult) -> (String, String)? {
        switch check.id {
        case CheckID.format where token.kind == .jwe:
            return ("The token is encrypted (JWE, five segments): its claims are readable only by the holder of the decryption key, and signatures are checked on signed tokens.",
                    "Send the signed access token; if your API really receives encrypted tokens, configure the decryption key (validate-jwt decryption-keys).")
        case "token":
            return tokenLocationFailure(check)
        case CheckID.algorithm:
            return algorithmFailure(check)
        case CheckID.key:
            return keyFailure(check)
        case CheckID.signature:
            return signatureFailure(check)
        case CheckID.expiry:
            return expiryFailure(check)
        case CheckID.notBefore:
            return notBeforeFailure(check)
        case CheckID.issuedAt:
            return ("The token says it was issued in the future (\(check.actual ?? "iat")), beyond the clock skew of \(skewText): \(check.detail). Either this machine's clock or the issuer's is wrong, or the token was forged.",
                    "Check this machine's clock (NTP). If the clocks are right, do not trust the token.")
        case CheckID.issuer:
            return issuerFailure(check)
        case CheckID.audience:
            return audienceFailure(check)
        case CheckID.tenant:
            return ("The token's tenant (tid \(check.actual ?? "absent")) is not the expected \(check.expected ?? "tenant"): \(check.detail).",
                    "Use a token from the expected tenant; if the API is multi-tenant on purpose, accept that tenant explicitly.")
        case CheckID.client:
            return clientFailure(check)
        case CheckID.credential:
            return credentialFailure()
        default:
            if check.id.hasPrefix("claim:") { return claimFailure(check, name: String(check.id.dropFirst(6))) }
            return nil
        }
    }

    var skewText: String { clockSkew.map { "\($0) s" } ?? "the configured skew" }

    func tokenLocationFailure(_ check: CheckResult) -> (String, String) {
        if check.detail.contains("scheme") {
            return ("The token is sent with another authorization scheme than the one the policy requires (\(check.expected ?? "")): \(check.detail).",
                    "Send 'Authorization: Bearer <token>', or change require-scheme if the API expects another scheme (a DPoP-bound token also needs DPoP proof checking, which validate-jwt does not do).")
        }
        return ("The gateway finds no token where the policy reads it (\(check.expected ?? "")): \(check.detail). APIM answers with TokenNotPresent.",
                "Send the access token there, e.g. 'Authorization: Bearer <token>'; for a custom header, send the bare token (require-scheme is ignored for custom headers).")
    }

    func algorithmFailure(_ check: CheckResult) -> (String, String) {
        let actual = check.actual ?? "(absent)"
        if actual.lowercased() == "none" {
            return ("The header says alg \"\(actual)\": an unsigned token that anyone can write. No verifier may accept it, in any spelling.",
                    "Treat the token as forged. Real Entra access tokens are signed with RS256.")
        }
        if actual.hasPrefix("HS"), let iss = claims["iss"]?.stringValue, EntraIssuer.isMicrosoftHost(iss) {
            return ("The header says \(actual), an HMAC algorithm, on a token from an Entra issuer. Entra signs with RSA keys only, so this is the algorithm-confusion attack (the public key used as an HMAC secret).",
                    "Treat the token as forged; never allow HS* algorithms together with published RSA keys.")
        }
        return ("The algorithm \(actual) is not accepted (\(check.expected.map { "allowed: \($0)" } ?? "")): \(check.detail).",
                "Allow the algorithm the issuer really uses (Entra: RS256), or use a token signed with an allowed one.")
    }

    var isGraphToken: Bool {
        if token.header["nonce"] != nil { return true }
        let aud = TokenNarrative.audienceText(claims["aud"]) ?? ""
        return aud.hasPrefix("https://graph.microsoft.com") || aud == "00000003-0000-0000-c000-000000000000"
    }

    var graphExplanation: String {
        "This is a Microsoft Graph token (\(token.header["nonce"] != nil ? "its header carries a nonce" : "aud is Microsoft Graph")): Graph tokens are signed over a transformed header (the nonce is hashed first), so no one but Graph can verify them, and Microsoft says validate-jwt is not meant for them."
    }

    var graphFix: String {
        "Have the client request a token for your own API (its App ID URI or client id, e.g. scope 'api://<your-api-id>/.default' for client credentials) instead of a Graph scope; do not validate Graph tokens in your API."
    }

    func keyFailure(_ check: CheckResult) -> (String, String) {
        if isGraphToken { return (graphExplanation, graphFix) }
        if check.actual == "no key source" {
            return ("No key was given, so the signature cannot be checked.",
                    "Give the keys: --tenant for Entra discovery, --jwks or --key for local keys, or --policy with the gateway's policy.")
        }
        if check.detail.contains("published for another issuer") {
            return ("The only key with this kid is published for another issuer (\(check.expected ?? "")): \(check.detail). Entra's v2.0 key sets bind each key to an issuer, and a key may verify only that issuer's tokens.",
                    "Verify against the metadata of the issuer that issued the token (its tenant and version).")
        }
        let kid = token.keyID.map { "\"\($0)\"" } ?? "(none)"
        var where_ = check.expected.map { " (\($0))" } ?? ""
        if let url = metadataURLs.first { where_ = " in the keys of the metadata the policy points at, \(url)" }
        var cause = "No trusted key has the token's kid \(kid)\(where_). Entra rotates its signing keys, so either the key set is older than the token, or the token was signed by a key this tenant and version do not publish (another tenant, an app-specific signing key, or a forger)."
        if let entra = claims["iss"]?.stringValue.flatMap(EntraIssuer.init) {
            cause += " The token names tenant \(entra.tenant) and is v\(version?.rawValue ?? entra.version.rawValue)."
        }
        var fix = "Check that the metadata is the issuing tenant's and version's: "
        if let entra = claims["iss"]?.stringValue.flatMap(EntraIssuer.init) {
            fix += entra.version == .v2 || version == .v2
                ? "https://login.microsoftonline.com/\(entra.tenant)/v2.0/.well-known/openid-configuration"
                : "https://login.microsoftonline.com/\(entra.tenant)/.well-known/openid-configuration"
        } else {
            fix += "the issuer's /.well-known/openid-configuration"
        }
        fix += ". After a rotation APIM refetches the keys at most once every 5 minutes for an unknown kid, so a new key can fail briefly; refresh a cached key set (jwtaudit: --no-cache). If the app uses its own signing key, its metadata needs ?appid=<app id>."
        return (cause, fix)
    }

    func signatureFailure(_ check: CheckResult) -> (String, String) {
        if isGraphToken { return (graphExplanation, graphFix) }
        if token.signature.isEmpty {
            return ("The token has no signature.", "Treat it as forged; a real access token is signed.")
        }
        return ("The signature does not verify with the key chosen by kid \(token.keyID.map { "\"\($0)\"" } ?? "(none)"): \(check.detail). The token was changed after it was signed, or another key with the same kid signed it.",
                "Do not trust this token. Obtain a fresh one from the token endpoint, unmodified (no re-encoding, no edited claims).")
    }

    func time(_ name: String) -> Int64? {
        inspection.times.first { $0.name == name }?.seconds
    }

    func expiryFailure(_ check: CheckResult) -> (String, String) {
        guard let exp = time("exp") else {
            if claims["exp"] == nil {
                return ("The token has no exp, so it would never expire; \(who) requires one (require-expiration-time).",
                        "Use tokens with an expiry (Entra always sets one); waive this only for tokens you mint yourself.")
            }
            return ("exp is not a usable time: \(check.detail).", "Use a token minted by the identity provider.")
        }
        let now = inspection.now
        let late = now - exp
        return ("The token expired at \(NumericDate.formatRFC3339(exp)), \(NumericDate.describe(UInt64(max(late, 0)))) before the evaluation time \(NumericDate.formatRFC3339(now)); the clock skew allowed is \(skewText), so it would pass only with a skew of at least \(late) s.",
                "Request a new token: Entra access tokens live 60-90 minutes, and clients should renew them before exp (MSAL does so from its token cache)."
                    + (late <= 300 ? " It expired only \(late) s ago: if the clocks differ by that much, a clock-skew of \(late) s or more accepts it (APIM's default is 0 s)." : ""))
    }

    func notBeforeFailure(_ check: CheckResult) -> (String, String) {
        guard let nbf = time("nbf") else {
            return ("nbf is not usable: \(check.detail).", "Use a token minted by the identity provider.")
        }
        if let exp = time("exp"), nbf > exp {
            return ("nbf (\(NumericDate.formatRFC3339(nbf))) is after exp (\(NumericDate.formatRFC3339(exp))): the token is never valid.",
                    "Treat the token as malformed or forged.")
        }
        let early = nbf - inspection.now
        return ("The token is not valid until \(NumericDate.formatRFC3339(nbf)), \(NumericDate.describe(UInt64(max(early, 0)))) after the evaluation time \(NumericDate.formatRFC3339(inspection.now)); the clock skew allowed is \(skewText). A token that is not yet valid means the clocks disagree by at least \(early) s (this machine's, or the issuer's).",
                "Synchronise this machine's clock (NTP). To tolerate small differences, set clock-skew (validate-jwt clock-skew, jwtaudit --clock-skew) to a few minutes.")
    }

    func issuerFailure(_ check: CheckResult) -> (String, String) {
        let actual = check.actual ?? "(absent)"
        let accepted = (check.expected ?? "").split(separator: "|").map { String($0).trimmingXMLSpace }.filter { !$0.isEmpty }
        if let tokenIssuer = EntraIssuer(actual) {
            let otherVersion = accepted.compactMap(EntraIssuer.init).first {
                $0.version != tokenIssuer.version && ($0.tenant == tokenIssuer.tenant || $0.tenant == "{tenantid}")
            }
            if let other = otherVersion {
                let tokenVersion = tokenIssuer.version
                let v1 = "https://sts.windows.net/\(tokenIssuer.tenant)/"
                let v2 = "https://login.microsoftonline.com/\(tokenIssuer.tenant)/v2.0"
                let cause = "The token was issued by \(actual), the v\(tokenVersion.rawValue) issuer form, but \(who) accepts the v\(other.version.rawValue) form of the same tenant (\(accepted.joined(separator: ", "))). v1.0 tokens come from \(v1) and v2.0 tokens from \(v2); \(other.version == .v1 ? "the v1.0 metadata (…/.well-known/openid-configuration, without v2.0) advertises the sts.windows.net issuer" : "the v2.0 metadata (…/v2.0/.well-known/openid-configuration) advertises the login.microsoftonline.com/…/v2.0 issuer"). The token version is chosen by the API's app registration (requestedAccessTokenVersion), not by the endpoint the client called."
                let metadata = tokenVersion == .v2
                    ? "https://login.microsoftonline.com/\(tokenIssuer.tenant)/v2.0/.well-known/openid-configuration"
                    : "https://login.microsoftonline.com/\(tokenIssuer.tenant)/.well-known/openid-configuration"
                let fix = "Either validate against the metadata of the token's version (\(metadata)), or list both issuers (\(v1) and \(v2)) \(policyKind == nil ? "with --issuer" : "in <issuers>"); or set requestedAccessTokenVersion to \(tokenVersion == .v2 ? "1 (or null)" : "2") in the API's app registration manifest so Entra issues v\(other.version.rawValue) tokens."
                return (cause, fix)
            }
            if let otherTenant = accepted.compactMap(EntraIssuer.init).first(where: { $0.tenant != tokenIssuer.tenant && $0.tenant != "{tenantid}" }) {
                return ("The token comes from tenant \(tokenIssuer.tenant), but \(who) accepts tenant \(otherTenant.tenant) (\(accepted.joined(separator: ", "))).",
                        "Use a token issued by tenant \(otherTenant.tenant) (the client must sign in to that tenant), or accept this tenant's issuer if the API is meant to be multi-tenant.")
            }
        }
        return ("The token's issuer \(actual) is not accepted (\(check.expected ?? "none configured")): \(check.detail).",
                "Accept the issuer that really issues your tokens (from its OpenID metadata), or use a token from an accepted issuer.")
    }

    func audienceFailure(_ check: CheckResult) -> (String, String) {
        let actualValues = (check.actual ?? "").split(separator: ",").map { String($0).trimmingXMLSpace }
        let accepted = (check.expected ?? "").split(separator: "|").map { String($0).trimmingXMLSpace }.filter { !$0.isEmpty }
        if actualValues.contains(where: { $0.hasPrefix("https://graph.microsoft.com") || $0 == "00000003-0000-0000-c000-000000000000" }) {
            return ("The token is for Microsoft Graph (aud \(check.actual ?? "")), not for this API (\(accepted.joined(separator: ", "))): the client asked for a Graph scope (such as User.Read or https://graph.microsoft.com/.default) instead of your API's.",
                    "Have the client request your API's scope: 'api://<your-api-id>/.default' with client credentials, or 'api://<your-api-id>/<scope>' for a user; then aud is your API.")
        }
        func trimmed(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
        func bare(_ s: String) -> String { s.hasPrefix("api://") ? String(s.dropFirst(6)) : s }
        for value in actualValues {
            for expected in accepted {
                if value != expected && trimmed(value) == trimmed(expected) {
                    return ("Only a trailing slash differs: the token's aud is \"\(value)\" and \(who) accepts \"\(expected)\". Audiences are compared exactly, and v1.0 tokens keep the resource string exactly as the client requested it.",
                            "Add \"\(value)\" to the accepted audiences (keep both forms), or have the client request the resource exactly as \"\(expected)\".")
                }
                if value != expected && bare(trimmed(value)) == bare(trimmed(expected)) {
                    return ("The same application is named two ways: the token's aud is \"\(value)\" and \(who) accepts \"\(expected)\". v2.0 tokens always carry the API's client id (the GUID); v1.0 tokens carry whatever the client requested, the App ID URI (api://…) or the client id.",
                            "Accept both forms in the audiences (\"\(bare(trimmed(value)))\" and \"api://\(bare(trimmed(value)))\"), or have the client request the form you accept; v1.0 tokens can be forced to the GUID with the aud optional claim's use_guid property.")
                }
            }
        }
        if version == .v1, !accepted.isEmpty, accepted.allSatisfy(EntraTenant.isGUID),
            let uri = actualValues.first(where: { $0.contains("://") })
        {
            return ("The token is for \(uri), a v1.0 token's App ID URI, and \(who) accepts only the client id \(accepted.joined(separator: ", ")). v1.0 tokens carry the resource exactly as the client requested it (the App ID URI here); v2.0 tokens always carry the API's client id.",
                    "If \(uri) is this API's App ID URI, accept it as an audience too; or set requestedAccessTokenVersion to 2 so tokens carry the client id; or request the token with the client id as the resource.")
        }
        return ("The token is for \(check.actual ?? "(no audience)"), not for \(accepted.isEmpty ? "this API" : accepted.joined(separator: ", ")): \(check.detail).",
                "Have the client request a token for this API (its App ID URI or client id), or accept that audience if it is this API's other name.")
    }

    func clientFailure(_ check: CheckResult) -> (String, String) {
        let claimName = version == .v2 ? "azp" : "appid"
        if policyKind == TokenValidationKind.validateAzureADToken.rawValue {
            return ("The token was requested by client \(check.actual ?? "(none)"), which is not in the policy's client-application-ids (\(check.expected ?? "")); validate-azure-ad-token matches it against appid (v1.0) or azp (v2.0).",
                    "Call the API from an allowed client, or add \(check.actual ?? "the client's application id") to <client-application-ids> if it should be allowed.")
        }
        return ("The token was requested by client \(check.actual ?? "(none)") (\(claimName)), which is not an accepted client (\(check.expected ?? "")).",
                "Call the API from an accepted client, or accept this client's application id on purpose.")
    }

    /// The credential story shared by `credential` and `claim:appidacr`/`claim:azpacr`.
    func credentialFailure() -> (String, String)? {
        let verdict = inspection.credential
        let claim = verdict.claim ?? (version == .v2 ? "azpacr" : "appidacr")
        switch verdict.kind {
        case .secret:
            return ("The token's \(claim) is \"1\": the client (\(clientText)) authenticated to Entra with a client secret, a shared password. \(who.prefix(1).uppercased() + who.dropFirst()) accepts only a certificate (\(claim) \"2\").",
                    "Add a certificate to the client's app registration (Certificates & secrets > Certificates), make the client request tokens with a client assertion signed by the certificate's private key (client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer) instead of client_secret, then remove the secret from the app registration so it can no longer obtain tokens.")
        case .publicClient:
            return ("The token's \(claim) is \"0\": it was issued to a public client (\(clientText)), which has no credential at all (a desktop, mobile, single-page or device-code app). \(who.prefix(1).uppercased() + who.dropFirst()) accepts only a certificate (\(claim) \"2\").",
                    "Call the API from a confidential client that authenticates with a certificate (a client assertion), or relax the requirement if user-facing public clients are meant to call this API.")
        case .unknown:
            return ("The token does not say how the client authenticated (no appidacr or azpacr\(CredentialVerdict.looksLikeIDToken(claims) ? ": it is an ID token, which never carries them" : "")), so a certificate cannot be confirmed.",
                    CredentialVerdict.looksLikeIDToken(claims)
                        ? "Send an access token for the API, not the ID token."
                        : "Use an Entra access token; appidacr (v1.0) or azpacr (v2.0) says how its client authenticated.")
        case .certificate:
            return nil
        }
    }

    var clientText: String {
        claims["appid"]?.stringValue ?? claims["azp"]?.stringValue ?? "unnamed"
    }

    static let versionedNames: [String: (other: String, version: TokenVersion)] = [
        "appid": ("azp", .v1), "appidacr": ("azpacr", .v1), "azp": ("appid", .v2), "azpacr": ("appidacr", .v2),
    ]

    func claimFailure(_ check: CheckResult, name: String) -> (String, String)? {
        let present = claims[name] != nil
        if !present, let (other, nameVersion) = Self.versionedNames[name], claims[other] != nil {
            let tokenVersion = nameVersion == .v1 ? TokenVersion.v2 : .v1
            let otherValue = claims[other].map { $0.stringValue ?? JSONWriter.write($0, style: .compact) } ?? ""
            return ("\(who.prefix(1).uppercased() + who.dropFirst()) requires \(name), the v\(nameVersion.rawValue) claim name, but this is a v\(tokenVersion.rawValue) token (ver \(claims["ver"]?.stringValue ?? "absent")), which carries \(other) instead (\(other) = \"\(otherValue)\"). \(name) and \(other) mean the same thing; which one a token has depends on its version, so a policy written for one version rejects every token of the other with TokenClaimNotFound.",
                    "Either require \(other) in the policy (for v\(tokenVersion.rawValue) tokens; one validate-jwt per version if both must pass), or set requestedAccessTokenVersion to \(nameVersion == .v1 ? "1 (or null)" : "2") in the API's app registration manifest so Entra issues v\(nameVersion.rawValue) tokens with \(name).")
        }
        if present, name == "appidacr" || name == "azpacr", check.expected?.contains("2") == true, let story = credentialFailure() {
            return story
        }
        if !present {
            let meaning = ClaimGlossary.entry(for: name).map { " (\($0.meaning))" } ?? ""
            return ("The token has no \(name) claim\(meaning), and \(who) requires it (\(check.expected ?? "present")).",
                    name == "roles"
                        ? "Assign the client an app role of the API (an application permission) and grant admin consent; the next token carries roles."
                        : name == "scp"
                        ? "Have the client request the API's delegated scope for the user; app-only tokens never carry scp (check roles instead)."
                        : "Configure the claim for the token (an optional claim or a claims mapping on the API's app registration), or stop requiring it.")
        }
        let actual = check.actual ?? "(none)"
        let hint = check.detail.contains("separator") ? " The claim holds several values in one string: add separator=\" \" to the <claim> element." : ""
        return ("The token's \(name) is \(actual), and \(who) requires \(check.expected ?? "another value").\(hint)",
                name == "roles"
                    ? "Assign the client the app role the policy requires and grant admin consent, or correct the role name in the policy."
                    : name == "scp"
                    ? "Have the client request the scope the policy requires, or correct the scope name in the policy (scp is space-separated: use separator=\" \")."
                    : "Obtain a token whose \(name) carries an accepted value, or correct the value in the policy.")
    }
}

/// Ends a detail with a full stop, capitalised, for prose.
func sentence(_ text: String) -> String {
    guard let first = text.first else { return text }
    var out = first.uppercased() + text.dropFirst()
    if !(out.hasSuffix(".") || out.hasSuffix("!") || out.hasSuffix("?")) { out += "." }
    return out
}
