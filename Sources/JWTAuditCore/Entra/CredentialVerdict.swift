/// Entra ID access token versions. "ver: String, either 1.0 or 2.0. Indicates the version of the access token."
public enum TokenVersion: String, Sendable {
    case v1 = "1.0"
    case v2 = "2.0"

    /// The claim that says how the client authenticated in this version.
    public var credentialClaim: String { self == .v1 ? "appidacr" : "azpacr" }
    /// The claim that names the client in this version.
    public var clientClaim: String { self == .v1 ? "appid" : "azp" }
    /// The same, to look up.
    var clientMemberName: MemberName { self == .v1 ? .appid : .azp }
    /// The other version.
    public var other: TokenVersion { self == .v1 ? .v2 : .v1 }

    /// The version a token's claims say: `ver` ("1.0" or "2.0"), else the form of its Entra issuer. The one rule
    /// for a token's version: the credential verdict and the choice of v1.0 or v2.0 metadata both use it.
    public init?(claims: JSONObject) {
        let ver = claims["ver"]
        guard let version = Self.said(ver: ver, issuer: ver == nil ? claims["iss"]?.stringValue.flatMap(EntraIssuer.init) : nil)
        else { return nil }
        self = version
    }

    /// `ver` when present (nil when it is not "1.0" or "2.0"), else the issuer's form.
    static func said(ver: JSONValue?, issuer: EntraIssuer?) -> TokenVersion? {
        guard let ver else { return issuer?.version }
        return ver.stringValue.flatMap(TokenVersion.init(rawValue:))
    }
}

/// How the client that requested the token authenticated to Entra ID.
public enum CredentialKind: String, Sendable {
    /// `"2"`: "When you use a client certificate for authentication, the value is 2." Also a managed identity
    /// or a federated credential: any signed client assertion.
    case certificate
    /// `"1"`: "When you use the client ID and client secret, the value is 1."
    case secret
    /// `"0"`: "For a public client, the value is 0."
    case publicClient = "public-client"
    /// No credential claim, or a value Entra does not document.
    case unknown
}

/// The verdict `decode` exists to give: certificate, secret or public client, with the claim it was read from
/// and the notes an expert would add.
///
/// Microsoft's access token claims reference: `appidacr` is "only present in v1.0 tokens" and "Indicates
/// authentication method of the client. For a public client, the value is 0. When you use the client ID and
/// client secret, the value is 1. When you use a client certificate for authentication, the value is 2.";
/// `azpacr` is "only present in v2.0 tokens" and "A replacement for appidacr".
public struct CredentialVerdict: Sendable, Equatable {
    public var kind: CredentialKind { examined.kind }
    /// The claim read (`appidacr` or `azpacr`), nil when neither is present.
    public var claim: String? { examined.claim }
    /// The claim's value as written (strings verbatim; a number's exact text).
    public var value: String? { examined.value }
    /// From `ver`, or inferred from the issuer form when `ver` is absent (a note says so); nil when neither
    /// says.
    public var tokenVersion: TokenVersion? { examined.version }
    /// `ver` as the token writes it when it is not a version Entra issues ("3.0"): reported, never judged by.
    public var unrecognizedVersion: String? { examined.unrecognizedVersion }
    /// The facts above, kept as `examine` found them: a verdict made per token takes them over whole, where
    /// copying them field by field went through Optional's generic copy, some 120 instructions per string.
    private let examined: Examined
    /// What an expert would add. Written when read: a batch classifies every token and reads only `kind`, and
    /// writing the notes was most of the classification's cost.
    public var notes: [String] {
        switch noteSource {
        case .written(let notes): return notes
        case .claims(let claims):
            var notes: [String]? = []
            _ = Self.examine(CredentialClaims(claims), claims, notes: &notes)
            return notes ?? []
        }
    }

    /// Where the notes come from: written by the caller, or worked out again from the claims when read.
    private enum NoteSource: Sendable {
        case written([String])
        case claims(JSONObject)
    }

    private let noteSource: NoteSource

    public init(
        kind: CredentialKind, claim: String?, value: String?, tokenVersion: TokenVersion?,
        unrecognizedVersion: String? = nil, notes: [String]
    ) {
        self.examined = Examined(
            kind: kind, claim: claim, value: value, version: tokenVersion, unrecognizedVersion: unrecognizedVersion)
        self.noteSource = .written(notes)
    }

    private init(_ examined: consuming Examined, claims: JSONObject) {
        self.examined = examined
        self.noteSource = .claims(claims)
    }

    /// `ver` as written: the version's number, or the unrecognised text.
    public var versionText: String? { tokenVersion?.rawValue ?? unrecognizedVersion }

    /// The claim this token's version should carry its credential in (v1.0 when the version is unknown).
    public var expectedClaim: String { (tokenVersion ?? .v1).credentialClaim }

    public static func == (lhs: CredentialVerdict, rhs: CredentialVerdict) -> Bool {
        lhs.kind == rhs.kind && lhs.claim == rhs.claim && lhs.value == rhs.value
            && lhs.tokenVersion == rhs.tokenVersion && lhs.unrecognizedVersion == rhs.unrecognizedVersion
            && lhs.notes == rhs.notes
    }

    /// An ID token has no `scp` or `roles` and no credential claim; it carries the sign-in `nonce`, or its
    /// audience is the client itself. "ID tokens ... should not be used for authorization purposes" (Microsoft
    /// identity platform, ID tokens), so an API that receives one has a client bug.
    public static func looksLikeIDToken(_ claims: JSONObject) -> Bool {
        guard claims["appidacr"] == nil, claims["azpacr"] == nil, claims["scp"] == nil, claims["roles"] == nil,
            claims["iss"]?.stringValue.flatMap(EntraIssuer.init) != nil
        else { return false }
        if claims["nonce"] != nil { return true }
        if let aud = claims["aud"], aud == (claims["azp"] ?? claims["appid"]) { return true }
        // No client claim at all, but a signed-in user: the shape of an ID token.
        return claims["azp"] == nil && claims["appid"] == nil
            && ["preferred_username", "upn", "unique_name", "email"].contains { claims[$0] != nil }
    }

    public static func classify(claims: JSONObject) -> CredentialVerdict {
        classify(CredentialClaims(claims), claims: claims)
    }

    /// The same, from claims the caller has read already (the verifier reads each claim once per token).
    static func classify(_ read: CredentialClaims, claims: JSONObject) -> CredentialVerdict {
        var noNotes: [String]? = nil
        return CredentialVerdict(examine(read, claims, notes: &noNotes), claims: claims)
    }

    /// The claims the verdict itself is read from (the notes read more): `ver`, `iss` when a string, and the two
    /// credential claims.
    struct CredentialClaims {
        let ver: JSONValue?
        let iss: String?
        let appidacr: JSONValue?
        let azpacr: JSONValue?

        init(ver: JSONValue?, iss: String?, appidacr: JSONValue?, azpacr: JSONValue?) {
            self.ver = ver
            self.iss = iss
            self.appidacr = appidacr
            self.azpacr = azpacr
        }

        init(_ claims: JSONObject) {
            self.init(ver: claims["ver"], iss: claims["iss"]?.stringValue, appidacr: claims["appidacr"], azpacr: claims["azpacr"])
        }
    }

    private struct Examined: Sendable {
        var kind: CredentialKind
        var claim: String?
        var value: String?
        var version: TokenVersion?
        var unrecognizedVersion: String?
    }

    /// The classification, and its notes when `notes` is not nil. `notes?.append(...)` does not evaluate its
    /// argument when `notes` is nil, so the verdict alone costs only the claim lookups it needs.
    private static func examine(_ read: CredentialClaims, _ claims: JSONObject, notes: inout [String]?) -> Examined {
        let ver = read.ver
        // The issuer form matters for the verdict only when `ver` is absent; otherwise only the notes use it.
        let issuer = ver == nil || notes != nil ? read.iss.flatMap(EntraIssuer.init) : nil

        // 1. The version: `ver`, else what the issuer form implies.
        let version = TokenVersion.said(ver: ver, issuer: issuer)
        var unrecognized: String?
        if let ver {
            if let text = ver.stringValue {
                if version == nil {
                    unrecognized = text
                    notes?.append("ver is \"\(text)\", which Entra does not issue (it writes \"1.0\" or \"2.0\")")
                }
            } else {
                notes?.append("ver is \(ver.kindDescription); Entra writes it as the string \"1.0\" or \"2.0\"")
            }
        } else if let issuer {
            notes?.append("ver is absent; version \(issuer.version.rawValue) inferred from the issuer form")
        }
        if let version, let issuer, issuer.version != version {
            notes?.append(
                "ver says \(version.rawValue) but iss has the v\(issuer.version.rawValue) form; a policy or "
                    + "validator that expects one issuer form rejects this token")
        }

        // 2. The credential claim for that version.
        let v1Claim = read.appidacr
        let v2Claim = read.azpacr
        // The claim's name and value together: finding the value again by comparing the name cost a String
        // comparison per token.
        var claimName: String?
        var claimValue: JSONValue?
        switch version {
        case .v1?:
            if let v1Claim {
                (claimName, claimValue) = ("appidacr", v1Claim)
            } else if let v2Claim {
                (claimName, claimValue) = ("azpacr", v2Claim)
                notes?.append(
                    "a v1.0 token should carry appidacr but this one has azpacr (the v2.0 claim); a policy that "
                        + "requires appidacr rejects it")
            }
        case .v2?:
            if let v2Claim {
                (claimName, claimValue) = ("azpacr", v2Claim)
            } else if let v1Claim {
                (claimName, claimValue) = ("appidacr", v1Claim)
                notes?.append(
                    "a v2.0 token should carry azpacr but this one has appidacr (the v1.0 claim); a policy that "
                        + "requires azpacr rejects it")
            }
        case nil:
            if let v1Claim {
                (claimName, claimValue) = ("appidacr", v1Claim)
            } else if let v2Claim {
                (claimName, claimValue) = ("azpacr", v2Claim)
            }
        }
        if v1Claim != nil && v2Claim != nil {
            notes?.append("both appidacr and azpacr are present; Entra writes only one, so this token was not minted by Entra as is")
            if v1Claim != v2Claim { notes?.append("appidacr and azpacr disagree") }
        }

        var kind = CredentialKind.unknown
        var valueText: String?
        if let claimName, let raw = claimValue {
            switch raw {
            case .string(let s):
                valueText = s
            case .number(let n):
                valueText = n.text
                notes?.append(
                    "\(claimName) is a number; Entra writes a string, and an APIM <required-claims> value "
                        + "compares text")
            default:
                notes?.append("\(claimName) is \(raw.kindDescription); Entra writes \"0\", \"1\" or \"2\"")
            }
            switch valueText {
            case "2"?: kind = .certificate
            case "1"?: kind = .secret
            case "0"?: kind = .publicClient
            case let other?: notes?.append("\(claimName) \"\(other)\" is not a documented value (\"0\", \"1\", \"2\")")
            case nil: break
            }
        }

        // 3. What stands behind the value: notes only.
        let examined = Examined(
            kind: kind, claim: claimName, value: valueText, version: version, unrecognizedVersion: unrecognized)
        guard notes != nil else { return examined }
        let isAppOnly = claims["idtyp"]?.stringValue == "app"
        let hasScopes = claims["scp"] != nil
        let hasRoles = claims["roles"] != nil
        switch kind {
        case .certificate:
            if let resource = claims["xms_mirid"]?.stringValue {
                notes?.append(
                    "managed identity (xms_mirid \(resource)): \"2\" means Azure signed a client assertion for it; "
                        + "there is no certificate you manage")
            } else if claims["xms_idrel"]?.stringValue == "33" {
                notes?.append("federated managed identity (xms_idrel 33): a signed assertion, not an app certificate")
            } else {
                notes?.append(
                    "\"2\" is any signed client assertion: an app certificate, or a federated identity credential "
                        + "(workload identity federation); the token does not say which")
            }
            if claims["xms_par_app_azp"] != nil {
                notes?.append("an Entra agent identity (xms_par_app_azp names its blueprint)")
            }
        case .secret:
            notes?.append("a shared secret authenticated the client; certificates or federated credentials are stronger")
        case .publicClient:
            notes?.append("public client: no client credential (desktop, mobile, SPA or device code flow)")
        case .unknown:
            if claimName == nil {
                if looksLikeIDToken(claims) {
                    notes?.append("looks like an ID token (no scp or roles): ID tokens carry no appidacr or azpacr by design")
                } else if issuer == nil {
                    notes?.append("no appidacr or azpacr: not an Entra access token, or the claim was removed")
                } else {
                    notes?.append("no appidacr or azpacr claim")
                }
                if let amr = claims["amr"]?.arrayValue?.compactMap(\.stringValue) {
                    if amr.contains("rsa") { notes?.append("amr has \"rsa\" (certificate or key), a secondary hint") }
                    if amr.contains("pwd") { notes?.append("amr has \"pwd\" (password or client secret), a secondary hint") }
                }
            }
        }
        if isAppOnly {
            notes?.append("app-only token (idtyp: app): the client acted as itself, with roles, not for a user")
        } else if hasRoles && !hasScopes && claimName != nil {
            notes?.append("app-only token (roles without scp; idtyp is absent, request it as an optional claim)")
        } else if hasScopes {
            notes?.append("delegated token (scp): the credential describes the client app, not the user")
        }
        return examined
    }
}
