import Testing
@testable import JWTAuditCore

/// `--environment`: an APIOps publisher configuration overrides named values and policies, and lint judges the
/// tree as deployed to that environment.
@Suite("APIOps environment configuration")
struct APIOpsConfigurationTests {
    typealias T = SourcesTest

    static let files = [
        "art/apis/orders/policy.xml": T.policies(T.validateJWT),
        "art/apis/orders/operations/get/policy.xml": T.policies(""),
        "art/named values/t/namedValueInformation.json": T.namedValue("tenant-id", value: "dev-tenant"),
        "art/products/gold/productInformation.json": #"{"properties": {"subscriptionRequired": true}}"#,
        "art/products/gold/apis/orders/productApiInformation.json": "{}",
    ]

    func apply(_ yaml: String) throws -> PolicyTree {
        var trees = try T.load(Self.files)
        try PolicySources.applyEnvironment(Array(yaml.utf8), file: "configuration.prod.yaml", to: &trees)
        return trees[0]
    }

    @Test func namedValuesAreOverriddenByNameOrDisplayName() throws {
        let tree = try apply("""
            namedValues:
              - name: t
                properties:
                  value: prod-tenant
              - name: new-secret
                properties:
                  displayName: new-secret
                  keyVault:
                    secretIdentifier: https://kv.vault.azure.net/secrets/x
            """)
        let values = Dictionary(uniqueKeysWithValues: tree.service.namedValues.map { ($0.reference, $0) })
        #expect(values["tenant-id"]?.value == "prod-tenant")
        #expect(values["new-secret"]?.keyVault == true && values["new-secret"]?.unknownBecause == "a Key Vault reference")
    }

    @Test func policiesAreOverriddenAtEveryScopeAndKeepTheirYAMLLines() throws {
        let tree = try apply("""
            apis:
              - name: orders
                operations:
                  - name: get
                    policies:
                      - name: policy
                        properties:
                          format: rawxml
                          value: |
                            <policies>
                              <inbound>
                                <set-header name="env" exists-action="override"><value>prod</value></set-header>
                              </inbound>
                            </policies>
            products:
              gold:
                properties:
                  subscriptionRequired: false
                policies:
                  policy:
                    properties:
                      value: "<policies><inbound><base /></inbound></policies>"
            """)
        guard case .text(let text, let format)? = tree.service.apis[0].operations[0].policy else {
            Issue.record("the operation's policy was not overridden")
            return
        }
        #expect(format == "rawxml" && text.file == "configuration.prod.yaml")
        let roots = try XMLReader.parse(text)
        #expect(roots[0].line == 10 && roots[0].column == 17)
        #expect(roots[0].firstElement(named: "inbound")?.firstElement(named: "set-header")?.line == 12)
        #expect(tree.service.products[0].subscriptionRequired == false)
        #expect(tree.service.products[0].policy?.file == "configuration.prod.yaml")
    }

    @Test func theOverriddenPolicyIsWhatLintJudges() throws {
        var trees = try T.load(Self.files)
        try PolicySources.applyEnvironment(Array("""
            apis:
              - name: orders
                policies:
                  - name: policy
                    properties:
                      value: "<policies><inbound /></policies>"
            """.utf8), file: "configuration.prod.yaml", to: &trees)
        let report = try PolicyService(tree: trees[0]).lint()
        #expect(report.policies.contains { $0.name.hasPrefix("API orders") && !$0.validatesToken })
    }

    @Test func aConfigurationThatIsNoMappingIsBadInput() {
        #expect(throws: JWTAuditError.self) { try apply("- just\n- a list") }
        #expect(throws: JWTAuditError.self) { try apply("namedValues: [&anchor x]") }
    }
}
