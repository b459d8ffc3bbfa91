/// The claims one verification's checks read, each read once per token, with the credential verdict made from
/// them.
///
/// Before, each check looked its claims up itself: some 18 lookups per token for 11 claims (`iss` four times,
/// `exp` twice), each building its value again, and the verdict and the claims set were copied into every check of
/// the loop (a verdict holds four references: some 24 copies per token, issue 22). Noncopyable, so the verifier
/// lends it to the checks and no copy of it, or of the verdict inside it, can be made by accident.
struct CheckedClaims: ~Copyable {
    let object: JSONObject
    /// `iss` as found (the issuer check tells an absent one from one that is not a string).
    let iss: JSONValue?
    /// `tid`, when a string.
    let tid: String?
    let aud: JSONValue?
    /// `exp` as found: a batch's line names the token by it.
    let expValue: JSONValue?
    /// The time claims, as the lifetime rule compares them.
    let exp: NumericDate.Seconds
    let nbf: NumericDate.Seconds
    let iat: NumericDate.Seconds
    let credential: CredentialVerdict
    /// The client that asked for the token (`ClientEvidence.client`, by the verdict's version).
    let client: (readFrom: TokenVersion, value: String?)

    init(_ claims: JSONObject) {
        object = claims
        let iss = claims["iss"]
        self.iss = iss
        tid = claims["tid"]?.stringValue
        aud = claims["aud"]
        let expValue = claims["exp"]
        self.expValue = expValue
        exp = NumericDate.seconds("exp", value: expValue)
        nbf = NumericDate.seconds("nbf", in: claims)
        iat = NumericDate.seconds("iat", in: claims)
        let read = CredentialVerdict.CredentialClaims(
            ver: claims["ver"], iss: iss?.stringValue, appidacr: claims["appidacr"], azpacr: claims["azpacr"])
        let credential = CredentialVerdict.classify(read, claims: claims)
        self.credential = credential
        client = ClientEvidence.client(in: claims, version: credential.tokenVersion ?? .v1)
    }

    /// `iss`, when a string.
    var issuer: String? { iss?.stringValue }

    /// The time claim a lifetime check judges.
    func time(_ check: CheckID) -> NumericDate.Seconds {
        switch check {
        case .expiry: return exp
        case .notBefore: return nbf
        default: return iat
        }
    }
}
