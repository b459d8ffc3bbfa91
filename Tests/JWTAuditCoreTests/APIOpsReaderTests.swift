import Testing
@testable import JWTAuditCore

/// APIOps artifacts directories, in the layouts that coexist in repositories (v7, v5, apiops-cli), with
/// workspaces, revisions and specifications.
@Suite("APIOps artifacts reader")
struct APIOpsReaderTests {
    typealias T = SourcesTest

    @Test func readsTheV7Layout() throws {
        let trees = try T.load([
            "art/policy.xml": T.policies("<cors/>", base: false),
            "art/apis/orders/apiInformation.json": #"{"properties": {"path": "orders", "subscriptionRequired": false, "displayName": "Orders"}}"#,
            "art/apis/orders/policy.xml": T.policies(""),
            "art/apis/orders/operations/get-order/policy.xml": T.policies(""),
            "art/apis/orders;rev=2/policy.xml": T.policies(""),
            "art/products/starter/productInformation.json": #"{"properties": {"subscriptionRequired": false, "state": "published"}}"#,
            "art/products/starter/apis/orders/productApiInformation.json": "{}",
            "art/products/starter/policy.xml": T.policies(""),
            "art/policy fragments/f/policy.xml": "<fragment><set-header name=\"a\" exists-action=\"override\"><value>b</value></set-header></fragment>",
            "art/named values/tenant/namedValueInformation.json": T.namedValue("tenant-id", value: "T"),
        ])
        #expect(trees.count == 1)
        let tree = trees[0]
        #expect(tree.kind == .apiops)
        #expect(tree.service.policy?.file == "art/policy.xml")
        #expect(tree.service.apis.map(\.name) == ["orders", "orders;rev=2"])
        let orders = tree.service.apis[0]
        #expect(orders.path == "orders" && orders.subscriptionRequired == false && orders.displayName == "Orders")
        #expect(orders.operations.map(\.name) == ["get-order"])
        #expect(orders.operations[0].policy?.file == "art/apis/orders/operations/get-order/policy.xml")
        #expect(tree.service.apis[1].baseName == "orders")
        #expect(tree.service.products.map(\.name) == ["starter"])
        #expect(tree.service.products[0].apis == ["orders"] && tree.service.products[0].isOpen)
        #expect(tree.service.fragments.map(\.id) == ["f"])
        #expect(tree.service.namedValues.first?.reference == "tenant-id" && tree.service.namedValues.first?.value == "T")
        #expect(tree.findings.isEmpty)
    }

    @Test func readsTheV5ProductListAndApiopsCliNames() throws {
        let tree = try T.load([
            "art/apis/a/policy.xml": T.policies(""),
            "art/apis/a/operations/op1/operationInformation.json": #"{"properties": {"method": "get", "urlTemplate": "/things/{id}"}}"#,
            "art/products/p/apis.json": #"[{"name": "a"}, {"name": "b;rev=3"}]"#,
            "art/policyFragments/g/policyFragmentInformation.json": "{\n  \"properties\": {\n    \"format\": \"rawxml\",\n    \"value\": \"<fragment>\\n  <set-variable name=\\\"x\\\" value=\\\"@(1)\\\" />\\n</fragment>\"\n  }\n}",
            "art/namedValues/k/namedValueInformation.json": T.namedValue("key", secret: true),
        ])[0]
        #expect(tree.service.products[0].apis == ["a", "b"])
        #expect(tree.service.apis[0].operations[0].method == "GET")
        #expect(tree.service.apis[0].operations[0].urlTemplate == "/things/{id}")
        guard case .text(let text, let format)? = tree.service.fragments.first?.source else {
            Issue.record("fragment g has no text")
            return
        }
        #expect(format == "rawxml")
        #expect(String(decoding: text.bytes, as: UTF8.self) == "<fragment>\n  <set-variable name=\"x\" value=\"@(1)\" />\n</fragment>")
        // The fragment's text is inside a JSON string on line 4: its elements are placed there.
        let roots = try XMLReader.parse(text)
        #expect(roots[0].line == 4 && roots[0].column == 15)
        #expect(roots[0].elements[0].line == 4 && roots[0].elements[0].column == 29)
        #expect(tree.service.namedValues.first?.unknownBecause == "a secret named value")
    }

    @Test func mapsOperationsThroughTheSpecificationAndAddsTheOnesWithoutPolicies() throws {
        let tree = try T.load([
            "art/apis/calc/policy.xml": T.policies(""),
            "art/apis/calc/operations/6716abad46346116c4345b4d/policy.xml": T.policies(""),
            "art/apis/calc/specification.yaml": """
                swagger: '2.0'
                basePath: /calc
                paths:
                  /add:
                    get:
                      operationId: 6716abad46346116c4345b4d
                  /sub:
                    post: {operationId: subtract}
                """,
        ])[0]
        let operations = tree.service.apis[0].operations
        #expect(operations.map(\.name) == ["6716abad46346116c4345b4d", "subtract"])
        #expect(operations.map { "\($0.method ?? "") \($0.urlTemplate ?? "")" } == ["GET /calc/add", "POST /calc/sub"])
        #expect(operations[1].policy == nil)
    }

    @Test func anUnreadableSpecificationIsAFindingAndOperationsKeepTheirDirectoryNames() throws {
        let tree = try T.load([
            "art/apis/calc/operations/op/policy.xml": T.policies(""),
            "art/apis/calc/specification.json": "{ not json",
        ])[0]
        #expect(tree.service.apis[0].operations.map(\.name) == ["op"])
        #expect(tree.findings.map(\.id) == ["source-file-unreadable"])
        #expect(tree.findings.first?.source == "art/apis/calc/specification.json")
    }

    @Test func readsWorkspacesAsTheirOwnLevel() throws {
        let tree = try T.load([
            "art/apis/a/policy.xml": T.policies(""),
            "art/workspaces/sales/policy.xml": T.policies(""),
            "art/workspaces/sales/apis/leads/policy.xml": T.policies(""),
            "art/workspaces/sales/products/team/apis/leads/productApiInformation.json": "{}",
            "art/workspaces/sales/policy fragments/wf/policy.xml": "<fragment/>",
        ])[0]
        #expect(tree.workspaces.map(\.name) == ["sales"])
        let sales = tree.workspaces[0].scope
        #expect(sales.policy?.file == "art/workspaces/sales/policy.xml")
        #expect(sales.apis.map(\.name) == ["leads"])
        #expect(sales.products.first?.apis == ["leads"])
        #expect(sales.fragments.map(\.id) == ["wf"])
        #expect(tree.service.apis.map(\.name) == ["a"])
    }

    @Test func aDirectoryThatIsNoArtifactsTreeIsWalkedForSources() throws {
        let trees = try T.load([
            "repo/apim/apis/a/policy.xml": T.policies(""),
            "repo/loose/global.xml": "<policies><inbound/></policies>",
            "repo/loose/pom.xml": "<project/>",
            "repo/docs/apis/readme.md": "not a tree",
        ], path: "repo")
        #expect(trees.map(\.path) == ["repo/apim", "repo/loose/global.xml"])
        #expect(trees.map(\.kind) == [.apiops, .xml])
        #expect(trees[1].strict == false)
    }

    @Test func aDirectoryWithNoSourceIsBadInput() {
        #expect(throws: JWTAuditError.self) { try T.load(["repo/readme.md": "hello"], path: "repo") }
    }
}
