import Testing
@testable import JWTAuditCore

@Suite("Entra credential verdict")
struct CredentialVerdictTests {
    @Test(arguments: [
        ("certificate-v1.jwt", CredentialKind.certificate, "appidacr", "2", "1.0"),
        ("secret-v1.jwt", .secret, "appidacr", "1", "1.0"),
        ("public-client-v1.jwt", .publicClient, "appidacr", "0", "1.0"),
        ("certificate-v2.jwt", .certificate, "azpacr", "2", "2.0"),
        ("secret-v2.jwt", .secret, "azpacr", "1", "2.0"),
        ("public-client-v2.jwt", .publicClient, "azpacr", "0", "2.0"),
        ("managed-identity-v1.jwt", .certificate, "appidacr", "2", "1.0"),
        ("certificate-v2-v1-issuer.jwt", .certificate, "azpacr", "2", "2.0"),
    ] as [(String, CredentialKind, String, String, String)])
    func classifiesTheExamples(_ file: String, _ kind: CredentialKind, _ claim: String, _ value: String, _ version: String) throws {
        let claims = try #require(try Fixtures.example(file).claims, "examples/tokens/\(file)")
        let verdict = CredentialVerdict.classify(claims: claims)
        #expect(verdict.kind == kind, "examples/tokens/\(file)")
        #expect(verdict.claim == claim, "examples/tokens/\(file)")
        #expect(verdict.value == value, "examples/tokens/\(file)")
        #expect(verdict.versionText == version, "examples/tokens/\(file)")
    }

    @Test func managedIdentityIsNamed() throws {
        let verdict = CredentialVerdict.classify(claims: try #require(try Fixtures.example("managed-identity-v1.jwt").claims))
        #expect(verdict.notes.contains { $0.hasPrefix("managed identity (xms_mirid") })
        #expect(verdict.notes.contains { $0.hasPrefix("app-only token (idtyp: app)") })
    }

    @Test func certificateWithoutMIMentionsFederatedCredentials() throws {
        let verdict = CredentialVerdict.classify(claims: try #require(try Fixtures.example("certificate-v2.jwt").claims))
        #expect(verdict.notes.contains { $0.contains("federated identity credential") })
    }

    @Test func delegatedTokenSaysTheCredentialIsTheClients() throws {
        let verdict = CredentialVerdict.classify(claims: try #require(try Fixtures.example("public-client-v1.jwt").claims))
        #expect(verdict.notes.contains { $0.hasPrefix("delegated token (scp)") })
    }

    @Test func idTokenHasNoCredentialByDesign() throws {
        let verdict = CredentialVerdict.classify(claims: try #require(try Fixtures.example("id-token-v2.jwt").claims))
        #expect(verdict.kind == .unknown)
        #expect(verdict.claim == nil)
        #expect(verdict.notes.contains { $0.hasPrefix("looks like an ID token") })
    }

    @Test func versionIssuerDisagreementIsNoted() throws {
        let verdict = CredentialVerdict.classify(claims: try #require(try Fixtures.example("certificate-v2-v1-issuer.jwt").claims))
        #expect(verdict.notes.contains { $0.hasPrefix("ver says 2.0 but iss has the v1.0 form") })
    }

    @Test func versionIsInferredFromTheIssuerWhenVerIsAbsent() throws {
        let v1 = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"iss":"https://sts.windows.net/t/","appidacr":"1"}"#))
        #expect(v1.tokenVersion == .v1)
        #expect(v1.kind == .secret)
        #expect(v1.notes.contains { $0.hasPrefix("ver is absent; version 1.0 inferred") })
        let v2 = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"iss":"https://login.microsoftonline.com/t/v2.0","azpacr":"2"}"#))
        #expect(v2.tokenVersion == .v2)
        #expect(v2.kind == .certificate)
    }

    @Test func wrongVersionClaimIsReadAndNoted() throws {
        let verdict = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"ver":"1.0","azpacr":"2"}"#))
        #expect(verdict.kind == .certificate)
        #expect(verdict.claim == "azpacr")
        #expect(verdict.notes.contains { $0.hasPrefix("a v1.0 token should carry appidacr") })
    }

    @Test func bothClaimsAreNoted() throws {
        let verdict = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"ver":"2.0","appidacr":"1","azpacr":"2"}"#))
        #expect(verdict.claim == "azpacr")
        #expect(verdict.kind == .certificate)
        #expect(verdict.notes.contains { $0.hasPrefix("both appidacr and azpacr are present") })
        #expect(verdict.notes.contains("appidacr and azpacr disagree"))
    }

    @Test func numbersAndUnknownValuesAreCalledOut() throws {
        let number = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"ver":"1.0","appidacr":2}"#))
        #expect(number.kind == .certificate)
        #expect(number.notes.contains { $0.hasPrefix("appidacr is a number") })
        let odd = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"ver":"2.0","azpacr":"3"}"#))
        #expect(odd.kind == .unknown)
        #expect(odd.value == "3")
    }

    @Test func appOnlyWithoutIdtypIsRecognisedByRoles() throws {
        let verdict = CredentialVerdict.classify(claims: try Fixtures.claims(#"{"ver":"1.0","appidacr":"1","roles":["a"]}"#))
        #expect(verdict.notes.contains { $0.hasPrefix("app-only token (roles without scp") })
    }
}
