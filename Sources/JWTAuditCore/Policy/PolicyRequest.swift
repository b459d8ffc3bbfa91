/// The parts of an HTTP request a token-validating policy reads: headers and query parameters.
public struct PolicyRequest: Sendable, Equatable {
    public var headers: [(name: String, value: String)]
    public var queryParameters: [(name: String, value: String)]

    public init(headers: [(name: String, value: String)] = [], queryParameters: [(name: String, value: String)] = []) {
        self.headers = headers
        self.queryParameters = queryParameters
    }

    public static func == (lhs: PolicyRequest, rhs: PolicyRequest) -> Bool {
        lhs.headers.map { "\($0.name)\u{0}\($0.value)" } == rhs.headers.map { "\($0.name)\u{0}\($0.value)" }
            && lhs.queryParameters.map { "\($0.name)\u{0}\($0.value)" }
                == rhs.queryParameters.map { "\($0.name)\u{0}\($0.value)" }
    }

    /// A request carrying `token` where the policy reads it: `Authorization: Bearer <token>` for the
    /// `Authorization` header (the scheme the policy requires, if any, else `Bearer`), the bare token for a custom
    /// header (Microsoft: with a custom header "the header value cannot be prefixed with `Bearer `"), or a query
    /// parameter. For `token-value` the request is empty: the expression's value is the token.
    public static func carrying(_ token: String, for policy: ResolvedTokenValidation) -> PolicyRequest {
        switch policy.location {
        case .header(let name):
            if name.lowercased() == "authorization" {
                return PolicyRequest(headers: [(name, "\(policy.requireScheme ?? "Bearer") \(token)")])
            }
            return PolicyRequest(headers: [(name, token)])
        case .queryParameter(let name):
            return PolicyRequest(queryParameters: [(name, token)])
        case .tokenValue, .unspecified:
            return PolicyRequest()
        }
    }

    /// Headers exactly as a client sent them, from "Name: value" lines. A line without a colon or with an empty
    /// name is bad input naming the line.
    public static func parsing(headerLines: [String]) throws(JWTAuditError) -> PolicyRequest {
        var headers: [(name: String, value: String)] = []
        for (number, line) in headerLines.enumerated() {
            guard let colon = line.firstIndex(of: ":") else {
                throw JWTAuditError(.invalidArgument, "request header \(number + 1) \"\(line)\" is not \"Name: value\"")
            }
            let name = String(line[..<colon]).trimmingXMLSpace
            guard !name.isEmpty, !name.contains(" ") else {
                throw JWTAuditError(.invalidArgument, "request header \(number + 1) \"\(line)\" has no valid header name")
            }
            headers.append((name, String(line[line.index(after: colon)...]).trimmingXMLSpace))
        }
        return PolicyRequest(headers: headers)
    }

    /// HTTP header names are case-insensitive (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public func queryParameter(_ name: String) -> String? {
        queryParameters.first { $0.name == name }?.value
    }
}

/// What the policy found where it looks for a token.
public enum TokenExtraction: Sendable, Equatable {
    /// The token text, and a note when the way it was read is inferred rather than documented.
    case token(String, note: String?)
    /// Nothing there: APIM's `TokenNotPresent` / "JWT not present."
    case notPresent(detail: String)
    /// The header lacks the scheme `require-scheme` demands. No reason is documented for this; the catch-all
    /// `JwtInvalid` is inferred.
    case schemeMismatch(detail: String)
}

extension TokenExtraction {
    /// Reads the token as APIM does (research §1.3). `require-scheme` is honoured for `Authorization` only:
    /// Microsoft: "When using a custom header (`header-name`), the configured required scheme (`require-scheme`)
    /// will be ignored." For `Authorization` without `require-scheme`, a leading `Bearer ` is stripped
    /// (case-insensitive) [inferred: not documented for validate-jwt]. `tokenValue` is the value of the
    /// `token-value` expression, when the user supplied it.
    public static func extract(from request: PolicyRequest, for policy: ResolvedTokenValidation) -> TokenExtraction {
        switch policy.location {
        case .unspecified:
            return .notPresent(detail: "the policy names no header-name, query-parameter-name or token-value, so it has nowhere to read a token")
        case .tokenValue(let value):
            let token = value.trimmingXMLSpace
            return token.isEmpty ? .notPresent(detail: "token-value is empty") : .token(token, note: nil)
        case .queryParameter(let name):
            guard let value = request.queryParameter(name)?.trimmingXMLSpace, !value.isEmpty else {
                return .notPresent(detail: "no query parameter \(name) in the request")
            }
            return .token(value, note: nil)
        case .header(let name):
            guard let raw = request.header(name)?.trimmingXMLSpace, !raw.isEmpty else {
                return .notPresent(detail: "no \(name) header in the request")
            }
            let isAuthorization = name.lowercased() == "authorization"
            if !isAuthorization {
                let note = raw.lowercased().hasPrefix("bearer ")
                    ? "the \(name) header starts with \"Bearer \": with a custom header the whole value is the token, so the prefix must be removed (documented for validate-azure-ad-token; inferred for validate-jwt)"
                    : nil
                return .token(raw, note: note)
            }
            let lowerRaw = raw.lowercased()
            if lowerRaw == "bearer" || lowerRaw == policy.requireScheme?.lowercased() {
                return .notPresent(detail: "the Authorization header holds the scheme \(raw) but no token")
            }
            let (scheme, rest) = splitScheme(raw)
            if let required = policy.requireScheme, policy.kind == .validateJWT {
                guard let scheme, scheme.lowercased() == required.lowercased() else {
                    return .schemeMismatch(
                        detail: "require-scheme=\"\(required)\" but the Authorization header \(scheme.map { "uses the scheme \($0)" } ?? "has no scheme") (reason JwtInvalid and case-insensitive scheme matching are inferred)")
                }
                return rest.isEmpty ? .notPresent(detail: "the Authorization header holds the scheme \(scheme) but no token") : .token(rest, note: nil)
            }
            if let scheme, scheme.lowercased() == "bearer" {
                return rest.isEmpty
                    ? .notPresent(detail: "the Authorization header holds \"Bearer\" but no token")
                    : .token(rest, note: "the \"Bearer \" prefix was removed (inferred: APIM documents this only with require-scheme and for validate-azure-ad-token)")
            }
            return .token(raw, note: nil)
        }
    }

    /// "Scheme token" when the value has a space; nil scheme when it is a single word (a bare token).
    static func splitScheme(_ value: String) -> (scheme: String?, rest: String) {
        guard let space = value.firstIndex(of: " ") else { return (nil, value) }
        return (String(value[..<space]), String(value[value.index(after: space)...]).trimmingXMLSpace)
    }
}
