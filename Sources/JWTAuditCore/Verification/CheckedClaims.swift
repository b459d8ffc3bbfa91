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
        // The document a token's claims are read from, fetched once: each `claims[name:]` fetched it again, a
        // retain and a release per claim.
        if let document = claims.document {
            self.init(claims, DocumentClaims(document: document))
        } else {
            self.init(claims, ObjectClaims(object: claims))
        }
    }

    /// The claims read by `reader` (generic rather than a closure: its reads are direct calls).
    private init(_ claims: JSONObject, _ reader: some ClaimReader) {
        object = claims
        let iss = reader.value(.iss)
        self.iss = iss
        tid = reader.value(.tid)?.stringValue
        aud = reader.value(.aud)
        expValue = reader.value(.exp)
        exp = reader.seconds(.exp)
        nbf = reader.seconds(.nbf)
        iat = reader.seconds(.iat)
        let credential = CredentialVerdict.classify(
            CredentialVerdict.CredentialClaims(
                ver: reader.value(.ver), iss: iss?.stringValue, appidacr: reader.value(.appidacr),
                azpacr: reader.value(.azpacr)),
            claims: claims)
        self.credential = credential
        client = ClientEvidence.client(version: credential.tokenVersion ?? .v1) { reader.value($0) }
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

/// The claims read on every token, with their fingerprints (`MemberName.init(_:print:)`).
extension MemberName {
    static let iss = MemberName("iss", print: 0x8300_0000_0073_7369)
    static let tid = MemberName("tid", print: 0x8300_0000_0064_6974)
    static let aud = MemberName("aud", print: 0x8300_0000_0064_7561)
    static let exp = MemberName("exp", print: 0x8300_0000_0070_7865)
    static let nbf = MemberName("nbf", print: 0x8300_0000_0066_626E)
    static let iat = MemberName("iat", print: 0x8300_0000_0074_6169)
    static let ver = MemberName("ver", print: 0x8300_0000_0072_6576)
    static let appidacr = MemberName("appidacr", print: 0x8863_6164_6970_7061)
    static let azpacr = MemberName("azpacr", print: 0x8600_7263_6170_7A61)
    static let appid = MemberName("appid", print: 0x8500_0064_6970_7061)
    static let azp = MemberName("azp", print: 0x8300_0000_0070_7A61)

    /// Every name above, for the test that checks their fingerprints.
    static let claimsReadPerToken: [MemberName] = [.iss, .tid, .aud, .exp, .nbf, .iat, .ver, .appidacr, .azpacr, .appid, .azp]
}

/// How `CheckedClaims` reads a claim's value and a time claim's seconds.
private protocol ClaimReader {
    func value(_ name: MemberName) -> JSONValue?
    func seconds(_ name: MemberName) -> NumericDate.Seconds
}

/// From a document, by its hash slots (`JSONDocument.index(of:)`).
private struct DocumentClaims: ClaimReader {
    let document: JSONDocument

    func value(_ name: MemberName) -> JSONValue? { document.value(for: name) }

    /// Over the claim's bytes (`NumericDate.seconds(_:at:in:)`), for `exp` too: reading it from its value built
    /// the number's text and parsed it again.
    func seconds(_ name: MemberName) -> NumericDate.Seconds {
        guard let index = document.index(of: name) else { return .absent }
        return NumericDate.seconds(name, at: index, in: document)
    }
}

/// From an object held as a list of members.
private struct ObjectClaims: ClaimReader {
    let object: JSONObject

    func value(_ name: MemberName) -> JSONValue? { object[name: name] }
    func seconds(_ name: MemberName) -> NumericDate.Seconds { NumericDate.seconds(name, in: object) }
}
