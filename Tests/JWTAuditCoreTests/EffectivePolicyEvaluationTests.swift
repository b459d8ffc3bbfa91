import Testing
@testable import JWTAuditCore

/// What evaluating a token against one operation of a tree needs: the values the token validation depends on,
/// named when the sources do not hold them; and the choice of effective policies a selection leaves.
@Suite("Effective policies made ready for token evaluation")
struct EffectivePolicyEvaluationTests {
    typealias T = SourcesTest

    static let tree: [String: String] = [
        "art/policy.xml": T.policies("<set-header name=\"X-Key\" exists-action=\"override\"><value>{{backend-key}}</value></set-header>", base: false),
        "art/apis/a/policy.xml": T.policies(T.validateJWT),
        "art/apis/a/operations/get-x/policy.xml": T.policies(""),
        "art/apis/a/operations/post-x/policy.xml": T.policies(""),
        "art/products/p/policy.xml": T.policies(""),
        "art/products/p/apis/a/productApiInformation.json": "{}",
        "art/named values/backend-key/namedValueInformation.json": T.namedValue("backend-key", secret: true),
    ]

    func error(_ body: () throws -> Void) -> JWTAuditError? {
        do {
            try body()
            return nil
        } catch {
            return error as? JWTAuditError
        }
    }

    @Test func aNamedValueTheValidationUsesAndTheSourcesDoNotHoldIsNamed() throws {
        var files = Self.tree
        files["art/named values/tenant-id/namedValueInformation.json"] = T.namedValue("tenant-id", secret: true)
        let service = try T.service(files)
        let policy = try service.select(PolicySelection(operation: "get-x", noProduct: true))
        let failure = try #require(error { _ = try service.evaluationDocument(policy) })
        #expect(failure.code == .unevaluable)
        #expect(failure.reason.contains("tenant-id (a secret named value in art)"), "\(failure.reason)")
        // The secret backend key in a header does not decide a token's fate, so it is not asked for.
        #expect(!failure.reason.contains("backend-key"))
        #expect(failure.reason.contains("--named-value"))

        let given = try T.service(files, namedValues: ["tenant-id": "3d6e366f-9587-413b-ab6b-0a851b1b91ba"])
        let document = try given.evaluationDocument(try given.select(PolicySelection(operation: "get-x", noProduct: true)))
        #expect(document.validations.count == 1)
        #expect(try document.validations[0].resolved().openIDConfigURLs == [
            "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration",
        ])
    }

    @Test func aNamedValueInTheConditionAroundAValidationIsNamedToo() throws {
        let service = try T.service([
            "art/apis/a/policy.xml": T.policies("""
                <choose><when condition="@(context.Request.Headers.GetValueOrDefault("X-Env","") == "{{env}}")">\(T.validateJWT)</when></choose>
                """),
        ], namedValues: ["tenant-id": "t"])
        let failure = try #require(error { _ = try service.evaluationDocument(try service.select(PolicySelection())) })
        #expect(failure.reason.contains("env (not defined in art)"), "\(failure.reason)")
    }

    @Test func aScopeWhoseTextOnlyDeploymentKnowsCannotBeEvaluated() throws {
        let service = try T.service([
            "main.bicep": """
                resource api 'Microsoft.ApiManagement/service/apis@2022-08-01' = {
                  name: 'apim/a'
                  properties: { path: 'a' }
                }
                resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2022-08-01' = {
                  parent: api
                  name: 'policy'
                  properties: { format: 'rawxml', value: policyText }
                }
                """,
        ], path: "main.bicep")
        let policy = try service.select(PolicySelection())
        let failure = try #require(error { _ = try service.evaluationDocument(policy) })
        #expect(failure.code == .unevaluable && failure.reason.contains("not known without deploying"), "\(failure.reason)")
    }

    @Test func aContextThatValidatesNoTokenHasNothingToEvaluateAgainst() throws {
        let service = try T.service([
            "art/products/p/policy.xml": T.policies(T.validateJWT),
            "art/products/p/apis/a/productApiInformation.json": "{}",
            "art/apis/a/apiInformation.json": "{\"properties\": {\"path\": \"a\", \"subscriptionRequired\": false}}",
        ], namedValues: ["tenant-id": "t"])
        let bypass = try service.select(PolicySelection(noProduct: true))
        let failure = try #require(error { _ = try service.evaluationDocument(bypass) })
        #expect(failure.code == .malformedPolicy && failure.reason.contains("validates no token"))
        #expect(try service.evaluationDocument(try service.select(PolicySelection(product: "p"))).validatesToken)
    }

    @Test func matchingKeepsEveryPolicyASelectionLeavesAndNamesWhatIsNotThere() throws {
        let service = try T.service(Self.tree)
        #expect(try service.matching(PolicySelection()).count == service.policies.count)
        let api = try service.matching(PolicySelection(api: "a"))
        #expect(api.count == 4)
        #expect(Set(api.map { "\($0.operation ?? "") \($0.context.productName ?? "-")" }) == ["get-x p", "get-x -", "post-x p", "post-x -"])
        #expect(try service.matching(PolicySelection(operation: "post-x", noProduct: true)).map(\.operation) == ["post-x"])
        let missing = try #require(error { _ = try service.matching(PolicySelection(api: "a", product: "q")) })
        #expect(missing.reason == "API a is not in product q; its contexts are: --product p, --no-product")
        // select still insists on one.
        #expect(error { _ = try service.select(PolicySelection(api: "a")) }?.reason.hasPrefix("choose an operation") == true)
    }
}
