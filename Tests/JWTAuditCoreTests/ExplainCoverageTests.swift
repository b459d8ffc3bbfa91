import Testing
@testable import JWTAuditCore

/// Every id explain can meet has words: a new check id, LastError reason or finding without an explanation
/// fails here instead of reaching a user as a bare id. And every claim in the shipped examples is in the
/// glossary.
@Suite("explain: every id has an explanation")
struct ExplainCoverageTests {
    typealias S = ExplainSupport

    @Test func everyVerifierCheckIDHasANarration() {
        for id in CheckID.verifierChecks.map(\.rawValue) + ["claim:roles", "claim:anything"] {
            let narration = ExplanationCatalog.narration(for: id)
            #expect(narration != nil, "no narration for \(id)")
            #expect(narration.map { !$0.purpose.isEmpty && !$0.cause.isEmpty && !$0.fix.isEmpty } == true, "\(id)")
        }
    }

    @Test func everyPolicyCheckIDAndTheUnevaluableStepHaveANarration() {
        for id in ExplanationCatalog.policyCheckIDs + [ExplanationCatalog.unevaluableCheckID] {
            #expect(ExplanationCatalog.narration(for: id) != nil, "no narration for \(id)")
        }
    }

    @Test func everyLastErrorReasonHasAMeaning() {
        for reason in PolicyFailureReason.allCases {
            #expect(!ExplanationCatalog.meaning(of: reason).isEmpty, "\(reason.rawValue)")
        }
    }

    /// The ids the real verifier and evaluator emit over many inputs (all examples against both seed policies
    /// and the azure-ad-token policy, plus a missing token and a wrong scheme): each has a narration, and each
    /// failing step an explanation and a fix.
    @Test func everyIDTheEvaluatorEmitsIsExplained() throws {
        let names = CryptoTestSupport.listDirectory(Fixtures.packageRoot + "/examples/tokens").filter { $0.hasSuffix(".jwt") }
        #expect(names.count >= 12)
        var seen = Set<String>()
        for name in names {
            let token = try Fixtures.example(name)
            for policy in ["certificate-only-v1.xml", "certificate-only-v2.xml", "azure-ad-token.xml", "secret-allowed-v1.xml"] {
                let e = try S.explainPolicy(token, policyFile: policy)
                for step in e.steps {
                    seen.insert(step.check)
                    #expect(ExplanationCatalog.narration(for: step.check) != nil, "\(name) / \(policy): no narration for \(step.check)")
                    #expect(!step.explanation.isEmpty, "\(name) / \(policy): \(step.check)")
                    if step.status == .fail { #expect(step.fix?.isEmpty == false, "\(name) / \(policy): \(step.check) has no fix") }
                }
            }
            var verify = S.verifyPolicy(issuers: [S.v1Issuer], audiences: ["https://myapi.dewi.red"])
            verify.requireCertificate = true
            verify.clientIDs = ["00000000-0000-0000-0000-000000000001"]
            verify.tenantID = "00000000-0000-0000-0000-000000000002"
            verify.requiredClaims = [("roles", "Orders.Write")]
            let e = try S.explainVerify(token, policy: verify)
            for step in e.steps where step.status == .fail {
                seen.insert(step.check)
                #expect(step.fix?.isEmpty == false, "\(name) / verify: \(step.check) has no fix")
            }
        }
        let validation = try policy(#"<validate-jwt header-name="Authorization" require-scheme="Bearer"/>"#).validations[0]
        let p = try validation.resolved()
        for request in [PolicyRequest(), PolicyRequest(headers: [("Authorization", "DPoP abc.def.ghi")])] {
            let outcome = try PolicyEvaluator.evaluate(p, extraction: .extract(from: request, for: p), report: nil)
            let element = PolicyEvaluation.Element(
                policy: validation, resolved: p, outcome: outcome, report: nil, path: [], keyNotes: [])
            let evaluation = PolicyEvaluation(
                elements: [element], decisions: [], verdict: outcome.verdict, findings: [], notes: [], at: S.at)
            let e = Explainer.explain(evaluation)
            let step = try #require(e.steps.first)
            seen.insert(step.check)
            #expect(step.status == .fail && step.fix?.contains("Authorization") == true, "\(step.explanation)")
        }
        for id in ["token", "key", "issuer", "audience", "client", "credential", "tenant", "claim:appidacr", "claim:azpacr", "claim:roles"] {
            #expect(seen.contains(id), "the scenarios never produced \(id)")
        }
    }

    @Test func everyFindingOfTheExamplesHasAMeaning() throws {
        var tokens = try CryptoTestSupport.listDirectory(Fixtures.packageRoot + "/examples/tokens")
            .filter { $0.hasSuffix(".jwt") }.map { try Fixtures.example($0) }
        tokens.append(try Fixtures.token(header: #"{"alg":"none","jku":"https://x","crit":["b"],"kid":"../x"}"#, payload: #"{"iss":"https://sts.windows.net/t/","tid":"u","nbf":4102444800,"exp":1,"iat":4102444800,"ver":"2.0"}"#))
        tokens.append(try Fixtures.token(header: #"{"alg":"HS256","kid":"a","x5t":"b"}"#, payload: #"{"iss":"https://sts.windows.net/t/","aud":"https://graph.microsoft.com","exp":"soon","a":1,"a":2}"#))
        tokens.append(try Fixtures.token(payload: #"{"iss":"x"}"#))
        var ids = Set<String>()
        for token in tokens {
            for finding in TokenInspection.inspect(token, at: S.at).findings {
                ids.insert(finding.id)
                #expect(ExplanationCatalog.meaning(ofFinding: finding.id) != nil, "no meaning for finding \(finding.id)")
            }
        }
        #expect(ids.count >= 15, "\(ids.sorted())")
    }

    /// Every check id, decryption included (a JWE's first step), has words: not only the verifier's fixed list.
    @Test func everyCheckIDHasANarration() {
        for id in CheckID.allCases where id != .claim {
            let narration = ExplanationCatalog.narration(for: id.rawValue)
            #expect(narration.map { !$0.purpose.isEmpty && !$0.cause.isEmpty && !$0.fix.isEmpty } == true, "no narration for \(id.rawValue)")
        }
    }

    /// The findings of decrypted JWEs (the independent round-trip set: RSA1_5, zip DEF, claims that nobody
    /// signed) each have a meaning, and the JWE ones are among them.
    @Test func everyFindingOfADecryptedJWEHasAMeaning() throws {
        var ids = Set<String>()
        for vector in JWEVectors.roundTrip.tokens {
            let compact = try #require(vector["compact"]?.stringValue)
            let token = try CompactToken.parse(compact)
            let outcome = try JWEVectors.decrypt(compact, keys: JWEVectors.roundTripKeys)
            for finding in TokenInspection.inspect(token, decryption: outcome, at: S.at).findings {
                ids.insert(finding.id)
                #expect(ExplanationCatalog.meaning(ofFinding: finding.id) != nil, "no meaning for finding \(finding.id)")
            }
        }
        #expect(ids.isSuperset(of: ["jwe-rsa1_5", "jwe-compression", "jwe-unsigned"]), "\(ids.sorted())")
    }

    @Test func theGlossaryCoversEveryClaimInTheExamples() throws {
        let names = CryptoTestSupport.listDirectory(Fixtures.packageRoot + "/examples/tokens").filter { $0.hasSuffix(".jwt") }
        for name in names {
            let token = try Fixtures.example(name)
            let claims = try #require(token.claims, "\(name) has no claims")
            for claim in claims.keys {
                #expect(ClaimGlossary.entry(for: claim) != nil, "examples/tokens/\(name): no glossary entry for \(claim)")
            }
            let glossary = Explainer.explain(TokenInspection.inspect(token, at: S.at)).glossary
            #expect(glossary.map(\.claim) == claims.keys, "\(name): the glossary follows the token's order")
        }
    }

    @Test func anUnknownClaimSaysSo() {
        #expect(ClaimGlossary.describe("x_custom").meaning.contains("not a claim jwtaudit knows"))
        #expect(ClaimGlossary.describe("xms_new").meaning.contains("Microsoft-specific"))
    }
}
