import Testing
@testable import JWTAuditCore

/// Every Wycheproof primitive file in Tests/Vectors/wycheproof through `verifySignature`, following
/// Tests/Vectors/README.md: JWK import where the group has one; the hash picks the JWS algorithm; groups
/// that are not JWS parameter sets are negatives; `acceptable` may go either way; e = 3 keys are refused at
/// import; HMAC keys shorter than the hash are refused; truncated HMAC tags are rejected.
@Suite("Wycheproof vectors through verifySignature")
struct WycheproofTests {
    static let directory = CryptoTestSupport.vectorsDirectory() + "/wycheproof"
    static let files = CryptoTestSupport.listDirectory(directory).filter { $0.hasSuffix("_test.json") }

    /// What happened to each vector, so a file cannot pass by skipping everything.
    struct Tally { var validAccepted = 0, invalidRejected = 0, refusedAtImport = 0, acceptable = 0, total = 0 }

    @Test func everyFileIsPresent() {
        #expect(Self.files.count == 27, "expected the 27 Wycheproof files listed in Tests/Vectors/README.md in \(Self.directory)")
    }

    @Test(arguments: files)
    func file(_ name: String) throws {
        let document = try CryptoTestSupport.json(Self.directory + "/" + name)
        let groups = try #require(document["testGroups"]?.arrayValue, "\(name): no testGroups")
        var tally = Tally()
        for (groupIndex, groupValue) in groups.enumerated() {
            let group = try #require(groupValue.objectValue)
            let type = group["type"]?.stringValue ?? ""
            let tests = group["tests"]?.arrayValue ?? []
            if type == "MacTest" {
                try macGroup(name, group, tests, &tally)
            } else {
                try signatureGroup(name, groupIndex, type, group, tests, &tally)
            }
        }
        let declared = Int(document["numberOfTests"]?.numberValue?.text ?? "") ?? -1
        #expect(tally.total == declared, "\(name): ran \(tally.total) vectors, the file declares \(declared)")
        // Each file must exercise the verifier, not only the import refusals (secp256k1 is the one exception).
        if !name.contains("secp256k1") {
            #expect(tally.invalidRejected > 0, "\(name): no invalid vector was rejected by verification")
        }
        let mainFiles = ["rsa_signature_", "rsa_pss_2048_sha256_mgf1_32", "rsa_pss_2048_sha384", "rsa_pss_3072",
            "rsa_pss_4096_sha256", "rsa_pss_4096_sha384", "rsa_pss_4096_sha512_mgf1_64", "ecdsa_secp256r1_sha256",
            "ecdsa_secp384r1", "ecdsa_secp521r1", "ed25519", "hmac_"]
        if mainFiles.contains(where: { name.hasPrefix($0) }) {
            #expect(tally.validAccepted > 0, "\(name): no valid vector verified")
        }
    }

    // MARK: signatures

    static func algorithm(type: String, hash: String, curve: String?) -> JWSAlgorithm? {
        let bits = ["SHA-256": 256, "SHA-384": 384, "SHA-512": 512][hash]
        switch type {
        case "RsassaPkcs1Verify": return bits.flatMap { JWSAlgorithm(rawValue: "RS\($0)") }
        case "RsassaPssVerify": return JWSAlgorithm(rawValue: "PS\(bits ?? 256)")  // nearest: PS256 for SHA-1/224
        case "EcdsaP1363Verify":
            // The curve names the JWS algorithm (RFC 7518 §3.4); a different hash makes the group a negative.
            return ["secp256r1": .ES256, "secp384r1": .ES384, "secp521r1": .ES512, "secp256k1": .ES256][curve ?? ""]
        case "EddsaVerify": return .EdDSA
        default: return nil
        }
    }

    func signatureGroup(
        _ name: String, _ groupIndex: Int, _ type: String, _ group: JSONObject, _ tests: [JSONValue], _ tally: inout Tally
    ) throws {
        let hash = group["sha"]?.stringValue ?? ""
        let publicKey = group["publicKey"]?.objectValue
        let curve = publicKey?["curve"]?.stringValue
        let algorithm = try #require(Self.algorithm(type: type, hash: hash, curve: curve), "\(name) group \(groupIndex): no algorithm for \(type) \(hash)")

        // Whether this group's parameters are a JWS algorithm at all; if not, every vector is a negative.
        var isJWSParameterSet = true
        switch type {
        case "RsassaPkcs1Verify": isJWSParameterSet = true
        case "RsassaPssVerify":
            let sLen = Int(group["sLen"]?.numberValue?.text ?? "") ?? -1
            isJWSParameterSet = group["mgfSha"]?.stringValue == hash && algorithm.hashLength == sLen
                && "SHA-\(algorithm.hashLength! * 8)" == hash
        case "EcdsaP1363Verify": isJWSParameterSet = "SHA-\(algorithm.hashLength! * 8)" == hash && curve != "secp256k1"
        default: isJWSParameterSet = true
        }

        // Key import: the JWK where there is one (exercising JWK import), else a JWK built from wx/wy, else PEM.
        let where_ = "\(name) group #\(groupIndex)"
        let keySet: KeySet
        do {
            if let jwk = group["publicKeyJwk"] ?? group["keyJwk"] {
                keySet = try KeySet.loadJWKS(jwk, source: where_)
            } else if let wx = publicKey?["wx"]?.stringValue, let wy = publicKey?["wy"]?.stringValue,
                      let crv = ["secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"][curve ?? ""] {
                let length = ["P-256": 32, "P-384": 48, "P-521": 66][crv] ?? 32
                func coordinate(_ text: String) -> String {
                    var bytes = CryptoTestSupport.hex(text)
                    while bytes.count > length, bytes.first == 0 { bytes.removeFirst() }
                    return Base64URL.encode([UInt8](repeating: 0, count: max(0, length - bytes.count)) + bytes)
                }
                let jwk: JSONValue = .object(JSONObject([
                    ("kty", "EC"), ("crv", .string(crv)), ("x", .string(coordinate(wx))), ("y", .string(coordinate(wy))),
                ]))
                keySet = try KeySet.loadJWKS(jwk, source: where_)
            } else {
                let pem = try #require(group["publicKeyPem"]?.stringValue, "\(where_): no key form")
                keySet = try KeySet.load(Array(pem.utf8), source: where_)
            }
        } catch let error as JWTAuditError {
            // Refusals the key rules make at import: e = 3 RSA keys, and curves JWS does not use (secp256k1).
            let exponent = publicKey?["publicExponent"]?.stringValue
            if exponent == "03" {
                #expect(error.code == .unsafeKey && error.reason.contains("exponent is 3"), "\(where_): e = 3 key refused, but with: \(error)")
            } else if curve == "secp256k1" {
                #expect(error.reason.contains("secp256k1"), "\(where_): secp256k1 refused, but with: \(error)")
            } else {
                Issue.record("\(where_): key import failed unexpectedly: \(error)")
            }
            tally.refusedAtImport += tests.count
            tally.total += tests.count
            return
        }
        #expect(publicKey?["publicExponent"]?.stringValue != "03", "\(where_): an e = 3 key was accepted at import")
        #expect(curve != "secp256k1", "\(where_): a secp256k1 key was accepted")
        let key = try #require(keySet.keys.first)

        for testValue in tests {
            let test = try #require(testValue.objectValue)
            tally.total += 1
            let tcId = test["tcId"]?.numberValue?.text ?? "?"
            let comment = test["comment"]?.stringValue ?? ""
            let flags = (test["flags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            let result = test["result"]?.stringValue ?? ""
            let outcome = verifySignature(
                algorithm: algorithm, key: key, message: CryptoTestSupport.hex(test["msg"]?.stringValue ?? ""),
                signature: CryptoTestSupport.hex(test["sig"]?.stringValue ?? ""))
            let label = "\(name) tcId \(tcId) [\(comment)] flags [\(flags)] as \(algorithm.rawValue)"
            // rsa_pss_2048_sha256_mgf1_0 is a group of salt-length-0 signatures, JWS negatives, but its
            // tcId 69, "s_len changed to 32", is an RSASSA-PSS signature with SHA-256, MGF1-SHA-256 and a 32-byte
            // salt, which is exactly PS256 (RFC 7518 §3.5); `openssl dgst -sha256 -sigopt rsa_padding_mode:pss
            // -sigopt rsa_pss_saltlen:32` says "Verified OK". A vector re-signed with the JWS salt length under a
            // JWS hash pair is therefore expected to verify; every other vector of such a group must fail.
            let resignedForJWS = type == "RsassaPssVerify" && group["mgfSha"]?.stringValue == hash
                && "SHA-\(algorithm.hashLength! * 8)" == hash && comment == "s_len changed to \(algorithm.hashLength!)"
            switch (resignedForJWS ? "valid" : result, isJWSParameterSet || resignedForJWS) {
            case ("valid", true):
                #expect(outcome == .valid, "\(label): expected valid, got \(outcome)")
                if outcome == .valid { tally.validAccepted += 1 }
            case ("acceptable", _):
                tally.acceptable += 1  // either verdict; reaching here means no crash
            default:
                #expect(outcome != .valid, "\(label): expected rejection (\(isJWSParameterSet ? "invalid vector" : "not a JWS parameter set")), but it verified")
                if outcome != .valid { tally.invalidRejected += 1 }
            }
        }
    }

    // MARK: HMAC

    func macGroup(_ name: String, _ group: JSONObject, _ tests: [JSONValue], _ tally: inout Tally) throws {
        let algorithm: JWSAlgorithm = name.contains("sha256") ? .HS256 : name.contains("sha384") ? .HS384 : .HS512
        let hashBits = algorithm.hashLength! * 8
        let keySize = Int(group["keySize"]?.numberValue?.text ?? "") ?? 0
        let tagSize = Int(group["tagSize"]?.numberValue?.text ?? "") ?? 0
        for testValue in tests {
            let test = try #require(testValue.objectValue)
            tally.total += 1
            let tcId = test["tcId"]?.numberValue?.text ?? "?"
            let comment = test["comment"]?.stringValue ?? ""
            let flags = (test["flags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            let label = "\(name) tcId \(tcId) [\(comment)] flags [\(flags)] keySize \(keySize) tagSize \(tagSize)"
            let secret = CryptoTestSupport.hex(test["key"]?.stringValue ?? "")
            let keySet: KeySet
            do {
                keySet = try KeySet.symmetric(secret: secret, source: label)
            } catch {
                #expect(secret.count < 32 && error.code == .unsafeKey, "\(label): secret refused at import: \(error)")
                tally.refusedAtImport += 1
                continue
            }
            let key = keySet.keys[0]
            let outcome = verifySignature(
                algorithm: algorithm, key: key, message: CryptoTestSupport.hex(test["msg"]?.stringValue ?? ""),
                signature: CryptoTestSupport.hex(test["tag"]?.stringValue ?? ""))
            if keySize < hashBits {
                // RFC 7518 §3.2: a key shorter than the hash is not usable for this algorithm.
                #expect(!key.compatibleAlgorithms.contains(algorithm), "\(label): short key allowed for \(algorithm)")
                #expect(outcome != .valid, "\(label): verified with a key shorter than the hash")
                tally.refusedAtImport += 1
            } else if tagSize != hashBits || test["result"]?.stringValue != "valid" {
                #expect(outcome != .valid, "\(label): expected rejection (truncated tag or invalid), but it verified")
                if outcome != .valid { tally.invalidRejected += 1 }
            } else {
                #expect(outcome == .valid, "\(label): expected valid, got \(outcome)")
                if outcome == .valid { tally.validAccepted += 1 }
            }
        }
    }
}
