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
    /// `report` is nil when no token was found where the policy reads it; the first failure in the report's
    /// (the plan's) order decides, then the client restriction, then the required claims [inferred, research
    /// §1.7].
    public static func evaluate(
        _ policy: ResolvedTokenValidation,
        extraction: TokenExtraction,
        report: VerificationReport?,
        expressionValues: [String: String] = [:]
    ) throws(JWTAuditError) -> PolicyOutcome {
        let token = report?.token
        var checks: [CheckResult] = []
        var notes: [String] = [
            "APIM's gateway is closed source: the order of checks, and the library text in LastError messages, are inferred from Microsoft.IdentityModel; reasons and the JSON body follow Microsoft's documentation.",
        ]
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

        if case .token = extraction {
            for check in report?.checks ?? [] {
                checks.append(check)
                if check.status == .fail, let failure = lastError(for: check, policy: policy, token: token) {
                    failures.append(failure)
                    if failure.reason == .jwtInvalid && check.id != .format && check.id != .claims {
                        notes.append("The reason JwtInvalid for a failed \(check.name) check is inferred (Microsoft documents no specific reason for it).")
                    }
                }
            }
            let claims = token?.claims
            if token?.kind == .jwe {
                notes.append(policy.decryptionKeys.isEmpty
                    ? "The token is encrypted (JWE) and the policy has no decryption-keys: APIM cannot read it (inferred: JwtInvalid)."
                    : "The token is encrypted (JWE): decrypting with the policy's decryption-keys is not implemented yet, so its claims were not checked.")
            }
            if policy.kind == .validateAzureADToken, let allowed = policy.clientApplicationIDs {
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
                        message: "Claim \(bad.name) value of \(bad.tokenValue) is not allowed. Access denied."))
                    notes.append("Which value APIM prints in \"Claim {name} value of {value} is not allowed.\" is not documented; the token's value is shown (inferred).")
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
            return PolicyOutcome(
                accepted: true, statusCode: 200, bodyMessage: nil, lastError: nil, checks: checks, notes: notes)
        }
        let bodyMessage: String
        if let custom = policy.failedValidationErrorMessage {
            bodyMessage = try custom.resolved(expressionValues, what: "failed-validation-error-message of \(source)")
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
            accepted: false, statusCode: policy.failedValidationHTTPCode, bodyMessage: bodyMessage, lastError: first,
            checks: checks, notes: notes)
    }

    /// Maps a failed verifier check to the LastError APIM would set, by what the check found. The library message
    /// text is modelled on Microsoft.IdentityModel's IDX messages (inferred); the documented form is "<message
    /// from jwt library>. Access denied." (JwtInvalid: without "Access denied.").
    static func lastError(for check: CheckResult, policy: ResolvedTokenValidation, token: CompactToken?) -> PolicyLastError? {
        let source = policy.kind.rawValue
        func denied(_ reason: PolicyFailureReason, _ library: String) -> PolicyLastError {
            PolicyLastError(source: source, reason: reason, message: "\(library) Access denied.")
        }
        let unsigned = PolicyLastError(
            source: source, reason: .jwtInvalid, message: "IDX10504: Unable to validate signature, token does not have a signature.")
        let text = check.text
        switch check.id {
        case .format, .claims:
            return PolicyLastError(source: source, reason: .jwtInvalid, message: "JWT is not well formed: \(text.detail)")
        case .algorithm:
            if token?.algorithm == "none" || token?.signature.isEmpty == true { return unsigned }
            return denied(.tokenSignatureInvalid, "IDX10503: Signature validation failed. Algorithm '\(text.actual ?? token?.algorithm ?? "")' is not allowed.")
        case .key:
            return denied(.tokenSignatureKeyNotFound, "IDX10501: Signature validation failed. Unable to match key: kid: '\(token?.keyID ?? text.actual ?? "")'.")
        case .signature:
            if token?.signature.isEmpty == true { return unsigned }
            return denied(.tokenSignatureInvalid, "IDX10503: Signature validation failed.")
        case .expiry:
            if case .time(let time) = check.evidence, case .value = time.finding {
                return denied(.tokenExpired, "IDX10223: Lifetime validation failed. The token is expired. ValidTo: '\(text.actual ?? "")'.")
            }
            return PolicyLastError(
                source: source, reason: .jwtInvalid,
                message: "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.")
        case .notBefore:
            return PolicyLastError(
                source: source, reason: .jwtInvalid,
                message: "IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom: '\(text.actual ?? "")'.")
        case .audience:
            return denied(.tokenAudienceNotAllowed, "IDX10214: Audience validation failed. Audiences: '\(text.actual ?? "")'. Did not match: validationParameters.ValidAudiences: '\(text.expected ?? (policy.audiences ?? []).joined(separator: ", "))'.")
        case .issuer:
            return denied(.tokenIssuerNotAllowed, "IDX10205: Issuer validation failed. Issuer: '\(text.actual ?? "")'. Did not match: validationParameters.ValidIssuers: '\(text.expected ?? (policy.issuers ?? []).joined(separator: ", "))'.")
        case .token, .issuedAt, .tenant, .client, .credential, .claim, .decryption:
            // Not part of APIM's signature and lifetime validation; listed, not decisive.
            return nil
        }
    }
}

extension ResolvedTokenValidation {
    /// Issuers validate-azure-ad-token accepts for its tenant: the v1 (`https://sts.windows.net/{tid}/`) and v2
    /// (`https://login.microsoftonline.com/{tid}/v2.0`) forms [inferred: which versions are accepted is not
    /// documented]. nil for validate-jwt, and for `common`/`organizations` (any tenant).
    public var azureADIssuers: [String]? {
        guard kind == .validateAzureADToken, let tenantID else { return nil }
        var tenant = EntraAuthority.strippingAuthority(tenantID)
        if tenant.hasPrefix("https://") { tenant = String(tenant.dropFirst(8)) }
        if ["common", "organizations"].contains(tenant.lowercased()) { return nil }
        return ["https://sts.windows.net/\(tenant)/", "https://login.microsoftonline.com/\(tenant)/v2.0"]
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
