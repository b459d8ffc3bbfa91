/// Runs a token-validating policy against one request with APIM's semantics, offline.
///
/// The cryptographic and registered-claim checks (signature and key, `exp`, `nbf`, audience, issuer) are not
/// done here: they come in as the `report` of the shared Verifier, run with the APIM plan
/// (`VerificationPlan.apim`: IdentityModel's order, `require-signed-tokens`) and this policy's parameters (its
/// keys and metadata, `clock-skew`, `require-expiration-time`, audiences and issuers). DESIGN.md: "there is one
/// verifier, not four". This type adds what only the policy knows: where the token is read, the client
/// restriction of validate-azure-ad-token, required claims, and which failure APIM reports first, with its
/// LastError reason, message, status code and body.
public enum PolicyEvaluator {
    /// `report` is nil when no token was found where the policy reads it. The failures come in the library's
    /// order (signature, lifetime, audience, issuer; research §1.7, inferred), then the client restriction, then
    /// the required claims; the first is the answer. `keyLookup` says how the keys were looked up, which decides
    /// between TokenSignatureKeyNotFound and TokenSignatureInvalid.
    public static func evaluate(
        _ policy: ResolvedTokenValidation,
        extraction: TokenExtraction,
        report: VerificationReport?,
        keyLookup: KeyLookup? = nil,
        expressionValues: [String: String] = [:]
    ) throws(JWTAuditError) -> PolicyOutcome {
        let token = report?.token
        var checks: [CheckResult] = []
        var notes: [String] = [provenanceNote]
        var failures: [PolicyLastError] = []
        let source = policy.kind.rawValue

        let location = Evidence.tokenLocation(
            TokenLocationEvidence(location: policy.location, requireScheme: policy.requireScheme, extraction: extraction))
        switch extraction {
        case .notPresent:
            checks.append(CheckResult(.token, .fail, location))
            failures.append(PolicyLastError(source: source, reason: .tokenNotPresent, message: "JWT not present."))
        case .schemeMismatch:
            checks.append(CheckResult(.token, .fail, location))
            failures.append(PolicyLastError(
                source: source, reason: .jwtInvalid,
                message: "The Authorization header does not use the required scheme \(policy.requireScheme ?? "")."))
            notes.append("No LastError reason is documented for a missing or wrong scheme; JwtInvalid is inferred.")
        case .token:
            checks.append(CheckResult(.token, .pass, location))
        }

        if case .token = extraction, let report {
            checks += report.checks
            failures += libraryFailures(report, policy, keyLookup ?? KeyLookup(report: report), notes: &notes)
            let claims = token?.claims
            if policy.kind == .validateAzureADToken, let allowed = policy.clientApplicationIDs, claims != nil {
                let client = claims?["appid"]?.stringValue ?? claims?["azp"]?.stringValue
                let ok = client.map(allowed.contains) ?? false
                checks.append(CheckResult(
                    .client, ok ? .pass : .fail, .clientApplication(ClientApplicationEvidence(allowed: allowed, client: client))))
                if !ok {
                    failures.append(PolicyLastError(
                        source: source, reason: .jwtInvalid,
                        message: "Client application \(client ?? "(none)") is not allowed."))
                    notes.append("The reason JwtInvalid for a client not in client-application-ids is inferred.")
                }
            }
            if let claims {
                let result = RequiredClaims.evaluate(policy.requiredClaims, claims: claims)
                checks += result.checks
                if !result.missing.isEmpty {
                    failures.append(PolicyLastError(
                        source: source, reason: .tokenClaimNotFound,
                        message: "JWT is missing the following claims: \(result.missing.joined(separator: ", ")). Access denied."))
                }
                if let bad = result.firstValueNotAllowed {
                    failures.append(PolicyLastError(
                        source: source, reason: .tokenClaimValueNotAllowed,
                        message: "Claim \(bad.name) value of \(bad.value) is not allowed. Access denied."))
                    notes.append(bad.match == .all
                        ? "Which value APIM prints in \"Claim {name} value of {value} is not allowed.\" is not documented; with match=\"all\" the required value the token lacks is shown (inferred)."
                        : "Which value APIM prints in \"Claim {name} value of {value} is not allowed.\" is not documented; with match=\"any\" the token's value is shown (inferred).")
                }
                if !result.missing.isEmpty && result.firstValueNotAllowed != nil {
                    notes.append("Missing claims are reported before mismatched values (inferred).")
                }
            } else if !policy.requiredClaims.isEmpty {
                for requirement in policy.requiredClaims {
                    checks.append(CheckResult(.claim, .skip, .notRun(.policyClaimsUnreadable), claim: requirement.name))
                }
            }
        }

        guard let first = failures.first else {
            return PolicyOutcome(verdict: .accepted, checks: checks, notes: notes)
        }
        let bodyMessage: String
        if let custom = policy.failedValidationErrorMessage {
            bodyMessage = try custom.resolved(expressionValues, what: "failed-validation-error-message")
            notes.append("With failed-validation-error-message set, the body keeps the {\"statusCode\", \"message\"} envelope with that message (inferred).")
        } else if first.reason == .tokenNotPresent {
            bodyMessage = "JWT not present."
        } else {
            bodyMessage = "Invalid JWT."
            notes.append("The default body message \"Invalid JWT.\" was observed for a tampered token; for \(first.reason.rawValue) it is inferred.")
        }
        if failures.count > 1 {
            notes.append("\(failures.count) checks failed (\(failures.map(\.reason.rawValue).joined(separator: ", "))); the response reports the first in the inferred order.")
        }
        return PolicyOutcome(
            verdict: .rejected(status: policy.failedValidationHTTPCode, message: bodyMessage, lastError: first),
            checks: checks, notes: notes)
    }

    /// Where the evaluation's answers come from: said with every outcome, written once.
    static let provenanceNote =
        "APIM's gateway is closed source: the order of checks is inferred from Microsoft.IdentityModel, and \(IdentityModelMessages.provenance); reasons and the JSON body follow Microsoft's documentation."

    /// The LastErrors the library's validation gives, in its order, read from what the verifier's checks found:
    /// decryption, structure, the signature, the lifetime, the audience, the issuer. The library stops at the first;
    /// the others are listed for the reader. Documented reasons get the documented form "<message from jwt
    /// library>. Access denied."; JwtInvalid is "<message from jwt library>".
    static func libraryFailures(
        _ report: VerificationReport, _ policy: ResolvedTokenValidation, _ lookup: KeyLookup?, notes: inout [String]
    ) -> [PolicyLastError] {
        let source = policy.kind.rawValue
        func denied(_ reason: PolicyFailureReason, _ library: String) -> PolicyLastError {
            PolicyLastError(source: source, reason: reason, message: "\(library) Access denied.")
        }
        func invalid(_ library: String, inferred: String? = nil) -> PolicyLastError {
            if let inferred { notes.append("The reason JwtInvalid for \(inferred) is inferred (Microsoft documents no specific reason for it).") }
            return PolicyLastError(source: source, reason: .jwtInvalid, message: library)
        }
        // Every LastError below comes from a failed check: a report without one (every token the policy admits)
        // gives none, without looking each check up.
        guard report.checks.contains(where: { $0.status == .fail }) else { return [] }
        func failed(_ id: CheckID) -> CheckResult? { report[id].flatMap { $0.status == .fail ? $0 : nil } }
        let token = report.token

        if let decryption = failed(.decryption) {
            guard case .decryption(let outcome) = decryption.evidence else { return [] }
            let tried = outcome.attempts.map { $0.key.kid ?? $0.key.summary }
            return [invalid(
                tried.isEmpty ? IdentityModelMessages.noDecryptionKeys : IdentityModelMessages.decryptionFailed(keysTried: tried),
                inferred: "a token that cannot be decrypted")]
        }
        if let format = failed(.format) {
            if case .format(.unsignedPlaintext) = format.evidence {
                if policy.requireSignedTokens { return [invalid(IdentityModelMessages.unsigned, inferred: "an unsigned token inside a JWE")] }
            } else {
                return [invalid("JWT is not well formed: \(format.text.detail)")]
            }
        }
        if let claims = failed(.claims) { return [invalid("JWT is not well formed: \(claims.text.detail)")] }

        var signature: PolicyLastError?
        var signatureLast = false
        if failed(.algorithm) != nil || failed(.key) != nil || failed(.signature) != nil {
            if token?.algorithm?.lowercased() == "none" || token?.signatureCount == 0 {
                signature = invalid(IdentityModelMessages.unsigned)
            } else if let lookup, lookup.keysInParameters + lookup.keysInConfiguration > 0 {
                if let kid = lookup.kid, lookup.kidMatched {
                    signature = denied(.tokenSignatureInvalid, IdentityModelMessages.signatureInvalid(
                        kid: kid, keysTried: lookup.keysTried, inParameters: lookup.keysInParameters,
                        inConfiguration: lookup.keysInConfiguration, matchedIn: lookup.matchedIn ?? "Configuration"))
                } else if let kid = lookup.kid {
                    signature = denied(.tokenSignatureKeyNotFound, IdentityModelMessages.kidNotMatched(
                        kid: kid, keysTried: lookup.keysTried, inParameters: lookup.keysInParameters,
                        inConfiguration: lookup.keysInConfiguration))
                    // The library then validates the lifetime, audience and issuer first (ValidateAfterSignatureFailed).
                    signatureLast = true
                } else {
                    signature = denied(.tokenSignatureKeyNotFound, IdentityModelMessages.kidMissing(
                        keysTried: lookup.keysTried, inParameters: lookup.keysInParameters,
                        inConfiguration: lookup.keysInConfiguration))
                }
            } else {
                signature = denied(.tokenSignatureKeyNotFound, IdentityModelMessages.noKeys)
            }
        }

        var payload: [PolicyLastError] = []
        if let lifetime = lifetimeFailure(expiry: report[.expiry], notBefore: report[.notBefore], source: source, notes: &notes) {
            payload.append(lifetime)
        }
        if let audience = failed(.audience), case .audience(let evidence) = audience.evidence {
            switch evidence.finding {
            case .rejected(let aud, _):
                payload.append(denied(.tokenAudienceNotAllowed, IdentityModelMessages.audienceNotMatched(
                    audiences: AudienceEvidence.values(of: aud), validAudiences: evidence.accepted)))
            default:
                payload.append(denied(.tokenAudienceNotAllowed, IdentityModelMessages.noAudience))
            }
        }
        if let issuer = failed(.issuer), case .issuer(let evidence) = issuer.evidence {
            switch evidence.finding {
            case .rejected(let iss, _):
                payload.append(denied(.tokenIssuerNotAllowed, IdentityModelMessages.issuerNotMatched(
                    issuer: iss, validIssuers: evidence.rule.accepted)))
            case .noneConfigured:
                payload.append(denied(.tokenIssuerNotAllowed, IdentityModelMessages.noValidIssuers))
            default:
                payload.append(denied(.tokenIssuerNotAllowed, IdentityModelMessages.noIssuer))
            }
        }
        guard let signature else { return payload }
        if signatureLast && !payload.isEmpty {
            notes.append("No key has the token's kid; the library then validates the lifetime, audience and issuer before it reports the missing key (ValidateAfterSignatureFailed), so \(payload[0].reason.rawValue) answers first.")
        }
        return signatureLast ? payload + [signature] : [signature] + payload
    }

    /// The lifetime as one step, in `ValidatorUtilities.ValidateLifetime`'s order: a missing `exp` (IDX10225), `nbf`
    /// after `exp` (IDX10224), not yet valid (IDX10222), expired (IDX10223). Only the last has a documented
    /// reason (TokenExpired); the others are JwtInvalid [inferred].
    static func lifetimeFailure(
        expiry: CheckResult?, notBefore: CheckResult?, source: String, notes: inout [String]
    ) -> PolicyLastError? {
        func evidence(_ check: CheckResult?) -> TimeEvidence? {
            guard let check, case .time(let time) = check.evidence else { return nil }
            return time
        }
        func invalid(_ message: String, _ what: String) -> PolicyLastError {
            notes.append("The reason JwtInvalid for \(what) is inferred (Microsoft documents no specific reason for it).")
            return PolicyLastError(source: source, reason: .jwtInvalid, message: message)
        }
        let exp = evidence(expiry)
        let nbf = evidence(notBefore)
        if expiry?.status == .fail, let exp {
            switch exp.finding {
            case .absent: return invalid(IdentityModelMessages.missingExpiration(), "a token without exp")
            case .invalid(let why): return invalid("JWT is not well formed: \(why)", "an exp that is not a NumericDate")
            default: break
            }
        }
        if notBefore?.status == .fail, let nbf, case .invalid(let why) = nbf.finding {
            return invalid("JWT is not well formed: \(why)", "an nbf that is not a NumericDate")
        }
        if let nbf, case .neverValid(let notBefore, let expires) = nbf.finding {
            return invalid(IdentityModelMessages.notBeforeAfterExpires(nbf: notBefore, exp: expires), "a token whose nbf is after its exp")
        }
        if notBefore?.status == .fail, let nbf, case .value(let notBefore) = nbf.finding {
            return invalid(IdentityModelMessages.notYetValid(nbf: notBefore, now: nbf.now), "a token that is not yet valid")
        }
        if expiry?.status == .fail, let exp, case .value(let expires) = exp.finding {
            return PolicyLastError(
                source: source, reason: .tokenExpired,
                message: "\(IdentityModelMessages.expired(exp: expires, now: exp.now)) Access denied.")
        }
        return nil
    }
}

extension ResolvedTokenValidation {
    /// Issuers validate-azure-ad-token accepts for its tenant: the v1 (`https://sts.windows.net/{tid}/`) and v2
    /// (`https://login.microsoftonline.com/{tid}/v2.0`) forms [inferred: which versions are accepted is not
    /// documented]. nil for validate-jwt, and for `common`/`organizations` (any tenant).
    public var azureADIssuers: [String]? {
        guard kind == .validateAzureADToken, let tenant = try? azureADTenant, tenant.kind == .guid else { return nil }
        return ["https://sts.windows.net/\(tenant.text)/", "https://login.microsoftonline.com/\(tenant.text)/v2.0"]
    }

    /// validate-azure-ad-token's tenant: "Tenant ID or URL of the Microsoft Entra ID tenant" (the doc's example is
    /// `https://contoso.onmicrosoft.com`), or `organizations` / `common`, bare or as
    /// `https://login.microsoftonline.com/organizations`.
    public var azureADTenant: EntraTenant {
        get throws(JWTAuditError) {
            var tenant = EntraAuthority.strippingAuthority(tenantID ?? "")
            if tenant.lowercased().hasPrefix("https://") { tenant = String(tenant.dropFirst(8)) }
            while tenant.hasSuffix("/") { tenant = String(tenant.dropLast()) }
            return try EntraTenant(tenant)
        }
    }

    /// Audiences validate-azure-ad-token accepts: `audiences` and `backend-application-ids` (as the GUID and as
    /// `api://GUID`) [inferred]. For validate-jwt, `audiences` as written.
    public var acceptedAudiences: [String]? {
        guard kind == .validateAzureADToken else { return audiences }
        let backends = backendApplicationIDs?.flatMap { [$0, "api://\($0)"] }
        if audiences == nil && backends == nil { return nil }
        return (audiences ?? []) + (backends ?? [])
    }
}

extension ResolvedTokenValidation {
    /// Issuers the verifier should accept, when the policy itself names them: `<issuers>` for validate-jwt
    /// (otherwise nil: the issuer comes from the `openid-config` metadata, as APIM does), the tenant's issuers
    /// for validate-azure-ad-token. Whether explicit `<issuers>` replace or add to the metadata's issuer is not
    /// documented; treating them as the whole list is inferred.
    public var acceptedIssuers: [String]? {
        kind == .validateAzureADToken ? azureADIssuers : issuers
    }

    /// Signing algorithms Microsoft documents for validate-jwt: HS256 (inline Base64 key) and RS256, RS512,
    /// PS256, ES256 ("Asymmetric - ... PS256, RS256, RS512, ES256"). Others (HS384/HS512, RS384, PS384/PS512,
    /// ES384) are not documented either way.
    public static let documentedSigningAlgorithms = ["HS256", "RS256", "RS512", "PS256", "ES256"]
}
