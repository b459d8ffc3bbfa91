/// What the gateway would do with one request, for every token-validating element of an effective policy: the
/// answer `check-policy` prints and `explain --policy` narrates (cedar's `is_authorized` shape: one call, all in
/// the core).
public struct PolicyEvaluation: Sendable {
    /// One `validate-jwt` / `validate-azure-ad-token` element of the effective policy, in document order.
    public struct Element: Sendable {
        public let policy: TokenValidationPolicy
        public let resolved: ResolvedTokenValidation
        public let outcome: PolicyOutcome
        /// The verifier's report under the APIM plan, when the element found a token (its checks are in
        /// `outcome.checks`; the report keeps the token and its credential verdict for `explain`).
        public let report: VerificationReport?
        /// Inside `<choose>`: runs only when its condition holds, so it does not decide the verdict here.
        public var conditional: Bool { policy.placement.conditional }
        /// False when an earlier unconditional element already rejected the request (APIM stops there).
        public let reached: Bool
        /// Where the keys and issuers came from ("JWKS from the cache is stale ...").
        public let keyNotes: [String]
        /// Why the element's keys or metadata could not be obtained, when the request asked to judge the token
        /// without them (`PolicyEvaluationRequest.undecidedWithoutKeys`): its report leaves the signature unchecked.
        public var keysFailure: JWTAuditError? = nil
    }

    public let elements: [Element]
    /// The index in `elements` of the element whose outcome is the response: the first unconditional one that
    /// rejects, else the last unconditional one (accepted), else the first element.
    public let decisiveIndex: Int
    public var decisive: Element { elements[decisiveIndex] }
    /// The request passes only if every unconditional element accepts it.
    public var accepted: Bool { elements.allSatisfy { $0.conditional || $0.outcome.accepted } }
    /// The HTTP status the gateway answers with: the decisive element's, or 200 when only conditional elements
    /// reject (the request as such goes on).
    public var statusCode: Int { accepted ? 200 : decisive.outcome.statusCode }
    /// The response's LastError, when the request is rejected.
    public var lastError: PolicyLastError? { accepted ? nil : decisive.outcome.lastError }
    /// Lint findings for the effective policy (the same rules as `check-policy` without a token).
    public let findings: [PolicyLintFinding]
    /// Statements about the run as a whole (conditional elements, several elements).
    public let notes: [String]
    /// The instant the token's times were judged at.
    public let at: Int64

    /// Every note, in the order a reader takes them: the run's, the decisive element's keys', its outcome's.
    public var allNotes: [String] { notes + decisive.keyNotes + decisive.outcome.notes }
    /// Why some element's keys could not be obtained: the gateway's answer is then undecided, whatever the checks
    /// that need no key say.
    public var keysFailure: JWTAuditError? { elements.lazy.compactMap(\.keysFailure).first }
}

/// One request as the gateway receives it, offline.
public struct PolicyEvaluationRequest: Sendable {
    /// The token, placed where each element reads it (nil when `request` is given).
    public var token: String?
    /// The request exactly as a client sent it (`--request-header`), instead of a placed token.
    public var request: PolicyRequest?
    /// Values for the policy expressions the evaluation needs (they cannot run offline).
    public var expressionValues: [String: String]
    /// The instant the token's times are judged at.
    public var at: Int64
    /// validate-azure-ad-token's authority (`--authority`); nil: the policy's `authentication-endpoint`, else
    /// the public cloud.
    public var authority: String?
    /// Keys or metadata that cannot be obtained leave the element undecided (`Element.keysFailure`) rather than
    /// failing the evaluation: explain then still shows every check that needs no key.
    public var undecidedWithoutKeys: Bool

    public init(
        token: String?, request: PolicyRequest?, expressionValues: [String: String], at: Int64, authority: String?,
        undecidedWithoutKeys: Bool = false
    ) {
        self.token = token
        self.request = request
        self.expressionValues = expressionValues
        self.at = at
        self.authority = authority
        self.undecidedWithoutKeys = undecidedWithoutKeys
    }
}

extension PolicyEvaluator {
    /// Evaluates the effective policy against one request with APIM's semantics: each token-validating element
    /// in document order, the token read where the element reads it, verified with the element's keys (its
    /// metadata, `issuer-signing-keys` and certificates, through `keys`) and parameters by the shared verifier
    /// under the APIM plan, then the element's own rules. The first unconditional element that rejects answers
    /// the request. An element that cannot be evaluated (an expression without a value, keys that cannot be
    /// obtained) fails the whole evaluation, with the element named in the reason.
    public static func evaluate(
        _ document: PolicyDocument, _ request: PolicyEvaluationRequest, keys: KeyResolution
    ) throws(JWTAuditError) -> PolicyEvaluation {
        var elements: [PolicyEvaluation.Element] = []
        var rejectedBefore = false
        var notes: [String] = []
        for validation in document.validations {
            var expressionValues = request.expressionValues
            if case .tokenValue(.expression(let expression)) = validation.tokenLocation, expressionValues[expression] == nil,
                let token = request.token
            {
                expressionValues[expression] = token
                notes.append("The token argument was taken as the value of the token-value expression \(expression).")
            }
            let element: PolicyEvaluation.Element
            do {
                element = try evaluate(
                    validation, request, expressionValues: expressionValues, keys: keys, reached: !rejectedBefore)
            } catch {
                let place = validation.placement
                throw JWTAuditError(
                    error.code,
                    "\(validation.kind.rawValue) at \(place.source.map { "\($0) " } ?? "")line \(place.line): \(error.reason)")
            }
            if !element.conditional && !element.outcome.accepted { rejectedBefore = true }
            elements.append(element)
        }
        let decisive = elements.firstIndex { !$0.conditional && !$0.outcome.accepted }
            ?? elements.lastIndex { !$0.conditional } ?? 0
        if elements.count > 1 {
            notes.append("The policy has \(elements.count) token-validating elements; they run in document order, and the first unconditional one that rejects answers the request.")
        }
        for element in elements where element.conditional {
            notes.append("\(element.policy.kind.rawValue) at line \(element.policy.placement.line) is inside <choose>: it runs only when its condition holds, so its outcome (\(element.outcome.accepted ? "accepted" : "rejected, \(element.outcome.lastError?.reason.rawValue ?? "")")) is reported but does not decide the verdict.")
        }
        for element in elements where !element.reached {
            notes.append("\(element.policy.kind.rawValue) at line \(element.policy.placement.line) is never reached for this request: an earlier element already rejected it (its outcome is shown for reference).")
        }
        return PolicyEvaluation(
            elements: elements, decisiveIndex: decisive, findings: PolicyLint.lint(document), notes: notes, at: request.at)
    }

    /// One element: resolve it, read the token as it would, verify with its keys and parameters, evaluate.
    static func evaluate(
        _ validation: TokenValidationPolicy, _ request: PolicyEvaluationRequest, expressionValues: [String: String],
        keys: KeyResolution, reached: Bool
    ) throws(JWTAuditError) -> PolicyEvaluation.Element {
        let resolved = try validation.resolved(expressionValues: expressionValues)
        let sent = request.request ?? request.token.map { PolicyRequest.carrying($0, for: resolved) } ?? PolicyRequest()
        var extraction = TokenExtraction.extract(from: sent, for: resolved)
        if request.request == nil, case .token(let text, _) = extraction {
            // jwtaudit placed the token itself, so the way it was read is not in question.
            extraction = .token(text, note: "the token was sent where the policy reads it: \(placement(of: resolved)) (give --request-header to send it exactly as a client does)")
        }
        var report: VerificationReport?
        var keyNotes: [String] = []
        var keysFailure: JWTAuditError?
        if case .token(let text, _) = extraction {
            let verified = try verify(
                text, resolved, authenticationEndpoint: validation.authenticationEndpoint, request, keys: keys,
                expressionValues: expressionValues)
            report = verified.report
            keyNotes = verified.notes
            keysFailure = verified.keysFailure
        }
        let outcome = try evaluate(resolved, extraction: extraction, report: report, expressionValues: expressionValues)
        return PolicyEvaluation.Element(
            policy: validation, resolved: resolved, outcome: outcome, report: report, reached: reached, keyNotes: keyNotes,
            keysFailure: keysFailure)
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

    /// The shared verifier, asked what this element asks: its keys, its audiences and issuers (or the metadata's
    /// issuer), its clock skew and `require-expiration-time`, the algorithms Microsoft documents, under the APIM
    /// plan (`require-signed-tokens` is its rule). Microsoft: "If multiple security keys are present, then each
    /// key is tried until either all are exhausted (in which case validation fails) or one succeeds": one
    /// verifier per key set, the first that verifies (else the closest attempt) reported.
    static func verify(
        _ text: String, _ resolved: ResolvedTokenValidation, authenticationEndpoint: PolicyValue?,
        _ request: PolicyEvaluationRequest, keys: KeyResolution, expressionValues: [String: String]
    ) throws(JWTAuditError) -> (report: VerificationReport, notes: [String], keysFailure: JWTAuditError?) {
        let plan = VerificationPlan.apim(requireSignedTokens: resolved.requireSignedTokens)
        let at = request.at
        var policy = VerificationPolicy()
        var notes: [String] = []
        policy.clockSkew = Int64(resolved.clockSkewSeconds)
        policy.requireExpiry = resolved.requireExpirationTime
        policy.allowedAlgorithms = Set(ResolvedTokenValidation.documentedSigningAlgorithms.compactMap(JWSAlgorithm.init(rawValue:)))
        if let audiences = resolved.acceptedAudiences {
            policy.audiences = audiences
        } else {
            policy.anyAudience = true
            notes.append("The policy names no audiences, so the audience is not validated (inferred: the library's ValidAudiences is empty).")
        }
        guard let token = try? CompactToken.parse(text) else {
            // Not a token: nothing to fetch keys for; the verifier's format check says why.
            return (Verifier(keys: nil, policy: policy, plan: plan).verify(text: text, at: at), notes, nil)
        }

        // Keys and metadata issuers.
        var sources: [KeySource] = []
        switch resolved.kind {
        case .validateJWT:
            sources = resolved.openIDConfigURLs.map { .openIDConfiguration(url: $0) }
        case .validateAzureADToken:
            if let tenant = resolved.tenantID {
                sources = [.entraTenant(
                    try EntraTenant(EntraAuthority.strippingAuthority(tenant)),
                    authority: try authority(request.authority, endpoint: authenticationEndpoint, expressionValues))]
            }
        }
        var keySets: [KeySet] = []
        var metadataIssuers: [String] = []
        var metadataURLs: [String] = []
        var unavailable: JWTAuditError?
        for source in sources {
            let resolvedKeys: ResolvedKeys
            do {
                resolvedKeys = try keys.keys(source, for: token)
            } catch where error.code == .unavailable && request.undecidedWithoutKeys {
                unavailable = unavailable ?? error
                continue
            }
            keySets.append(resolvedKeys.keySet)
            metadataIssuers += resolvedKeys.issuers
            metadataURLs += resolvedKeys.metadataURL.map { [$0] } ?? []
            notes += resolvedKeys.notes
        }
        keySets += try keys.policyKeySets(resolved.issuerSigningKeys, kid: token.keyID, expressionValues: expressionValues)

        // Issuers.
        var issuers = resolved.acceptedIssuers
        if resolved.kind == .validateAzureADToken, let tenant = resolved.tenantID,
            (try? EntraTenant(EntraAuthority.strippingAuthority(tenant)))?.kind != .guid
        {
            issuers = nil  // a domain or common/organizations: the metadata's issuer (maybe a {tenantid} template).
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
        } else if unavailable != nil {
            // The issuer was to come from the metadata that could not be obtained: left undecided.
        } else {
            policy.anyIssuer = true
            notes.append("The policy names no issuers and no openid-config, so the issuer is not validated (inferred).")
        }

        let reports = keySets.isEmpty
            ? [Verifier(keys: nil, policy: policy, plan: plan).verify(token, at: at)]
            : keySets.map { Verifier(keys: $0, policy: policy, plan: plan).verify(token, at: at) }
        var chosen = reports.first { $0[.signature]?.status == .pass }
            ?? reports.first { $0[.key]?.status == .pass }
            ?? reports[0]
        if unavailable != nil {
            // Another source's keys verified it: the missing ones change nothing. Otherwise the signature is
            // undecided, and the report holds the checks that need no key.
            if chosen[.signature]?.status == .pass { unavailable = nil }
            else { chosen = Verifier(keys: nil, policy: policy, plan: plan, keysUnavailable: true).verify(token, at: at) }
        }
        if keySets.count > 1 {
            notes.append("\(keySets.count) key sources were tried (\(keySets.map(\.source).joined(separator: "; "))); the report shows \(chosen.key.map { "the one that verified: \($0.summary)" } ?? "the closest attempt").")
        }
        if let algorithm = token.algorithm, !ResolvedTokenValidation.documentedSigningAlgorithms.contains(algorithm),
            algorithm.lowercased() != "none"
        {
            notes.append("\(algorithm) is not among the signing algorithms Microsoft documents for validate-jwt (HS256, RS256, RS512, PS256, ES256); whether the gateway accepts it is not documented, so it is treated as not allowed (inferred).")
        }
        return (chosen, notes, unavailable)
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
