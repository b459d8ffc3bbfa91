/// What the gateway would do with one request: the token-validating elements on the request's path through the
/// effective policy, each with its outcome, and the one verdict they give. `check-policy` prints it and `explain
/// --policy` narrates it (cedar's `is_authorized` shape: one call, all in the core).
public struct PolicyEvaluation: Sendable {
    /// One `validate-jwt` / `validate-azure-ad-token` element that ran for this request.
    public struct Element: Sendable {
        /// The element as written and its resolved parameters: one reference that every evaluation of a prepared
        /// policy shares (`ElementPlan`), rather than two large values copied and released per token.
        public final class Parameters: Sendable {
            public let policy: TokenValidationPolicy
            public let resolved: ResolvedTokenValidation

            public init(policy: TokenValidationPolicy, resolved: ResolvedTokenValidation) {
                self.policy = policy
                self.resolved = resolved
            }
        }

        public let parameters: Parameters
        public var policy: TokenValidationPolicy { parameters.policy }
        public var resolved: ResolvedTokenValidation { parameters.resolved }
        public let outcome: PolicyOutcome
        /// The verifier's report under the APIM plan, when the element found a token (its checks are in
        /// `outcome.checks`; the report keeps the token, the one inside a decrypted JWE, and its credential verdict
        /// for `explain`).
        public let report: VerificationReport?
        /// The `<choose>` branches taken to reach it, outermost first; empty outside `<choose>`.
        public let path: [PolicyFlow.Decision]
        /// Where the keys and issuers came from ("JWKS from the cache is stale ...").
        public let keyNotes: [String]
        /// Why the element's keys or metadata could not be obtained, when the request asked to judge the token
        /// without them (`PolicyEvaluationRequest.undecidedWithoutKeys`): its report leaves the signature unchecked.
        public var keysFailure: JWTAuditError? = nil
        /// The JWE the token came in, when it was encrypted (`report.decryption` says how it was opened).
        public var envelope: CompactToken? = nil

        /// decode's inspection of the token the element judged, at `at`, under its clock skew and with the
        /// verifier's credential verdict: for a JWE, the token inside it with the decryption told.
        public func inspection(at: Int64) -> TokenInspection? {
            guard let report, let token = report.token else { return nil }
            let lifetime = LifetimeRule(clockSkew: Int64(resolved.clockSkewSeconds))
            if let envelope, let decryption = report.decryption {
                return TokenInspection.inspect(envelope, decryption: decryption, at: at, lifetime: lifetime, credential: report.credential)
            }
            return TokenInspection.inspect(token, at: at, lifetime: lifetime, credential: report.credential)
        }

        /// Inside `<choose>`: it ran because of the branches in `path`.
        public var conditional: Bool { !path.isEmpty }

        public init(
            parameters: Parameters, outcome: PolicyOutcome, report: VerificationReport?, path: [PolicyFlow.Decision],
            keyNotes: [String], keysFailure: JWTAuditError? = nil, envelope: CompactToken? = nil
        ) {
            self.parameters = parameters
            self.outcome = outcome
            self.report = report
            self.path = path
            self.keyNotes = keyNotes
            self.keysFailure = keysFailure
            self.envelope = envelope
        }

        public init(
            policy: TokenValidationPolicy, resolved: ResolvedTokenValidation, outcome: PolicyOutcome,
            report: VerificationReport?, path: [PolicyFlow.Decision], keyNotes: [String]
        ) {
            self.init(
                parameters: Parameters(policy: policy, resolved: resolved), outcome: outcome, report: report, path: path,
                keyNotes: keyNotes)
        }
    }

    /// The elements that ran, in order. The gateway stops at the first that rejects, so only the last may reject.
    public let elements: [Element]
    /// Every `<choose>` decided on the way, in order.
    public let decisions: [PolicyFlow.Decision]
    /// The answer: the rejecting element's, else accepted.
    public let verdict: PolicyVerdict
    /// Lint findings for the effective policy (the same rules as `check-policy` without a token).
    public let findings: [PolicyLintFinding]
    /// Statements about the run as a whole (branches taken, elements that did not run).
    public let notes: [String]
    /// The instant the token's times were judged at.
    public let at: Int64

    /// The element whose outcome is the response: the one that rejected, else the last that ran; nil when no
    /// token-validating element is on the request's path (every one is in a branch not taken).
    public var decisiveIndex: Int? { elements.isEmpty ? nil : elements.count - 1 }
    public var decisive: Element? { decisiveIndex.map { elements[$0] } }
    public var accepted: Bool { verdict.accepted }
    public var statusCode: Int { verdict.statusCode }
    public var lastError: PolicyLastError? { verdict.lastError }

    /// Every note, in the order a reader takes them: the run's, the decisive element's keys', its outcome's.
    public var allNotes: [String] { notes + (decisive.map { $0.keyNotes + $0.outcome.notes } ?? []) }
    /// Why some element's keys could not be obtained: the gateway's answer is then undecided, whatever the checks
    /// that need no key say.
    public var keysFailure: JWTAuditError? { elements.lazy.compactMap(\.keysFailure).first }
}

/// One request as the gateway receives it, offline.
public struct PolicyEvaluationRequest: Sendable {
    /// The token, placed where each element reads it (nil when `request` is given, or when nothing carries one).
    public var token: String?
    /// The request exactly as a client sent it (`--request-header`), instead of a placed token.
    public var request: PolicyRequest?
    /// Values for the policy expressions the evaluation needs (they cannot run offline): conditions,
    /// `token-value`, any attribute written as an expression; keyed by the expression's exact text.
    public var expressionValues: [String: String]
    /// The instant the token's times are judged at.
    public var at: Int64
    /// validate-azure-ad-token's authority (`--authority`); nil: the policy's `authentication-endpoint`, else
    /// the public cloud.
    public var authority: String?
    /// The private keys of the policy's `<decryption-keys>` certificates (`--decryption-key`), read only when a
    /// token is a JWE.
    public var decryptionKeys: @Sendable () throws(JWTAuditError) -> [DecryptionKey]
    /// Whether signatures are checked: always `.verified` for a request anyone outside the core makes (the
    /// initializer takes no choice and the setter is internal); only `AdmissionMatrix` sets `.assumed`, for the
    /// tokens it synthesizes.
    public internal(set) var signatures: VerificationPlan.Signatures = .verified
    /// Keys or metadata that cannot be obtained leave the element undecided (`Element.keysFailure`) rather than
    /// failing the evaluation: explain then still shows every check that needs no key.
    public var undecidedWithoutKeys: Bool

    public init(
        token: String?, request: PolicyRequest?, expressionValues: [String: String], at: Int64, authority: String?,
        decryptionKeys: @escaping @Sendable () throws(JWTAuditError) -> [DecryptionKey] = { [] },
        undecidedWithoutKeys: Bool = false
    ) {
        self.token = token
        self.request = request
        self.expressionValues = expressionValues
        self.at = at
        self.authority = authority
        self.decryptionKeys = decryptionKeys
        self.undecidedWithoutKeys = undecidedWithoutKeys
    }
}

extension PolicyEvaluator {
    /// Evaluates the effective policy against one request with APIM's semantics: the token-validating elements on
    /// the request's path (`PolicyFlow`: document order, `<choose>` taking its first true `<when>`, else
    /// `<otherwise>`), each reading the token where it reads it, verified with its keys (its metadata,
    /// `issuer-signing-keys` and certificates, through `keys`) and parameters by the shared verifier under the
    /// APIM plan, then its own rules. The first element that rejects answers the request, and nothing after it
    /// runs. What cannot be evaluated fails the whole evaluation, naming what is missing: a condition or an
    /// attribute whose expression has no value (`.unevaluable`), keys that cannot be obtained. One request; many
    /// against one policy prepare it once (`PreparedPolicy`), which is what this does for one.
    public static func evaluate(
        _ document: PolicyDocument, _ request: PolicyEvaluationRequest, keys: KeyResolution
    ) throws(JWTAuditError) -> PolicyEvaluation {
        try PreparedPolicy(document, shared: request, keys: keys).evaluate(token: request.token, at: request.at)
    }

    /// The request's way through the flow: elements run in order until one rejects.
    struct Walk {
        let prepared: PreparedPolicy
        let request: PolicyEvaluationRequest
        /// The request's token, parsed by the caller already.
        let parsed: CompactToken?
        var elements: [PolicyEvaluation.Element] = []
        var decisions: [PolicyFlow.Decision] = []
        var notes: [String] = []
        var path: [PolicyFlow.Decision] = []
        var stopped = false
        /// Elements in branches not taken, and elements after the rejection: for the notes.
        var notTaken: [TokenValidationPolicy] = []
        var notReached: [TokenValidationPolicy] = []

        init(prepared: PreparedPolicy, request: PolicyEvaluationRequest, parsed: CompactToken?) {
            self.prepared = prepared
            self.request = request
            self.parsed = parsed
        }

        mutating func run(_ nodes: [PolicyFlow.Node]) throws(JWTAuditError) {
            for (index, node) in nodes.enumerated() {
                if stopped {
                    notReached += PolicyFlow.validations(in: Array(nodes[index...])).filter { $0.placement.section != .onError }
                    return
                }
                switch node {
                case .onError:
                    continue
                case .validation(let validation):
                    let element = try evaluate(validation)
                    elements.append(element)
                    if !element.outcome.accepted { stopped = true }
                case .choose(let choose):
                    guard choose.validates else { continue }
                    let (decision, body) = try decide(choose)
                    let taken = Set(PolicyFlow.validations(in: body).map(\.placement.key))
                    notTaken += PolicyFlow.validations(in: [node]).filter { !taken.contains($0.placement.key) }
                    decisions.append(decision)
                    path.append(decision)
                    try run(body)
                    path.removeLast()
                }
            }
        }

        /// The branch the gateway takes: the first `<when>` whose condition is true, else `<otherwise>`. A
        /// condition with no value stops the evaluation, naming the expression.
        func decide(_ choose: PolicyFlow.Choose) throws(JWTAuditError) -> (PolicyFlow.Decision, [PolicyFlow.Node]) {
            var conditions: [(text: String, value: Bool, supplied: Bool)] = []
            let at = "\(choose.source.map { "\($0) " } ?? "")line"
            for (index, when) in choose.whens.enumerated() {
                guard let condition = when.condition else {
                    throw JWTAuditError(.malformedPolicy, "<when> at \(at) \(when.line) has no condition attribute")
                }
                guard let value = try PolicyFlow.condition(condition, expressionValues: request.expressionValues, line: when.line) else {
                    throw JWTAuditError(
                        .unevaluable,
                        "the condition of <when> at \(at) \(when.line) is the policy expression \(condition.description), which cannot be run offline, and which branch runs decides the verdict; supply its value (true or false)")
                }
                conditions.append((condition.description.trimmingXMLSpace, value.value, value.supplied))
                if value.value {
                    return (PolicyFlow.Decision(line: choose.line, branch: .when(position: index + 1, line: when.line), conditions: conditions), when.nodes)
                }
            }
            if let otherwise = choose.otherwise {
                return (PolicyFlow.Decision(line: choose.line, branch: .otherwise, conditions: conditions), otherwise)
            }
            return (PolicyFlow.Decision(line: choose.line, branch: .none, conditions: conditions), [])
        }

        /// One element, its errors prefixed with where it is.
        mutating func evaluate(_ validation: TokenValidationPolicy) throws(JWTAuditError) -> PolicyEvaluation.Element {
            do {
                let plan = try prepared.plan(for: validation, request, notes: &notes)
                return try PolicyEvaluator.evaluate(plan, request, parsed: parsed, keys: prepared.keys, path: path)
            } catch {
                let place = validation.placement
                throw JWTAuditError(
                    error.code,
                    "\(validation.kind.rawValue) at \(place.source.map { "\($0) " } ?? "")line \(place.line): \(error.reason)")
            }
        }
    }

    /// One element: read the token as it would, verify with its keys and parameters, evaluate.
    static func evaluate(
        _ plan: ElementPlan, _ request: PolicyEvaluationRequest, parsed: CompactToken?, keys: KeyResolution,
        path: [PolicyFlow.Decision]
    ) throws(JWTAuditError) -> PolicyEvaluation.Element {
        let resolved = plan.resolved
        var extraction: TokenExtraction
        var parsedToken: CompactToken?
        if request.request == nil, let token = request.token, let parsed, plan.placedReadsBackUnchanged {
            // A compact token placed by jwtaudit reads back as itself (`ElementPlan.readsBackUnchanged`).
            extraction = .token(token, note: plan.placedNote)
            parsedToken = parsed
        } else {
            let sent = request.request ?? request.token.map { PolicyRequest.carrying($0, for: resolved) } ?? PolicyRequest()
            extraction = TokenExtraction.extract(from: sent, for: resolved)
            if request.request == nil, request.token != nil, case .token(let text, _) = extraction {
                // jwtaudit placed the token itself, so the way it was read is not in question.
                extraction = .token(text, note: plan.placedNote)
            }
        }
        var verified: Verification?
        if case .token(let text, _) = extraction {
            verified = try verify(text, parsed: parsedToken, plan, request, keys: keys)
        }
        let outcome = try evaluate(
            resolved, extraction: extraction, report: verified?.report, keyLookup: verified?.lookup,
            expressionValues: plan.expressionValues)
        return PolicyEvaluation.Element(
            parameters: plan.parameters, outcome: outcome, report: verified?.report, path: path,
            keyNotes: verified?.notes ?? [], keysFailure: verified?.keysFailure, envelope: verified?.envelope)
    }

    /// Where jwtaudit placed the token for this element.
    static func placement(of policy: ResolvedTokenValidation) -> String {
        switch policy.location {
        case .header(let name) where name.lowercased() == "authorization":
            return "\(name): \(policy.requireScheme ?? "Bearer") <token>"
        case .header(let name): return "\(name): <token>"
        case .queryParameter(let name): return "query parameter \(name)=<token>"
        case .tokenValue: return "the value of the token-value expression"
        case .unspecified: return "nowhere"
        }
    }

    /// What the shared verifier found for one element, and how the keys were looked up.
    struct Verification {
        var report: VerificationReport
        var lookup: KeyLookup?
        var notes: [String]
        /// Why the keys could not be obtained (`PolicyEvaluationRequest.undecidedWithoutKeys`).
        var keysFailure: JWTAuditError? = nil
        /// The JWE the token came in.
        var envelope: CompactToken? = nil
    }

    /// The shared verifier, asked what this element asks: its keys, its audiences and issuers (or the metadata's
    /// issuer), its clock skew and `require-expiration-time`, the algorithms Microsoft documents, under the APIM
    /// plan (`require-signed-tokens` is its rule). Microsoft: "If multiple security keys are present, then each
    /// key is tried until either all are exhausted (in which case validation fails) or one succeeds": one
    /// verifier per key set, the first that verifies (else the closest attempt) reported. A JWE is decrypted
    /// first, with the policy's `<decryption-keys>`, and the token inside it is verified. What depends on the
    /// policy alone comes prepared in `plan`.
    static func verify(
        _ text: String, parsed: CompactToken?, _ plan: ElementPlan, _ request: PolicyEvaluationRequest, keys: KeyResolution
    ) throws(JWTAuditError) -> Verification {
        let resolved = plan.resolved
        let at = request.at
        var notes = plan.verifyNotes
        guard let envelope = parsed ?? (try? CompactToken.parse(text)) else {
            // Not a token: nothing to fetch keys for; the verifier's format check says why.
            return Verification(
                report: Verifier(keys: nil, policy: plan.basePolicy, plan: plan.plan).verify(text: text, at: at), lookup: nil,
                notes: notes)
        }
        var token = envelope
        var decryption: DecryptionOutcome?
        if envelope.kind == .jwe {
            let outcome = try decrypt(envelope, resolved, request, keys: keys)
            decryption = outcome.outcome
            notes += outcome.notes
            guard let inner = envelope.opened(with: outcome.outcome) else {
                let report = Verifier(keys: nil, policy: plan.basePolicy, plan: plan.plan).verify(envelope, decryption: outcome.outcome, at: at)
                return Verification(report: report, lookup: nil, notes: notes, envelope: envelope)
            }
            token = inner
        }

        // Keys and metadata issuers.
        let sources = try plan.sources.get()
        var metadataSets: [KeySet] = []
        var metadataIssuers: [String] = []
        var metadataURLs: [String] = []
        var unavailable: JWTAuditError?
        for source in sources {
            if request.signatures == .assumed {
                // No key is needed: only the issuer the metadata names (cached, else inferred from the URL).
                let known = try keys.metadataIssuers(source, for: token)
                metadataIssuers += known.issuers
                metadataURLs.append(known.url)
                notes += known.notes
                continue
            }
            let resolvedKeys: ResolvedKeys
            do {
                resolvedKeys = try keys.keys(source, for: token)
            } catch where error.code == .unavailable && request.undecidedWithoutKeys {
                unavailable = unavailable ?? error
                continue
            }
            metadataSets.append(resolvedKeys.keySet)
            metadataIssuers += resolvedKeys.issuers
            metadataURLs += resolvedKeys.metadataURL.map { [$0] } ?? []
            notes += resolvedKeys.notes
        }
        // Signatures assumed: no key is read (a certificate-id would need --certificate for nothing).
        let prepared = request.signatures == .verified ? try plan.policyKeySets(keys) : []
        let kid = token.keyID
        let policyKeys = prepared.map { (matches: kid != nil && kid != "" && $0.id == kid, set: $0.set) }
        let lookup = KeyLookup(token: token, metadataSets: metadataSets, policyKeys: policyKeys)
        // The library tries the keys the kid names; only when none does, every key (TryAllIssuerSigningKeys). A
        // policy key set comes with its verifier when the policy fixes the issuers.
        let candidates: [(set: KeySet, verifier: Verifier?)] = lookup.kidMatched
            ? metadataSets.filter { $0.keys.contains { $0.kid == token.keyID } }.map { ($0, nil) }
                + zip(policyKeys, prepared).filter { $0.0.matches }.map { ($0.1.set, $0.1.verifier) }
            : metadataSets.map { ($0, nil) } + prepared.map { ($0.set, $0.verifier) }

        // Issuers: fixed by the policy (its prepared verifiers hold them), or from the metadata.
        let policy: VerificationPolicy
        if let fixed = plan.fixedPolicy {
            policy = fixed.policy
            notes += fixed.notes
        } else {
            policy = issuerPolicy(
                plan, metadataIssuers: metadataIssuers, metadataURLs: metadataURLs, unavailable: unavailable != nil, notes: &notes)
        }

        func run(_ keys: KeySet?, _ prepared: Verifier? = nil) -> VerificationReport {
            let verifier: Verifier
            if unavailable != nil {
                verifier = Verifier(keys: keys, policy: policy, plan: plan.plan, keysUnavailable: true)
            } else {
                verifier = prepared ?? (keys == nil ? plan.keylessVerifier : nil) ?? Verifier(keys: keys, policy: policy, plan: plan.plan)
            }
            if let decryption { return verifier.verify(envelope, decryption: decryption, at: at) }
            return verifier.verify(token, at: at)
        }
        let reports = candidates.isEmpty ? [run(nil)] : candidates.map { run($0.set, $0.verifier) }
        var chosen = reports.first { $0[.signature]?.status == .pass }
            ?? reports.first { $0[.key]?.status == .pass }
            ?? reports[0]
        if unavailable != nil {
            // Another source's keys verified it: the missing ones change nothing. Otherwise the signature is
            // undecided, and the report holds the checks that need no key.
            if chosen[.signature]?.status == .pass { unavailable = nil } else { chosen = run(nil) }
        }
        if resolved.kind == .validateAzureADToken, (try? resolved.azureADTenant)?.kind == .organizations,
            let refused = refusingPersonalAccount(chosen)
        {
            chosen = refused
            notes.append("tenant-id organizations allows \"tokens from accounts in any organizational directory\"; tid \(EntraTenant.consumersTenantID) is the tenant of personal Microsoft accounts, which only common allows, so the issuer is refused (inferred: TokenIssuerNotAllowed).")
        }
        if candidates.count > 1 {
            notes.append("\(candidates.count) key sources were tried (\(candidates.map(\.set.source).joined(separator: "; "))); the report shows \(chosen.key.map { "the one that verified: \($0.summary)" } ?? "the closest attempt").")
        }
        if let algorithm = token.algorithm, !ResolvedTokenValidation.documentedSigningAlgorithms.contains(algorithm),
            algorithm.lowercased() != "none"
        {
            notes.append("\(algorithm) is not among the signing algorithms Microsoft documents for validate-jwt (HS256, RS256, RS512, PS256, ES256); whether the gateway accepts it is not documented, so it is treated as not allowed (inferred).")
        }
        return Verification(
            report: chosen, lookup: lookup, notes: notes, keysFailure: unavailable, envelope: decryption == nil ? nil : envelope)
    }

    /// The verifier's policy with the issuers the element accepts when they are not fixed by the policy alone: the
    /// tenant's (validate-azure-ad-token, with a national cloud's metadata issuer), `<issuers>` beside
    /// `openid-config`, else the metadata's issuer; left undecided when that metadata could not be obtained.
    static func issuerPolicy(
        _ plan: ElementPlan, metadataIssuers: [String], metadataURLs: [String], unavailable: Bool, notes: inout [String]
    ) -> VerificationPolicy {
        let resolved = plan.resolved
        var policy = plan.basePolicy
        var issuers = resolved.acceptedIssuers
        if resolved.kind == .validateAzureADToken, resolved.tenantID != nil, (try? resolved.azureADTenant)?.kind != .guid {
            issuers = nil  // a domain or common/organizations: the metadata's issuer (maybe a {tenantid} template).
        } else if resolved.kind == .validateAzureADToken, let tenantIssuers = issuers {
            // A national cloud's metadata (authentication-endpoint, --authority) names its own issuer host.
            issuers = tenantIssuers + metadataIssuers.filter { !tenantIssuers.contains($0) }
        }
        if let issuers {
            policy.issuers = issuers
            policy.issuerSource = resolved.kind == .validateJWT ? "<issuers> in the policy" : "the v1.0 and v2.0 issuers of tenant-id (inferred)"
            if resolved.kind == .validateJWT && !metadataURLs.isEmpty {
                notes.append("The policy has both <issuers> and openid-config; the <issuers> list is taken as the whole list (inferred: whether it replaces or adds to the metadata's issuer is not documented).")
            }
        } else if !metadataIssuers.isEmpty {
            policy.issuers = metadataIssuers
            policy.issuerSource = "issuer from \(metadataURLs.joined(separator: ", "))"
        } else if !unavailable {
            policy.anyIssuer = true
        }
        // Unavailable: the issuer was to come from the metadata that could not be obtained, and is left undecided.
        return policy
    }

    /// The report with its passing issuer check failed, when the token is a personal Microsoft account's: Microsoft
    /// (validate-azure-ad-token, tenant-id): "`organizations` ... to allow tokens from accounts in any
    /// organizational directory; `common` ... and from personal Microsoft accounts". The `{tenantid}` template of
    /// the organizations metadata matches any tenant, the consumer tenant too, so the template alone cannot say it.
    static func refusingPersonalAccount(_ report: VerificationReport) -> VerificationReport? {
        guard let tid = report.token?.claims?["tid"]?.stringValue, EntraTenant.sameID(tid, EntraTenant.consumersTenantID),
            let index = report.checks.firstIndex(where: { $0.id == .issuer }), report.checks[index].status == .pass,
            case .issuer(let evidence) = report.checks[index].evidence, case .accepted(let iss) = evidence.finding
        else { return nil }
        var checks = report.checks
        checks[index] = CheckResult(.issuer, .fail, .issuer(IssuerEvidence(rule: evidence.rule, finding: .rejected(iss, .unrelated))))
        return VerificationReport(
            checks: checks, token: report.token, parseError: report.parseError, credential: report.credential,
            key: report.key, decryption: report.decryption)
    }

    /// A JWE: decrypted with the policy's `<decryption-keys>` ("each key is tried"): its inline Base64 symmetric
    /// keys, and for each `certificate-id` the private key the `--certificate ID=FILE` file holds (the provider's
    /// `decryptionKeys(certificateID:)`), else the keys given with `--decryption-key`. A policy without
    /// `<decryption-keys>` gives the library no key to try [inferred: IDX10609, JwtInvalid]. A certificate whose
    /// private key was not supplied leaves the answer undecided unless the other keys decrypt the token: the
    /// gateway holds that key and would try it too.
    static func decrypt(
        _ jwe: CompactToken, _ resolved: ResolvedTokenValidation, _ request: PolicyEvaluationRequest, keys resolution: KeyResolution
    ) throws(JWTAuditError) -> (outcome: DecryptionOutcome, notes: [String]) {
        let compact = try CompactJWE(jwe)
        guard !resolved.decryptionKeys.isEmpty else {
            return (JWEDecryptor.decrypt(compact, keys: []), [
                "The token is encrypted (JWE) and the policy has no <decryption-keys>, so the gateway has no key to decrypt it with (inferred: IDX10609, JwtInvalid).",
            ])
        }
        var keys: [DecryptionKey] = []
        var unmapped: [String] = []
        var notes: [String] = []
        for key in resolved.decryptionKeys {
            if let value = key.base64Value?.literal {
                keys.append(try DecryptionKey.symmetric(
                    base64: value, kid: key.id, source: "decryption-keys key at line \(key.line)"))
            } else if let id = key.certificateID {
                if let set = try resolution.decryptionKeys(certificateID: id) {
                    keys += set.keys
                    notes.append("The decryption-keys certificate-id \"\(id)\" was given with --certificate: \(set.keys.map(\.summary).joined(separator: "; ")).")
                } else {
                    unmapped.append(id)
                }
            }
        }
        if !unmapped.isEmpty {
            let given = try request.decryptionKeys()
            let names = "certificate\(unmapped.count == 1 ? "" : "s") \(unmapped.joined(separator: ", "))"
            if given.isEmpty {
                let outcome = keys.isEmpty ? nil : JWEDecryptor.decrypt(compact, keys: keys)
                guard let outcome, outcome.status == .decrypted else {
                    // The gateway holds these keys and would try them: without them no answer can be given.
                    throw JWTAuditError(
                        .unavailable,
                        "the token is encrypted (JWE) and the policy decrypts it with the \(names) held by APIM; give the private key with --certificate \(unmapped[0])=FILE (or --decryption-key FILE)")
                }
                return (outcome, notes)
            }
            keys += given
            notes.append("The --decryption-key keys were taken as the private keys of the policy's decryption \(names).")
        }
        return (JWEDecryptor.decrypt(compact, keys: keys), notes)
    }

    /// The authority validate-azure-ad-token's metadata comes from: `--authority`, else the policy's
    /// `authentication-endpoint` ("prefix https:// is optional"), else the public cloud.
    static func authority(
        _ given: String?, endpoint: PolicyValue?, _ expressionValues: [String: String]
    ) throws(JWTAuditError) -> String {
        if let given { return given }
        if let endpoint = try endpoint?.resolved(expressionValues, what: "authentication-endpoint").trimmingXMLSpace,
            !endpoint.isEmpty
        {
            return endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") ? endpoint : "https://" + endpoint
        }
        return EntraMetadataEndpoint.defaultAuthority
    }
}

/// How the gateway's library looks up a signing key for a token, and what it then reports when no key verifies
/// (JsonWebTokenHandler.ValidateSignature): the keys whose `kid` (`KeyId`) equals the token's `kid` are tried;
/// when none does, every key is ("TryAllIssuerSigningKeys"). Microsoft, for issuer-signing-keys: "If no keys match
/// the claim, API Management will attempt each specified key." Keys in the policy are the library's
/// `TokenValidationParameters` keys, keys from `openid-config` its `Configuration` keys.
public struct KeyLookup: Sendable, Equatable {
    /// The token's `kid`; nil when it has none (or an empty one).
    public let kid: String?
    /// Some key has the token's `kid`.
    public let kidMatched: Bool
    /// Where the matching key is: "TokenValidationParameters" or "Configuration".
    public let matchedIn: String?
    /// The keys tried, by `kid` ("(no kid)" for a key without one).
    public let keysTried: [String]
    public let keysInParameters: Int
    public let keysInConfiguration: Int

    /// The lookup a report's `key` check made, its one key set taken as the library's `Configuration` keys: for
    /// an element evaluated on its own, with keys given directly.
    init?(report: VerificationReport) {
        guard let token = report.token, let check = report[.key], case .key(let evidence) = check.evidence,
            case .selected(let selection) = evidence.finding
        else { return nil }
        self.init(token: token, metadataSets: [selection.keys], policyKeys: [])
    }

    init(token: CompactToken, metadataSets: [KeySet], policyKeys: [(matches: Bool, set: KeySet)]) {
        let kid = token.keyID.flatMap { $0.isEmpty ? nil : $0 }
        self.kid = kid
        let inConfiguration = metadataSets.contains { $0.keys.contains { $0.kid != nil && $0.kid == kid } }
        let inParameters = policyKeys.contains(where: \.matches)
        kidMatched = kid != nil && (inConfiguration || inParameters)
        matchedIn = inParameters ? "TokenValidationParameters" : inConfiguration ? "Configuration" : nil
        func kids(_ sets: [KeySet], _ admit: (VerificationKey) -> Bool = { _ in true }) -> [String] {
            sets.flatMap { $0.keys.filter(admit).map { $0.kid ?? "(no kid)" } }
        }
        keysTried = kidMatched
            ? kids(policyKeys.filter(\.matches).map(\.set)) + kids(metadataSets) { $0.kid == kid }
            : kids(policyKeys.map(\.set) + metadataSets)
        keysInParameters = policyKeys.reduce(0) { $0 + $1.set.keys.count }
        keysInConfiguration = metadataSets.reduce(0) { $0 + $1.keys.count }
    }
}
