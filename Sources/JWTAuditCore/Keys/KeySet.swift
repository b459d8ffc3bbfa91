/// The keys a token may be verified with, from one source, after every key passed the key policy.
///
/// A final class of constants: the verifier, its allow-list and every token's key selection hold the set, and each
/// copy of a struct of five references retained and released every one of them (a batch selects keys per token).
public final class KeySet: Sendable {
    public let keys: [VerificationKey]
    public let source: String
    /// True for a lone key (one PEM key, one certificate, one JWK that was not inside a `{"keys":[...]}` set):
    /// used whatever the token's `kid`, because the user named that exact key.
    public let isLoneKey: Bool
    /// Where the keys came from, which decides whether a symmetric key may verify anything.
    public let provenance: Provenance
    /// Keys of a set that were left out, each with the reason (an encryption key, an unsafe key, an unsupported
    /// curve, a symmetric key). Key selection names them when a token's `kid` points at one.
    public let refused: [RefusedKey]

    public struct RefusedKey: Sendable, Equatable {
        public let kid: String?
        /// The member's `kty` as written, when it is a string.
        public let keyType: String?
        public let source: String
        public let error: JWTAuditError
    }

    /// Where a key set came from. DESIGN.md: "A symmetric (`oct`) key is used only when given explicitly as a
    /// secret (a secret option, or a policy's `issuer-signing-keys`), never from a key set or a provider."
    /// RFC 8725 §3.1: an HMAC key that anyone can read (a published `k`, a key planted in a set the user trusts
    /// for public keys) lets anyone sign, so the provenance, not the key's own `kty`, decides.
    public enum Provenance: Sendable, Equatable {
        /// Bytes the user named as an HMAC secret: `--secret-file`, `--secret-env`, a policy's
        /// `issuer-signing-keys` symmetric key. HS* is allowed by default.
        case secret
        /// One file named with `--key`. A lone `oct` JWK in it is an HMAC secret only when the caller also
        /// allows HS* explicitly (`--alg HS256`); `oct` members of a set in it are never used.
        case keyFile
        /// Public keys: a JWK set (`--jwks` file or URL, a provider's `jwks_uri`, `openid-config`), a certificate,
        /// a policy's `n`/`e`. `oct` keys are refused at load.
        case publicKeys
    }

    /// Most keys one JWK set may hold. Entra's tenant sets publish about ten keys during a rollover; a set of
    /// thousands is hostile (each RSA key costs an OpenSSL import), so it is refused before any key is read.
    public static let maxKeys = 100

    init(
        keys: [VerificationKey], source: String, isLoneKey: Bool, provenance: Provenance, refused: [RefusedKey] = [],
        setNotes: [String] = []
    ) {
        self.keys = keys
        self.source = source
        self.isLoneKey = isLoneKey
        self.provenance = provenance
        self.refused = refused
        self.notes = refused.map { "key not used: \($0.error.reason)" } + setNotes
    }

    /// What a reader of the report should know about the set: one line per member that is not used, naming it
    /// and saying why (RFC 7517 §5: such members are ignored, and the user should know which), and kids that
    /// repeat within one key type.
    public let notes: [String]

    /// Auto-detects: a PEM public key (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"), a PEM certificate, a
    /// JWK, or a JWK set.
    public static func load(_ bytes: [UInt8], source: String, provenance: Provenance = .publicKeys) throws(JWTAuditError) -> KeySet {
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if first == UInt8(ascii: "{") { return try loadJWKS(bytes, source: source, provenance: provenance) }
        // PEM files may carry explanatory text before the block (RFC 7468 §5.2 allows it; `openssl pkcs12`
        // writes "Bag Attributes"), so look for the boundary anywhere.
        if first == UInt8(ascii: "-") || contains(bytes, Array("-----BEGIN ".utf8)) { return try loadPEM(bytes, source: source, provenance: provenance) }
        if bytes.isEmpty { throw JWTAuditError(.malformedKey, "\(source): the key file is empty") }
        throw JWTAuditError(
            .malformedKey, "\(source): not a PEM public key, PEM certificate, JWK or JWK set (it starts with neither '-----BEGIN' nor '{')")
    }

    /// A JWK set, or a single JWK (then a lone key).
    public static func loadJWKS(_ bytes: [UInt8], source: String, provenance: Provenance = .publicKeys) throws(JWTAuditError) -> KeySet {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedKey, "\(source): not valid JSON: \(error)")
        }
        return try loadJWKS(json, source: source, provenance: provenance)
    }

    public static func loadJWKS(_ json: JSONValue, source: String, provenance: Provenance = .publicKeys) throws(JWTAuditError) -> KeySet {
        guard let object = json.objectValue else {
            throw JWTAuditError(.malformedKey, "\(source): a JWK or JWK set is a JSON object, not \(json.kindDescription)")
        }
        if object.duplicateKeys.contains("keys") {
            throw JWTAuditError(.malformedKey, "\(source): \"keys\" appears more than once")
        }
        guard let members = object["keys"] else {
            let key = try JWKImport.key(object, source: source)
            if key.keyType == "oct" && provenance != .keyFile {
                throw symmetricRefusal(label: source, kid: key.kid, inSet: false)
            }
            return KeySet(keys: [key], source: source, isLoneKey: true, provenance: provenance)
        }
        guard let array = members.arrayValue else {
            throw JWTAuditError(.malformedKey, "\(source): \"keys\" must be an array (RFC 7517 §5.1)")
        }
        if array.count > maxKeys {
            throw JWTAuditError(
                .limitExceeded, "\(source): the set holds \(array.count) keys; the limit is \(maxKeys) keys per JWK set")
        }
        var keys: [VerificationKey] = []
        var refused: [RefusedKey] = []
        for (index, element) in array.enumerated() {
            let label = "\(source) key #\(index + 1)"
            guard let jwk = element.objectValue else {
                refused.append(RefusedKey(
                    kid: nil, keyType: nil, source: label,
                    error: JWTAuditError(.malformedKey, "\(label): a JWK is a JSON object, not \(element.kindDescription)")))
                continue
            }
            // A set that publishes private keys is refused whole: whoever wrote it leaked signing keys, and
            // nothing else in it can be trusted either.
            if let leak = JWKImport.privateMemberRefusal(jwk, label: label) { throw leak }
            do throws(JWTAuditError) {
                let key = try JWKImport.key(jwk, source: label)
                if key.keyType == "oct" { throw symmetricRefusal(label: label, kid: key.kid, inSet: true) }
                keys.append(key)
            } catch {
                // RFC 7517 §5: "Implementations SHOULD ignore JWKs within a JWK Set that use "kty" values that are
                // not understood by them, that are missing required members, or for which values are out of the
                // supported ranges." So a member that is malformed (bad base64url, an empty modulus, a point off
                // its curve), unsafe, symmetric or not for signatures is left out and recorded; the others work.
                refused.append(
                    RefusedKey(kid: jwk["kid"]?.stringValue, keyType: jwk["kty"]?.stringValue, source: label, error: error))
            }
        }
        return try KeySet(checkedSet: keys, source: source, provenance: provenance, refused: refused)
    }

    /// Why a symmetric key from a set or a public-key source is not used, with the way to use it on purpose.
    static func symmetricRefusal(label: String, kid: String?, inSet: Bool) -> JWTAuditError {
        let name = kid.map { "\(label) (kid \($0))" } ?? label
        let whereFrom = inSet ? "a JWK set" : "a public-key source"
        return JWTAuditError(
            .unsafeKey,
            "\(name): a symmetric (oct) key in \(whereFrom) is never used, since anyone who can read or add to the set could sign with it; give an HMAC secret with --secret-file or --secret-env, or its single JWK with --key and --alg HS256")
    }

    /// An HMAC secret given by the user (`--secret-file`, `--secret-env`). RFC 7518 §3.2: "A key of the same
    /// size as the hash output (for instance, 256 bits for "HS256") or larger MUST be used".
    public static func symmetric(secret: [UInt8], source: String) throws(JWTAuditError) -> KeySet {
        if secret.count < 32 {
            throw JWTAuditError(
                .unsafeKey, "\(source): HMAC secret is \(secret.count) bytes; RFC 7518 §3.2 requires at least 32 (the SHA-256 output size)")
        }
        let key = try VerificationKey(
            material: .secret(secret), kid: nil, declaredAlgorithm: nil, use: nil, keyOps: nil, issuer: nil,
            x5t: nil, source: source)
        return KeySet(keys: [key], source: source, isLoneKey: true, provenance: .secret)
    }

    /// The set-level rules. (A set never holds a symmetric key: its `oct` members are refused above, so the
    /// algorithm confusion of RFC 8725 §3.1, secrets and public keys in one set, cannot arise.)
    private convenience init(checkedSet keys: [VerificationKey], source: String, provenance: Provenance, refused: [RefusedKey]) throws(JWTAuditError) {
        if keys.isEmpty {
            let reasons = refused.prefix(3).map(\.error.reason)
            let more = refused.count > 3 ? "; and \(refused.count - 3) more" : ""
            let why = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ") + more
            throw JWTAuditError(
                refused.isEmpty ? .malformedKey : .unsafeKey, "\(source): the set holds no usable signature key\(why)")
        }
        // RFC 7517 §4.5: "When "kid" values are used within a JWK Set, different keys within the JWK Set SHOULD use
        // distinct "kid" values. (One example in which different keys might use the same "kid" value is if they
        // have different "kty" (key type) values but are considered to be equivalent alternatives by the
        // application using them.)" A repeat is not a reason to lose the whole set: every key with the token's
        // kid that can do its algorithm is tried (each is trusted as a member of the set anyway), and a repeat
        // within one key type, which the RFC does not bless, is said.
        var seen: [String: [String]] = [:]
        var duplicates: [String] = []
        for key in keys {
            guard let kid = key.kid else { continue }
            if seen[kid]?.contains(key.keyType) == true && !duplicates.contains(kid) { duplicates.append(kid) }
            seen[kid, default: []].append(key.keyType)
        }
        let notes = duplicates.map {
            "\(source): kid \"\($0)\" appears on more than one \(seen[$0]![0]) key (RFC 7517 §4.5: kids SHOULD be distinct); a token naming it is checked against each"
        }
        self.init(keys: keys, source: source, isLoneKey: false, provenance: provenance, refused: refused, setNotes: notes)
    }

    private static func loadPEM(_ bytes: [UInt8], source: String, provenance: Provenance) throws(JWTAuditError) -> KeySet {
        let blocks = try PEM.blocks(bytes, source: source)
        // A private key anywhere in the file is said first (a certificate bundled with its key is common): the
        // file should not be handed around, whatever else it holds.
        if let secret = blocks.first(where: { $0.label.contains("PRIVATE KEY") }) {
            throw JWTAuditError(
                .unsafeKey, "\(source): holds a private key (\(secret.label)); give the public key or certificate only")
        }
        guard blocks.count == 1, let block = blocks.first else {
            throw JWTAuditError(
                .malformedKey,
                "\(source): holds \(blocks.count) PEM blocks; give one public key or one certificate per file (or a JWK set)")
        }
        let components: PublicKeyComponents
        let what: String
        switch block.label {
        case "PUBLIC KEY":
            components = try wrap(source) { () throws(JWTAuditError) in try DERKeyReader.componentsFromSPKI(block.der) }
            what = "PEM public key"
        case "RSA PUBLIC KEY":
            components = try wrap(source) { () throws(JWTAuditError) in try DERKeyReader.componentsFromPKCS1(block.der) }
            what = "PEM RSA public key"
        case "CERTIFICATE":
            components = try wrap(source) { () throws(JWTAuditError) in try DERKeyReader.certificate(block.der).components }
            what = "certificate"
        default:
            throw JWTAuditError(.malformedKey, "\(source): PEM block \"\(block.label)\" is not a public key or certificate")
        }
        let label = "\(source) (\(what))"
        try KeyPolicy.check(components, what: label)
        let openSSLKey = try wrap(label) { () throws(JWTAuditError) in try OpenSSLPublicKey.make(components) }
        let key = try VerificationKey(
            material: .publicKey(openSSLKey, components), kid: nil, declaredAlgorithm: nil,
            use: nil, keyOps: nil, issuer: nil, x5t: nil, source: source)
        return KeySet(keys: [key], source: source, isLoneKey: true, provenance: provenance)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    private static func wrap<T>(_ source: String, _ body: () throws(JWTAuditError) -> T) throws(JWTAuditError) -> T {
        do { return try body() } catch { throw JWTAuditError(error.code, "\(source): \(error.reason)") }
    }
}

/// PEM (RFC 7468): "-----BEGIN label-----", base64 lines, "-----END label-----".
enum PEM {
    struct Block { let label: String; let der: [UInt8] }

    static func blocks(_ bytes: [UInt8], source: String) throws(JWTAuditError) -> [Block] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw JWTAuditError(.malformedKey, "\(source): PEM file is not UTF-8 text")
        }
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.hasPrefix("-----BEGIN ") && line.hasSuffix("-----") {
                guard label == nil else { throw JWTAuditError(.malformedKey, "\(source) line \(number + 1): BEGIN inside a PEM block") }
                label = String(line.dropFirst(11).dropLast(5))
                body = ""
            } else if line.hasPrefix("-----END ") && line.hasSuffix("-----") {
                guard let open = label, String(line.dropFirst(9).dropLast(5)) == open else {
                    throw JWTAuditError(.malformedKey, "\(source) line \(number + 1): END without a matching BEGIN")
                }
                guard let der = StandardBase64.decode(body), !der.isEmpty else {
                    throw JWTAuditError(.malformedKey, "\(source): the \(open) block's body is not valid base64")
                }
                blocks.append(Block(label: open, der: der))
                label = nil
            } else if label != nil {
                if line.contains(":") { throw JWTAuditError(.malformedKey, "\(source) line \(number + 1): encrypted or annotated PEM is not supported") }
                body += line
            }
        }
        if label != nil { throw JWTAuditError(.malformedKey, "\(source): a PEM block has no END line") }
        if blocks.isEmpty { throw JWTAuditError(.malformedKey, "\(source): no PEM block found") }
        return blocks
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return s
    }
}
