import Glibc
import Testing
@testable import JWTAuditCore

/// The classic JWT attacks (issue 3, research/peers.md), each through the token-level `Verifier` and each
/// rejected by the check that should catch it. Signatures and MACs are made by the openssl command, never by the
/// code under test.
@Suite("Verifier: classic attacks rejected by the right check")
struct VerifierAttackTests {
    /// 2026-01-01T00:10:00Z, inside the examples' lifetime.
    static let now: Int64 = 1_767_225_600 + 600
    static let payload = #"{"iss":"https://issuer.example/","aud":"api://a","iat":1767225600,"exp":4102444800}"#

    static var policy: VerificationPolicy {
        var policy = VerificationPolicy()
        policy.issuers = ["https://issuer.example/"]
        policy.audiences = ["api://a"]
        return policy
    }

    static func tenantKey() throws -> KeySet {
        let pem = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/tenant-signing-public.pem"))
        return try KeySet.load(pem, source: "tenant-signing-public.pem")
    }

    static func signingInput(_ header: String, _ payload: String = payload) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    }

    /// RS256 over `input` with the examples' tenant signing key (openssl dgst -sha256 -sign).
    static func signWithTenantKey(_ input: String, factory: OpenSSLKeyFactory) throws -> String {
        try #require(CryptoTestSupport.shell("cp '\(Fixtures.packageRoot)/examples/keys/tenant-signing-key.pem' '\(factory.path("tenant")).key'"))
        return Base64URL.encode(try factory.sign("tenant", Array(input.utf8), digest: "sha256"))
    }

    /// HMAC-SHA256 computed by `openssl dgst -mac HMAC`.
    static func hmacSHA256(key: [UInt8], message: String, factory: OpenSSLKeyFactory) throws -> [UInt8] {
        CryptoTestSupport.writeFile(factory.path("hmac-message"), Array(message.utf8))
        let hexKey = key.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        try #require(CryptoTestSupport.shell(
            "openssl dgst -sha256 -mac HMAC -macopt hexkey:\(hexKey) -binary -out '\(factory.path("hmac-tag"))' '\(factory.path("hmac-message"))'"))
        return try factory.read("hmac-tag")
    }

    func report(_ text: String, keys: KeySet, policy: VerificationPolicy = VerifierAttackTests.policy) -> VerificationReport {
        Verifier(keys: keys, policy: policy).verify(text: text, at: Self.now)
    }

    func expectRejected(_ report: VerificationReport, by id: CheckID, _ name: String) {
        #expect(!report.isValid, "\(name): accepted")
        #expect(report[id]?.status == .fail, "\(name): expected \(id) to fail; failed: \(report.failedChecks.map(\.name)) \(report.failedChecks.map(\.detail))")
    }

    @Test func aGenuineTokenIsValidSoTheAttacksBelowAreMeaningful() throws {
        let factory = OpenSSLKeyFactory()
        let input = Self.signingInput(#"{"alg":"RS256","typ":"JWT"}"#)
        let report = report(input + "." + (try Self.signWithTenantKey(input, factory: factory)), keys: try Self.tenantKey())
        #expect(report.isValid, "\(report.failedChecks)")
    }

    @Test(arguments: ["none", "None", "NONE", "nOnE", "noNe"])
    func algNoneInEveryCaseVariant(_ spelling: String) throws {
        let input = Self.signingInput(#"{"alg":"\#(spelling)","typ":"JWT"}"#)
        for signature in ["", "c2ln"] {
            expectRejected(report(input + "." + signature, keys: try Self.tenantKey()), by: CheckID.algorithm, "alg \(spelling), signature '\(signature)'")
        }
    }

    @Test(arguments: ["PEM", "JWK"])
    func hs256SignedWithThePublicKeyAsTheSecret(_ form: String) throws {
        let factory = OpenSSLKeyFactory()
        let pem = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/tenant-signing-public.pem"))
        let secret: [UInt8]
        if form == "PEM" {
            secret = pem
        } else {
            let jwks = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/jwks.json"))
            let keys = try #require(try JSONParser.parse(String(decoding: jwks, as: UTF8.self)).objectValue?["keys"]?.arrayValue)
            secret = Array(JSONWriter.write(keys[1], style: .compact).utf8)
        }
        let input = Self.signingInput(#"{"alg":"HS256","typ":"JWT"}"#)
        let token = input + "." + Base64URL.encode(try Self.hmacSHA256(key: secret, message: input, factory: factory))
        expectRejected(report(token, keys: try Self.tenantKey()), by: CheckID.algorithm, "HS256 keyed with the RSA public \(form)")
    }

    @Test func anEmbeddedJWKSignedByTheAttackerIsNotUsed() throws {
        let factory = OpenSSLKeyFactory()
        try factory.rsa("attacker")
        let attacker = try KeySet.load(try factory.read("attacker.pub"), source: "attacker")
        // The header carries the attacker's real public key as a JWK (CVE-2018-0114); the verifier must ignore it.
        try #require(CryptoTestSupport.shell(
            "{ openssl rsa -pubin -in '\(factory.path("attacker")).pub' -modulus -noout > '\(factory.path("modulus"))'; }"))
        let modulusLine = String(decoding: try factory.read("modulus"), as: UTF8.self)
        let modulus = CryptoTestSupport.hex(String(modulusLine.dropFirst("Modulus=".count).prefix { $0.isHexDigit }))
        try #require(modulus.count == 256)
        let header = #"{"alg":"RS256","typ":"JWT","jwk":{"kty":"RSA","e":"AQAB","n":"\#(Base64URL.encode(modulus))"}}"#
        let input = Self.signingInput(header)
        let signature = Base64URL.encode(try factory.sign("attacker", Array(input.utf8), digest: "sha256"))
        let report = report(input + "." + signature, keys: try Self.tenantKey())
        #expect(!report.isValid)
        #expect(report[CheckID.signature]?.status == .fail || report[CheckID.key]?.status == .fail, "\(report.failedChecks)")
        // And the attacker's own key does verify it: the signature is real, only the trust is missing.
        #expect(Verifier(keys: attacker, policy: Self.policy).verify(text: input + "." + signature, at: Self.now).isValid)
    }

    @Test func ecdsaZeroSignatureAndDERWhereRSBelongs() throws {
        let factory = OpenSSLKeyFactory()
        try factory.ec("p256")
        let keys = try KeySet.load(try factory.read("p256.pub"), source: "p256")
        let input = Self.signingInput(#"{"alg":"ES256","typ":"JWT"}"#)
        expectRejected(report(input + "." + Base64URL.encode([UInt8](repeating: 0, count: 64)), keys: keys), by: CheckID.signature, "r = s = 0")
        let der = try factory.sign("p256", Array(input.utf8), digest: "sha256")
        expectRejected(report(input + "." + Base64URL.encode(der), keys: keys), by: CheckID.signature, "DER signature")
        // The same signature as r||s verifies, so the rejection above is about the encoding only.
        let raw = try #require(CryptoTestSupport.derToRawECDSA(der, half: 32))
        #expect(report(input + "." + Base64URL.encode(raw), keys: keys).isValid)
    }

    @Test func anRSASignatureOnAnECKey() throws {
        let factory = OpenSSLKeyFactory()
        try factory.ec("p256")
        let keys = try KeySet.load(try factory.read("p256.pub"), source: "p256")
        let input = Self.signingInput(#"{"alg":"RS256","typ":"JWT"}"#)
        let token = input + "." + (try Self.signWithTenantKey(input, factory: factory))
        expectRejected(report(token, keys: keys), by: CheckID.algorithm, "RS256 against an EC key")
    }

    @Test func unknownCritAndUnencodedPayload() throws {
        let factory = OpenSSLKeyFactory()
        for (name, header) in [
            ("unknown crit", #"{"alg":"RS256","typ":"JWT","crit":["http://example.invalid/ext"],"http://example.invalid/ext":true}"#),
            ("b64 false", #"{"alg":"RS256","typ":"JWT","b64":false,"crit":["b64"]}"#),
        ] {
            let input = Self.signingInput(header)
            let token = input + "." + (try Self.signWithTenantKey(input, factory: factory))
            // The verifier reports a not-understood `crit` on the algorithm check (it governs how the signature is
            // to be processed, RFC 7515 §4.1.11), and skips the signature.
            expectRejected(report(token, keys: try Self.tenantKey()), by: CheckID.algorithm, name)
        }
    }

    @Test func paddedAndNonCanonicalBase64URL() throws {
        let factory = OpenSSLKeyFactory()
        let input = Self.signingInput(#"{"alg":"RS256","typ":"JWT"}"#)
        let signature = try Self.signWithTenantKey(input, factory: factory)
        let keys = try Self.tenantKey()
        // 256-byte signature: 342 characters, 2 pad characters in standard base64.
        expectRejected(report(input + "." + signature + "==", keys: keys), by: CheckID.format, "padded signature")
        // The last character of a 342-character encoding carries 2 unused bits: set one.
        var characters = Array(signature.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let last = try #require(alphabet.firstIndex(of: characters[characters.count - 1]))
        characters[characters.count - 1] = alphabet[last | 1 == last ? last ^ 2 : last | 1]
        expectRejected(report(input + "." + String(decoding: characters, as: UTF8.self), keys: keys), by: CheckID.format, "non-canonical signature")
        let paddedHeader = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8)) + "="
        expectRejected(report(paddedHeader + ".e30.c2ln", keys: keys), by: CheckID.format, "padded header")
    }

    @Test func aDuplicateClaimFailsTheClaimsCheck() throws {
        let factory = OpenSSLKeyFactory()
        let input = Self.signingInput(
            #"{"alg":"RS256","typ":"JWT"}"#,
            #"{"iss":"https://issuer.example/","aud":"api://a","aud":"api://other","exp":4102444800}"#)
        let token = input + "." + (try Self.signWithTenantKey(input, factory: factory))
        expectRejected(report(token, keys: try Self.tenantKey()), by: CheckID.claims, "duplicate aud")
    }

    @Test func fourSegmentsAndJSONSerialization() throws {
        let factory = OpenSSLKeyFactory()
        let input = Self.signingInput(#"{"alg":"RS256","typ":"JWT"}"#)
        let signature = try Self.signWithTenantKey(input, factory: factory)
        let keys = try Self.tenantKey()
        expectRejected(report(input + "." + signature + ".e30", keys: keys), by: CheckID.format, "four segments")
        let parts = input.split(separator: ".")
        let json = #"{"payload":"\#(parts[1])","signatures":[{"protected":"\#(parts[0])","signature":"\#(signature)"}]}"#
        expectRejected(report(json, keys: keys), by: CheckID.format, "JWS JSON serialization")
        let flattened = #"{"payload":"\#(parts[1])","protected":"\#(parts[0])","signature":"\#(signature)"}"#
        expectRejected(report(flattened, keys: keys), by: CheckID.format, "flattened JWS JSON serialization")
    }

    // MARK: RFC examples through the token-level API

    static let rfcDirectory = CryptoTestSupport.vectorsDirectory() + "/rfc"
    static let rfcFiles = CryptoTestSupport.listDirectory(rfcDirectory).filter { $0.hasSuffix(".json") }

    /// Each example's key as the trusted key, its `alg` pinned through `allowedAlgorithms` (never taken from the
    /// header), a clock before the examples' `exp` (2011-03-22T18:43:00Z): the signature verdict must match `expect`.
    /// The key is given as `verify --key FILE --alg ALG` gives it: a lone JWK file, so an `oct` key is a secret.
    @Test(arguments: rfcFiles)
    func rfcExampleThroughTheVerifier(_ name: String) throws {
        let document = try CryptoTestSupport.json(Self.rfcDirectory + "/" + name)
        let pinned = try #require(document["alg"]?.stringValue, "\(name): no alg")
        let keys = try KeySet.loadJWKS(try #require(document["jwk"], "\(name): no jwk"), source: name, provenance: .keyFile)
        var policy = VerificationPolicy()
        policy.anyIssuer = true
        policy.anyAudience = true
        policy.requireExpiry = false
        if let algorithm = JWSAlgorithm(rawValue: pinned) { policy.allowedAlgorithms = [algorithm] }
        let text = try #require(document["token"]?.stringValue)
        let report = Verifier(keys: keys, policy: policy).verify(text: text, at: 1_300_000_000)
        let expectValid = document["expect"]?.stringValue == "valid"
        #expect((report[CheckID.signature]?.status == .pass) == expectValid,
            "\(name): expected the signature \(expectValid ? "verified" : "refused"); checks: \(report.checks.map { "\($0.id)=\($0.status.rawValue): \($0.detail)" })")
        if !expectValid {
            #expect(!report.isValid, "\(name): an invalid example was reported valid")
        } else if report.token?.claims != nil {
            #expect(report.isValid, "\(name): \(report.failedChecks.map { "\($0.id): \($0.detail)" })")
        }
    }
}
