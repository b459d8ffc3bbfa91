import Synchronization

/// The effective policy made ready to judge requests: what does not depend on the token is worked out once per
/// document and run, and each request pays only for what it brings (its token, and the metadata keys its `kid` and
/// version choose, through `KeyResolution` and its refetch rules). `check-policy`, `explain --policy`, each line of
/// `check-policy --batch` and the admission matrix evaluate through it: there is one evaluation, prepared once.
///
/// Prepared once: the request's possible paths (`PolicyFlow.nodes`), the lint findings (they depend on the document
/// alone), and for each element its parameters resolved with the expression values (`ElementPlan`), its
/// verification policy and plan, its notes, and the keys its `issuer-signing-keys` name, with one verifier for each
/// when its issuers are fixed by the policy. An element that reads its token from a `token-value` expression nobody
/// supplied takes the token as that expression's value, so its parameters are resolved per request.
public final class PreparedPolicy: Sendable {
    public let document: PolicyDocument
    /// What every request shares (expression values, authority, decryption keys, `--request-header`, how signatures
    /// and unobtainable keys are treated); its `token` and `at` are not read: each evaluation brings its own.
    let shared: PolicyEvaluationRequest
    let keys: KeyResolution
    let nodes: [PolicyFlow.Node]
    /// The document's lint findings: the same rules as `check-policy` without a token.
    public let findings: [PolicyLintFinding]
    /// The `<on-error>` elements, said once per evaluation.
    let onErrorNotes: [String]
    /// Each element's plan by its place (`PolicyPlacement.key`); nil for an element whose plan depends on the token.
    private let plans: [String: Result<ElementPlan, JWTAuditError>]

    public init(_ document: PolicyDocument, shared: PolicyEvaluationRequest, keys: KeyResolution) {
        self.document = document
        self.shared = shared
        self.keys = keys
        nodes = PolicyFlow.nodes(of: document)
        findings = PolicyLint.lint(document)
        onErrorNotes = nodes.compactMap { node in
            guard case .onError(let validation) = node else { return nil }
            return "\(validation.kind.rawValue) at line \(validation.placement.line) is in <on-error>, which runs only after an error: it is not on the request's way through."
        }
        var plans: [String: Result<ElementPlan, JWTAuditError>] = [:]
        for validation in PolicyFlow.validations(in: nodes) where !Self.takesTokenAsExpression(validation, shared) {
            do {
                plans[validation.placement.key] = .success(
                    try ElementPlan(validation, expressionValues: shared.expressionValues, shared: shared))
            } catch {
                plans[validation.placement.key] = .failure(error)
            }
        }
        self.plans = plans
    }

    /// Evaluates one request: `token` placed where each element reads it (nil: the shared `--request-header`
    /// request, or no token at all), its times judged as of `at`.
    public func evaluate(token: String?, at: Int64) throws(JWTAuditError) -> PolicyEvaluation {
        try evaluate(token, parsed: nil, at: at)
    }

    /// Evaluates one request carrying `token`, already parsed (a batch line that is a bare compact token): the text
    /// is `token.text`, and the parse is not repeated.
    public func evaluate(token: CompactToken, at: Int64) throws(JWTAuditError) -> PolicyEvaluation {
        try evaluate(token.text, parsed: token, at: at)
    }

    private func evaluate(_ token: String?, parsed: CompactToken?, at: Int64) throws(JWTAuditError) -> PolicyEvaluation {
        var request = shared
        request.token = token
        request.at = at
        var walk = PolicyEvaluator.Walk(prepared: self, request: request, parsed: parsed)
        try walk.run(nodes)
        var notes = walk.notes
        for decision in walk.decisions { notes.append(decision.summary + ".") }
        for validation in walk.notTaken {
            notes.append("\(validation.kind.rawValue) at line \(validation.placement.line) does not run: it is in a <choose> branch this request does not take.")
        }
        for validation in walk.notReached {
            notes.append("\(validation.kind.rawValue) at line \(validation.placement.line) does not run: the gateway stops at the first element that rejects the request.")
        }
        notes += onErrorNotes
        if walk.elements.isEmpty {
            notes.append("No token-validating element runs for this request, so nothing here refuses it.")
        }
        let verdict = walk.elements.last.map { $0.outcome.verdict } ?? .accepted
        return PolicyEvaluation(
            elements: walk.elements, decisions: walk.decisions, verdict: verdict, findings: findings, notes: notes, at: at)
    }

    /// The element's plan for `request`: the prepared one, or for an element that takes the token as its
    /// `token-value` expression's value, one made with that value (and the note saying so).
    func plan(
        for validation: TokenValidationPolicy, _ request: PolicyEvaluationRequest, notes: inout [String]
    ) throws(JWTAuditError) -> ElementPlan {
        if let prepared = plans[validation.placement.key] { return try prepared.get() }
        var expressionValues = request.expressionValues
        if case .tokenValue(.expression(let expression)) = validation.tokenLocation, let token = request.token {
            expressionValues[expression] = token
            notes.append("The token argument was taken as the value of the token-value expression \(expression).")
        }
        return try ElementPlan(validation, expressionValues: expressionValues, shared: request)
    }

    /// The element reads its token from a `token-value` expression whose value nobody supplied: a request's token is
    /// that value, so the element's parameters depend on the token.
    static func takesTokenAsExpression(_ validation: TokenValidationPolicy, _ shared: PolicyEvaluationRequest) -> Bool {
        guard case .tokenValue(.expression(let expression)) = validation.tokenLocation else { return false }
        return PolicyValue.suppliedValue(of: expression, in: shared.expressionValues) == nil
    }
}

/// One element's parameters for a run, resolved once: the resolved policy, what the shared verifier is asked
/// (its plan and policy, the notes that depend on the policy alone), where jwtaudit places the token and whether
/// reading it back gives the token unchanged, the metadata sources, and the `issuer-signing-keys` key sets
/// (read on first use, then kept: the certificates and inline keys do not change within a run).
final class ElementPlan: Sendable {
    /// The element and its resolved parameters, as every evaluation's `PolicyEvaluation.Element` holds them.
    let parameters: PolicyEvaluation.Element.Parameters
    var validation: TokenValidationPolicy { parameters.policy }
    var resolved: ResolvedTokenValidation { parameters.resolved }
    let expressionValues: [String: String]
    let plan: VerificationPlan
    /// The verifier's policy before the issuers are known (they may come from the metadata).
    let basePolicy: VerificationPolicy
    /// The verifier's notes that depend on the policy alone.
    let verifyNotes: [String]
    /// The note on where jwtaudit placed the token.
    let placedNote: String
    /// Reading a token jwtaudit placed gives back the token itself, for any compact token (no white space in it):
    /// the request need not be built and read (`PolicyRequest.carrying`, `TokenExtraction.extract`).
    let placedReadsBackUnchanged: Bool
    /// The metadata the keys and issuers come from, or why it cannot be named (an authority expression with no
    /// value), thrown when a token needs it.
    let sources: Result<[KeySource], JWTAuditError>
    /// The verifier's policy when the issuers are the policy's alone (no metadata), with its notes; nil otherwise.
    let fixedPolicy: (policy: VerificationPolicy, notes: [String])?
    /// The verifier for no key at all when the policy fixes the issuers (no key source, or a token without one).
    let keylessVerifier: Verifier?
    private let policyKeys = Mutex<Result<[PolicyKeySet], JWTAuditError>?>(nil)

    /// One `issuer-signing-keys` key set, with a verifier made for it once when the policy fixes the issuers.
    struct PolicyKeySet: Sendable {
        let id: String?
        let set: KeySet
        let verifier: Verifier?
    }

    init(
        _ validation: TokenValidationPolicy, expressionValues: [String: String], shared: PolicyEvaluationRequest
    ) throws(JWTAuditError) {
        self.expressionValues = expressionValues
        let resolved = try validation.resolved(expressionValues: expressionValues)
        parameters = PolicyEvaluation.Element.Parameters(policy: validation, resolved: resolved)
        plan = VerificationPlan.apim(requireSignedTokens: resolved.requireSignedTokens, signatures: shared.signatures)
        var policy = VerificationPolicy()
        var notes: [String] = []
        policy.clockSkew = Int64(resolved.clockSkewSeconds)
        policy.requireExpiry = resolved.requireExpirationTime
        if resolved.kind == .validateAzureADToken {
            notes.append("validate-azure-ad-token has no clock-skew attribute: lifetimes are judged with a skew of 0 s, as validate-jwt's default, and exp is required (inferred: the values it uses are not documented).")
        }
        policy.allowedAlgorithms = Set(ResolvedTokenValidation.documentedSigningAlgorithms.compactMap(JWSAlgorithm.init(rawValue:)))
        if let audiences = resolved.acceptedAudiences {
            policy.audiences = audiences
        } else {
            policy.anyAudience = true
            notes.append("The policy names no audiences, so the audience is not validated (inferred: the library's ValidAudiences is empty).")
        }
        basePolicy = policy
        verifyNotes = notes
        placedNote = "the token was sent where the policy reads it: \(PolicyEvaluator.placement(of: resolved)) (give --request-header to send it exactly as a client does)"
        placedReadsBackUnchanged = Self.readsBackUnchanged(resolved)
        let sources: Result<[KeySource], JWTAuditError>
        do {
            sources = .success(try Self.sources(resolved, validation, authority: shared.authority, expressionValues))
        } catch {
            sources = .failure(error)
        }
        self.sources = sources
        if case .success(let list) = sources, list.isEmpty {
            var fixed = policy
            var fixedNotes: [String] = []
            if let issuers = resolved.acceptedIssuers {
                fixed.issuers = issuers
                fixed.issuerSource = resolved.kind == .validateJWT ? "<issuers> in the policy" : "the v1.0 and v2.0 issuers of tenant-id (inferred)"
            } else {
                fixed.anyIssuer = true
                fixedNotes.append("The policy names no issuers and no openid-config, so the issuer is not validated (inferred).")
            }
            fixedPolicy = (fixed, fixedNotes)
            keylessVerifier = Verifier(keys: nil, policy: fixed, plan: plan)
        } else {
            fixedPolicy = nil
            keylessVerifier = nil
        }
    }

    /// The metadata documents the element's keys and issuers come from: validate-jwt's `openid-config` URLs,
    /// validate-azure-ad-token's tenant at its authority.
    static func sources(
        _ resolved: ResolvedTokenValidation, _ validation: TokenValidationPolicy, authority: String?,
        _ expressionValues: [String: String]
    ) throws(JWTAuditError) -> [KeySource] {
        switch resolved.kind {
        case .validateJWT:
            return resolved.openIDConfigURLs.map { .openIDConfiguration(url: $0) }
        case .validateAzureADToken:
            guard resolved.tenantID != nil else { return [] }
            return [.entraTenant(
                try resolved.azureADTenant,
                authority: try PolicyEvaluator.authority(authority, endpoint: validation.authenticationEndpoint, expressionValues))]
        }
    }

    /// Whether `TokenExtraction.extract` of the request jwtaudit builds (`PolicyRequest.carrying`) gives back any
    /// compact token as it is: a custom header or a query parameter always; `Authorization` when the scheme
    /// jwtaudit writes is the one the element strips (Bearer, or validate-jwt's `require-scheme` when it is one
    /// word). Otherwise (validate-azure-ad-token with a require-scheme it ignores, a scheme with a space in it,
    /// token-value) the request is built and read.
    static func readsBackUnchanged(_ resolved: ResolvedTokenValidation) -> Bool {
        switch resolved.location {
        case .header(let name) where name.lowercased() == "authorization":
            guard let scheme = resolved.requireScheme else { return true }
            return resolved.kind == .validateJWT && !scheme.isEmpty
                && !scheme.unicodeScalars.contains { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        case .header, .queryParameter: return true
        case .tokenValue, .unspecified: return false
        }
    }

    /// The `issuer-signing-keys` key sets (`KeyResolution.policyKeySets`), read on first use and kept, each with
    /// its verifier when the issuers are fixed; an error is kept too (every token would meet it).
    func policyKeySets(_ keys: KeyResolution) throws(JWTAuditError) -> [PolicyKeySet] {
        if let kept = policyKeys.withLock({ $0 }) { return try kept.get() }
        let made: Result<[PolicyKeySet], JWTAuditError>
        do {
            let sets = try keys.policyKeySets(resolved.issuerSigningKeys, expressionValues: expressionValues)
            made = .success(sets.map { entry in
                PolicyKeySet(
                    id: entry.id, set: entry.set,
                    verifier: fixedPolicy.map { Verifier(keys: entry.set, policy: $0.policy, plan: plan) })
            })
        } catch {
            made = .failure(error)
        }
        policyKeys.withLock { $0 = made }
        return try made.get()
    }
}
