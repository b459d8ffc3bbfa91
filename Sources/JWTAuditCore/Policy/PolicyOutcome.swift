/// The documented `context.LastError.Reason` values for validate-jwt (api-management-error-handling-policies,
/// ms.date 04/22/2026). validate-azure-ad-token documents none; reusing these for it is inferred.
public enum PolicyFailureReason: String, Sendable, Equatable, CaseIterable {
    /// "JSON Web Token (JWT) is missing in request" — "JWT not present."
    case tokenNotPresent = "TokenNotPresent"
    /// "Signature validation failed"
    case tokenSignatureInvalid = "TokenSignatureInvalid"
    /// "Invalid audience"
    case tokenAudienceNotAllowed = "TokenAudienceNotAllowed"
    /// "Invalid issuer"
    case tokenIssuerNotAllowed = "TokenIssuerNotAllowed"
    /// "Token expired"
    case tokenExpired = "TokenExpired"
    /// "Signature key wasn't resolved by ID"
    case tokenSignatureKeyNotFound = "TokenSignatureKeyNotFound"
    /// "Required claims are missing from token"
    case tokenClaimNotFound = "TokenClaimNotFound"
    /// "Claim values mismatch"
    case tokenClaimValueNotAllowed = "TokenClaimValueNotAllowed"
    /// "Other validation failures"
    case jwtInvalid = "JwtInvalid"
}

/// `context.LastError` as the gateway would set it.
public struct PolicyLastError: Sendable, Equatable {
    /// "name of the element where the error occurred": `validate-jwt` or `validate-azure-ad-token`.
    public var source: String
    public var reason: PolicyFailureReason
    public var message: String

    public init(source: String, reason: PolicyFailureReason, message: String) {
        self.source = source
        self.reason = reason
        self.message = message
    }
}

/// What the gateway answers for one request: accepted (the request goes on, 200 from this policy's point of
/// view) or rejected with `failed-validation-httpcode` and a JSON body `{"statusCode": N, "message": "..."}`.
public struct PolicyOutcome: Sendable, Equatable {
    public var accepted: Bool
    public var statusCode: Int
    /// `{"statusCode": N, "message": "..."}` when rejected; nil when accepted (the backend answers).
    public var bodyMessage: String?
    public var lastError: PolicyLastError?
    /// Every check, in the order APIM is taken to run them (research §1.7/§8, inferred): extraction, format,
    /// signature and key, lifetime, audience, issuer, client (validate-azure-ad-token), required claims.
    public var checks: [CheckResult]
    /// Statements about how certain the outcome is: each says "inferred" where APIM's behaviour is not documented.
    public var notes: [String]

    public var body: JSONValue? {
        guard let bodyMessage else { return nil }
        return .object(JSONObject([("statusCode", .number(JSONNumber(statusCode))), ("message", .string(bodyMessage))]))
    }
}
