import Testing
@testable import JWTAuditCore

/// explain on a JWE: the decryption step is narrated from its outcome (which key, which algorithms; or, when it
/// did not open, whether no key fitted or no key authenticated it), the token summary tells the token inside, and
/// nothing of a plaintext that was not released is narrated. Tokens and keys: the independent round-trip set.
@Suite("explain: the decryption step and the token inside a JWE")
struct ExplainDecryptionTests {
    typealias S = ExplainSupport

    /// The round-trip token for RSA-OAEP-256 + A256GCM (its plaintext is a claims set nobody signed).
    func token() throws -> (jwe: CompactToken, compact: String) {
        let compact = try JWEVectors.token("RSA-OAEP-256", "A256GCM").compact
        return (try CompactToken.parse(compact), compact)
    }

    func explain(_ compact: String, keys: [DecryptionKey]) throws -> Explanation {
        let jwe = try CompactToken.parse(compact)
        let outcome = try JWEVectors.decrypt(compact, keys: keys)
        let evaluation = try VerifyEvaluation.evaluate(
            jwe, decryption: outcome, policy: S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["api://x"]),
            keys: .keys(try S.keys()), resolution: KeyResolution(provider: nil), at: S.at)
        return Explainer.explain(evaluation, of: jwe)
    }

    @Test func aDecryptedTokenNamesTheKeyAndTheAlgorithmsThenItsContent() throws {
        let (_, compact) = try token()
        let explanation = try explain(compact, keys: [try JWEVectors.roundTripKey("rsa-2048")])
        let step = try #require(explanation.steps.first)
        #expect(step.check == "decryption" && step.status == .pass)
        #expect(step.explanation.hasPrefix("The token is a JWE (key management RSA-OAEP-256, content encryption A256GCM): decrypted with RSA 2048-bit private key kid=rsa-2048"), "\(step.explanation)")
        #expect(step.explanation.hasSuffix("The steps after this one judge the token inside it."))
        #expect(explanation.token.paragraph.contains("a claims set that nobody signed"), "\(explanation.token.paragraph)")
        #expect(explanation.token.facts.contains { $0.label == "decryption" && $0.value.contains("decrypted with") })
        #expect(explanation.token.findings.contains { $0.id == "jwe-unsigned" && $0.meaning.contains("sign, then encrypt") })
    }

    @Test func noKeyThatFitsIsToldApartFromAKeyThatDoesNotAuthenticate() throws {
        let (_, compact) = try token()
        let ecKey = try JWEVectors.roundTripKey("ec-p-256")
        let noFit = try #require(try explain(compact, keys: [ecKey]).steps.first)
        #expect(noFit.status == .fail)
        #expect(noFit.explanation.contains("has no key that can decrypt it"), "\(noFit.explanation)")
        #expect(noFit.fix?.contains("--decryption-key FILE") == true)

        // The recipient's key (as PEM), but the tag was changed: the key fits, and does not authenticate it.
        let recipient = try JWEVectors.pemKey("rsa-2048.pkcs8.pem")
        let tampered = try JWEVectors.changing(compact, segment: 4) { $0[0] ^= 1 }
        let wrong = try explain(tampered, keys: [recipient])
        let step = try #require(wrong.steps.first)
        #expect(step.status == .fail)
        #expect(step.explanation.contains("no key tried decrypted it"), "\(step.explanation)")
        #expect(step.explanation.contains("altered on the way"))
        #expect(wrong.token.paragraph.contains("did not decrypt"), "\(wrong.token.paragraph)")
        #expect(!wrong.token.paragraph.contains("jwtaudit.test"), "no plaintext is narrated")
    }
}
