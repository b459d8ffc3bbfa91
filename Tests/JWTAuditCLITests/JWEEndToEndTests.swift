#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// Encrypted tokens (JWE) through the built binary: `decode` and `verify` with `--decryption-key`, the nested
/// signed tokens of examples/ (make-encrypted.py) and the vendored RFC vectors (Tests/Vectors/jwe).
@Suite("JWE through the binary: decode and verify with --decryption-key")
struct JWEEndToEndTests {
    static let key = Support.packageRoot + "/examples/keys/api-encryption.pem"
    static let certificateJWE = Support.packageRoot + "/examples/tokens/encrypted-certificate-v1.jwe"
    static let secretJWE = Support.packageRoot + "/examples/tokens/encrypted-secret-v1.jwe"
    static let vectors = Support.packageRoot + "/Tests/Vectors/jwe"
    static let issuer = "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"
    static let verifyOptions = [
        "--jwks", Support.packageRoot + "/examples/keys/jwks.json", "--issuer", issuer, "--audience",
        "https://myapi.dewi.red", "--at", "2026-06-01T00:00:00Z",
    ]

    func run(_ arguments: [String], stdin: [UInt8] = []) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, arguments, stdin: stdin)
    }

    func json(_ result: Support.Result) throws -> JSONObject {
        try #require(try JSONParser.parse(result.stdout).objectValue, "stdout is not one JSON object: \(result.stdout)")
    }

    /// A JSON file of the package, as an object.
    func document(_ path: String) throws -> JSONObject {
        let text = try #require(Support.readFile(path), "cannot read \(path)")
        return try #require(try JSONParser.parse(text).objectValue, "\(path) is not a JSON object")
    }

    /// A file in the tests' temporary directory.
    func file(_ name: String, _ text: String) -> String {
        let path = Support.tempDirectory + "/jwe-\(getpid())-\(name)"
        Support.writeFile(path, Array(text.utf8))
        return path
    }

    /// The signed token inside the examples' JWEs, and strings only its plaintext holds.
    static let inner = (Support.readFile("examples/tokens/certificate-v1.jwt") ?? "").filter { !$0.isWhitespace }
    static let plaintextMarkers = ["1105ae9f-6be2-42a2-9439-7a17934226ac", "appidacr", "Orders.Read.All", "eyJ0eXAi"]

    // MARK: decode

    @Test func decodeShowsTheSignedTokenInsideAndHowItWasDecrypted() throws {
        let result = try run(["decode", "--decryption-key", Self.key, "--at", "2026-01-01T00:18:00Z", Self.certificateJWE])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        for expected in [
            "Header (the signed JWT inside the JWE)", "alg  \"RS256\"", "appidacr  \"2\"",
            "credential  certificate (appidacr \"2\", token version 1.0)", "Decryption", "status      decrypted",
            "algorithm   RSA-OAEP-256 + A256GCM", "key         RSA 2048-bit private key (\(Self.key))",
            "content     a signed JWT of \(Self.inner.utf8.count) bytes (cty JWT), shown above",
            "JWE header  {\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"",
        ] {
            #expect(Support.unwrapped(result.stdout).contains(expected), "decode text lacks \(expected)")
        }
    }

    @Test func decodeJSONCarriesTheDecryptionObjectOfTheContract() throws {
        let result = try run(["decode", "--json", "--decryption-key", Self.key, Self.certificateJWE])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result)
        let decryption = try #require(document["decryption"]?.objectValue)
        #expect(decryption.keys.prefix(8) == ["status", "algorithm", "encryption", "kid", "keyUsed", "plaintext", "reason", "keyChoice"])
        #expect(decryption["status"] == "decrypted" && decryption["algorithm"] == "RSA-OAEP-256" && decryption["encryption"] == "A256GCM")
        #expect(decryption["reason"] == .null)
        #expect(decryption["keyUsed"]?.objectValue?["source"] == .string(Self.key))
        let plaintext = try Base64URL.decode(try #require(decryption["plaintext"]?.stringValue))
        #expect(String(decoding: plaintext, as: UTF8.self) == Self.inner)
        #expect(decryption["header"]?.objectValue?["cty"] == "JWT")
        // header, claims, signature and credential are the inner token's.
        #expect(document["header"]?.objectValue?["alg"] == "RS256")
        #expect(document["claims"]?.objectValue?["appidacr"] == "2")
        #expect(document["signature"]?.objectValue?["bytes"] == 256)
        #expect(document["credential"]?.objectValue?["kind"] == "certificate")
    }

    @Test func decodeWithoutAKeyShowsTheHeaderOnlyAndSaysNoKey() throws {
        let result = try run(["decode", "--json", Self.certificateJWE])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result)
        let decryption = try #require(document["decryption"]?.objectValue)
        #expect(decryption["status"] == "no-key" && decryption["plaintext"] == nil)
        #expect(decryption["reason"] == "no decryption key was given")
        #expect(document["header"]?.objectValue?["alg"] == "RSA-OAEP-256" && document["claims"] == .null)
        for marker in Self.plaintextMarkers { #expect(!result.stdout.contains(marker), "\(marker) on stdout") }
    }

    @Test func decodeRefusesAJWEThatDoesNotDecryptAndShowsNoPlaintext() throws {
        // Another RSA key (the unwrap fails), and the right key on a token with a changed tag or ciphertext.
        let other = Support.packageRoot + "/Tests/Vectors/jwe/rsa-2048.pkcs8.pem"
        let token = try #require(Support.readFile("examples/tokens/encrypted-certificate-v1.jwe")).filter { !$0.isWhitespace }
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var tag = try Base64URL.decode(parts[4])
        tag[0] ^= 1
        parts[4] = Base64URL.encode(tag)
        let badTag = file("bad-tag.jwe", parts.joined(separator: "."))
        for (arguments, reason) in [
            (["--decryption-key", other, Self.certificateJWE], "did not decrypt with this key"),
            (["--decryption-key", Self.key, badTag], "authentication failed"),
        ] {
            for format in [["--json"], []] {
                let result = try run(["decode"] + format + arguments)
                #expect(result.status == 1, "\(arguments): \(result.stderr)")
                #expect(result.stdout.contains(reason), "\(arguments)")
                for marker in Self.plaintextMarkers {
                    #expect(!result.stdout.contains(marker), "\(arguments) \(format): \(marker) on stdout")
                }
                if format == ["--json"] {
                    let decryption = try #require(try json(result)["decryption"]?.objectValue)
                    #expect(decryption["status"] == "failed" && decryption["plaintext"] == nil)
                }
            }
        }
    }

    @Test func decodeOfASignedTokenIgnoresTheDecryptionKey() throws {
        // A JWS has nothing to decrypt: the key files are not even read.
        let result = try run(["decode", "--json", "--decryption-key", "/nonexistent/key.pem", Support.packageRoot + "/examples/tokens/certificate-v1.jwt"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try json(result)["decryption"] == nil)
    }

    @Test func unusableKeyFilesAndTheJSONSerializationAreBadInput() throws {
        let publicKey = Support.packageRoot + "/examples/keys/tenant-signing-public.pem"
        for (arguments, message) in [
            (["decode", "--decryption-key", publicKey, Self.certificateJWE], "cannot use the decryption key"),
            (["decode", "--decryption-key", "/nonexistent/key.pem", Self.certificateJWE], "cannot open '/nonexistent/key.pem'"),
            (["decode", "--decryption-key", Self.vectors + "/rsa-2048.encrypted-pkcs8.pem", Self.certificateJWE], "passphrase"),
            (["decode", "@" + Self.vectors + "/rfc7520_5_8_flattened_json.json"], "JSON serialization"),
            (["verify", "--decryption-key", publicKey, "--any-issuer", "--any-audience", "--jwks",
              Support.packageRoot + "/examples/keys/jwks.json", Self.certificateJWE], "cannot use the decryption key"),
        ] {
            let result = try run(arguments)
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            #expect(result.stderr.hasPrefix("jwtaudit: error: ") && result.stderr.contains(message), "\(result.stderr)")
        }
    }

    /// The independent vectors through `decode --decryption-key FILE --json`, as a check outside the project
    /// would run them: the plaintext in the contract's `decryption` object is the RFC's.
    @Test(arguments: ["rfc7516_A1_RSA-OAEP_A256GCM.json", "rfc7516_A2_RSA1_5_A128CBC-HS256.json",
                      "rfc7516_A3_A128KW_A128CBC-HS256.json", "rfc7520_5_1_RSA1_5_A128CBC-HS256.json",
                      "rfc7520_5_2_RSA-OAEP_A256GCM.json", "rfc7520_5_4_ECDH-ES+A128KW_A128GCM.json",
                      "rfc7520_5_5_ECDH-ES_A128CBC-HS256.json", "rfc7520_5_6_dir_A128GCM.json",
                      "rfc7520_5_7_A256GCMKW_A128CBC-HS256.json", "rfc7520_5_8_A128KW_A128GCM.json",
                      "rfc7520_5_9_A128KW_A128GCM_DEF.json"])
    func rfcVectorThroughDecodeJSON(_ name: String) throws {
        let vector = try document(Self.vectors + "/" + name)
        let keyFile = file(name, JSONWriter.write(try #require(vector["key"])))
        let token = file(name + ".jwe", try #require(vector["compact"]?.stringValue))
        let result = try run(["decode", "--json", "--decryption-key", keyFile, token])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        let document = try json(result)
        let decryption = try #require(document["decryption"]?.objectValue)
        #expect(decryption["status"] == "decrypted", "\(name): \(decryption["reason"].map { JSONWriter.write($0) } ?? "")")
        let plaintext = try Base64URL.decode(try #require(decryption["plaintext"]?.stringValue))
        #expect(String(decoding: plaintext, as: UTF8.self) == vector["plaintext"]?.stringValue, "\(name)")
        let ids = document["findings"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        #expect(ids.contains("jwe-rsa1_5") == (vector["alg"] == "RSA1_5"), "\(name): \(ids)")
        #expect(ids.contains("jwe-compression") == (name.contains("DEF")), "\(name): \(ids)")
    }

    @Test func aZipBombIsRefusedAtTheLimit() throws {
        let document = try document(Self.vectors + "/roundtrip.json")
        let bomb = try #require(document["crafted"]?.arrayValue?.first?.objectValue?["compact"]?.stringValue)
        let result = try run(["decode", "--json", "--decryption-key", Self.vectors + "/roundtrip-keys.jwks.json", file("bomb.jwe", bomb)])
        #expect(result.status == 1)
        let decryption = try #require(try json(result)["decryption"]?.objectValue)
        #expect(decryption["reason"]?.stringValue?.contains("more than 262144 bytes") == true)
    }

    // MARK: verify

    @Test func verifyJudgesTheSignedTokenInside() throws {
        let result = try run(["verify", "--json", "--decryption-key", Self.key, "--require-certificate"] + Self.verifyOptions + [Self.certificateJWE])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let document = try json(result)
        #expect(document["valid"] == true)
        let checks = document["checks"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(checks.first?["id"] == "decryption" && checks.first?["status"] == "pass")
        #expect(checks.first { $0["id"] == "signature" }?["status"] == "pass")
        #expect(document["credential"]?.objectValue?["kind"] == "certificate")
        let decryption = try #require(document["decryption"]?.objectValue)
        #expect(decryption["status"] == "decrypted" && decryption["plaintext"] == nil, "verify never prints the plaintext")
    }

    @Test func verifyRejectsTheSecretTokenInsideWithTheCredentialCheck() throws {
        let result = try run(["verify", "--decryption-key", Self.key, "--require-certificate"] + Self.verifyOptions + [Self.secretJWE])
        #expect(result.status == 1)
        #expect(result.stdout.contains("pass  decryption"))
        #expect(result.stdout.contains("fail  credential"))
        #expect(result.stdout.contains("REJECTED: 1 check failed (credential)"))
    }

    @Test func verifyWithoutAUsableKeyCannotDecide() throws {
        let ecKey = Self.vectors + "/ec-p-256.sec1.pem"
        for (keys, why) in [([String](), "no decryption key was given"), (["--decryption-key", ecKey], "needs an RSA key")] {
            for quiet in [false, true] {
                let result = try run(["verify"] + keys + (quiet ? ["--quiet"] : []) + Self.verifyOptions + [Self.certificateJWE])
                #expect(result.status == 2, "\(keys): \(result.stderr)")
                #expect(result.stdout.isEmpty)
                // --quiet drops the report, never the reason there is none.
                #expect(result.stderr.hasPrefix("jwtaudit: error: cannot decrypt: no key ("), "\(result.stderr)")
                #expect(result.stderr.contains(why))
            }
        }
    }

    @Test func verifyRefusesAJWEThatDoesNotDecrypt() throws {
        let result = try run(["verify", "--json", "--decryption-key", Self.vectors + "/rsa-2048.pkcs1.pem"] + Self.verifyOptions + [Self.certificateJWE])
        #expect(result.status == 1)
        let checks = try json(result)["checks"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(checks.first?["id"] == "decryption" && checks.first?["status"] == "fail")
        #expect(checks.dropFirst().allSatisfy { $0["status"] == "skip" })
        for marker in Self.plaintextMarkers { #expect(!result.stdout.contains(marker), "\(marker) on stdout") }
    }

    @Test func verifyOfTheNestedExampleOfRFC7520Section6() throws {
        // A PS256 JWT (iss hobbiton.example, exp 2011-03-22T18:43:00Z) inside RSA-OAEP + A128GCM.
        let vector = try document(Self.vectors + "/rfc7520_6_nested_PS256_in_RSA-OAEP_A128GCM.json")
        let decryptionKey = file("s6-enc.jwk", JSONWriter.write(try #require(vector["key"])))
        let signingKey = file("s6-sig.jwk", JSONWriter.write(try #require(vector["signingKey"])))
        let token = file("s6.jwe", try #require(vector["compact"]?.stringValue))
        let common = ["verify", "--decryption-key", decryptionKey, "--key", signingKey, "--issuer", "hobbiton.example", "--any-audience", token]
        let valid = try run(common + ["--at", "2011-03-22T18:00:00Z"])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        // The key row names the key that verified the signature.
        #expect(valid.stdout.contains("  key         RSA 2048-bit key kid=hobbiton.example"), "\(valid.stdout)")
        let expired = try run(common + ["--at", "2011-03-23T00:00:00Z"])
        #expect(expired.status == 1 && expired.stdout.contains("fail  expiry"))
    }

    @Test func verifyBatchDecryptsTheJWELinesAndLeavesTheOthersAsTheyWere() throws {
        let lines = [
            try #require(Support.readFile("examples/tokens/certificate-v1.jwt")),
            try #require(Support.readFile("examples/tokens/encrypted-certificate-v1.jwe")),
            try #require(Support.readFile("examples/tokens/encrypted-secret-v1.jwe")),
        ].map { $0.filter { !$0.isWhitespace } }.joined(separator: "\n") + "\n"
        let batch = ["verify", "--batch", "--jobs", "2", "--require-certificate"] + Self.verifyOptions
        let result = try run(batch + ["--decryption-key", Self.key], stdin: Array(lines.utf8))
        #expect(result.status == 1, "\(result.stderr)")
        // The JWE lines say who the token inside is.
        let out = result.stdout.split(separator: "\n").map(String.init)
        #expect(out.count == 3)
        #expect(out[0].hasPrefix(#"{"line":1,"valid":true,"failed":[],"credential":"certificate","client":"1105ae9f-6be2-42a2-9439-7a17934226ac","#))
        #expect(out[1].hasPrefix(#"{"line":2,"valid":true,"failed":[],"credential":"certificate","client":"1105ae9f-6be2-42a2-9439-7a17934226ac","tokenVersion":"1.0","#))
        #expect(out[2].hasPrefix(#"{"line":3,"valid":false,"failed":["credential"],"credential":"secret","client":"1105ae9f-6be2-42a2-9439-7a17934226ac","#))
        #expect(out[2].contains(#""reasons":{"credential":"the client authenticated with a client secret"#))
        // Without a key the JWE lines are undecided (2), the JWS line still valid.
        let undecided = try run(batch, stdin: Array(lines.utf8))
        #expect(undecided.status == 2)
        #expect(undecided.stdout.hasPrefix(#"{"line":1,"valid":true"#))
        #expect(undecided.stdout.contains(#"{"line":2,"valid":false,"failed":["decryption"],"credential":"unknown","client":null,"tokenVersion":null,"aud":null,"exp":null,"kid":"TbjOe9-2ZxjraDALOiWqtKF7_Ik","reasons":{"decryption":"cannot decrypt: no key (no decryption key was given)"},"error":"cannot decrypt: no key (no decryption key was given)"}"#), "\(undecided.stdout)")
    }
}
