/// Turns an evaluation computed elsewhere into an `Explanation`. It never verifies or judges anything itself:
/// it narrates the `VerifyEvaluation` or `PolicyEvaluation` it is handed, step by step from the checks'
/// evidence, and the token summary is decode's `TokenInspection` of the same token, at the same instant, under
/// the evaluation's lifetime rule and with the verifier's credential verdict.
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

    /// `verify`'s evaluation of `token`, step by step, with the notes verify prints (a stale cache, a refetch).
    public static func explain(_ evaluation: VerifyEvaluation, of token: CompactToken) -> Explanation {
        let report = evaluation.report
        // A JWE is told as the token inside it, with how it was decrypted.
        let inspection: TokenInspection
        if token.kind == .jwe, let decryption = report.decryption {
            inspection = TokenInspection.inspect(
                token, decryption: decryption, at: evaluation.at, lifetime: evaluation.lifetime, credential: report.credential)
        } else {
            inspection = TokenInspection.inspect(token, at: evaluation.at, lifetime: evaluation.lifetime, credential: report.credential)
        }
        let firstFailure = report.failedChecks.first
        let verdict = evaluation.keysFailure.map(undecided) ?? Explanation.Verdict(
            status: report.isValid ? "valid" : "rejected", httpStatus: nil, reason: firstFailure?.name,
            message: firstFailure?.detail ?? (report.isValid ? "every check passed and the signature was verified" : "the signature was not verified"),
            body: nil, exitCode: report.isValid ? 0 : 1)
        return Explanation(
            verdict: verdict, token: TokenNarrative.summary(inspection), evaluator: "jwtaudit verifier",
            steps: steps(report, inspection: inspection),
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: evaluation.notes)
    }

    /// verify's checks as steps, each failure with its cause and fix: what `verify` shows under each failure.
    public static func steps(_ evaluation: VerifyEvaluation) -> [Explanation.Step] {
        let report = evaluation.report
        let inspection = report.token.map {
            TokenInspection.inspect($0, at: evaluation.at, lifetime: evaluation.lifetime, credential: report.credential)
        }
        return steps(report, inspection: inspection)
    }

    static func steps(_ report: VerificationReport, inspection: TokenInspection?) -> [Explanation.Step] {
        let context = StepContext(inspection: inspection, metadataURLs: [], policyKind: nil)
        return report.checks.map { context.step(for: $0) }
    }

    /// The decisive element's checks as steps, each failure with its cause and fix: what `check-policy` shows.
    public static func steps(_ evaluation: PolicyEvaluation) -> [Explanation.Step] {
        guard let element = evaluation.decisive else { return [] }
        return steps(element, inspection: element.inspection(at: evaluation.at))
    }

    static func steps(_ element: PolicyEvaluation.Element, inspection: TokenInspection?) -> [Explanation.Step] {
        let context = StepContext(
            inspection: inspection, metadataURLs: element.resolved.openIDConfigURLs,
            policyKind: element.resolved.kind.rawValue)
        return element.outcome.checks.map { context.step(for: $0) }
    }

    /// The verdict when the keys or metadata could not be obtained: undecided (exit 2, as verify and check-policy
    /// exit), with why; the steps still show what the token fails whatever the keys say.
    static func undecided(_ failure: JWTAuditError) -> Explanation.Verdict {
        Explanation.Verdict(
            status: "undecided", httpStatus: nil, reason: "the keys could not be obtained", message: failure.reason,
            body: nil, exitCode: 2)
    }

    /// The gateway's evaluation of a request: the decisive element's steps in the gateway's (inferred) order,
    /// ending with the response APIM would send. The token described is the one that element read (the token
    /// inside a decrypted JWE); a request in which it found none, or found something that is not a JWT, is
    /// explained as such.
    public static func explain(_ evaluation: PolicyEvaluation) -> Explanation {
        let verdict = evaluation.keysFailure.map(undecided) ?? policyVerdict(evaluation.verdict)
        guard let element = evaluation.decisive else {
            return Explanation(
                verdict: verdict, token: TokenNarrative.noToken("no token-validating element runs for this request"),
                evaluator: nil, steps: [], glossary: [], notes: evaluation.notes)
        }
        let outcome = element.outcome
        let policy = element.resolved
        let evaluator = policy.kind.rawValue
        let notes = evaluation.notes + element.keyNotes + outcome.notes
        guard let inspection = element.inspection(at: evaluation.at) else {
            // No token where the policy reads it, or something that is not a compact token: the steps say why.
            let why = outcome.checks.first { $0.status == .fail }.map { $0.text.detail } ?? "the request carries no token"
            return Explanation(
                verdict: verdict, token: TokenNarrative.noToken(why), evaluator: evaluator,
                steps: steps(element, inspection: nil), glossary: [], notes: notes)
        }
        return Explanation(
            verdict: verdict, token: TokenNarrative.summary(inspection), evaluator: evaluator,
            steps: steps(element, inspection: inspection),
            glossary: TokenNarrative.glossary(inspection.token, now: inspection.now), notes: notes)
    }

    /// The gateway's verdict, as explain states it: check-policy's value, with the headline and exit status.
    static func policyVerdict(_ verdict: PolicyVerdict) -> Explanation.Verdict {
        guard let lastError = verdict.lastError, !verdict.accepted else {
            return .init(
                status: "accepted", httpStatus: verdict.statusCode, reason: nil,
                message: "the policy lets the request through to the backend", body: nil, exitCode: 0, policy: verdict)
        }
        return .init(
            status: "rejected", httpStatus: verdict.statusCode, reason: lastError.reason.rawValue,
            message: lastError.message, body: verdict.body?.message, exitCode: 1, policy: verdict)
    }

    /// A policy that cannot be evaluated offline (`.unevaluable` from named-value or expression resolution):
    /// one step that says which value is missing and how to supply it; exit 3 as DESIGN.md's "unevaluable
    /// expression". `inspection` is nil when the request carries no token of its own (`--request-header`).
    public static func explain(_ inspection: TokenInspection?, unevaluable error: JWTAuditError, policySource: String? = nil) -> Explanation {
        let narration = ExplanationCatalog.narration(for: ExplanationCatalog.unevaluableCheckID)!
        let isNamedValue = error.reason.hasPrefix("named value")
        let cause = isNamedValue
            ? "The policy uses named values ({{name}}) that APIM substitutes from the instance's Named values; offline each must be given, and without them the policy cannot be evaluated at all."
            : "The policy needs the result of a policy expression (@(...)), which runs C# inside the gateway and cannot run offline, so its value must be given."
        let step = Explanation.Step(
            check: ExplanationCatalog.unevaluableCheckID, status: .fail,
            expected: "a value for every named value and expression the evaluation needs", actual: error.reason,
            detail: "the policy cannot be evaluated offline", explanation: cause, fix: narration.fix.prefix(1).uppercased() + narration.fix.dropFirst() + ".")
        return Explanation(
            verdict: .init(
                status: "cannot-evaluate", httpStatus: nil, reason: isNamedValue ? "named value not supplied" : "expression not evaluable",
                message: error.reason, body: nil, exitCode: 3),
            token: inspection.map(TokenNarrative.summary) ?? TokenNarrative.noToken("the request was given as headers"),
            evaluator: policySource, steps: [step],
            glossary: inspection.map { TokenNarrative.glossary($0.token, now: $0.now) } ?? [], notes: [])
    }
}

/// What the step narrations need besides the check itself.
struct StepContext {
    /// nil when the request carried no token (the failing step is then the `token` step).
    let inspection: TokenInspection?
    let metadataURLs: [String]
    /// `validate-jwt` / `validate-azure-ad-token`, nil for the verifier.
    let policyKind: String?

    var token: CompactToken? { inspection?.token }
    var claims: JSONObject { inspection?.token.claims ?? JSONObject() }
    var version: TokenVersion? { inspection?.credential.tokenVersion }
    var who: String { policyKind.map { "the \($0) policy" } ?? "the verifier" }

    func step(for check: CheckResult) -> Explanation.Step {
        let narration = ExplanationCatalog.narration(for: check.name)
        let text = check.text
        switch check.status {
        case .pass, .skip, .warn:
            var explanation = text.detail.hasSuffix(".") ? text.detail : text.detail + "."
            if case .decryption(let outcome) = check.evidence, outcome.status == .decrypted {
                explanation = "The token is a JWE (key management \(outcome.algorithm ?? "?"), content encryption \(outcome.encryption ?? "?")): "
                    + explanation.prefix(1).lowercased() + explanation.dropFirst()
                    + (outcome.keyChoice.map { " The key was chosen because \($0)." } ?? "")
                    + " The steps after this one judge the token inside it."
            }
            if check.status == .warn, let purpose = narration?.purpose {
                explanation = "Passed with a warning (\(purpose)): " + explanation
            }
            return Explanation.Step(
                check: check.name, status: check.status, expected: text.expected, actual: text.actual,
                detail: text.detail, explanation: explanation, fix: nil)
        case .fail:
            let (cause, fix) = failure(check, text) ?? (
                sentence((narration?.cause ?? "the check failed") + ": " + text.detail),
                sentence(narration?.fix ?? "see the detail"))
            return Explanation.Step(
                check: check.name, status: .fail, expected: text.expected, actual: text.actual, detail: text.detail,
                explanation: cause, fix: fix)
        }
    }

    // MARK: Specific narrations

    /// The cause and fix for the failures people hit, read from what the check found.
    func failure(_ check: CheckResult, _ text: CheckText) -> (String, String)? {
        switch check.evidence {
        case .format(.encrypted):
            return ("The token is encrypted (JWE, five segments): its claims are readable only by the holder of the decryption key, and signatures are checked on signed tokens.",
                    "Send the signed access token; if your API really receives encrypted tokens, configure the decryption key (validate-jwt decryption-keys).")
        case .tokenLocation(let location):
            return tokenLocationFailure(location, text)
        case .algorithm(let algorithm):
            return algorithmFailure(algorithm, text)
        case .key(let key):
            return keyFailure(key, text)
        case .signature:
            return signatureFailure(text)
        case .time(let time) where check.id == .expiry:
            return expiryFailure(time, text)
        case .time(let time) where check.id == .notBefore:
            return notBeforeFailure(time, text)
        case .time(let time):
            return ("The token says it was issued in the future (\(text.actual ?? "iat")), beyond the clock skew of \(time.rule.clockSkew) s: \(text.detail). Either this machine's clock or the issuer's is wrong, or the token was forged.",
                    "Check this machine's clock (NTP). If the clocks are right, do not trust the token.")
        case .issuer(let issuer):
            return issuerFailure(issuer, text)
        case .audience(let audience):
            return audienceFailure(audience, text)
        case .tenant:
            return ("The token's tenant (tid \(text.actual ?? "absent")) is not the expected \(text.expected ?? "tenant"): \(text.detail).",
                    "Use a token from the expected tenant; if the API is multi-tenant on purpose, accept that tenant explicitly.")
        case .client(let client):
            return ("The token was requested by client \(text.actual ?? "(none)") (\(client.tokenVersion.clientClaim)), which is not an accepted client (\(text.expected ?? "")).",
                    "Call the API from an accepted client, or accept this client's application id on purpose.")
        case .clientApplication:
            return ("The token was requested by client \(text.actual ?? "(none)"), which is not in the policy's client-application-ids (\(text.expected ?? "")); validate-azure-ad-token matches it against appid (v1.0) or azp (v2.0).",
                    "Call the API from an allowed client, or add \(text.actual ?? "the client's application id") to <client-application-ids> if it should be allowed.")
        case .credential(let credential):
            return credentialFailure(credential.verdict)
        case .claim(let claim):
            return claimFailure(name: check.claim ?? "", present: claim.found != nil, requiresCertificate: claim.required == "2", looksMultiValued: false, text)
        case .requiredClaim(let claim):
            var looksMultiValued = false
            if case .notSatisfied(let multi) = claim.outcome { looksMultiValued = multi }
            return claimFailure(
                name: claim.requirement.name, present: claim.values != nil,
                requiresCertificate: claim.requirement.values.contains("2"), looksMultiValued: looksMultiValued, text)
        case .decryption(let outcome):
            return decryptionFailure(outcome)
        case .notRun, .format, .claimsSet, .unsignedAccepted:
            return nil
        }
    }

    /// A JWE that did not open: no key for it, a key that does not open it (or a token altered on the way), or a
    /// JWE that breaks the rules. No plaintext is ever narrated: nothing of it was released.
    func decryptionFailure(_ outcome: DecryptionOutcome) -> (String, String) {
        let algorithms = "key management \(outcome.algorithm ?? "(none)"), content encryption \(outcome.encryption ?? "(none)")"
        let why = outcome.reason ?? "not decrypted"
        let keys = policyKind == nil
            ? "Give the recipient's private key with --decryption-key FILE (PEM, or a JWK with its private members)."
            : "Give the gateway's decryption key: the policy's <decryption-keys> lists it (a certificate-id is the certificate uploaded to APIM: map it with --certificate ID=FILE to a file holding its private key)."
        switch outcome.failure {
        case .noKeys?, .noSuitableKey?:
            return ("The token is encrypted (JWE, \(algorithms)) and \(who) has no key that can decrypt it: \(why). Without decryption nothing inside it can be judged.",
                    keys + " The key must fit the token's alg: an RSA key for RSA-OAEP*, an EC key on the epk's curve for ECDH-ES*.")
        case .unwrapFailed?, .authenticationFailed?, .everyKeyFailed?, .contentKeyLength?, .keyAgreementFailed?:
            return ("The token is encrypted (JWE, \(algorithms)) and no key tried decrypted it: \(why). Either it was encrypted to another key (the API's token encryption certificate was replaced, or the token is for another API), or it was altered on the way; nothing of its content is released.",
                    "Check that the certificate the API's app registration encrypts tokens to (tokenEncryptionKeyId) is the one whose private key is configured here; if it is, treat the token as tampered and get a fresh one.")
        default:
            return ("The token is a JWE that cannot be decrypted as it is (\(algorithms)): \(why).",
                    "Send the token exactly as the identity provider issued it; a JWE must be compact, use an algorithm pair jwtaudit and the gateway support (not PBES2, no crit), and have exact IV and tag lengths.")
        }
    }

    /// `who`, at the start of a sentence.
    var whoCapitalized: String { who.prefix(1).uppercased() + who.dropFirst() }

    func tokenLocationFailure(_ evidence: TokenLocationEvidence, _ text: CheckText) -> (String, String) {
        if case .schemeMismatch = evidence.extraction {
            return ("The token is sent with another authorization scheme than the one the policy requires (\(text.expected ?? "")): \(text.detail).",
                    "Send 'Authorization: Bearer <token>', or change require-scheme if the API expects another scheme (a DPoP-bound token also needs DPoP proof checking, which validate-jwt does not do).")
        }
        return ("The gateway finds no token where the policy reads it (\(text.expected ?? "")): \(text.detail). APIM answers with TokenNotPresent.",
                "Send the access token there, e.g. 'Authorization: Bearer <token>'; for a custom header, send the bare token (require-scheme is ignored for custom headers).")
    }

    func algorithmFailure(_ evidence: AlgorithmEvidence, _ text: CheckText) -> (String, String) {
        switch evidence.finding {
        case .unsecured(let spelling):
            return ("The header says alg \"\(spelling)\": an unsigned token that anyone can write. No verifier may accept it, in any spelling.",
                    "Treat the token as forged. Real Entra access tokens are signed with RS256.")
        case .notAllowed(let algorithm) where algorithm.isSymmetric, .noCompatibleKey(let algorithm) where algorithm.isSymmetric:
            if let iss = claims["iss"]?.stringValue, EntraIssuer.isMicrosoftHost(iss) {
                return ("The header says \(algorithm.rawValue), an HMAC algorithm, on a token from an Entra issuer. Entra signs with RSA keys only, so this is the algorithm-confusion attack (the public key used as an HMAC secret).",
                        "Treat the token as forged; never allow HS* algorithms together with published RSA keys.")
            }
        default:
            break
        }
        return ("The algorithm \(text.actual ?? "(absent)") is not accepted (\(text.expected.map { "allowed: \($0)" } ?? "")): \(text.detail).",
                "Allow the algorithm the issuer really uses (Entra: RS256), or use a token signed with an allowed one.")
    }

    /// A Graph token: its header carries a `nonce`, or its audience is Graph's.
    var isGraphToken: Bool { token?.header["nonce"] != nil || EntraAudience.isGraph(claims["aud"]) }

    var graphExplanation: String {
        "This is a Microsoft Graph token (\(token?.header["nonce"] != nil ? "its header carries a nonce" : "aud is Microsoft Graph")): Graph tokens are signed over a transformed header (the nonce is hashed first), so no one but Graph can verify them, and Microsoft says validate-jwt is not meant for them."
    }

    var graphFix: String {
        "Have the client request a token for your own API (its App ID URI or client id, e.g. scope 'api://<your-api-id>/.default' for client credentials) instead of a Graph scope; do not validate Graph tokens in your API."
    }

    func keyFailure(_ evidence: KeyEvidence, _ text: CheckText) -> (String, String) {
        if isGraphToken { return (graphExplanation, graphFix) }
        switch evidence.finding {
        case .noKeySource:
            return ("No key was given, so the signature cannot be checked.",
                    "Give the keys: --tenant for Entra discovery, --jwks or --key for local keys, or --policy with the gateway's policy.")
        case .publishedForAnotherIssuer:
            return ("The only key with this kid is published for another issuer (\(text.expected ?? "")): \(text.detail). Entra's v2.0 key sets bind each key to an issuer, and a key may verify only that issuer's tokens.",
                    "Verify against the metadata of the issuer that issued the token (its tenant and version).")
        case .algorithmRefused, .selected:
            break
        }
        let kid = token?.keyID.map { "\"\($0)\"" } ?? "(none)"
        var where_ = text.expected.map { " (\($0))" } ?? ""
        if let url = metadataURLs.first { where_ = " in the keys of the metadata the policy points at, \(url)" }
        var cause = "No trusted key has the token's kid \(kid)\(where_). Entra rotates its signing keys, so either the key set is older than the token, or the token was signed by a key this tenant and version do not publish (another tenant, an app-specific signing key, or a forger)."
        let entra = claims["iss"]?.stringValue.flatMap(EntraIssuer.init)
        if let entra {
            cause += " The token names tenant \(entra.tenant) and is v\(version?.rawValue ?? entra.version.rawValue)."
        }
        var fix = "Check that the metadata is the issuing tenant's and version's: "
        if let entra {
            fix += EntraMetadataEndpoint.metadataURL(
                tenantText: entra.tenant, version: entra.version == .v2 || version == .v2 ? .v2 : .v1)
        } else {
            fix += "the issuer's /.well-known/openid-configuration"
        }
        fix += ". After a rotation APIM refetches the keys at most once every 5 minutes for an unknown kid, so a new key can fail briefly; refresh a cached key set (jwtaudit: --no-cache). If the app uses its own signing key, its metadata needs ?appid=<app id>."
        return (cause, fix)
    }

    func signatureFailure(_ text: CheckText) -> (String, String) {
        if isGraphToken { return (graphExplanation, graphFix) }
        if token?.signatureCount == 0 {
            return ("The token has no signature.", "Treat it as forged; a real access token is signed.")
        }
        return ("The signature does not verify with the key chosen by kid \(token?.keyID.map { "\"\($0)\"" } ?? "(none)"): \(text.detail). The token was changed after it was signed, or another key with the same kid signed it.",
                "Do not trust this token. Obtain a fresh one from the token endpoint, unmodified (no re-encoding, no edited claims).")
    }

    func expiryFailure(_ evidence: TimeEvidence, _ text: CheckText) -> (String, String) {
        guard case .value(let exp) = evidence.finding else {
            if case .absent = evidence.finding {
                return ("The token has no exp, so it would never expire; \(who) requires one (require-expiration-time).",
                        "Use tokens with an expiry (Entra always sets one); waive this only for tokens you mint yourself.")
            }
            return ("exp is not a usable time: \(text.detail).", "Use a token minted by the identity provider.")
        }
        let now = evidence.now
        let late = evidence.rule.skewToAccept(exp: exp, at: now)
        return ("The token expired at \(NumericDate.formatRFC3339(exp)), \(NumericDate.describe(UInt64(max(late, 0)))) before the evaluation time \(NumericDate.formatRFC3339(now)); the clock skew allowed is \(evidence.rule.clockSkew) s, so it would pass only with a skew of at least \(late) s.",
                "Request a new token: Entra access tokens live 60-90 minutes, and clients should renew them before exp (MSAL does so from its token cache)."
                    + (late <= 300 ? " It expired only \(late) s ago: if the clocks differ by that much, a clock-skew of \(late) s or more accepts it (APIM's default is 0 s)." : ""))
    }

    func notBeforeFailure(_ evidence: TimeEvidence, _ text: CheckText) -> (String, String) {
        switch evidence.finding {
        case .neverValid(let nbf, let exp):
            return ("nbf (\(NumericDate.formatRFC3339(nbf))) is after exp (\(NumericDate.formatRFC3339(exp))): the token is never valid.",
                    "Treat the token as malformed or forged.")
        case .value(let nbf):
            let now = evidence.now
            let early = evidence.rule.skewToAccept(nbf: nbf, at: now)
            return ("The token is not valid until \(NumericDate.formatRFC3339(nbf)), \(NumericDate.describe(UInt64(max(early, 0)))) after the evaluation time \(NumericDate.formatRFC3339(now)); the clock skew allowed is \(evidence.rule.clockSkew) s. A token that is not yet valid means the clocks disagree by at least \(early) s (this machine's, or the issuer's).",
                    "Synchronise this machine's clock (NTP). To tolerate small differences, set clock-skew (validate-jwt clock-skew, jwtaudit --clock-skew) to a few minutes.")
        case .absent, .invalid:
            return ("nbf is not usable: \(text.detail).", "Use a token minted by the identity provider.")
        }
    }

    func issuerFailure(_ evidence: IssuerEvidence, _ text: CheckText) -> (String, String) {
        let accepted = evidence.rule.accepted.joined(separator: ", ")
        if case .rejected(let iss, let mismatch) = evidence.finding {
            switch mismatch {
            case .otherVersion(let token, let other):
                let v1 = "https://sts.windows.net/\(token.tenant)/"
                let v2 = "https://login.microsoftonline.com/\(token.tenant)/v2.0"
                let cause = "The token was issued by \(iss), the \(token.version.label) issuer form, but \(who) accepts the \(other.version.label) form of the same tenant (\(accepted)). v1.0 tokens come from \(v1) and v2.0 tokens from \(v2); \(other.version == .v1 ? "the v1.0 metadata (…/.well-known/openid-configuration, without v2.0) advertises the sts.windows.net issuer" : "the v2.0 metadata (…/v2.0/.well-known/openid-configuration) advertises the login.microsoftonline.com/…/v2.0 issuer"). The token version is chosen by the API's app registration (requestedAccessTokenVersion), not by the endpoint the client called."
                let metadata = EntraMetadataEndpoint.metadataURL(tenantText: token.tenant, version: token.version)
                let fix = "Either validate against the metadata of the token's version (\(metadata)), or list both issuers (\(v1) and \(v2)) \(policyKind == nil ? "with --issuer" : "in <issuers>"); or set requestedAccessTokenVersion to \(token.version == .v2 ? "1 (or null)" : "2") in the API's app registration manifest so Entra issues \(other.version.label) tokens."
                return (cause, fix)
            case .otherTenant(let token, let other):
                return ("The token comes from tenant \(token), but \(who) accepts tenant \(other) (\(accepted)).",
                        "Use a token issued by tenant \(other) (the client must sign in to that tenant), or accept this tenant's issuer if the API is meant to be multi-tenant.")
            case .unrelated:
                break
            }
        }
        return ("The token's issuer \(text.actual ?? "(absent)") is not accepted (\(text.expected ?? "none configured")): \(text.detail).",
                "Accept the issuer that really issues your tokens (from its OpenID metadata), or use a token from an accepted issuer.")
    }

    func audienceFailure(_ evidence: AudienceEvidence, _ text: CheckText) -> (String, String) {
        let accepted = evidence.accepted
        guard case .rejected(let aud, let mismatch) = evidence.finding else {
            return ("The token is for \(text.actual ?? "(no audience)"), not for \(accepted.isEmpty ? "this API" : accepted.joined(separator: ", ")): \(text.detail).",
                    "Have the client request a token for this API (its App ID URI or client id), or accept that audience if it is this API's other name.")
        }
        switch mismatch {
        case .graph:
            return ("The token is for Microsoft Graph (aud \(text.actual ?? "")), not for this API (\(accepted.joined(separator: ", "))): the client asked for a Graph scope (such as User.Read or https://graph.microsoft.com/.default) instead of your API's.",
                    "Have the client request your API's scope: 'api://<your-api-id>/.default' with client credentials, or 'api://<your-api-id>/<scope>' for a user; then aud is your API.")
        case .trailingSlash(let value, let expected):
            return ("Only a trailing slash differs: the token's aud is \"\(value)\" and \(who) accepts \"\(expected)\". Audiences are compared exactly, and v1.0 tokens keep the resource string exactly as the client requested it.",
                    "Add \"\(value)\" to the accepted audiences (keep both forms), or have the client request the resource exactly as \"\(expected)\".")
        case .sameApplication(let value, let expected):
            let id = AudienceForms.bare(value)
            return ("The same application is named two ways: the token's aud is \"\(value)\" and \(who) accepts \"\(expected)\". v2.0 tokens always carry the API's client id (the GUID); v1.0 tokens carry whatever the client requested, the App ID URI (api://…) or the client id.",
                    "Accept both forms in the audiences (\"\(id)\" and \"api://\(id)\"), or have the client request the form you accept; v1.0 tokens can be forced to the GUID with the aud optional claim's use_guid property.")
        case .unrelated:
            if version == .v1, !accepted.isEmpty, accepted.allSatisfy(EntraTenant.isGUID),
                let uri = AudienceEvidence.values(of: aud).first(where: { $0.contains("://") })
            {
                return ("The token is for \(uri), a v1.0 token's App ID URI, and \(who) accepts only the client id \(accepted.joined(separator: ", ")). v1.0 tokens carry the resource exactly as the client requested it (the App ID URI here); v2.0 tokens always carry the API's client id.",
                        "If \(uri) is this API's App ID URI, accept it as an audience too; or set requestedAccessTokenVersion to 2 so tokens carry the client id; or request the token with the client id as the resource.")
            }
            return ("The token is for \(text.actual ?? "(no audience)"), not for \(accepted.isEmpty ? "this API" : accepted.joined(separator: ", ")): \(text.detail).",
                    "Have the client request a token for this API (its App ID URI or client id), or accept that audience if it is this API's other name.")
        }
    }

    /// The credential story shared by `credential` and `claim:appidacr`/`claim:azpacr`.
    func credentialFailure(_ verdict: CredentialVerdict) -> (String, String)? {
        let claim = verdict.claim ?? verdict.expectedClaim
        switch verdict.kind {
        case .secret:
            return ("The token's \(claim) is \"1\": the client (\(clientText)) authenticated to Entra with a client secret, a shared password. \(whoCapitalized) accepts only a certificate (\(claim) \"2\").",
                    "Add a certificate to the client's app registration (Certificates & secrets > Certificates), make the client request tokens with a client assertion signed by the certificate's private key (client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer) instead of client_secret, then remove the secret from the app registration so it can no longer obtain tokens.")
        case .publicClient:
            return ("The token's \(claim) is \"0\": it was issued to a public client (\(clientText)), which has no credential at all (a desktop, mobile, single-page or device-code app). \(whoCapitalized) accepts only a certificate (\(claim) \"2\").",
                    "Call the API from a confidential client that authenticates with a certificate (a client assertion), or relax the requirement if user-facing public clients are meant to call this API.")
        case .unknown:
            let idToken = CredentialVerdict.looksLikeIDToken(claims)
            return ("The token does not say how the client authenticated (no appidacr or azpacr\(idToken ? ": it is an ID token, which never carries them" : "")), so a certificate cannot be confirmed.",
                    idToken
                        ? "Send an access token for the API, not the ID token."
                        : "Use an Entra access token; appidacr (v1.0) or azpacr (v2.0) says how its client authenticated.")
        case .certificate:
            return nil
        }
    }

    var clientText: String {
        claims["appid"]?.stringValue ?? claims["azp"]?.stringValue ?? "unnamed"
    }

    /// The claims whose name depends on the token version, with the other version's name for the same thing.
    static let versionedNames: [String: (other: String, version: TokenVersion)] = [
        TokenVersion.v1.clientClaim: (TokenVersion.v2.clientClaim, .v1),
        TokenVersion.v1.credentialClaim: (TokenVersion.v2.credentialClaim, .v1),
        TokenVersion.v2.clientClaim: (TokenVersion.v1.clientClaim, .v2),
        TokenVersion.v2.credentialClaim: (TokenVersion.v1.credentialClaim, .v2),
    ]

    func claimFailure(
        name: String, present: Bool, requiresCertificate: Bool, looksMultiValued: Bool, _ text: CheckText
    ) -> (String, String)? {
        if !present, let (other, nameVersion) = Self.versionedNames[name], claims[other] != nil {
            let tokenVersion = nameVersion.other
            let otherValue = claims[other].map { $0.stringValue ?? JSONWriter.write($0, style: .compact) } ?? ""
            return ("\(whoCapitalized) requires \(name), the \(nameVersion.label) claim name, but this is a \(tokenVersion.label) token (ver \(claims["ver"]?.stringValue ?? "absent")), which carries \(other) instead (\(other) = \"\(otherValue)\"). \(name) and \(other) mean the same thing; which one a token has depends on its version, so a policy written for one version rejects every token of the other with TokenClaimNotFound.",
                    "Either require \(other) in the policy (for \(tokenVersion.label) tokens; one validate-jwt per version if both must pass), or set requestedAccessTokenVersion to \(nameVersion == .v1 ? "1 (or null)" : "2") in the API's app registration manifest so Entra issues \(nameVersion.label) tokens with \(name).")
        }
        let isCredentialClaim = name == TokenVersion.v1.credentialClaim || name == TokenVersion.v2.credentialClaim
        if present, isCredentialClaim, requiresCertificate, let credential = inspection?.credential,
            let story = credentialFailure(credential)
        {
            return story
        }
        if !present {
            let meaning = ClaimGlossary.entry(for: name).map { " (\($0.meaning))" } ?? ""
            return ("The token has no \(name) claim\(meaning), and \(who) requires it (\(text.expected ?? "present")).",
                    name == "roles"
                        ? "Assign the client an app role of the API (an application permission) and grant admin consent; the next token carries roles."
                        : name == "scp"
                        ? "Have the client request the API's delegated scope for the user; app-only tokens never carry scp (check roles instead)."
                        : "Configure the claim for the token (an optional claim or a claims mapping on the API's app registration), or stop requiring it.")
        }
        let actual = text.actual ?? "(none)"
        let hint = looksMultiValued ? " The claim holds several values in one string: add separator=\" \" to the <claim> element." : ""
        return ("The token's \(name) is \(actual), and \(who) requires \(text.expected ?? "another value").\(hint)",
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
