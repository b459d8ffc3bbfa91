/// What a check compared and what it found: numbers, tags, the token's own strings and the rule it applied.
/// `CheckText` writes people's text from it; the policy evaluator and `explain` switch on it. A check never
/// writes text and no consumer reads a check's text back to learn a fact.
public enum Evidence: Sendable {
    /// The check did not run, because an earlier one left nothing to check.
    case notRun(NotRun)
    case format(FormatEvidence)
    case claimsSet(ClaimsSetEvidence)
    case algorithm(AlgorithmEvidence)
    case key(KeyEvidence)
    case signature(SignatureEvidence)
    /// `expiry`, `not-before` and `issued-at`.
    case time(TimeEvidence)
    case issuer(IssuerEvidence)
    case audience(AudienceEvidence)
    case tenant(TenantEvidence)
    case client(ClientEvidence)
    case credential(CredentialEvidence)
    /// `claim:<name>` from `--require-claim`.
    case claim(ClaimEvidence)
    /// check-policy's `token` step: where the policy reads the token and what it found there.
    case tokenLocation(TokenLocationEvidence)
    /// check-policy's `claim:<name>` from `<required-claims>`.
    case requiredClaim(RequiredClaimEvidence)
    /// validate-azure-ad-token's `client-application-ids`.
    case clientApplication(ClientApplicationEvidence)
    /// A JWE's `decryption`: what decrypting it gave (which key, or why not).
    indirect case decryption(DecryptionOutcome)
    /// `require-signed-tokens="false"` let an unsigned token through a signature check that would have refused
    /// it; what the check found is kept.
    indirect case unsignedAccepted(Evidence)
}

/// Why a check did not run.
public enum NotRun: Sendable, Equatable {
    /// The text is not a compact token at all.
    case notAToken
    /// The payload is not a claims set (the token's own words for why, when it has them).
    case payloadNotClaims(String?)
    /// A JWE: there is no signature to check.
    case encrypted
    /// The algorithm check refused the algorithm, so no key or signature can be tried.
    case algorithmRefused
    /// No key was selected.
    case noKey
    /// A policy's required claims, when the payload cannot be read as claims.
    case policyClaimsUnreadable
    /// A JWE that could not be decrypted: nothing inside it can be checked.
    case notDecrypted
    /// A decrypted JWE whose plaintext is not a signed JWT: there is no signature to check.
    case plaintextNotSigned
    /// The admission matrix's synthesized tokens: no key signed them, and the signature is assumed valid
    /// (`VerificationPlan.Signatures.assumed`). Never in a report of a real token.
    case assumed
    /// The keys (or the metadata that names the accepted issuer) could not be obtained: the check that needs
    /// them is left undecided, and every other check still runs (`Verifier(keysUnavailable:)`).
    case keysUnavailable
}

/// `format`: the compact structure.
public enum FormatEvidence: Sendable {
    case compactJWS
    case notAToken(JWTAuditError)
    /// A JWE (five segments): jwtaudit verifies signed tokens.
    case encrypted
    /// Header parameter names that appear more than once.
    case duplicateHeaderNames([String])
    /// A decrypted JWE whose plaintext is not a signed JWT (RFC 7519 §11.2: sign, then encrypt); the plaintext's
    /// own problem, when it is not even a claims set.
    case unsignedPlaintext(problem: String?)
}

/// `claims`: the payload as a JSON claims set.
public enum ClaimsSetEvidence: Sendable {
    case claims(count: Int)
    case notAClaimsSet(encrypted: Bool, problem: String?)
    case duplicateNames([String])
}

/// The algorithms a verifier accepts, worked out once per verifier: evidence refers to it rather than copying it.
public final class AlgorithmAllowList: Sendable {
    public let algorithms: Set<JWSAlgorithm>
    /// `ES256, PS256, RS256` (sorted), or `(none)`.
    public let description: String
    /// The caller named the algorithms (`--alg`, or a policy's documented list) rather than the keys.
    public let givenByCaller: Bool
    /// The keys the algorithms were judged against; nil when no key was given.
    public let keys: KeySet?
    /// `algorithms`, tested per token.
    let mask: JWSAlgorithmMask

    init(algorithms: Set<JWSAlgorithm>, givenByCaller: Bool, keys: KeySet?) {
        self.algorithms = algorithms
        self.mask = JWSAlgorithmMask(algorithms)
        self.description = AlgorithmAllowList.describe(algorithms)
        self.givenByCaller = givenByCaller
        self.keys = keys
    }

    static func describe(_ algorithms: Set<JWSAlgorithm>) -> String {
        algorithms.isEmpty ? "(none)" : algorithms.map(\.rawValue).sorted().joined(separator: ", ")
    }
}

/// `algorithm`: what the header says, against the allow-list.
public struct AlgorithmEvidence: Sendable {
    public enum Finding: Sendable {
        case allowed(JWSAlgorithm)
        case absent
        /// `alg` is not a string (the value as found).
        case notAString(JSONValue)
        /// `none` in any spelling.
        case unsecured(String)
        case unknown(String)
        /// `crit` names extensions (the value as found).
        case criticalExtensions(JSONValue)
        /// RFC 7797 `"b64": false`.
        case unencodedPayload
        case notAllowed(JWSAlgorithm)
        /// Allowed, but no key of the set can verify it.
        case noCompatibleKey(JWSAlgorithm)
    }

    public let allowList: AlgorithmAllowList
    public let finding: Finding
}

/// Header parameters that carry or point at keys (RFC 8725 §3.10): a token never chooses its own key, so they are
/// ignored, and the `key` check says so.
public struct TokenKeyParameters: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let jwk = TokenKeyParameters(rawValue: 1)
    public static let jku = TokenKeyParameters(rawValue: 2)
    public static let x5u = TokenKeyParameters(rawValue: 4)
    public static let x5c = TokenKeyParameters(rawValue: 8)
    static let all: [(TokenKeyParameters, String)] = [(.jwk, "jwk"), (.jku, "jku"), (.x5u, "x5u"), (.x5c, "x5c")]

    /// The parameters `header` carries.
    init(in header: JSONObject) {
        var found: TokenKeyParameters = []
        for (parameter, name) in Self.all where header[name] != nil { found.insert(parameter) }
        self = found
    }

    /// Their names, in the order above.
    public var names: [String] { Self.all.filter { contains($0.0) }.map(\.1) }
}

/// `key`: which key verifies, chosen by `kid` and never by anything else the token says.
public struct KeyEvidence: Sendable {
    public enum Finding: Sendable {
        case noKeySource
        /// The algorithm was refused (or, for a decrypted JWE's plaintext, there is none to check), so no key was
        /// looked for; why the key the `kid` names was refused when the set was loaded, if it was (often why the
        /// algorithm was refused).
        case algorithmRefused(refusedKey: JWTAuditError?, unsignedPlaintext: Bool)
        /// The selection by `kid` and algorithm: candidates, or why there are none.
        case selected(KeySelection)
        /// The only candidate is published (Entra v2 JWKS `issuer`) for another issuer than the token's.
        case publishedForAnotherIssuer(VerificationKey, tokenIssuer: String)
    }

    public let kid: String?
    public let ignored: TokenKeyParameters
    public let finding: Finding
}

/// `signature`: over the exact signing-input bytes received.
public enum SignatureEvidence: Sendable {
    case verified(JWSAlgorithm, VerificationKey)
    /// Every candidate key refused the signature; `graphNonce`: the header carries a `nonce`, as Graph tokens do.
    case invalid(JWSAlgorithm, failures: [SignatureFailure], graphNonce: Bool)
}

public struct SignatureFailure: Sendable {
    public let key: VerificationKey
    public let reason: String
}

/// `expiry`, `not-before`, `issued-at`: the claim's value against the instant, under the lifetime rule.
public struct TimeEvidence: Sendable {
    public enum Finding: Sendable {
        case absent
        /// Present but not a NumericDate (the reason names the claim and what it held).
        case invalid(String)
        case value(Int64)
        /// `not-before` only: `nbf` is after `exp`, so the token is never valid.
        case neverValid(nbf: Int64, exp: Int64)
    }

    public let now: Int64
    public let rule: LifetimeRule
    public let finding: Finding
}

/// The accepted issuers of one verifier and where they came from, worked out once.
public final class IssuerRule: Sendable {
    /// As configured; an entry may hold `{tenantid}`.
    public let accepted: [String]
    let templates: [IssuerTemplate]
    /// Where the accepted issuers came from ("issuer from https://…/.well-known/openid-configuration").
    public let source: String?
    /// A `{tenantid}` template with no tenant pinned: a token from any tenant passes.
    public let acceptsAnyTenant: Bool

    init(accepted: [String], source: String?, tenantPinned: Bool) {
        self.accepted = accepted
        self.templates = accepted.map(IssuerTemplate.init)
        self.source = source
        self.acceptsAnyTenant = !tenantPinned && templates.contains(where: \.isTenantTemplated)
    }
}

/// How a refused issuer relates to the accepted ones, for the hint and for `explain`.
public enum IssuerMismatch: Sendable, Equatable {
    case unrelated
    /// Both are Entra issuers of one tenant, in the two versions' forms (v1 `sts.windows.net`, v2 `…/v2.0`).
    case otherVersion(token: EntraIssuer, accepted: EntraIssuer)
    /// Both are Entra issuers, of different tenants.
    case otherTenant(token: String, accepted: String)
}

/// `issuer`: exact comparison with the accepted issuers.
public struct IssuerEvidence: Sendable {
    public enum Finding: Sendable {
        case absent
        case notAString
        /// Any issuer is accepted (`--any-issuer`, or a policy with no issuer to check).
        case anyAccepted(String?)
        case noneConfigured(String)
        case accepted(String)
        case rejected(String, IssuerMismatch)
    }

    public let rule: IssuerRule
    public let finding: Finding
}

/// How a refused audience relates to the accepted ones.
public enum AudienceMismatch: Sendable, Equatable {
    case unrelated
    /// Microsoft Graph's audience: the client asked for a Graph scope.
    case graph
    /// Equal but for a trailing slash.
    case trailingSlash(token: String, accepted: String)
    /// One application named two ways (`api://GUID` and `GUID`).
    case sameApplication(token: String, accepted: String)
}

/// `audience`: RFC 7519 §4.1.3, one accepted value suffices.
public struct AudienceEvidence: Sendable {
    public enum Finding: Sendable {
        case absent
        case wrongType(JSONValue)
        /// Any audience is accepted; the token's `aud` when it has a usable one.
        case anyAccepted(JSONValue?)
        case accepted(JSONValue)
        case rejected(JSONValue, AudienceMismatch)
    }

    public let accepted: [String]
    public let finding: Finding

    /// The strings of a usable `aud`: the string, or the array's elements.
    public static func values(of aud: JSONValue) -> [String] {
        switch aud {
        case .string(let single): return [single]
        case .array(let array): return array.compactMap(\.stringValue)
        default: return []
        }
    }
}

/// `tenant`: `tid` against the pinned tenant and against the tenant in `iss`.
public enum TenantEvidence: Sendable {
    case pinnedButNoTID(pinned: String)
    case otherTenant(pinned: String, tid: String)
    /// Nothing to compare: no `tid`, or an issuer with no tenant id in it.
    case notApplicable(tid: String?)
    case disagreesWithIssuer(iss: String, tid: String)
    case agreesWithIssuer(iss: String, tid: String)
}

/// `client`: `appid` (v1.0) or `azp` (v2.0) against the accepted client ids.
public struct ClientEvidence: Sendable {
    /// The client that asked for the token: the claim its version names (`appid` in v1.0, `azp` in v2.0), else
    /// the other version's, for a token that mixes them; and which version's claim held it.
    public static func client(in claims: JSONObject, version: TokenVersion) -> (readFrom: TokenVersion, value: String?) {
        client(version: version) { claims[name: $0] }
    }

    /// The same, with the claims read by `read` (the verifier's, which reads the claims set's document directly).
    static func client(version: TokenVersion, _ read: (MemberName) -> JSONValue?) -> (readFrom: TokenVersion, value: String?) {
        if let value = read(version.clientMemberName)?.stringValue { return (version, value) }
        return (version.other, read(version.other.clientMemberName)?.stringValue)
    }

    public let accepted: [String]
    /// The token's version (v1.0 when it says nothing), which names the claim it should carry.
    public let tokenVersion: TokenVersion
    /// The version whose client claim was read (the other one's, when the token carries only that).
    public let readFrom: TokenVersion
    public let value: String?
}

/// `credential`: how the client authenticated, against `--require-certificate`.
public struct CredentialEvidence: Sendable {
    public let required: Bool
    public let verdict: CredentialVerdict
}

/// `claim:<name>` (`--require-claim NAME=VALUE`): the claim's value(s) against the required one.
public struct ClaimEvidence: Sendable {
    public let required: String
    /// The claim as found; nil when absent.
    public let found: JSONValue?
}

/// check-policy's `token`: where the policy reads the token, and what the request had there.
public struct TokenLocationEvidence: Sendable {
    public let location: ResolvedTokenValidation.Location
    public let requireScheme: String?
    public let extraction: TokenExtraction
}

/// check-policy's `claim:<name>`: a `<required-claims>` `<claim>` against the token's values.
public struct RequiredClaimEvidence: Sendable {
    public enum Outcome: Sendable, Equatable {
        case missing
        /// A `<claim>` with no `<value>`: presence is all it asks.
        case present
        case satisfied
        /// `looksMultiValued`: one value holds a required value inside it, and no separator splits it.
        case notSatisfied(looksMultiValued: Bool)
    }

    public let requirement: ResolvedTokenValidation.Claim
    /// The values APIM sees, split on the separator; nil when the claim is absent.
    public let values: [String]?
    public let outcome: Outcome
}

/// validate-azure-ad-token's `client-application-ids` against `appid`/`azp`.
public struct ClientApplicationEvidence: Sendable {
    public let allowed: [String]
    public let client: String?
}
