import Testing
@testable import JWTAuditCore

/// Bicep files: policy resources at every scope, inline text with its escapes placed on the .bicep lines,
/// loadTextContent, and what cannot be known before deployment.
@Suite("Bicep reader")
struct BicepReaderTests {
    func tree(_ bicep: String, files: [String: String] = [:]) throws(JWTAuditError) -> PolicyTree {
        var all = files
        all["infra/main.bicep"] = bicep
        return try SourcesTest.load(all, path: "infra/main.bicep")[0]
    }

    func text(_ source: PolicySource?) -> PolicyText? {
        if case .text(let text, _)? = source { return text }
        return nil
    }

    static let service = """
        param apimName string
        resource apim 'Microsoft.ApiManagement/service@2023-09-01-preview' existing = {
          name: apimName
        }

        """

    @Test func readsPoliciesAtEveryScopeNestedOrWithParent() throws {
        let tree = try tree(Self.service + """
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: { format: 'rawxml', value: '<policies/>' }
            }
            resource api 'Microsoft.ApiManagement/service/apis@2023-09-01-preview' = {
              parent: apim
              name: 'orders'
              properties: {
                path: 'orders'
                subscriptionRequired: false
              }
              resource apiPolicy 'policies' = {
                name: 'policy'
                properties: {
                  value: '<policies><inbound /></policies>'
                }
              }
              resource op 'operations' = {
                name: 'get-order'
                properties: {
                  method: 'get'
                  urlTemplate: '/orders/{id}'
                }
                resource opPolicy 'policies' = {
                  name: 'policy'
                  properties: {
                    value: '<policies/>'
                  }
                }
              }
            }
            resource product 'Microsoft.ApiManagement/service/products@2023-09-01-preview' = {
              parent: apim
              name: 'partners'
              properties: {
                subscriptionRequired: true
                state: 'published'
              }
              resource link 'apis' = {
                name: api.name
              }
            }
            resource oldStyle 'Microsoft.ApiManagement/service/products/policies@2019-01-01' = {
              name: '${apimName}/partners/policy'
              properties: {
                value: '<policies/>'
              }
            }
            resource ws 'Microsoft.ApiManagement/service/workspaces@2023-09-01-preview' = {
              parent: apim
              name: 'sales'
            }
            resource wsApiPolicy 'Microsoft.ApiManagement/service/workspaces/apis/policies@2023-09-01-preview' = {
              name: '${apimName}/sales/leads/policy'
              properties: {
                value: '<policies/>'
              }
            }
            resource secretValue 'Microsoft.ApiManagement/service/namedValues@2023-09-01-preview' = {
              parent: apim
              name: 'backend-key'
              properties: {
                displayName: 'backend-key'
                secret: true
                value: 'not-in-the-sources'
              }
            }
            """)
        #expect(tree.kind == .bicep)
        #expect(text(tree.service.policy).map { String(decoding: $0.bytes, as: UTF8.self) } == "<policies/>")
        let orders = try #require(tree.service.apis.first { $0.name == "orders" })
        #expect(orders.path == "orders" && orders.subscriptionRequired == false)
        #expect(orders.policy != nil)
        #expect(orders.operations.map(\.name) == ["get-order"])
        #expect(orders.operations[0].method == "GET" && orders.operations[0].urlTemplate == "/orders/{id}")
        #expect(orders.operations[0].policy != nil)
        let partners = try #require(tree.service.products.first)
        #expect(partners.name == "partners" && partners.apis == ["orders"] && partners.policy != nil)
        #expect(tree.workspaces.map(\.name) == ["sales"])
        #expect(tree.workspaces[0].scope.apis.map(\.name) == ["leads"])
        #expect(tree.service.namedValues.first?.secret == true)
    }

    @Test func anInlineStringsEscapesArePlacedOnTheBicepLine() throws {
        let tree = try tree(Self.service + """
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: {
                value: '<policies>\\n  <inbound>\\n    <set-header name="it\\'s" exists-action="override"><value>x</value></set-header>\\n  </inbound>\\n</policies>'
              }
            }
            """)
        let policy = try #require(text(tree.service.policy))
        #expect(String(decoding: policy.bytes, as: UTF8.self).contains("<set-header name=\"it's\""))
        let roots = try XMLReader.parse(policy)
        #expect(roots[0].source == "infra/main.bicep")
        #expect(roots[0].line == 9 && roots[0].column == 13)
        let header = try #require(roots[0].firstElement(named: "inbound")?.firstElement(named: "set-header"))
        // '<policies>' (10) + '\n' (2) + 2 spaces + '<inbound>' (9) + '\n' (2) + 4 spaces after column 13.
        #expect(header.line == 9 && header.column == 13 + 10 + 2 + 2 + 9 + 2 + 4)
    }

    @Test func aMultiLineStringIsVerbatimFromTheLineAfterItsOpening() throws {
        let tree = try tree(Self.service + """
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: {
                value: '''
            <policies>
              <inbound>
                <set-variable name="a" value="@(context.Variables.GetValueOrDefault<string>("x") + "\\n")" />
              </inbound>
            </policies>
            '''
              }
            }
            """)
        let roots = try XMLReader.parse(try #require(text(tree.service.policy)))
        #expect(roots[0].line == 10 && roots[0].column == 1)
        let variable = try #require(roots[0].firstElement(named: "inbound")?.firstElement(named: "set-variable"))
        #expect(variable.line == 12 && variable.column == 5)
        #expect(variable.attribute("value") == #"@(context.Variables.GetValueOrDefault<string>("x") + "\n")"#)
    }

    @Test func loadTextContentIsReadRelativeToTheFileAndOnlyInsideTheRoot() throws {
        let tree = try tree(Self.service + """
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: {
                value: loadTextContent('../policies/global.xml')
              }
            }
            resource api 'Microsoft.ApiManagement/service/apis/policies@2023-09-01-preview' = {
              name: '${apimName}/orders/policy'
              properties: {
                value: loadTextContent('../../../etc/passwd')
              }
            }
            """, files: ["policies/global.xml": "<policies/>"])
        #expect(text(tree.service.policy)?.file == "policies/global.xml")
        guard case .unreadable(let reason, let file, let line, _)? = tree.service.apis.first?.policy else {
            Issue.record("the path outside the root was read")
            return
        }
        #expect(file == "infra/main.bicep" && line == 15)
        #expect(reason.contains("../../etc/passwd"), "\(reason)")
    }

    @Test(arguments: [
        ("apimPolicyParameter", "its value is apimPolicyParameter, which is not known before deployment"),
        ("replace(loadTextContent('p.xml'), 'A', apimName)", "(lint p.xml on its own to judge the text it starts from)"),
        ("format('<policies>{0}</policies>', apimName)", "which is not known before deployment"),
    ])
    func whatIsNotStaticIsNotResolvable(value: String, reason: String) throws {
        let tree = try tree(Self.service + """
            param apimPolicyParameter string
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: {
                value: \(value)
              }
            }
            """)
        guard case .unresolvable(let message, _, let line, let column)? = tree.service.policy else {
            Issue.record("\(value) was taken as known")
            return
        }
        #expect(message.contains(reason), "\(message)")
        #expect(line == 10 && column == 12)
    }

    @Test func aVariableHoldingTheTextIsResolvedAndALinkIsNot() throws {
        let tree = try tree(Self.service + """
            var policyText = loadTextContent('global.xml')
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: { value: policyText }
            }
            resource api 'Microsoft.ApiManagement/service/apis/policies@2023-09-01-preview' = {
              name: '${apimName}/orders/policy'
              properties: {
                format: 'rawxml-link'
                value: 'https://policies.dewi.red/orders.xml'
              }
            }
            """, files: ["infra/global.xml": "<policies/>"])
        #expect(text(tree.service.policy)?.file == "infra/global.xml")
        guard case .unresolvable(let reason, _, _, _)? = tree.service.apis.first?.policy else {
            Issue.record("a -link policy was taken as text")
            return
        }
        #expect(reason.contains("rawxml-link: APIM fetches the text from https://policies.dewi.red/orders.xml"))
    }

    @Test func interpolationsAreKeptAsWrittenAndSaid() throws {
        let tree = try tree(Self.service + """
            param tenant string
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              parent: apim
              name: 'policy'
              properties: {
                value: '<policies><inbound><set-header name="t" exists-action="override"><value>${tenant}</value></set-header></inbound></policies>'
              }
            }
            """)
        #expect(text(tree.service.policy).map { String(decoding: $0.bytes, as: UTF8.self).contains("<value>${tenant}</value>") } == true)
        #expect(tree.findings.map(\.id) == ["template-interpolation"])
        #expect(tree.findings.first?.line == 10)
    }

    @Test(arguments: [
        ("resource x 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {\n  name: 'policy\n}", "line 2, column 9: string is not closed with '"),
        ("var x = '''\nnever closed", "line 1, column 9: multi-line string ''' is not closed"),
        ("/* open comment", "line 1, column 1: comment is not closed with */"),
        ("var x = {\n  a: 1\n", "line 1, column 9: { is not closed with }"),
        ("var x = \u{01}", "not UTF-8 text"),
        ("var x = " + String(repeating: "[", count: 5000), "nested deeper than 128 levels"),
    ])
    func brokenSyntaxIsAnErrorWithItsLine(bicep: String, expected: String) {
        do {
            _ = try tree(bicep)
            Issue.record("\(bicep.prefix(40)) was read")
        } catch {
            #expect(error.code == .malformedPolicy)
            #expect(error.reason.hasPrefix("infra/main.bicep: line"), "\(error.reason)")
            #expect(error.reason.contains(expected), "\(error.reason)")
        }
    }

    /// Found by the fuzzer (a stray closer where a member or an element belongs looped for ever).
    @Test(arguments: ["var x = {\n  a: 1\n  )\n}\n", "var x = [ ) ]\n", "var x = {\n  ] b: 2\n}\n", "resource r 'T' = {\n  properties: { a: ) }\n}\n"])
    func strayClosersEndInsteadOfLooping(bicep: String) throws {
        _ = try? tree(bicep)
    }
}
