import Testing
@testable import JWTAuditCore

/// The effective policy of each operation in each product context: global → workspace → product → API →
/// operation through `<base />`, fragments inlined, named values substituted, and one chosen by selection.
@Suite("Effective policies across scopes and product contexts")
struct EffectivePolicyTests {
    typealias T = SourcesTest

    /// The names of the inbound statements of an effective policy, in order.
    func inbound(_ policy: EffectivePolicy) -> [String] {
        policy.document.roots.first?.firstElement(named: "inbound")?.elements.map { element in
            element.attribute("name").map { "\(element.name):\($0)" } ?? element.name
        } ?? []
    }

    func marker(_ name: String) -> String { "<set-header name=\"\(name)\" exists-action=\"override\"><value>x</value></set-header>" }

    @Test func composesGlobalWorkspaceProductAPIAndOperationInOrder() throws {
        let service = try T.service([
            "art/policy.xml": T.policies(marker("global"), base: false),
            "art/workspaces/ws/policy.xml": T.policies(marker("workspace")),
            "art/workspaces/ws/apis/a/policy.xml": T.policies(marker("api")),
            "art/workspaces/ws/apis/a/operations/op/policy.xml": T.policies(marker("operation")),
            "art/workspaces/ws/products/p/policy.xml": T.policies(marker("product")),
            "art/workspaces/ws/products/p/apis/a/productApiInformation.json": "{}",
        ])
        let product = try service.select(PolicySelection(api: "a", operation: "op", product: "p"))
        #expect(product.workspace == "ws")
        #expect(inbound(product) == ["set-header:global", "set-header:workspace", "set-header:product", "set-header:api", "set-header:operation"])
        let none = try service.select(PolicySelection(api: "ws/a", noProduct: true))
        #expect(inbound(none) == ["set-header:global", "set-header:workspace", "set-header:api", "set-header:operation"])
        #expect(none.context == .noProduct(keyless: false))
        #expect(none.scope == PolicyScope(workspace: "ws", api: "a", operation: "op"))
    }

    @Test func aSectionWithoutBaseDropsTheBroaderScopesSection() throws {
        let service = try T.service([
            "art/policy.xml": T.policies(marker("global"), base: false, backend: "<forward-request />"),
            "art/apis/a/policy.xml": T.policies(marker("api"), base: false),
        ])
        let policy = try service.select(PolicySelection(noProduct: true))
        #expect(inbound(policy) == ["set-header:api"])
        #expect(policy.document.roots.first?.firstElement(named: "backend")?.elements.map(\.name) == ["forward-request"])
    }

    @Test func basePlacedAfterStatementsSplicesThereAndMissingSectionsAreInherited() throws {
        let service = try T.service([
            "art/policy.xml": T.policies(marker("global"), base: false),
            "art/apis/a/policy.xml": "<policies><inbound>\(marker("first"))<base />\(marker("last"))</inbound></policies>",
        ])
        let policy = try service.select(PolicySelection())
        #expect(inbound(policy) == ["set-header:first", "set-header:global", "set-header:last"])
        #expect(policy.document.roots.first?.elements.map(\.name) == ["inbound", "backend", "outbound", "on-error"])
    }

    @Test func fragmentsAreInlinedWithTheirOwnFileAndLines() throws {
        let service = try T.service([
            "art/apis/a/policy.xml": T.policies("<include-fragment fragment-id=\"jwt\" />"),
            "art/policy fragments/jwt/policy.xml": "<fragment>\n  \(T.validateJWT)\n</fragment>",
            "art/named values/t/namedValueInformation.json": T.namedValue("tenant-id", value: "3d6e366f-9587-413b-ab6b-0a851b1b91ba"),
        ])
        let policy = try service.select(PolicySelection())
        let validation = try #require(policy.document.validations.first)
        #expect(validation.placement.source == "art/policy fragments/jwt/policy.xml")
        #expect(validation.placement.line == 2 && validation.placement.section == .inbound)
        #expect(validation.openIDConfigs.first?.url.literal == "https://login.microsoftonline.com/3d6e366f-9587-413b-ab6b-0a851b1b91ba/.well-known/openid-configuration")
    }

    @Test func secretNamedValuesStayUnknownAndTheUserCanSupplyThem() throws {
        let files = [
            "art/apis/a/policy.xml": T.policies(T.validateJWT),
            "art/named values/t/namedValueInformation.json": T.namedValue("tenant-id", secret: true),
        ]
        let service = try T.service(files)
        let url = try service.select(PolicySelection()).document.validations.first?.openIDConfigs.first?.url.literal
        #expect(url?.contains("{{tenant-id}}") == true)
        #expect(service.findings.map(\.id) == ["named-value-unknown"])
        #expect(service.findings.first?.message.contains("{{tenant-id}} is a secret named value") == true)
        let supplied = try T.service(files, namedValues: ["tenant-id": "T"])
        #expect(try supplied.select(PolicySelection()).document.validations.first?.openIDConfigs.first?.url.literal
                == "https://login.microsoftonline.com/T/.well-known/openid-configuration")
        #expect(supplied.findings.isEmpty)
    }

    @Test func productContextsFollowWhichProductPolicyRuns() throws {
        func contexts(apiRequiresKey: Bool, openProduct: Bool) throws -> [ProductContext] {
            var files = [
                "art/apis/a/apiInformation.json": "{\"properties\": {\"subscriptionRequired\": \(apiRequiresKey)}}",
                "art/apis/a/policy.xml": T.policies(""),
                "art/products/keyed/productInformation.json": "{\"properties\": {\"subscriptionRequired\": true}}",
                "art/products/keyed/apis/a/productApiInformation.json": "{}",
            ]
            if openProduct {
                files["art/products/open/productInformation.json"] = "{\"properties\": {\"subscriptionRequired\": false, \"state\": \"published\"}}"
                files["art/products/open/apis/a/productApiInformation.json"] = "{}"
            }
            return try T.service(files).policies.map(\.context)
        }
        #expect(try contexts(apiRequiresKey: true, openProduct: false) == [.product("keyed", open: false), .noProduct(keyless: false)])
        #expect(try contexts(apiRequiresKey: false, openProduct: false) == [.product("keyed", open: false), .noProduct(keyless: true)])
        #expect(try contexts(apiRequiresKey: false, openProduct: true) == [.product("keyed", open: false), .product("open", open: true), .noProduct(keyless: false)])
    }

    @Test func revisionsAreSeparateAPIsInTheirAPIsProducts() throws {
        let service = try T.service([
            "art/apis/a/policy.xml": T.policies(""),
            "art/apis/a;rev=2/policy.xml": T.policies(marker("rev2")),
            "art/products/p/apis/a/productApiInformation.json": "{}",
        ])
        let revision = try service.select(PolicySelection(api: "a;rev=2", product: "p"))
        #expect(inbound(revision) == ["set-header:rev2"])
        #expect(Set(service.policies.map(\.api)) == ["a", "a;rev=2"])
    }

    @Test(arguments: [
        (PolicySelection(), "choose an API with --api: a, b"),
        (PolicySelection(api: "zzz"), "no API zzz in art; the APIs are: a, b"),
        (PolicySelection(api: "a"), "choose an operation of API a with --operation (its name, or METHOD /url): get-x (GET /x), post-x (POST /x)"),
        (PolicySelection(api: "a", operation: "GET /x"), "choose a product context for API a: --product p, --no-product (at most one product policy runs per request)"),
        (PolicySelection(api: "a", operation: "get-x", product: "q"), "API a is not in product q; its contexts are: --product p, --no-product"),
        (PolicySelection(api: "a", operation: "nope"), "no operation nope in API a; its operations are: get-x (GET /x), post-x (POST /x)"),
    ])
    func selectionErrorsListTheChoices(selection: PolicySelection, message: String) throws {
        let service = try T.service([
            "art/apis/a/policy.xml": T.policies(""),
            "art/apis/a/specification.json": #"{"paths": {"/x": {"get": {"operationId": "get-x"}, "post": {"operationId": "post-x"}}}}"#,
            "art/apis/b/policy.xml": T.policies(""),
            "art/products/p/apis/a/productApiInformation.json": "{}",
        ])
        #expect(throws: JWTAuditError(.invalidArgument, message)) { try service.select(selection) }
    }

    @Test func anUnreadableScopeIsAFindingAndTheRestIsComposed() throws {
        let service = try T.service([
            "art/policy.xml": "<policies><inbound><set-header name=\"x\"></policies>",
            "art/apis/a/policy.xml": T.policies(T.validateJWT),
        ])
        #expect(service.findings.map(\.id) == ["policy-unreadable", "named-value-unknown"] || service.findings.map(\.id).contains("policy-unreadable"))
        let unreadable = try #require(service.findings.first { $0.id == "policy-unreadable" })
        #expect(unreadable.source == "art/policy.xml" && unreadable.line == 1)
        let policy = try service.select(PolicySelection())
        #expect(policy.unknownScopes == ["the global policy in art/policy.xml"])
        #expect(policy.document.validatesToken)
    }
}
