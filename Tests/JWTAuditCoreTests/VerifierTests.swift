import Testing
@testable import JWTAuditCore

/// The shared verifier on the shipped examples: every check is a value, nothing stops at the first failure.
@Suite("Verifier on the examples")
struct VerifierTests {
    static let tenant = "3d6e366f-9587-413b-ab6b-0a851b1b91ba"
    static let at: Int64 = 1_767_229_000  // 2026-01-01T00:56:40Z: after iat/nbf, before the expired example's exp

    static func keys() throws -> KeySet {
        let bytes = try #require(CryptoTestSupport.readFile(Fixtures.packageRoot + "/examples/keys/jwks.json"))
        return try KeySet.loadJWKS(bytes, source: "examples/keys/jwks.json")
    }

    static func v1Policy() -> VerificationPolicy {
        var policy = VerificationPolicy()
        policy.issuers = ["https://sts.windows.net/\(tenant)/"]
        policy.audiences = ["https://myapi.dewi.red"]
        return policy
    }

    static func status(_ report: VerificationReport) -> [CheckID: CheckResult.Status] {
        Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0.status) })
    }

    @Test func aCertificateTokenIsValidWithEveryCheckListed() throws {
        var policy = Self.v1Policy()
        policy.requireCertificate = true
        policy.clientIDs = ["1105ae9f-6be2-42a2-9439-7a17934226ac"]
        let report = Verifier(keys: try Self.keys(), policy: policy).verify(try Fixtures.example("certificate-v1.jwt"), at: Self.at)
        #expect(report.isValid, "\(report.failedChecks)")
        #expect(report.checks.map(\.id) == CheckID.verifierChecks)
        let status = Self.status(report)
        for id: CheckID in [.format, .claims, .algorithm, .key, .signature, .expiry,
                   .issuer, .audience, .tenant, .client, .credential] {
            #expect(status[id] == .pass, "\(id)")
        }
        #expect(report.key?.kid != nil)
    }

    @Test func aSecretTokenFailsOnlyTheCredentialCheck() throws {
        var policy = Self.v1Policy()
        policy.requireCertificate = true
        let report = Verifier(keys: try Self.keys(), policy: policy).verify(try Fixtures.example("secret-v1.jwt"), at: Self.at)
        #expect(!report.isValid)
        #expect(report.failedChecks.map(\.id) == [.credential])
        #expect(report[CheckID.credential]?.actual == "secret (appidacr = \"1\")")
    }

    @Test func anExpiredTokenFailsExpiryAndKeepsGoing() throws {
        var policy = Self.v1Policy()
        policy.audiences = ["api://other"]
        let report = Verifier(keys: try Self.keys(), policy: policy).verify(try Fixtures.example("expired-v1.jwt"), at: 1_767_240_000)
        #expect(report.failedChecks.map(\.id) == [.expiry, .audience])
        #expect(Self.status(report)[CheckID.signature] == .pass)
    }

    @Test func clockSkewIsApplied() throws {
        var policy = Self.v1Policy()
        policy.clockSkew = 120
        let token = try Fixtures.example("expired-v1.jwt")  // exp 1767229200
        #expect(Verifier(keys: try Self.keys(), policy: policy).verify(token, at: 1_767_229_320).isValid)
        #expect(!Verifier(keys: try Self.keys(), policy: policy).verify(token, at: 1_767_229_321).isValid)
    }

    @Test func anUnknownKidFailsTheKeyCheckWithoutFallback() throws {
        let report = Verifier(keys: try Self.keys(), policy: Self.v1Policy()).verify(try Fixtures.example("unknown-kid-v1.jwt"), at: Self.at)
        #expect(Self.status(report)[CheckID.key] == .fail)
        #expect(Self.status(report)[CheckID.signature] == .skip)
        #expect(!report.isValid)
    }

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func algNoneNeverVerifies(_ spelling: String) throws {
        let real = try Fixtures.example("certificate-v1.jwt")
        let header = Base64URL.encode(Array(#"{"alg":"\#(spelling)","typ":"JWT"}"#.utf8))
        let payload = real.text.split(separator: ".")[1]
        let report = Verifier(keys: try Self.keys(), policy: Self.v1Policy()).verify(text: "\(header).\(payload).", at: Self.at)
        #expect(Self.status(report)[CheckID.algorithm] == .fail)
        #expect(!report.isValid)
    }

    @Test func notATokenFailsFormatAndSkipsTheRest() throws {
        let report = Verifier(keys: try Self.keys(), policy: Self.v1Policy()).verify(text: "a.b.c.d", at: Self.at)
        #expect(report.parseError != nil)
        #expect(report.failedChecks.map(\.id) == [.format])
        #expect(report.checks.dropFirst().allSatisfy { $0.status == .skip })
    }

    @Test func aV2TokenAgainstTheV1IssuerSaysSo() throws {
        var policy = Self.v1Policy()
        policy.audiences = ["c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77"]
        let report = Verifier(keys: try Self.keys(), policy: policy).verify(try Fixtures.example("certificate-v2.jwt"), at: Self.at)
        let issuer = try #require(report[CheckID.issuer])
        #expect(issuer.status == .fail)
        #expect(issuer.detail.contains("v2.0 token"))
    }
}
