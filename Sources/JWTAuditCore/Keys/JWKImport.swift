/// Turns one JWK (RFC 7517 §4) into a `VerificationKey`, or refuses it with the rule it breaks.
enum JWKImport {
    /// Members that only a private (or symmetric) key has. RFC 7518 §6.3.2 (RSA: d, p, q, dp, dq, qi, oth),
    /// §6.2.2 (EC: d), RFC 8037 §2 (OKP: d). `k` (§6.4.1) is the secret of an `oct` key: on an asymmetric
    /// key it can only be a mistake or a confusion attempt.
    static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// The refusal of a JWK that carries private key members, or nil. An `oct` key's `k` is its secret, not a
    /// leak: whether a symmetric key may be used is the key set's provenance rule.
    static func privateMemberRefusal(_ object: JSONObject, label: String) -> JWTAuditError? {
        guard object["kty"]?.stringValue != "oct" else { return nil }
        let found = privateMembers.filter { object[$0] != nil }
        if found.isEmpty { return nil }
        let kid = object["kid"]?.stringValue.map { "\(label) (kid \($0))" } ?? label
        return JWTAuditError(
            .unsafeKey,
            "\(kid): holds private key member(s) \(found.joined(separator: ", ")); give the public key only (a private key must never be published)")
    }

    static func key(_ object: JSONObject, source: String) throws(JWTAuditError) -> VerificationKey {
        if let duplicate = object.duplicateKeys.first {
            throw JWTAuditError(.malformedKey, "\(source): member \"\(duplicate)\" appears more than once")
        }
        guard let kty = object["kty"]?.stringValue else {
            throw JWTAuditError(.malformedKey, "\(source): no \"kty\" string (RFC 7517 §4.1: kty is required)")
        }
        let kid = try optionalString(object, "kid", source)
        let label = kid.map { "\(source) (kid \($0))" } ?? source
        if let leak = privateMemberRefusal(object, label: source) { throw leak }
        // RFC 7517 §4.2: "sig" (signature) or "enc" (encryption). An encryption key must not verify signatures.
        let use = try optionalString(object, "use", source)
        if let use, use != "sig" {
            throw JWTAuditError(.unsafeKey, "\(label): \"use\" is \"\(use)\", not \"sig\": the key is not for signatures (RFC 7517 §4.2)")
        }
        var keyOps: [String]?
        if let value = object["key_ops"] {
            guard let array = value.arrayValue, array.allSatisfy({ $0.stringValue != nil }) else {
                throw JWTAuditError(.malformedKey, "\(label): \"key_ops\" must be an array of strings (RFC 7517 §4.3)")
            }
            keyOps = array.compactMap(\.stringValue)
            if !keyOps!.contains("verify") {
                throw JWTAuditError(
                    .unsafeKey, "\(label): \"key_ops\" is [\(keyOps!.joined(separator: ", "))] without \"verify\" (RFC 7517 §4.3)")
            }
        }
        var declared: JWSAlgorithm?
        if let alg = try optionalString(object, "alg", source) {
            switch JWSAlgorithm.parse(alg) {
            case .known(let algorithm): declared = algorithm
            case .unsecured: throw JWTAuditError(.unsafeKey, "\(label): \"alg\" is \"\(alg)\": an unsecured key verifies nothing")
            case .unknown:
                throw JWTAuditError(.unsafeKey, "\(label): \"alg\" is \"\(alg)\", not a JWS signature algorithm jwtaudit supports")
            }
        }
        let issuer = try optionalString(object, "issuer", source)
        let x5t = try optionalString(object, "x5t", source)

        let material: VerificationKey.Material
        switch kty {
        case "oct":
            let secret = try bytes(object, "k", label)
            if secret.count < 32 {
                throw JWTAuditError(
                    .unsafeKey,
                    "\(label): HMAC key is \(secret.count) bytes; RFC 7518 §3.2 requires at least 32 (the SHA-256 output size)")
            }
            material = .secret(secret)
        case "RSA", "EC", "OKP":
            let components = try publicComponents(kty: kty, object, label)
            try KeyPolicy.check(components, what: label)
            if let x5c = object["x5c"] {
                try checkCertificateChain(x5c, x5t: x5t, x5tS256: try optionalString(object, "x5t#S256", source), components, label)
            }
            do {
                material = .publicKey(try OpenSSLPublicKey.make(components), components)
            } catch {
                throw JWTAuditError(error.code, "\(label): \(error.reason)")
            }
        default:
            throw JWTAuditError(.unsafeKey, "\(label): key type \"\(kty)\" cannot verify JWS signatures (RSA, EC, OKP or oct)")
        }
        if let declared, !VerificationKey.typeAllows(declared, material: material) {
            if case .secret(let secret) = material, declared.isSymmetric {
                throw JWTAuditError(
                    .unsafeKey,
                    "\(label): HMAC key is \(secret.count) bytes but \"alg\" is \(declared.rawValue), whose hash is \(declared.hashLength!) bytes (RFC 7518 §3.2: the key must be at least as long)")
            }
            throw JWTAuditError(.unsafeKey, "\(label): \"alg\" \(declared.rawValue) cannot be used with a \(kty) key like this one")
        }
        return try VerificationKey(
            material: material, kid: kid, declaredAlgorithm: declared, use: use, keyOps: keyOps, issuer: issuer,
            x5t: x5t, source: source)
    }

    static func publicComponents(kty: String, _ object: JSONObject, _ label: String) throws(JWTAuditError) -> PublicKeyComponents {
        switch kty {
        case "RSA":
            let n = try bytes(object, "n", label)
            let e = try bytes(object, "e", label)
            guard n.first != 0, e.first != 0 else {
                // RFC 7518 §6.3.1.1: "MUST utilize the minimum number of octets to represent the value."
                throw JWTAuditError(.malformedKey, "\(label): \"n\" or \"e\" has a leading zero byte (RFC 7518 §6.3.1.1 forbids it)")
            }
            return .rsa(n: n, e: e)
        case "EC":
            guard let crv = object["crv"]?.stringValue else {
                throw JWTAuditError(.malformedKey, "\(label): EC key without a \"crv\" string")
            }
            guard let curve = ECCurve(rawValue: crv) else {
                throw JWTAuditError(.unsafeKey, "\(label): curve \"\(crv)\" is not one JWS uses (P-256, P-384, P-521)")
            }
            let x = try bytes(object, "x", label)
            let y = try bytes(object, "y", label)
            guard x.count == curve.coordinateLength, y.count == curve.coordinateLength else {
                throw JWTAuditError(
                    .malformedKey,
                    "\(label): \(crv) coordinates must be exactly \(curve.coordinateLength) bytes (RFC 7518 §6.2.1.2); x is \(x.count), y is \(y.count)")
            }
            return .ec(curve: curve, x: x, y: y)
        default:  // OKP
            guard let crv = object["crv"]?.stringValue else {
                throw JWTAuditError(.malformedKey, "\(label): OKP key without a \"crv\" string")
            }
            guard crv == "Ed25519" else {
                throw JWTAuditError(.unsafeKey, "\(label): OKP curve \"\(crv)\" is not supported for signatures (only Ed25519)")
            }
            let x = try bytes(object, "x", label)
            guard x.count == 32 else {
                throw JWTAuditError(.malformedKey, "\(label): an Ed25519 public key is 32 bytes; \"x\" is \(x.count)")
            }
            return .ed25519(x: x)
        }
    }

    /// RFC 7517 §4.7: x5c holds base64 (not base64url) DER certificates; "The key in the first certificate MUST
    /// match the public key represented by other members of the JWK." §4.8: x5t is the base64url SHA-1 of the
    /// DER certificate. Entra publishes both with every key.
    static func checkCertificateChain(
        _ value: JSONValue, x5t: String?, x5tS256: String?, _ components: PublicKeyComponents, _ label: String
    ) throws(JWTAuditError) {
        guard let array = value.arrayValue, let first = array.first?.stringValue,
              array.allSatisfy({ $0.stringValue != nil })
        else { throw JWTAuditError(.malformedKey, "\(label): \"x5c\" must be a non-empty array of strings (RFC 7517 §4.7)") }
        guard let der = StandardBase64.decode(first) else {
            throw JWTAuditError(.malformedKey, "\(label): the first \"x5c\" certificate is not valid base64")
        }
        let certificate: (components: PublicKeyComponents, sha1: [UInt8], sha256: [UInt8])
        do {
            certificate = try DERKeyReader.certificate(der)
        } catch {
            throw JWTAuditError(.malformedKey, "\(label): the first \"x5c\" certificate: \(error.reason)")
        }
        guard certificate.components == components else {
            throw JWTAuditError(
                .unsafeKey, "\(label): the first \"x5c\" certificate holds a different public key than the JWK's own members (RFC 7517 §4.7)")
        }
        if let x5t, x5t != Base64URL.encode(certificate.sha1) {
            throw JWTAuditError(
                .unsafeKey, "\(label): \"x5t\" \(x5t) is not the SHA-1 thumbprint of the first \"x5c\" certificate (\(Base64URL.encode(certificate.sha1)))")
        }
        if let x5tS256, x5tS256 != Base64URL.encode(certificate.sha256) {
            throw JWTAuditError(
                .unsafeKey, "\(label): \"x5t#S256\" is not the SHA-256 thumbprint of the first \"x5c\" certificate")
        }
    }

    static func optionalString(_ object: JSONObject, _ name: String, _ source: String) throws(JWTAuditError) -> String? {
        guard let value = object[name] else { return nil }
        guard let string = value.stringValue else {
            throw JWTAuditError(.malformedKey, "\(source): \"\(name)\" must be a string, not \(value.kindDescription)")
        }
        return string
    }

    static func bytes(_ object: JSONObject, _ name: String, _ label: String) throws(JWTAuditError) -> [UInt8] {
        guard let text = object[name]?.stringValue else {
            throw JWTAuditError(.malformedKey, "\(label): missing \"\(name)\" string")
        }
        do {
            let decoded = try Base64URL.decode(text)
            if decoded.isEmpty { throw JWTAuditError(.malformedKey, "\(label): \"\(name)\" is empty") }
            return decoded
        } catch let error as Base64URL.DecodeError {
            throw JWTAuditError(.malformedKey, "\(label): \"\(name)\": \(error)")
        } catch let error as JWTAuditError {
            throw error
        } catch {
            throw JWTAuditError(.malformedKey, "\(label): \"\(name)\" is not base64url")
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), as used by `x5c` and PEM bodies. Strict: canonical, no stray
/// characters; whitespace is the caller's business.
enum StandardBase64 {
    static func decode(_ text: String) -> [UInt8]? {
        var bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        if bytes.contains(UInt8(ascii: "-")) || bytes.contains(UInt8(ascii: "_")) { return nil }
        var padding = 0
        while padding < 2, bytes.last == UInt8(ascii: "=") {
            bytes.removeLast()
            padding += 1
        }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") { bytes[index] = UInt8(ascii: "-") }
            if bytes[index] == UInt8(ascii: "/") { bytes[index] = UInt8(ascii: "_") }
        }
        return try? Base64URL.decode(bytes: bytes)
    }
}
