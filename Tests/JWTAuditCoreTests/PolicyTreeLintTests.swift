import Testing
@testable import JWTAuditCore

/// Lint over a whole service: the rules only a composed view can see, each at the file and line where its text
/// is, with its scope; and each per-policy finding once however many effective policies share the text.
@Suite("Whole-tree lint rules")
struct PolicyTreeLintTests {
    typealias T = SourcesTest

    func lint(_ files: [String: String]) throws -> PolicyLintReport {
        try T.service(files).lint()
    }

    func findings(_ report: PolicyLintReport, _ id: String) -> [PolicyLintFinding] {
        report.findings.filter { $0.id == id }
    }

    static let tenant = ["art/named values/t/namedValueInformation.json": T.namedValue("tenant-id", value: "3d6e366f-9587-413b-ab6b-0a851b1b91ba")]

    // MARK: validation-dropped-by-missing-base

    @Test func aMissingBaseThatDropsTheGlobalValidationIsAnErrorAtTheSection() throws {
        let report = try lint(Self.tenant.merging([
            "art/policy.xml": T.policies(T.validateJWT, base: false),
            "art/apis/a/policy.xml": T.policies("<set-header name=\"x\" exists-action=\"override\"><value>1</value></set-header>", base: false),
        ]) { $1 })
        let found = findings(report, "validation-dropped-by-missing-base")
        #expect(found.count == 1)
        #expect(found.first?.source == "art/apis/a/policy.xml" && found.first?.line == 2)
        #expect(found.first?.scope == PolicyScope(api: "a"))
        #expect(found.first?.message.contains("art/policy.xml line 3") == true, "\(found.first?.message ?? "")")
    }

    @Test(arguments: [
        ("<base />", "the API keeps <base />"),
        ("\(T.validateJWT)", "the API validates the token itself"),
    ])
    func noDropWhenTheValidationStillRuns(inbound: String, why: String) throws {
        let report = try lint(Self.tenant.merging([
            "art/policy.xml": T.policies(T.validateJWT, base: false),
            "art/apis/a/policy.xml": T.policies(inbound, base: false),
        ]) { $1 })
        #expect(findings(report, "validation-dropped-by-missing-base").isEmpty, "\(why)")
    }

    // MARK: product-validation-bypassed

    @Test(arguments: [(false, Finding.Severity.error), (true, .warning)])
    func productOnlyValidationIsBypassedWithNoProduct(apiRequiresKey: Bool, severity: Finding.Severity) throws {
        let report = try lint(Self.tenant.merging([
            "art/apis/a/apiInformation.json": "{\"properties\": {\"subscriptionRequired\": \(apiRequiresKey)}}",
            "art/apis/a/policy.xml": T.policies(""),
            "art/products/p/policy.xml": T.policies(T.validateJWT),
            "art/products/p/apis/a/productApiInformation.json": "{}",
        ]) { $1 })
        let found = findings(report, "product-validation-bypassed")
        #expect(found.count == 1)
        #expect(found.first?.severity == severity)
        #expect(found.first?.source == "art/products/p/policy.xml" && found.first?.line == 4)
        #expect(found.first?.scope == PolicyScope(product: "p", api: "a"))
        #expect(found.first?.message.contains(apiRequiresKey ? "API-scoped, all-APIs or built-in all-access" : "without any key") == true)
    }

    @Test func noBypassWhenTheAPIValidatesToo() throws {
        let report = try lint(Self.tenant.merging([
            "art/apis/a/policy.xml": T.policies(T.validateJWT),
            "art/products/p/policy.xml": T.policies(T.validateJWT),
            "art/products/p/apis/a/productApiInformation.json": "{}",
        ]) { $1 })
        #expect(findings(report, "product-validation-bypassed").isEmpty)
    }

    // MARK: operation-without-validation

    @Test func anOperationLeftWithoutValidationIsNamed() throws {
        let report = try lint(Self.tenant.merging([
            "art/apis/a/policy.xml": T.policies(""),
            "art/apis/a/operations/secure/policy.xml": T.policies(T.validateJWT),
            "art/apis/a/specification.json": #"{"paths": {"/s": {"get": {"operationId": "secure"}}, "/open": {"get": {"operationId": "open"}}}}"#,
        ]) { $1 })
        let found = findings(report, "operation-without-validation")
        #expect(found.count == 1)
        #expect(found.first?.scope == PolicyScope(api: "a", operation: "open"))
        #expect(found.first?.source == "art/apis/a/policy.xml")
        #expect(found.first?.message.contains("operation open (GET /open) of API a validates no token, while 1 other operation of the API does (secure)") == true)
    }

    @Test func noFindingWhenEveryOperationValidatesOrNoneDoes() throws {
        let spec = #"{"paths": {"/s": {"get": {"operationId": "one"}}, "/t": {"get": {"operationId": "two"}}}}"#
        let all = try lint(Self.tenant.merging(["art/apis/a/policy.xml": T.policies(T.validateJWT), "art/apis/a/specification.json": spec]) { $1 })
        let none = try lint(["art/apis/a/policy.xml": T.policies(""), "art/apis/a/specification.json": spec])
        #expect(findings(all, "operation-without-validation").isEmpty)
        #expect(findings(none, "operation-without-validation").isEmpty)
    }

    // MARK: authorization-rewritten-before-validation

    @Test(arguments: [
        ("<authentication-managed-identity resource=\"api://backend\" />", true),
        ("<authentication-basic username=\"u\" password=\"p\" />", true),
        ("<set-header name=\"authorization\" exists-action=\"delete\" />", true),
        ("<set-header name=\"Authorization\" exists-action=\"override\"><value>Bearer {{static}}</value></set-header>", true),
        ("<choose><when condition=\"@(true)\"><set-header name=\"Authorization\" exists-action=\"override\"><value>x</value></set-header></when></choose>", true),
        // Moving the client's own token into place, or writing to a variable, leaves the client's token judged.
        ("<set-header name=\"Authorization\" exists-action=\"override\"><value>@(\"Bearer \" + context.Request.Headers.GetValueOrDefault(\"X-Token\", \"\"))</value></set-header>", false),
        ("<authentication-managed-identity resource=\"api://backend\" output-token-variable-name=\"msi\" />", false),
        ("<set-header name=\"X-Other\" exists-action=\"override\"><value>x</value></set-header>", false),
    ])
    func rewritingAuthorizationBeforeTheValidationIsAnError(statement: String, fires: Bool) throws {
        let report = try lint(Self.tenant.merging(["art/apis/a/policy.xml": T.policies(statement + "\n    " + T.validateJWT)]) { $1 })
        let found = findings(report, "authorization-rewritten-before-validation")
        #expect(found.count == (fires ? 1 : 0), "\(statement): \(found.map(\.message))")
        if fires {
            #expect(found.first?.line == 4 && found.first?.source == "art/apis/a/policy.xml")
            #expect(found.first?.message.contains(statement.hasPrefix("<choose>") ? "may change" : "changes") == true)
        }
    }

    @Test func aRewriteInOneBranchOfAChooseDoesNotReachAValidationInAnother() throws {
        let choose = """
            <choose>
              <when condition="@(context.Request.Headers.ContainsKey("X-Internal"))">
                <authentication-managed-identity resource="api://backend" />
              </when>
              <otherwise>
                \(T.validateJWT)
              </otherwise>
            </choose>
            """
        let report = try lint(Self.tenant.merging(["art/apis/a/policy.xml": T.policies(choose)]) { $1 })
        #expect(findings(report, "authorization-rewritten-before-validation").isEmpty)
        let after = try lint(Self.tenant.merging(["art/apis/a/policy.xml": T.policies(choose + "\n" + T.validateJWT)]) { $1 })
        #expect(findings(after, "authorization-rewritten-before-validation").first?.message.contains("may change") == true)
    }

    @Test func rewritingAfterTheValidationIsFine() throws {
        let report = try lint(Self.tenant.merging([
            "art/apis/a/policy.xml": T.policies(T.validateJWT + "\n<authentication-managed-identity resource=\"api://backend\" />"),
        ]) { $1 })
        #expect(findings(report, "authorization-rewritten-before-validation").isEmpty)
    }

    // MARK: fragments and <base />

    @Test func fragmentsThatAreMissingNestedOrHoldBase() throws {
        let report = try lint([
            "art/apis/a/policy.xml": T.policies("<include-fragment fragment-id=\"nested\" />\n    <include-fragment fragment-id=\"nowhere\" />"),
            "art/policy fragments/nested/policy.xml": "<fragment>\n  <base />\n  <include-fragment fragment-id=\"other\" />\n</fragment>",
            "art/policy fragments/other/policy.xml": "<fragment><set-variable name=\"a\" value=\"b\" /></fragment>",
        ])
        #expect(findings(report, "fragment-missing").map { "\($0.source!):\($0.line)" } == ["art/apis/a/policy.xml:5"])
        #expect(findings(report, "fragment-missing").first?.message.contains("fragment nowhere") == true)
        #expect(findings(report, "fragment-contains-base").map { "\($0.source!):\($0.line)" } == ["art/policy fragments/nested/policy.xml:2"])
        #expect(findings(report, "fragment-nested").map { "\($0.source!):\($0.line)" } == ["art/policy fragments/nested/policy.xml:3"])
    }

    @Test func twoBasesInOneSection() throws {
        let report = try lint(["art/apis/a/policy.xml": "<policies>\n<inbound>\n<base />\n<base />\n</inbound>\n</policies>"])
        let found = findings(report, "duplicate-base")
        #expect(found.map(\.line) == [4])
        #expect(found.first?.scope == PolicyScope(api: "a"))
    }

    // MARK: per-policy rules over the tree

    @Test func aFindingInTheGlobalPolicyIsReportedOnceForEveryEffectivePolicy() throws {
        let weak = "<validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration\" /></validate-jwt>"
        var files = ["art/policy.xml": T.policies(weak, base: false)]
        for api in ["a", "b", "c"] { files["art/apis/\(api)/policy.xml"] = T.policies("") }
        files["art/products/p/apis/a/productApiInformation.json"] = "{}"
        let report = try lint(files)
        #expect(findings(report, "audience-not-checked").count == 1)
        #expect(findings(report, "any-tenant-accepted").count == 1)
        #expect(findings(report, "audience-not-checked").first?.scope == .global)
        #expect(findings(report, "audience-not-checked").first?.source == "art/policy.xml")
    }

    @Test func aFindingInAFragmentIsPlacedInTheFragmentFile() throws {
        let report = try lint([
            "art/apis/a/policy.xml": T.policies("<include-fragment fragment-id=\"jwt\" />"),
            "art/policy fragments/jwt/policy.xml": "<fragment>\n  <validate-jwt header-name=\"Authorization\" require-signed-tokens=\"false\" />\n</fragment>",
        ])
        let unsigned = try #require(findings(report, "unsigned-tokens-allowed").first)
        #expect(unsigned.source == "art/policy fragments/jwt/policy.xml" && unsigned.line == 2)
        #expect(unsigned.scope == PolicyScope(api: "a"))
    }

    @Test func aNamedValueNoOneDefinesIsMissingInAnAPIOpsTree() throws {
        let report = try lint(["art/apis/a/policy.xml": T.policies(T.validateJWT)])
        let missing = findings(report, "named-value-missing")
        #expect(missing.count == 1)
        #expect(missing.first?.line == 5)
        #expect(missing.first?.message.contains("{{tenant-id}} is used, but art defines no named value") == true)
    }

    @Test func reportSaysWhatValidatesNoToken() throws {
        let report = try lint(Self.tenant.merging([
            "art/apis/a/policy.xml": T.policies(T.validateJWT),
            "art/apis/b/policy.xml": T.policies(""),
        ]) { $1 })
        #expect(report.policies.map(\.validatesToken) == [true, false])
        #expect(report.policies.last?.name == "API b (all operations), no product (an API-scoped, all-APIs or built-in all-access key)")
    }
}
