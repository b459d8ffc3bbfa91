import Testing
@testable import JWTAuditCore

/// ARM templates: the same resource types as Bicep, in JSON, with names built by template expressions, the old
/// property names, and policy text decoded from its JSON string in place.
@Suite("ARM template reader")
struct ARMTemplateReaderTests {
    func tree(_ json: String) throws(JWTAuditError) -> PolicyTree {
        try SourcesTest.load(["t.json": json], path: "t.json")[0]
    }

    func text(_ source: PolicySource?) -> PolicyText? {
        if case .text(let text, _)? = source { return text }
        return nil
    }

    static func template(_ resources: String) -> String {
        """
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "variables": { "api": "billing" },
          "resources": [
        \(resources)
          ]
        }
        """
    }

    @Test func namesComeFromFormatConcatAndVariablesAndNestedResourcesInheritTheirParent() throws {
        let tree = try tree(Self.template(#"""
            {
              "type": "Microsoft.ApiManagement/service/apis",
              "name": "[format('{0}/{1}', parameters('apim'), variables('api'))]",
              "properties": { "path": "billing", "subscriptionRequired": false },
              "resources": [
                { "type": "policies", "name": "policy", "properties": { "format": "rawxml", "value": "<policies/>" } },
                { "type": "operations", "name": "list", "properties": { "method": "GET", "urlTemplate": "/invoices" } }
              ]
            },
            {
              "type": "Microsoft.ApiManagement/service/apis/operations/policies",
              "name": "[concat(parameters('apim'), '/billing/list/policy')]",
              "properties": { "contentFormat": "rawxml", "policyContent": "<policies/>" }
            },
            {
              "type": "Microsoft.ApiManagement/service/products/apiLinks",
              "name": "[format('{0}/{1}/{2}', parameters('apim'), 'gold', 'link')]",
              "properties": { "apiId": "[resourceId('Microsoft.ApiManagement/service/apis', parameters('apim'), 'billing')]" }
            }
            """#))
        #expect(tree.kind == .arm)
        let billing = try #require(tree.service.apis.first)
        #expect(billing.name == "billing" && billing.path == "billing" && billing.subscriptionRequired == false)
        #expect(billing.policy != nil)
        #expect(billing.operations.map(\.name) == ["list"])
        #expect(billing.operations.first?.policy != nil)
        #expect(tree.service.products.first?.apis == ["billing"])
    }

    @Test func policyTextIsDecodedInPlaceWithItsEscapes() throws {
        let tree = try tree(Self.template(#"""
            {
              "type": "Microsoft.ApiManagement/service/policies",
              "name": "[format('{0}/policy', parameters('apim'))]",
              "properties": { "format": "xml", "value": "<policies>\n<inbound><set-variable name=\"a\" value=\"@(&quot;x&quot;)\" /></inbound>\n</policies>" }
            }
            """#))
        let policy = try #require(text(tree.service.policy))
        let roots = try XMLReader.parse(policy)
        #expect(roots[0].line == 9 && roots[0].column == 46 && roots[0].source == "t.json")
        let variable = try #require(roots[0].firstElement(named: "inbound")?.firstElement(named: "set-variable"))
        #expect(variable.attribute("value") == #"@("x")"#)
        // The value's '<' at column 46; '<policies>' (10) and '\n' (2) and '<inbound>' (9) come before it.
        #expect(variable.line == 9 && variable.column == 46 + 10 + 2 + 9)
    }

    @Test func anExpressionValueIsNotResolvableAndDoubleBracketsAreALiteral() throws {
        let tree = try tree(Self.template(#"""
            { "type": "Microsoft.ApiManagement/service/policies", "name": "a/policy", "properties": { "value": "[parameters('policy')]" } },
            { "type": "Microsoft.ApiManagement/service/apis/policies", "name": "a/b/policy", "properties": { "value": "[[not an expression]" } }
            """#))
        guard case .unresolvable(let reason, _, let line, _)? = tree.service.policy else {
            Issue.record("an expression was read as text")
            return
        }
        #expect(reason.contains("the template expression [parameters('policy')]") && line == 6)
        #expect(text(tree.service.apis.first?.policy).map { String(decoding: $0.bytes, as: UTF8.self) } == "[not an expression]")
    }

    @Test func symbolicResourcesAndNestedDeploymentsAreRead() throws {
        let tree = try tree("""
            {
              "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
              "languageVersion": "2.0",
              "contentVersion": "1.0.0.0",
              "resources": {
                "fragment": {
                  "type": "Microsoft.ApiManagement/service/policyFragments",
                  "name": "apim/jwt",
                  "properties": { "value": "<fragment/>" }
                },
                "nested": {
                  "type": "Microsoft.Resources/deployments",
                  "name": "inner",
                  "properties": { "template": { "resources": [
                    { "type": "Microsoft.ApiManagement/service/namedValues", "name": "apim/tenant", "properties": { "displayName": "tenant-id", "value": "T" } }
                  ] } }
                }
              }
            }
            """)
        #expect(tree.service.fragments.map(\.id) == ["jwt"])
        #expect(tree.service.namedValues.first?.reference == "tenant-id" && tree.service.namedValues.first?.value == "T")
    }

    @Test func jsonThatIsNoTemplateIsBadInput() {
        #expect(throws: JWTAuditError.self) { try tree(#"{"tenant-id": "x"}"#) }
        #expect(throws: JWTAuditError.self) { try tree("{ \"resources\": [ ") }
    }
}
