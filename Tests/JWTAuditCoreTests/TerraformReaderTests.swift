import Testing
@testable import JWTAuditCore

/// Terraform (azurerm): the policy resources and what places them, heredocs with their indentation removed but
/// their positions kept, file(), and what is rendered or fetched at deployment.
@Suite("Terraform reader")
struct TerraformReaderTests {
    func tree(_ tf: String, files: [String: String] = [:]) throws(JWTAuditError) -> PolicyTree {
        var all = files
        all["tf/main.tf"] = tf
        return try SourcesTest.load(all, path: "tf/main.tf")[0]
    }

    func text(_ source: PolicySource?) -> PolicyText? {
        if case .text(let text, _)? = source { return text }
        return nil
    }

    @Test func readsThePolicyResourcesAndFollowsReferencesForNames() throws {
        let tree = try tree("""
            resource "azurerm_api_management_api" "orders" {
              name                  = "orders-api"
              path                  = "orders"
              subscription_required = false
            }
            resource "azurerm_api_management_api_operation" "get" {
              operation_id = "get-order"
              api_name     = azurerm_api_management_api.orders.name
              method       = "GET"
              url_template = "/orders/{id}"
            }
            resource "azurerm_api_management_api_operation_policy" "get" {
              api_name     = azurerm_api_management_api_operation.get.api_name
              operation_id = azurerm_api_management_api_operation.get.operation_id
              xml_content  = "<policies><inbound><base /></inbound></policies>"
            }
            resource "azurerm_api_management_product" "gold" {
              product_id            = "gold"
              subscription_required = true
              published             = false
            }
            resource "azurerm_api_management_product_api" "gold_orders" {
              product_id = azurerm_api_management_product.gold.product_id
              api_name   = azurerm_api_management_api.orders.name
            }
            resource "azurerm_api_management_workspace" "sales" {
              name = "sales"
            }
            resource "azurerm_api_management_workspace_policy" "sales" {
              api_management_workspace_id = azurerm_api_management_workspace.sales.id
              xml_content                 = "<policies/>"
            }
            resource "azurerm_api_management_named_value" "kv" {
              name         = "partner-key"
              display_name = "partner-key"
              secret       = true
              value_from_key_vault {
                secret_id = "https://kv.vault.azure.net/secrets/partner-key"
              }
            }
            """)
        #expect(tree.kind == .terraform)
        let orders = try #require(tree.service.apis.first)
        #expect(orders.name == "orders-api" && orders.path == "orders" && orders.subscriptionRequired == false)
        #expect(orders.operations.map(\.name) == ["get-order"])
        #expect(orders.operations[0].method == "GET" && orders.operations[0].policy != nil)
        #expect(tree.service.products.first?.apis == ["orders-api"])
        #expect(tree.service.products.first?.state == "notPublished")
        #expect(tree.workspaces.first?.name == "sales" && tree.workspaces.first?.scope.policy != nil)
        #expect(tree.service.namedValues.first?.keyVault == true)
    }

    @Test func anIndentedHeredocLosesItsIndentationButKeepsItsColumns() throws {
        let tree = try tree("""
            resource "azurerm_api_management_policy" "global" {
              api_management_id = "x"
              xml_content       = <<-XML
                <policies>
                  <inbound>
                    <set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault("x", "") != "" && true)" />
                  </inbound>
                </policies>
              XML
            }
            """)
        let policy = try #require(text(tree.service.policy))
        #expect(String(decoding: policy.bytes, as: UTF8.self).hasPrefix("<policies>\n  <inbound>\n"))
        let roots = try XMLReader.parse(policy)
        #expect(roots[0].line == 4 && roots[0].column == 5)
        let variable = try #require(roots[0].firstElement(named: "inbound")?.firstElement(named: "set-variable"))
        #expect(variable.line == 6 && variable.column == 9)
        #expect(variable.attribute("value") == #"@(context.Request.Headers.GetValueOrDefault("x", "") != "" && true)"#)
    }

    @Test func aHeredocKeepsInterpolationsAsWrittenAndUnescapesDoubledDollars() throws {
        let tree = try tree("""
            resource "azurerm_api_management_policy" "global" {
              xml_content = <<XML
            <policies><inbound><set-header name="t" exists-action="override"><value>${var.tenant}</value><value>$${literal}</value></set-header></inbound></policies>
            XML
            }
            """)
        let value = text(tree.service.policy).map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(value?.contains("<value>${var.tenant}</value><value>${literal}</value>") == true)
        #expect(tree.findings.map(\.id) == ["template-interpolation"])
    }

    @Test func fileIsReadRelativeToTheModuleAndTemplatefileOrALinkIsNotResolvable() throws {
        let tree = try tree("""
            resource "azurerm_api_management_api_policy" "a" {
              api_name    = "a"
              xml_content = file("${path.module}/policies/a.xml")
            }
            resource "azurerm_api_management_api_policy" "b" {
              api_name    = "b"
              xml_content = templatefile("${path.module}/b.xml.tpl", { tenant = var.tenant })
            }
            resource "azurerm_api_management_api_policy" "c" {
              api_name = "c"
              xml_link = "https://policies.dewi.red/c.xml"
            }
            resource "azurerm_api_management_policy_fragment" "f" {
              name  = "f"
              value = var.fragment
            }
            """, files: ["tf/policies/a.xml": "<policies/>"])
        let apis = Dictionary(uniqueKeysWithValues: tree.service.apis.map { ($0.name, $0.policy) })
        #expect(text(apis["a"] ?? nil)?.file == "tf/policies/a.xml")
        guard case .unresolvable(let b, _, let line, _)? = apis["b"] ?? nil,
            case .unresolvable(let c, _, _, _)? = apis["c"] ?? nil,
            case .unresolvable(let f, _, _, _)? = tree.service.fragments.first?.source
        else {
            Issue.record("a dynamic policy was taken as text")
            return
        }
        #expect(b.contains("renders variables into the text at plan time") && line == 7)
        #expect(c.contains("xml_link https://policies.dewi.red/c.xml: APIM fetches the text at deployment"))
        #expect(f.contains("its value is var.fragment"))
    }

    @Test(arguments: [
        ("resource \"azurerm_api_management_policy\" \"g\" {\n  xml_content = <<XML\n<policies/>\n}\n", "line 2, column 17: heredoc <<XML is not closed"),
        ("resource \"a\" \"b\" {\n  x = \"open\n}", "line 2, column 7: string is not closed"),
        ("resource \"a\" \"b\" {\n  x = 1\n", "a block is not closed with }"),
        ("x = \u{00}", "not UTF-8 text"),
    ])
    func brokenSyntaxIsAnErrorWithItsLine(tf: String, expected: String) {
        do {
            _ = try tree(tf)
            Issue.record("\(tf.prefix(40)) was read")
        } catch {
            #expect(error.reason.hasPrefix("tf/main.tf: line"), "\(error.reason)")
            #expect(error.reason.contains(expected), "\(error.reason)")
        }
    }

    @Test func aDirectoryIsOneModule() throws {
        let trees = try SourcesTest.load([
            "tf/apis.tf": "resource \"azurerm_api_management_api\" \"a\" {\n  name = \"a\"\n}\n",
            "tf/policies.tf": "resource \"azurerm_api_management_api_policy\" \"a\" {\n  api_name = azurerm_api_management_api.a.name\n  xml_content = \"<policies/>\"\n}\n",
        ], path: "tf")
        #expect(trees.count == 1 && trees[0].kind == .terraform && trees[0].path == "tf")
        #expect(trees[0].service.apis.map(\.name) == ["a"] && trees[0].service.apis[0].policy != nil)
    }

    /// Found by the fuzzer (a stray closer in a list looped for ever).
    @Test(arguments: ["x = [ ) ]\n", "x = { a = ) }\n", "resource \"a\" \"b\" {\n  x = [1, ), 2]\n}\n"])
    func strayClosersEndInsteadOfLooping(tf: String) throws {
        _ = try? tree(tf)
    }

    /// Found by the fuzzer (a resource whose name refers to itself recursed until the stack ran out).
    @Test func aNameThatRefersToItselfEnds() throws {
        let tree = try tree("resource \"azurerm_api_management_api\" \"a\" {\n  name = azurerm_api_management_api.a.name\n}\nlocals {\n  x = local.x\n}\nresource \"azurerm_api_management_api_policy\" \"p\" {\n  api_name = local.x\n  xml_content = local.x\n}\n")
        #expect(tree.service.apis.count == 2)
    }
}
