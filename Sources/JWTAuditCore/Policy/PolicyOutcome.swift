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

/// The gateway's answer to one request, the same value whichever command shows it: `check-policy --json` writes its
/// members at the top level, `explain --json` embeds it as `"verdict"` (DESIGN.md: "its `"verdict"` is the same
/// object as check-policy's verdict"). Accepted: the request goes on (200 from the policy's point of view), no
/// body, no LastError. Rejected: `failed-validation-httpcode` (default 401) with a JSON body
/// `{"statusCode": N, "message": "..."}` and `context.LastError`.
public struct PolicyVerdict: Sendable, Equatable {
    /// The response body APIM sends when it refuses a token: observed as `{"statusCode": 401, "message": "JWT not
    /// present."}` (research §1.8); with `failed-validation-error-message` set, that text is the message
    /// [inferred].
    public struct Body: Sendable, Equatable {
        public var statusCode: Int
        public var message: String

        public init(statusCode: Int, message: String) {
            self.statusCode = statusCode
            self.message = message
        }

        /// The body exactly as the gateway writes it.
        public var json: JSONValue {
            .object(JSONObject([("statusCode", .number(JSONNumber(statusCode))), ("message", .string(message))]))
        }
    }

    public var accepted: Bool
    public var statusCode: Int
    public var body: Body?
    public var lastError: PolicyLastError?

    /// The request goes on to the backend.
    public static let accepted = PolicyVerdict(accepted: true, statusCode: 200, body: nil, lastError: nil)

    /// Refused with `status`, the body's message and the LastError.
    public static func rejected(status: Int, message: String, lastError: PolicyLastError) -> PolicyVerdict {
        PolicyVerdict(
            accepted: false, statusCode: status, body: Body(statusCode: status, message: message), lastError: lastError)
    }

    public init(accepted: Bool, statusCode: Int, body: Body?, lastError: PolicyLastError?) {
        self.accepted = accepted
        self.statusCode = statusCode
        self.body = body
        self.lastError = lastError
    }
}

/// What one token-validating element answers for one request, with every check it ran and what is inferred.
public struct PolicyOutcome: Sendable, Equatable {
    public var verdict: PolicyVerdict
    /// Every check, in the order APIM is taken to run them (research §1.7/§8, inferred): extraction, format,
    /// signature and key, lifetime, audience, issuer, client (validate-azure-ad-token), required claims.
    public var checks: [CheckResult]
    /// Statements about how certain the outcome is: each says "inferred" where APIM's behaviour is not documented.
    public var notes: [String]

    public init(verdict: PolicyVerdict, checks: [CheckResult], notes: [String]) {
        self.verdict = verdict
        self.checks = checks
        self.notes = notes
    }

    public var accepted: Bool { verdict.accepted }
    public var statusCode: Int { verdict.statusCode }
    public var lastError: PolicyLastError? { verdict.lastError }
}
