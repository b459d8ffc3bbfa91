#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// A signed v1.0 Entra client-credentials token inside a JWE, through all four subcommands: the JWE is made at
/// test time by `openssl` (JWEMaker) for a recipient key made at test time, around a token signed by `openssl`
/// with the examples' tenant key; two algorithm pairs.
@Suite("Nested tokens: a signed Entra token inside a JWE, through decode, verify, check-policy and explain")
struct NestedJWEEndToEndTests {
    enum Pair: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case rsaGCM = "RSA-OAEP-256 + A256GCM"
        case ecdhCBC = "ECDH-ES+A256KW + A128CBC-HS256"
        var testDescription: String { rawValue }
    }

    /// A recipient, and the certificate and secret tokens encrypted to it.
    struct Nested {
        let maker: JWEMaker
        let recipient: JWEMaker.Recipient
        let certificateToken: String
        let secretToken: String
        let certificateJWE: String
        let secretJWE: String

        init(_ pair: Pair) throws {
            maker = try JWEMaker()
            certificateToken = try PolicyTest.rs256(PolicyTest.claims([("idtyp", "\"app\"")]))
            secretToken = try PolicyTest.rs256(PolicyTest.claims([("appidacr", "\"1\""), ("idtyp", "\"app\"")]))
            switch pair {
            case .rsaGCM:
                recipient = try maker.rsaRecipient("api")
                certificateJWE = try maker.encrypt(Array(certificateToken.utf8), to: recipient, .rsaOAEP256, .a256gcm)
                secretJWE = try maker.encrypt(Array(secretToken.utf8), to: recipient, .rsaOAEP256, .a256gcm)
            case .ecdhCBC:
                recipient = try maker.ecRecipient("api")
                certificateJWE = try maker.encrypt(Array(certificateToken.utf8), to: recipient, .ecdhESA256KW, .a128cbcHS256)
                secretJWE = try maker.encrypt(Array(secretToken.utf8), to: recipient, .ecdhESA256KW, .a128cbcHS256)
            }
        }

        /// The same JWE with `transform` applied to one of its five segments.
        func altered(_ jwe: String, segment: Int, _ transform: (String) -> String) -> String {
            var parts = jwe.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            parts[segment] = transform(parts[segment])
            return parts.joined(separator: ".")
        }
    }

    /// examples/policies/certificate-only-v1.xml's shape, decrypting with certificate-id "api-encryption".
    static let certificateOnly = PolicyTest.tenantJWT("", """
        <decryption-keys><key certificate-id="api-encryption" /></decryption-keys>
          <required-claims>
            <claim name="appid" match="any"><value>\(PolicyTest.client)</value></claim>
            <claim name="appidacr" match="any"><value>2</value></claim>
          </required-claims>
        """)
    static let verifyOptions = [
        "--jwks", PolicyTest.example("keys/jwks.json"), "--issuer", PolicyTest.v1Issuer, "--audience",
        "https://myapi.dewi.red", "--at", PolicyTest.at,
    ]
    /// Text only the plaintext holds (the inner token's claims, and the start of its base64url header); the
    /// policy names the client and appidacr, so those are not markers.
    static let plaintextMarkers = ["idtyp", "sts.windows.net", "eyJ0eXAi"]

    // MARK: decode

    @Test(arguments: Pair.allCases)
    func decodeShowsTheInnerHeaderClaimsAndCredential(_ pair: Pair) throws {
        let nested = try Nested(pair)
        let result = try PolicyTest.run(["decode", "--json", "--at", PolicyTest.at, "--decryption-key", nested.recipient.key, nested.certificateJWE])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try PolicyTest.json(result)
        let decryption = try #require(json["decryption"]?.objectValue)
        #expect(decryption["status"]?.stringValue == "decrypted")
        #expect("\(decryption["algorithm"]?.stringValue ?? "") + \(decryption["encryption"]?.stringValue ?? "")" == pair.rawValue)
        let plaintext = try #require(decryption["plaintext"]?.stringValue)
        #expect(String(decoding: try Base64URL.decode(plaintext), as: UTF8.self) == nested.certificateToken)
        #expect(json["header"]?.objectValue?["alg"]?.stringValue == "RS256", "the inner token's header")
        #expect(json["claims"]?.objectValue?["appidacr"]?.stringValue == "2")
        #expect(json["credential"]?.objectValue?["kind"]?.stringValue == "certificate")

        let secret = try PolicyTest.run(["decode", "--at", PolicyTest.at, "--decryption-key", nested.recipient.key, nested.secretJWE])
        #expect(secret.status == 0)
        #expect(secret.stdout.contains("client secret"), "\(secret.stdout)")
        #expect(secret.stdout.contains("Decryption"))
    }

    // MARK: verify

    @Test(arguments: Pair.allCases)
    func verifyVerifiesTheInnerToken(_ pair: Pair) throws {
        let nested = try Nested(pair)
        let options = Self.verifyOptions + ["--require-certificate", "--decryption-key", nested.recipient.key, "--json"]
        let valid = try PolicyTest.run(["verify"] + options + [nested.certificateJWE])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        let checks = try #require(try PolicyTest.json(valid)["checks"]?.arrayValue?.compactMap(\.objectValue))
        #expect(checks.first?["id"]?.stringValue == "decryption")
        #expect(checks.first { $0["id"]?.stringValue == "signature" }?["status"]?.stringValue == "pass")

        let rejected = try PolicyTest.run(["verify"] + options + [nested.secretJWE])
        #expect(rejected.status == 1)
        let failed = try PolicyTest.json(rejected)["checks"]?.arrayValue?.compactMap(\.objectValue).filter { $0["status"]?.stringValue == "fail" }
        #expect(failed?.map { $0["id"]?.stringValue } == ["credential"])
        #expect(try PolicyTest.json(rejected)["decryption"]?.objectValue?["plaintext"] == nil, "verify --json holds no plaintext")
    }

    // MARK: check-policy and explain --policy

    /// The private key given as `--certificate api-encryption=FILE`, in each form a user may hold it.
    enum KeyForm: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case bundle = "PEM certificate + PKCS#8 key"
        case traditional = "PKCS#1 / SEC1 key alone"
        case jwk = "JWK with private members"
        var testDescription: String { rawValue }
    }

    func keyFile(_ nested: Nested, _ form: KeyForm, _ pair: Pair) throws -> String {
        switch form {
        case .bundle: return nested.recipient.bundle
        case .traditional:
            let path = nested.maker.path("api.traditional.pem")
            try nested.maker.openssl([pair == .rsaGCM ? "rsa" : "ec", "-in", nested.recipient.key, "-out", path] + (pair == .rsaGCM ? ["-traditional"] : []))
            return path
        case .jwk:
            return try jwk(nested, pair)
        }
    }

    /// The recipient's private key as a JWK, read from its DER by the `openssl` command: for P-256, SEC1 DER is
    /// 30 77 02 01 01 04 20 <d> a0 0a <oid> a1 44 03 42 00 04 <x> <y>; for RSA, the PKCS#1 integers.
    func jwk(_ nested: Nested, _ pair: Pair) throws -> String {
        let der = try nested.maker.output(pair == .rsaGCM
            ? ["rsa", "-in", nested.recipient.key, "-traditional", "-outform", "DER"]
            : ["ec", "-in", nested.recipient.key, "-outform", "DER"])
        let path = nested.maker.path("api.jwk")
        let text: String
        if pair == .ecdhCBC {
            try #require(der.count == 121 && Array(der[0..<7]) == [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20])
            let point = Array(der.suffix(64))
            text = #"{"kty":"EC","crv":"P-256","use":"enc","x":"\#(Base64URL.encode(Array(point[..<32])))","y":"\#(Base64URL.encode(Array(point[32...])))","d":"\#(Base64URL.encode(Array(der[7..<39])))"}"#
        } else {
            // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qi }: DER integers read in order.
            var integers: [[UInt8]] = []
            var index = der[1] & 0x80 != 0 ? 2 + Int(der[1] & 0x7F) : 2
            while index < der.count {
                try #require(der[index] == 0x02)
                var length = Int(der[index + 1])
                index += 2
                if length & 0x80 != 0 {
                    let count = length & 0x7F
                    length = der[index..<(index + count)].reduce(0) { $0 << 8 | Int($1) }
                    index += count
                }
                var value = Array(der[index..<(index + length)])
                while value.count > 1 && value[0] == 0 { value.removeFirst() }
                integers.append(value)
                index += length
            }
            try #require(integers.count == 9)
            let names = ["n", "e", "d", "p", "q", "dp", "dq", "qi"]
            text = #"{"kty":"RSA","#
                + zip(names, integers.dropFirst()).map { #""\#($0)":"\#(Base64URL.encode($1))""# }.joined(separator: ",") + "}"
        }
        Support.writeFile(path, Array(text.utf8))
        return path
    }

    @Test(arguments: Pair.allCases, KeyForm.allCases)
    func aCertificateOnlyPolicyAdmitsTheCertificateTokenAndRefusesTheSecretToken(_ pair: Pair, _ form: KeyForm) throws {
        let nested = try Nested(pair)
        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        let options = ["--policy", policy, "--json", "--certificate", "api-encryption=" + (try keyFile(nested, form, pair))] + PolicyTest.offline

        let admitted = try PolicyTest.bothCommands(options + [nested.certificateJWE])
        #expect(admitted.checkPolicy.status == 0, "\(admitted.checkPolicy.stderr)\(admitted.checkPolicy.stdout)")
        #expect(admitted.explain.status == 0, "\(admitted.explain.stderr)")
        #expect(admitted.verdict?["statusCode"]?.numberValue?.int64Value == 200)
        let checks = try PolicyTest.json(admitted.checkPolicy)["checks"]?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(checks.first { $0["id"]?.stringValue == "decryption" }?["status"]?.stringValue == "pass")

        let refused = try PolicyTest.bothCommands(options + [nested.secretJWE])
        #expect(refused.checkPolicy.status == 1, "\(refused.checkPolicy.stderr)")
        #expect(refused.explain.status == 1)
        #expect(refused.verdict?["statusCode"]?.numberValue?.int64Value == 401)
        #expect(refused.verdict?["lastError"]?.objectValue?["reason"]?.stringValue == "TokenClaimValueNotAllowed")
    }

    @Test func aCertificateFileWithoutItsPrivateKeyCannotDecideAndSaysWhichCertificate() throws {
        let nested = try Nested(.rsaGCM)
        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        for command in ["check-policy", "explain"] {
            let result = try PolicyTest.run([
                command, "--policy", policy, "--certificate", "api-encryption=" + nested.recipient.certificate,
            ] + PolicyTest.offline + [nested.certificateJWE])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command): \(result.stdout)")
            #expect(result.stderr.contains("--certificate api-encryption=\(nested.recipient.certificate)"), "\(result.stderr)")
            #expect(result.stderr.contains("not the private key"), "\(result.stderr)")
        }
        // Without --certificate or --decryption-key: undecided too, naming both ways to give the key.
        let unmapped = try PolicyTest.run(["check-policy", "--policy", policy] + PolicyTest.offline + [nested.certificateJWE])
        #expect(unmapped.status == 2)
        #expect(unmapped.stderr.contains("--certificate api-encryption=FILE"), "\(unmapped.stderr)")

        // An inline key that does not open the token beside a certificate not given: the gateway would try that
        // certificate's key too, so still undecided; with the key, decided.
        let (inlineDirectory, inline) = try PolicyTest.policy(PolicyTest.tenantJWT("", """
            <decryption-keys><key>AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=</key><key certificate-id="api-encryption" /></decryption-keys>
            """))
        defer { _ = inlineDirectory }
        let undecided = try PolicyTest.run(["check-policy", "--policy", inline] + PolicyTest.offline + [nested.certificateJWE])
        #expect(undecided.status == 2, "\(undecided.stderr)")
        let decided = try PolicyTest.run(["check-policy", "--policy", inline, "--decryption-key", nested.recipient.key] + PolicyTest.offline + [nested.certificateJWE])
        #expect(decided.status == 0, "\(decided.stderr)")
    }

    @Test func explainNarratesTheDecryptionThenTheInnerTokensChecks() throws {
        let nested = try Nested(.rsaGCM)
        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        let result = try PolicyTest.run([
            "explain", "--policy", policy, "--certificate", "api-encryption=" + nested.recipient.bundle,
        ] + PolicyTest.offline + [nested.secretJWE])
        #expect(result.status == 1)
        let text = Support.unwrapped(result.stdout)
        #expect(text.contains("The token arrived encrypted (JWE, key management RSA-OAEP-256, content encryption A256GCM) and was decrypted with RSA 2048-bit private key"), "\(text)")
        #expect(text.contains("pass  token, decryption, format, claims, algorithm, key, signature,"), "\(text)")
        #expect(text.contains("client secret"))

        let json = try PolicyTest.run([
            "explain", "--json", "--policy", policy, "--certificate", "api-encryption=" + nested.recipient.bundle,
        ] + PolicyTest.offline + [nested.secretJWE])
        let steps = try #require(try PolicyTest.json(json)["steps"]?.arrayValue?.compactMap(\.objectValue))
        #expect(steps.map { $0["id"]?.stringValue ?? "" }.prefix(3) == ["token", "decryption", "format"])
        let step = try #require(steps.first { $0["id"]?.stringValue == "decryption" })
        let explanation = step["explanation"]?.stringValue ?? ""
        #expect(explanation.hasPrefix("The token is a JWE (key management RSA-OAEP-256, content encryption A256GCM): decrypted with RSA 2048-bit private key"), "\(explanation)")
        #expect(explanation.contains("The steps after this one judge the token inside it."))
    }

    @Test func verifyModeExplainTellsTheTokenInsideNotTheEnvelope() throws {
        let nested = try Nested(.ecdhCBC)
        let result = try PolicyTest.run(["explain"] + Self.verifyOptions + ["--decryption-key", nested.recipient.key, nested.certificateJWE])
        #expect(result.status == 0, "\(result.stderr)")
        let text = Support.unwrapped(result.stdout)
        #expect(text.contains("ECDH-ES+A256KW"), "\(text)")
        #expect(text.contains("The client authenticated with a certificate"), "\(text)")
        #expect(!text.contains("only its protected header can be read"))
    }

    // MARK: Hostile

    @Test func aTamperedTagIsTheGatewaysDecryptionFailureWithNoPlaintextAnywhere() throws {
        let nested = try Nested(.rsaGCM)
        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        let tampered = nested.altered(nested.certificateJWE, segment: 4) { tag in
            String(tag.prefix(tag.count - 2)) + (tag.hasSuffix("AA") ? "QA" : "AA")
        }
        for json in [true, false] {
            let both = try PolicyTest.bothCommands(
                ["--policy", policy, "--certificate", "api-encryption=" + nested.recipient.bundle] + (json ? ["--json"] : [])
                    + PolicyTest.offline + [tampered])
            for result in [both.checkPolicy, both.explain] {
                #expect(result.status == 1, "\(result.stderr)")
                #expect(result.stdout.contains("IDX10603"), "\(result.stdout)")
                for marker in Self.plaintextMarkers {
                    #expect(!result.stdout.contains(marker) && !result.stderr.contains(marker), "plaintext leaked: \(marker)")
                }
            }
            if json { #expect(both.verdict?["lastError"]?.objectValue?["reason"]?.stringValue == "JwtInvalid") }
        }
    }

    @Test func aJWEInsideAJWEIsRefusedWithoutOpeningTheSecondLayer() throws {
        let nested = try Nested(.rsaGCM)
        let twice = try nested.maker.encrypt(Array(nested.certificateJWE.utf8), to: nested.recipient, .rsaOAEP256, .a256gcm)
        let decoded = try PolicyTest.run(["decode", "--json", "--at", PolicyTest.at, "--decryption-key", nested.recipient.key, twice])
        #expect(decoded.status == 0)
        let findings = try PolicyTest.json(decoded)["findings"]?.arrayValue?.compactMap { $0.objectValue?["message"]?.stringValue } ?? []
        #expect(findings.contains { $0.contains("the plaintext is itself a JWE (encrypted twice)") }, "\(findings)")

        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        let both = try PolicyTest.bothCommands(
            ["--policy", policy, "--json", "--certificate", "api-encryption=" + nested.recipient.bundle] + PolicyTest.offline + [twice])
        #expect(both.checkPolicy.status == 1)
        #expect(both.verdict?["lastError"]?.objectValue?["reason"]?.stringValue == "JwtInvalid")
        let verified = try PolicyTest.run(["verify"] + Self.verifyOptions + ["--decryption-key", nested.recipient.key, twice])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("encrypted twice"), "\(verified.stdout)")
    }

    /// Claims encrypted but never signed: decode shows them with jwe-unsigned; the gateway refuses an unsigned
    /// token (require-signed-tokens defaults to true: IDX10504, JwtInvalid), and so does verify.
    @Test func anEncryptedButUnsignedClaimsSetIsRefusedAsTheGatewayRefusesIt() throws {
        let nested = try Nested(.ecdhCBC)
        let unsigned = try nested.maker.encrypt(Array(PolicyTest.claims().utf8), to: nested.recipient, .ecdhESA256KW, .a128cbcHS256, header: [])
        let decoded = try PolicyTest.run(["decode", "--json", "--at", PolicyTest.at, "--decryption-key", nested.recipient.key, unsigned])
        #expect(decoded.status == 0)
        let ids = try PolicyTest.json(decoded)["findings"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
        #expect(ids.contains("jwe-unsigned"), "\(ids)")

        let (directory, policy) = try PolicyTest.policy(Self.certificateOnly)
        defer { _ = directory }
        let both = try PolicyTest.bothCommands(
            ["--policy", policy, "--json", "--certificate", "api-encryption=" + nested.recipient.key] + PolicyTest.offline + [unsigned])
        #expect(both.checkPolicy.status == 1)
        #expect(both.verdict?["lastError"]?.objectValue?["reason"]?.stringValue == "JwtInvalid")
        #expect(both.verdict?["lastError"]?.objectValue?["message"]?.stringValue?.contains("IDX10504") == true, "\(both.checkPolicy.stdout)")
        let explained = try PolicyTest.run(["explain", "--policy", policy, "--certificate", "api-encryption=" + nested.recipient.key] + PolicyTest.offline + [unsigned])
        #expect(Support.unwrapped(explained.stdout).contains("encrypted but not signed"), "\(explained.stdout)")
    }

    @Test func anEmptyAndALargePlaintextDecodeWithoutTrouble() throws {
        let nested = try Nested(.rsaGCM)
        let empty = try nested.maker.encrypt([], to: nested.recipient, .rsaOAEP256, .a256gcm, header: [])
        let decoded = try PolicyTest.run(["decode", "--json", "--decryption-key", nested.recipient.key, empty])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(try PolicyTest.json(decoded)["decryption"]?.objectValue?["plaintext"]?.stringValue == "")
        let verified = try PolicyTest.run(["verify"] + Self.verifyOptions + ["--decryption-key", nested.recipient.key, empty])
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("the plaintext is empty"), "\(verified.stdout)")

        // 150,000 bytes of claims: the JWE (about 200 KB) is within the 256 KiB input limit.
        let large = try nested.maker.encrypt(
            Array(PolicyTest.claims([("filler", "\"" + String(repeating: "x", count: 150_000) + "\"")]).utf8),
            to: nested.recipient, .rsaOAEP256, .a256gcm, header: [])
        #expect(large.utf8.count > 131_072, "larger than one argument may be: sent on standard input")
        let big = try PolicyTest.run(["decode", "--json", "--decryption-key", nested.recipient.key], stdin: Array(large.utf8))
        #expect(big.status == 0, "\(big.stderr)")
        #expect(try PolicyTest.json(big)["claims"]?.objectValue?["filler"]?.stringValue?.count == 150_000)
    }
}
