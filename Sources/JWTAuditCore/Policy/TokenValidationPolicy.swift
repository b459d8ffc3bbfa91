/// Where a policy element sits: the file, line and column of its start tag, its section and whether it runs
/// only under a condition.
public struct PolicyPlacement: Sendable, Equatable {
    public var source: String?
    public var line: Int
    public var column: Int
    /// `inbound`, `backend`, `outbound`, `on-error`; nil for a bare fragment with no section around it.
    public var section: PolicySection?
    /// Inside `<choose>`: the policy runs only when its `<when>` holds, so a request can skip it entirely.
    public var conditional: Bool

    public init(source: String?, line: Int, column: Int, section: PolicySection?, conditional: Bool) {
        self.source = source
        self.line = line
        self.column = column
        self.section = section
        self.conditional = conditional
    }
}

extension PolicyPlacement {
    /// Where the element starts, as one value: an element is identified by its position.
    var key: String { "\(source ?? "")\u{0}\(line)\u{0}\(column)" }
}

public enum PolicySection: String, Sendable, Equatable, CaseIterable {
    case inbound, backend, outbound
    case onError = "on-error"
}

/// The two token-validating policies. The raw value is the policy's element name, which is also what APIM puts
/// in `context.LastError.Source`.
public enum TokenValidationKind: String, Sendable, Equatable {
    case validateJWT = "validate-jwt"
    case validateAzureADToken = "validate-azure-ad-token"

    /// The attributes Microsoft documents for the element, and `id` (every policy may carry one: it is
    /// `context.LastError.PolicyId`). validate-azure-ad-token has "no `require-scheme`, `require-expiration-time`,
    /// `require-signed-tokens`, `clock-skew`, `openid-config`, `issuer-signing-keys` or `issuers`" (research §2.2,
    /// from its policy reference and the policy toolkit's `ValidateAzureAdTokenConfig`).
    public var documentedAttributes: [String] {
        switch self {
        case .validateJWT:
            return [
                "header-name", "query-parameter-name", "token-value", "failed-validation-httpcode",
                "failed-validation-error-message", "require-expiration-time", "require-scheme", "require-signed-tokens",
                "clock-skew", "output-token-variable-name", "id",
            ]
        case .validateAzureADToken:
            return [
                "tenant-id", "header-name", "query-parameter-name", "token-value", "authentication-endpoint",
                "failed-validation-httpcode", "failed-validation-error-message", "output-token-variable-name", "id",
            ]
        }
    }

    /// The child elements of the policy statement, in the documented order: "Set the policy's elements and child
    /// elements in the order provided in the policy statement."
    public var documentedChildren: [String] {
        switch self {
        case .validateJWT:
            return ["openid-config", "issuer-signing-keys", "decryption-keys", "audiences", "issuers", "required-claims"]
        case .validateAzureADToken:
            return ["backend-application-ids", "client-application-ids", "audiences", "required-claims", "decryption-keys"]
        }
    }
}

/// An attribute or child element the element does not have (another policy's, or misspelt): not applied by the
/// evaluation, named by lint.
public struct UndocumentedPart: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case attribute, element }
    public var kind: Kind
    public var name: String
    public var line: Int
    /// The other token-validating policy documents it (a validate-jwt attribute on validate-azure-ad-token).
    public var otherKind: TokenValidationKind?
}

/// Where the policy reads the token. Microsoft: "One of `header-name`, `query-parameter-name` or `token-value`
/// must be specified" (validate-jwt); validate-azure-ad-token's `header-name` defaults to `Authorization`.
public enum TokenLocation: Sendable, Equatable {
    case header(PolicyValue)
    case queryParameter(PolicyValue)
    case tokenValue(PolicyValue)
    /// None of the three attributes: validate-jwt then has nowhere to read a token.
    case unspecified
}

/// A `<key>` in `issuer-signing-keys` or `decryption-keys`: Base64 bytes as text (symmetric), an uploaded
/// certificate's id, or an RSA `n`/`e` pair "in Base64url-encoded format"; `id` is matched to the token's `kid`.
public struct PolicyKey: Sendable, Equatable {
    public var id: String?
    public var certificateID: String?
    public var modulus: String?
    public var exponent: String?
    /// Element text: "Base64 encoded signing key" (symmetric keys are given inline this way).
    public var base64Value: PolicyValue?
    public var line: Int

    public init(id: String? = nil, certificateID: String? = nil, modulus: String? = nil, exponent: String? = nil,
                base64Value: PolicyValue? = nil, line: Int = 0) {
        self.id = id
        self.certificateID = certificateID
        self.modulus = modulus
        self.exponent = exponent
        self.base64Value = base64Value
        self.line = line
    }
}

public struct OpenIDConfig: Sendable, Equatable {
    public var url: PolicyValue
    public var validateConnectivity: String?
    public var line: Int
}

/// `match`: Microsoft: "`all` - every claim value in the policy must be present in the token for validation to
/// succeed. `any` - at least one claim value must be present in the token for validation to succeed." Default all.
public enum ClaimMatch: String, Sendable, Equatable {
    case all, any
}

/// One `<claim>` of `required-claims`.
public struct ClaimRequirement: Sendable, Equatable {
    public var name: PolicyValue
    /// nil when the attribute is absent (the documented default is `all`).
    public var match: PolicyValue?
    /// "a separator (for example, ",") to be used for extracting a set of values from a multi-valued claim".
    public var separator: PolicyValue?
    public var values: [PolicyValue]
    public var line: Int

    public init(name: PolicyValue, match: PolicyValue? = nil, separator: PolicyValue? = nil, values: [PolicyValue] = [], line: Int = 0) {
        self.name = name
        self.match = match
        self.separator = separator
        self.values = values
        self.line = line
    }

    /// The claim's literal name, when it is not an expression.
    public var literalName: String? { name.literal?.trimmingXMLSpace }
}

/// One `validate-jwt` or `validate-azure-ad-token` element, every documented attribute and child element kept
/// as written (`nil`/absent where the policy leaves it out), with the documented defaults as accessors.
public struct TokenValidationPolicy: Sendable, Equatable {
    public var kind: TokenValidationKind
    public var placement: PolicyPlacement
    public var tokenLocation: TokenLocation
    public var failedValidationHTTPCode: PolicyValue?
    public var failedValidationErrorMessage: PolicyValue?
    public var requireExpirationTime: PolicyValue?
    public var requireScheme: PolicyValue?
    public var requireSignedTokens: PolicyValue?
    public var clockSkew: PolicyValue?
    public var outputTokenVariableName: String?
    public var openIDConfigs: [OpenIDConfig]
    public var issuerSigningKeys: [PolicyKey]
    public var decryptionKeys: [PolicyKey]
    /// nil: no `<audiences>` element (the audience is then presumably not validated [inferred]).
    public var audiences: [PolicyValue]?
    /// nil: no `<issuers>` element (the issuer then comes from `openid-config`).
    public var issuers: [PolicyValue]?
    public var requiredClaims: [ClaimRequirement]
    /// Where `<required-claims>` starts, 0 when absent.
    public var requiredClaimsLine: Int
    // validate-azure-ad-token only
    public var tenantID: PolicyValue?
    public var authenticationEndpoint: PolicyValue?
    public var clientApplicationIDs: [PolicyValue]?
    public var backendApplicationIDs: [PolicyValue]?
    /// Child element names in document order with their lines (element-order lint).
    public var childElements: [(name: String, line: Int)]
    /// Every attribute and text value that is a policy expression, with what it is.
    public var expressions: [(what: String, expression: String, line: Int)]
    /// Attributes and child elements the element does not have, in document order: not read, not applied.
    public var undocumented: [UndocumentedPart]
    /// Where each attribute starts, by name (lint cites an attribute's own line).
    public var attributeLines: [String: Int]

    public static func == (lhs: TokenValidationPolicy, rhs: TokenValidationPolicy) -> Bool {
        lhs.kind == rhs.kind && lhs.placement == rhs.placement && lhs.tokenLocation == rhs.tokenLocation
            && lhs.failedValidationHTTPCode == rhs.failedValidationHTTPCode
            && lhs.failedValidationErrorMessage == rhs.failedValidationErrorMessage
            && lhs.requireExpirationTime == rhs.requireExpirationTime && lhs.requireScheme == rhs.requireScheme
            && lhs.requireSignedTokens == rhs.requireSignedTokens && lhs.clockSkew == rhs.clockSkew
            && lhs.outputTokenVariableName == rhs.outputTokenVariableName && lhs.openIDConfigs == rhs.openIDConfigs
            && lhs.issuerSigningKeys == rhs.issuerSigningKeys && lhs.decryptionKeys == rhs.decryptionKeys
            && lhs.audiences == rhs.audiences && lhs.issuers == rhs.issuers && lhs.requiredClaims == rhs.requiredClaims
            && lhs.tenantID == rhs.tenantID && lhs.clientApplicationIDs == rhs.clientApplicationIDs
            && lhs.backendApplicationIDs == rhs.backendApplicationIDs && lhs.undocumented == rhs.undocumented
    }

    /// The name APIM reports as `context.LastError.Source`.
    public var sourceName: String { kind.rawValue }

    /// The documented child order: "Set the policy's elements and child elements in the order provided in the
    /// policy statement."
    public var documentedChildOrder: [String] { kind.documentedChildren }
}

/// The policy's parameters with every value resolved to a concrete one and every default applied: what the
/// shared verifier is asked to check and what the evaluator needs.
public struct ResolvedTokenValidation: Sendable, Equatable {
    public enum Location: Sendable, Equatable {
        case header(String)
        case queryParameter(String)
        /// `token-value`: the expression's (user-supplied) result is the token itself.
        case tokenValue(String)
        case unspecified
    }

    public struct Claim: Sendable, Equatable {
        public var name: String
        public var match: ClaimMatch
        public var separator: String?
        public var values: [String]
        public init(name: String, match: ClaimMatch = .all, separator: String? = nil, values: [String]) {
            self.name = name
            self.match = match
            self.separator = separator
            self.values = values
        }
    }

    public var kind: TokenValidationKind
    public var location: Location
    /// "HTTP status code to return on failure", default 401.
    public var failedValidationHTTPCode: Int
    /// nil: the gateway's default message for the failure.
    public var failedValidationErrorMessage: PolicyValue?
    /// Default true: "requires that the `exp` registered claim is included in the JWT, unless
    /// `require-expiration-time` attribute is specified and set to `false`."
    public var requireExpirationTime: Bool
    public var requireScheme: String?
    /// Default true.
    public var requireSignedTokens: Bool
    /// Default 0 seconds (libraries default to 5 minutes; APIM does not).
    public var clockSkewSeconds: Int
    public var openIDConfigURLs: [String]
    public var issuerSigningKeys: [PolicyKey]
    public var decryptionKeys: [PolicyKey]
    public var audiences: [String]?
    public var issuers: [String]?
    public var requiredClaims: [Claim]
    public var tenantID: String?
    public var clientApplicationIDs: [String]?
    public var backendApplicationIDs: [String]?
}

extension TokenValidationPolicy {
    /// Applies the documented defaults and resolves expressions from `expressionValues` (keyed by exact
    /// expression text). The error message stays a `PolicyValue`: it matters only when the token is rejected.
    public func resolved(expressionValues: [String: String] = [:]) throws(JWTAuditError) -> ResolvedTokenValidation {
        func value(_ v: PolicyValue?, _ what: String) throws(JWTAuditError) -> String? {
            guard let v else { return nil }
            return try v.resolved(expressionValues, what: what).trimmingXMLSpace
        }
        func bool(_ v: PolicyValue?, _ what: String, default d: Bool) throws(JWTAuditError) -> Bool {
            guard let text = try value(v, what) else { return d }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw JWTAuditError(.malformedPolicy, "\(what) is \"\(text)\"; expected true or false")
            }
        }
        func int(_ v: PolicyValue?, _ what: String, default d: Int) throws(JWTAuditError) -> Int {
            guard let text = try value(v, what) else { return d }
            guard let n = Int(text), n >= 0 else {
                throw JWTAuditError(.malformedPolicy, "\(what) is \"\(text)\"; expected a whole number")
            }
            return n
        }
        func list(_ v: [PolicyValue]?, _ what: String) throws(JWTAuditError) -> [String]? {
            guard let v else { return nil }
            var out: [String] = []
            for item in v { out.append(try value(item, what) ?? "") }
            return out
        }

        let location: ResolvedTokenValidation.Location
        switch tokenLocation {
        case .header(let v): location = .header(try value(v, "header-name") ?? "")
        case .queryParameter(let v): location = .queryParameter(try value(v, "query-parameter-name") ?? "")
        case .tokenValue(let v): location = .tokenValue(try value(v, "token-value") ?? "")
        case .unspecified: location = kind == .validateAzureADToken ? .header("Authorization") : .unspecified
        }
        if kind == .validateAzureADToken && tenantID == nil {
            throw JWTAuditError(.malformedPolicy, "validate-azure-ad-token has no tenant-id, which it requires (its keys and issuer come from the tenant)")
        }
        let status = try int(failedValidationHTTPCode, "failed-validation-httpcode", default: 401)
        guard (100...599).contains(status) else {
            throw JWTAuditError(.malformedPolicy, "failed-validation-httpcode is \(status); not an HTTP status")
        }
        var claims: [ResolvedTokenValidation.Claim] = []
        for claim in requiredClaims {
            let name = try value(claim.name, "claim name") ?? ""
            let matchText = try value(claim.match, "match of claim \(name)")
            let match: ClaimMatch
            switch matchText {
            case nil: match = .all
            case let text?:
                guard let m = ClaimMatch(rawValue: text) else {
                    throw JWTAuditError(.malformedPolicy, "match of claim \(name) is \"\(text)\"; expected all or any")
                }
                match = m
            }
            // The separator is not trimmed: separator=" " is the common (and only right) one for `scp`.
            let separator = try claim.separator?.resolved(expressionValues, what: "separator of claim \(name)")
            var values: [String] = []
            for v in claim.values { values.append(try value(v, "a value of claim \(name)") ?? "") }
            claims.append(.init(name: name, match: match, separator: separator?.isEmpty == true ? nil : separator, values: values))
        }
        var urls: [String] = []
        for config in openIDConfigs { urls.append(try value(config.url, "openid-config url") ?? "") }
        return ResolvedTokenValidation(
            kind: kind, location: location, failedValidationHTTPCode: status,
            failedValidationErrorMessage: failedValidationErrorMessage,
            requireExpirationTime: try bool(requireExpirationTime, "require-expiration-time", default: true),
            requireScheme: try value(requireScheme, "require-scheme"),
            requireSignedTokens: try bool(requireSignedTokens, "require-signed-tokens", default: true),
            clockSkewSeconds: try int(clockSkew, "clock-skew", default: 0),
            openIDConfigURLs: urls, issuerSigningKeys: issuerSigningKeys, decryptionKeys: decryptionKeys,
            audiences: try list(audiences, "an audience"), issuers: try list(issuers, "an issuer"),
            requiredClaims: claims, tenantID: try value(tenantID, "tenant-id"),
            clientApplicationIDs: try list(clientApplicationIDs, "a client application id"),
            backendApplicationIDs: try list(backendApplicationIDs, "a backend application id"))
    }
}
