#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy --policy PATH` over the shipped APIOps tree, Bicep file, ARM template and Terraform module, and
/// over the whole examples directory: every finding at the file and line where its text is, with its scope, in
/// text, JSON and SARIF; selection of one effective policy; `--environment`.
@Suite("check-policy: policy sources (APIOps, Bicep, ARM, Terraform)")
struct CheckPolicySourcesTests {
    struct Found: Equatable, CustomStringConvertible {
        var id: String
        var file: String
        var line: Int
        var severity: String
        var scope: JSONObject?
        var message: String
        var description: String { "\(id) \(file):\(line)" }
    }

    func lint(_ arguments: [String]) throws -> Support.Result {
        try PolicyTest.run(["check-policy"] + arguments)
    }

    func findings(_ result: Support.Result) throws -> [Found] {
        let json = try PolicyTest.json(result)
        return (json["findings"]?.arrayValue ?? []).compactMap(\.objectValue).map { object in
            Found(
                id: object["id"]?.stringValue ?? "", file: object["file"]?.stringValue ?? "",
                line: Int(object["line"]?.numberValue?.int64Value ?? 0), severity: object["severity"]?.stringValue ?? "",
                scope: object["scope"]?.objectValue, message: object["message"]?.stringValue ?? "")
        }
    }

    /// The finding with `id` whose file ends with `suffix`.
    func finding(_ all: [Found], _ id: String, in suffix: String) throws -> Found {
        try #require(all.first { $0.id == id && $0.file.hasSuffix(suffix) }, "\(id) in \(suffix): \(all)")
    }

    func scope(_ found: Found) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in found.scope?.members ?? [] { if let s = value.stringValue { out[key] = s } }
        return out
    }

    static let apiops = PolicyTest.example("apimartifacts")

    @Test func theAPIOpsTreeIsLintedWholeWithFilesLinesAndScopes() throws {
        let result = try lint(["--policy", Self.apiops, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let all = try findings(result)
        let bypass = try finding(all, "product-validation-bypassed", in: "apimartifacts/products/partners/policy.xml")
        #expect(bypass.line == 5 && bypass.severity == "error")
        #expect(scope(bypass) == ["product": "partners", "api": "reports"])
        let dropped = try finding(all, "validation-dropped-by-missing-base", in: "apis/orders;rev=2/operations/create-order/policy.xml")
        #expect(dropped.line == 3 && scope(dropped) == ["api": "orders;rev=2", "operation": "create-order"])
        #expect(dropped.message.contains("policy fragments/validate-tenant-token/policy.xml line 2"))
        let rewrite = try finding(all, "authorization-rewritten-before-validation", in: "apimartifacts/apis/legacy/policy.xml")
        #expect(rewrite.line == 5 && scope(rewrite) == ["api": "legacy"])
        let missing = try finding(all, "fragment-missing", in: "workspaces/sales/apis/leads/policy.xml")
        #expect(missing.line == 17 && scope(missing) == ["workspace": "sales", "api": "leads"])
        let uncovered = try finding(all, "operation-without-validation", in: "apis/inventory/apiInformation.json")
        #expect(scope(uncovered) == ["api": "inventory", "operation": "list-items"])
        let secret = try finding(all, "named-value-unknown", in: "apimartifacts/products/partners/policy.xml")
        #expect(secret.line == 20 && secret.message.contains("{{partner-api-key}} is a Key Vault reference"))
        // Only the revision's dropped <base /> is reported for it, not its effects again.
        #expect(!all.contains { $0.id == "revision-without-validation" || ($0.id == "operation-without-validation" && $0.file.contains("rev=2")) })
        // Each finding once, whatever the number of effective policies its text is in.
        #expect(Set(all.map(\.description)).count == all.count)
    }

    @Test func textOutputSaysWhereAndWhatValidatesNoToken() throws {
        let result = try lint(["--policy", Self.apiops])
        #expect(result.status == 1)
        #expect(result.stdout.contains(Self.apiops + "/products/partners/policy.xml:5:5: error: product-validation-bypassed: only product partners validates the token"))
        #expect(result.stdout.contains(" [product partners, API reports]\n"))
        #expect(result.stdout.contains("API reports (1 operation), no product (keyless: the API requires no subscription and no open product holds it): validates no token"))
        #expect(result.stdout.hasSuffix("8 findings (4 errors, 1 warning, 3 infos)\n"), "\(result.stdout)")
    }

    @Test func sarifPointsAtTheLinesAndEncodesTheFilePaths() throws {
        let result = try lint(["--policy", Self.apiops, "--format", "sarif", "--fail-on", "never"])
        #expect(result.status == 0)
        let run = try #require(try PolicyTest.json(result)["runs"]?.arrayValue?.first?.objectValue)
        let results = (run["results"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(results.count == 8)
        let bypass = try #require(results.first { $0["ruleId"] == .string("product-validation-bypassed") })
        let location = bypass["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue
        #expect(location?["artifactLocation"]?.objectValue?["uri"]?.stringValue?.hasSuffix("apimartifacts/products/partners/policy.xml") == true)
        #expect(location?["region"]?.objectValue?["startLine"]?.numberValue?.int64Value == 5)
        let uris = results.compactMap { $0["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue?["artifactLocation"]?.objectValue?["uri"]?.stringValue }
        #expect(uris.allSatisfy { !$0.contains(" ") })
    }

    @Test func theBicepFileIsReadWithInlineTextOnItsOwnLines() throws {
        let result = try lint(["--policy", PolicyTest.example("bicep/apim-policies.bicep"), "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let all = try findings(result)
        let inline = try finding(all, "named-value-unknown", in: "bicep/apim-policies.bicep")
        #expect(inline.line == 89 || all.contains { $0.id == "named-value-unknown" && $0.line == 89 })
        let unresolvable = try finding(all, "policy-not-resolvable", in: "bicep/apim-policies.bicep")
        #expect(unresolvable.line == 221 && scope(unresolvable) == ["workspace": "sales", "api": "leads"])
        let revision = try finding(all, "revision-without-validation", in: "bicep/apim-policies.bicep")
        #expect(revision.line == 162 && scope(revision) == ["api": "orders;rev=2"])
        let bypass = try finding(all, "product-validation-bypassed", in: "bicep/policies/reports-partners.xml")
        #expect(bypass.line == 4)
    }

    @Test func theARMTemplateIsReadWithTextDecodedInPlace() throws {
        let result = try lint(["--policy", PolicyTest.example("arm/apim-policies.json"), "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let all = try findings(result)
        let rewrite = try finding(all, "authorization-rewritten-before-validation", in: "arm/apim-policies.json")
        #expect(rewrite.line == 56 && scope(rewrite) == ["api": "billing", "operation": "list-invoices"])
        #expect(try finding(all, "policy-not-resolvable", in: "arm/apim-policies.json").line == 65)
    }

    @Test func theTerraformModuleIsReadWithHeredocsOnTheirLines() throws {
        for path in [PolicyTest.example("terraform/main.tf"), PolicyTest.example("terraform")] {
            let result = try lint(["--policy", path, "--json"])
            #expect(result.status == 1, "\(result.stderr)")
            let all = try findings(result)
            let dropped = try finding(all, "validation-dropped-by-missing-base", in: "terraform/main.tf")
            #expect(dropped.line == 121 && scope(dropped) == ["api": "inventory", "operation": "get-stock"])
            let template = try finding(all, "policy-not-resolvable", in: "terraform/main.tf")
            #expect(template.line == 162 && template.message.contains("templatefile("))
        }
    }

    @Test func theWholeExamplesDirectoryIsOneCommand() throws {
        let result = try lint(["--policy", PolicyTest.example(""), "--format", "sarif", "--fail-on", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try PolicyTest.json(result)["runs"]?.arrayValue?.first?.objectValue)
        let uris = Set((run["results"]?.arrayValue ?? []).compactMap {
            $0.objectValue?["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue?["artifactLocation"]?.objectValue?["uri"]?.stringValue
        })
        for expected in ["apimartifacts/products/partners/policy.xml", "bicep/apim-policies.bicep", "arm/apim-policies.json",
                         "terraform/main.tf", "policies/weak.xml"] {
            #expect(uris.contains { $0.hasSuffix(expected) }, "\(expected) in \(uris)")
        }
    }

    @Test func oneEffectivePolicyIsChosenAndJudged() throws {
        let chosen = try lint(["--policy", Self.apiops, "--api", "orders", "--operation", "POST /orders", "--product", "starter", "--json"])
        #expect(chosen.status == 0, "\(chosen.stdout) \(chosen.stderr)")
        #expect(try findings(chosen).map(\.id) == ["named-value-unknown"])
        let revision = try lint(["--policy", Self.apiops, "--api", "orders;rev=2", "--operation", "create-order", "--no-product"])
        #expect(revision.status == 1)
        #expect(revision.stdout.contains("validation-dropped-by-missing-base"))
        #expect(revision.stdout.contains("API orders;rev=2, operation create-order (POST /orders), no product"))
    }

    @Test(arguments: [
        (["--api", "nope"], "no API nope in"),
        (["--api", "orders"], "choose an operation of API orders with --operation"),
        (["--api", "orders", "--operation", "get-order"], "choose a product context for API orders: --product starter, --no-product"),
    ])
    func anIncompleteChoiceListsTheChoices(arguments: [String], message: String) throws {
        let result = try lint(["--policy", Self.apiops] + arguments)
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot choose one effective policy"))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func anEnvironmentConfigurationIsLintedAsDeployed() throws {
        let directory = try TemporaryDirectory()
        try directory.write("configuration.prod.yaml", """
            apis:
              - name: reports
                properties:
                  subscriptionRequired: true
            namedValues:
              - name: partner-api-key
                properties:
                  value: not-secret-in-prod
            """)
        let result = try lint(["--policy", Self.apiops, "--environment", directory.path + "/configuration.prod.yaml", "--json"])
        let all = try findings(result)
        // With a key required, the bypass needs an API-scoped, all-APIs or built-in key: a warning.
        #expect(try finding(all, "product-validation-bypassed", in: "products/partners/policy.xml").severity == "warning")
        #expect(!all.contains { $0.id == "named-value-unknown" && $0.message.contains("partner-api-key") })
    }

    @Test func aTokenWithASourceOrAChoiceIsAUsageErrorForNow() throws {
        for arguments in [["--policy", Self.apiops], ["--policy", PolicyTest.example("policies/certificate-only-v1.xml"), "--api", "orders"]] {
            let result = try lint(arguments + [PolicyTest.example("tokens/certificate-v1.jwt")] + PolicyTest.offline)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains("a token cannot be evaluated with"), "\(result.stderr)")
        }
        let conflicting = try lint(["--policy", Self.apiops, "--product", "starter", "--no-product"])
        #expect(conflicting.status == 64)
    }

    /// The README's runs over the example sources show real output.
    @Test func theREADMEShowsTheRealLintOutput() throws {
        let readme = try #require(Support.readFile("README.md"))
        let shown = readme.split(separator: "\n").filter { $0.hasPrefix("examples/apimartifacts/") || $0.hasPrefix("examples/terraform/main.tf:") }
        #expect(shown.count >= 3)
        let apiops = try lint(["--policy", Self.apiops]).stdout
        let terraform = try lint(["--policy", PolicyTest.example("terraform/main.tf")]).stdout
        for line in shown {
            let real = String(line).replacing("examples/", with: PolicyTest.root + "/examples/")
            #expect(apiops.contains(real) || terraform.contains(real), "README line is stale: \(line)")
        }
    }
}
