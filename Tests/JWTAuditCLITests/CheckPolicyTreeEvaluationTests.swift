#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy --policy TREE --api A --operation O --product P|--no-product TOKEN` (and `explain`): a token
/// evaluated against one operation's effective policy, as against the same composed policy given as XML files.
@Suite("check-policy: a token against one operation of a tree or a template")
struct CheckPolicyTreeEvaluationTests {
    static let apiops = PolicyTest.example("apimartifacts")
    static let tokens = ["certificate-v1.jwt", "secret-v1.jwt", "certificate-v2.jwt"]

    func run(_ arguments: [String]) throws -> Support.Result { try PolicyTest.run(arguments) }

    /// The tree's named values, and a stand-in for each secret one (a single XML file needs every name).
    static func namedValues() throws -> [String] {
        var arguments: [String] = []
        for name in ["backend-key", "client-app-id", "orders-audience", "partner-api-key", "tenant-id"] {
            let text = try #require(Support.readFile("examples/apimartifacts/named values/\(name)/namedValueInformation.json"))
            let properties = try #require(try JSONParser.parse(text).objectValue?["properties"]?.objectValue)
            arguments += ["--named-value", "\(name)=\(properties["value"]?.stringValue ?? "secret-stand-in")"]
        }
        return arguments
    }

    /// The scope files of one effective policy, outermost first, with each `<include-fragment>` replaced by the
    /// fragment's text (as a person would paste it): the input of the single-file path.
    static func scopeFiles(
        _ policy: JSONObject, into directory: TemporaryDirectory
    ) throws -> [String] {
        let workspace = policy["workspace"]?.stringValue
        let level = workspace.map { "workspaces/\($0)/" } ?? ""
        let api = try #require(policy["api"]?.stringValue)
        var scopes = ["policy.xml"]
        if let workspace { scopes.append("workspaces/\(workspace)/policy.xml") }
        if let product = policy["product"]?.stringValue { scopes.append("\(level)products/\(product)/policy.xml") }
        scopes.append("\(level)apis/\(api)/policy.xml")
        if let operation = policy["operation"]?.stringValue { scopes.append("\(level)apis/\(api)/operations/\(operation)/policy.xml") }
        var files: [String] = []
        for (index, scope) in scopes.enumerated() {
            guard var text = Support.readFile("examples/apimartifacts/" + scope) else { continue }
            text = try inliningFragments(text, level: level)
            let name = "scope\(index).xml"
            try directory.write(name, text)
            files.append(directory.path + "/" + name)
        }
        return files
    }

    static func inliningFragments(_ text: String, level: String) throws -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "<include-fragment fragment-id=\"") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let idEnd = try #require(after.firstIndex(of: "\""))
            let id = String(after[..<idEnd])
            let close = try #require(after[idEnd...].firstRange(of: "/>"))
            let fragment = Support.readFile("examples/apimartifacts/\(level)policy fragments/\(id)/policy.xml")
                ?? Support.readFile("examples/apimartifacts/policy fragments/\(id)/policy.xml")
            // A missing fragment stays as written, as the tree keeps it.
            out += fragment.map { $0.replacing("<fragment>", with: "").replacing("</fragment>", with: "") }
                ?? String(rest[start.lowerBound..<close.upperBound])
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    /// What the two paths must agree on: the exit status, the verdict and every check.
    struct Verdict: Equatable, CustomStringConvertible {
        var status: Int32
        var accepted: String
        var lastError: String
        var checks: [String]
        var description: String { "\(status) \(accepted) \(lastError) \(checks.joined(separator: "; "))" }

        init(_ result: Support.Result) throws {
            status = result.status
            guard result.status == 0 || result.status == 1 else {
                accepted = ""
                lastError = result.stdout.isEmpty ? "" : "stdout: \(result.stdout)"
                checks = []
                return
            }
            let json = try PolicyTest.json(result)
            accepted = "\(json["accepted"] ?? .null) \(json["statusCode"] ?? .null) \(JSONWriter.write(json["body"] ?? .null, style: .compact))"
            lastError = JSONWriter.write(json["lastError"] ?? .null, style: .compact)
            checks = (json["checks"]?.arrayValue ?? []).compactMap(\.objectValue).map { check in
                ["id", "status", "expected", "actual"].map { JSONWriter.write(check[$0] ?? .null, style: .compact) }.joined(separator: " ")
            }
        }
    }

    @Test func everyOperationAndContextAgreesWithTheSameScopesGivenAsXMLFiles() throws {
        let named = try Self.namedValues()
        let matrix = try PolicyTest.json(try run(["check-policy", "--policy", Self.apiops, "--matrix", "--json"] + named))
        let policies = (matrix["policies"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(policies.count >= 20, "every operation in every context of the tree: \(policies.count)")
        var compared = 0
        var evaluated = 0
        for policy in policies {
            let directory = try TemporaryDirectory()
            let files = try Self.scopeFiles(policy, into: directory)
            var selection = ["--api", try #require(policy["api"]?.stringValue)]
            if let workspace = policy["workspace"]?.stringValue { selection[1] = workspace + "/" + selection[1] }
            if let operation = policy["operation"]?.stringValue { selection += ["--operation", operation] }
            selection += policy["product"]?.stringValue.map { ["--product", $0] } ?? ["--no-product"]
            for token in Self.tokens {
                let tokenPath = PolicyTest.example("tokens/" + token)
                let tree = try run(["check-policy", "--policy", Self.apiops] + selection + named + PolicyTest.offline + ["--json", tokenPath])
                let single = try run(["check-policy"] + files.flatMap { ["--policy", $0] } + named + PolicyTest.offline + ["--json", tokenPath])
                let label = "\(policy["label"]?.stringValue ?? "") with \(token)"
                #expect(try Verdict(tree) == Verdict(single), "\(label)\ntree: \(tree.stderr)\nsingle: \(single.stderr)")
                #expect([0, 1, 3].contains(tree.status), "\(label): \(tree.stderr)")
                if tree.status == 3 {
                    // Both refuse to evaluate a policy that validates no token, and say so.
                    #expect(tree.stderr.contains("validates no token") && single.stderr.contains("validates no token"), "\(label)")
                    #expect(tree.stdout.isEmpty && single.stdout.isEmpty)
                } else {
                    evaluated += 1
                }
                compared += 1
            }
        }
        #expect(compared == policies.count * Self.tokens.count)
        #expect(evaluated > compared / 2, "most contexts validate a token: \(evaluated) of \(compared)")
    }

    @Test func theSeedScenarioThroughTheTreeGivesTheSeedAnswers() throws {
        let selection = ["--policy", Self.apiops, "--api", "orders", "--operation", "get-order", "--product", "starter", "--json"]
        let certificate = try run(["check-policy"] + selection + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(certificate.status == 0, "\(certificate.stderr)")
        let secret = try run(["check-policy"] + selection + PolicyTest.offline + [PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(secret.status == 1)
        #expect(try PolicyTest.reason(secret) == "TokenClaimValueNotAllowed")
        // The validation is the fragment's: the report names the fragment file.
        let validations = try PolicyTest.json(secret)["validations"]?.arrayValue?.first?.objectValue
        #expect(validations?["file"]?.stringValue?.hasSuffix("policy fragments/validate-tenant-token/policy.xml") == true)
    }

    @Test func anAmbiguousChoiceListsTheChoicesAsLintDoes() throws {
        let token = PolicyTest.example("tokens/certificate-v1.jwt")
        for (selection, choices) in [
            ([String](), "choose an API with --api: inventory, legacy, orders, orders;rev=2, reports, sales/leads"),
            (["--api", "orders"], "create-order (POST /orders), get-order (GET /orders/{id}), list-orders (GET /orders)"),
            (["--api", "orders", "--operation", "get-order"], "--product starter, --no-product"),
            (["--api", "nosuch"], "no API nosuch in"),
        ] {
            let evaluation = try run(["check-policy", "--policy", Self.apiops] + selection + PolicyTest.offline + [token])
            #expect(evaluation.status == 3, "\(selection): \(evaluation.stderr)")
            #expect(evaluation.stdout.isEmpty)
            #expect(evaluation.stderr.contains("cannot choose one effective policy") && evaluation.stderr.contains(choices), "\(evaluation.stderr)")
            if !selection.isEmpty {
                // Lint's selection error is the same, with the same status.
                let lint = try run(["check-policy", "--policy", Self.apiops] + selection)
                #expect(lint.status == evaluation.status && lint.stderr == evaluation.stderr, "\(lint.stderr)")
            }
        }
    }

    @Test func aSecretNamedValueTheValidationNeedsIsNamedThenTaken() throws {
        let directory = try TemporaryDirectory()
        try directory.write("tree/policy.xml", Self.policies("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>{{api-audience}}</audience></audiences>
            </validate-jwt>
            <set-header name="X-Key" exists-action="override"><value>{{backend-key}}</value></set-header>
            """))
        try directory.write("tree/apis/orders/apiInformation.json", #"{"properties": {"path": "orders"}}"#)
        try directory.write("tree/named values/api-audience/namedValueInformation.json", #"{"properties": {"displayName": "api-audience", "secret": true}}"#)
        try directory.write("tree/named values/backend-key/namedValueInformation.json", #"{"properties": {"displayName": "backend-key", "keyVault": {"secretIdentifier": "https://kv.vault.azure.net/secrets/k"}}}"#)
        let arguments = ["check-policy", "--policy", directory.path + "/tree", "--no-product"] + PolicyTest.offline
        let token = PolicyTest.example("tokens/certificate-v1.jwt")
        let missing = try run(arguments + [token])
        #expect(missing.status == 3)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("api-audience (a secret named value in"), "\(missing.stderr)")
        #expect(missing.stderr.contains("--named-value NAME=VALUE"))
        // The Key Vault backend key does not decide the token's fate, so it is not asked for.
        #expect(!missing.stderr.contains("backend-key"))
        let given = try run(arguments + ["--named-value", "api-audience=https://myapi.dewi.red", token])
        #expect(given.status == 0, "\(given.stderr)")
        let wrong = try run(arguments + ["--named-value", "api-audience=api://other", "--json", token])
        #expect(wrong.status == 1)
        #expect(try PolicyTest.reason(wrong) == "TokenAudienceNotAllowed")
    }

    static func policies(_ inbound: String) -> String {
        "<policies>\n  <inbound>\n    \(inbound)\n  </inbound>\n  <backend><forward-request /></backend>\n  <outbound />\n  <on-error />\n</policies>\n"
    }

    @Test func explainNarratesTheSameEvaluation() throws {
        let selection = ["--policy", Self.apiops, "--api", "reports", "--product", "partners"] + PolicyTest.offline
        for token in Self.tokens {
            let tokenPath = PolicyTest.example("tokens/" + token)
            let check = try run(["check-policy"] + selection + ["--json", tokenPath])
            let explain = try run(["explain"] + selection + ["--json", tokenPath])
            #expect(check.status == explain.status, "\(token): \(check.stderr) \(explain.stderr)")
            // explain's verdict is check-policy's verdict object.
            let verdict = try #require(try PolicyTest.json(explain)["verdict"]?.objectValue)
            let answer = try PolicyTest.json(check)
            for key in ["accepted", "statusCode", "body", "lastError"] {
                #expect(verdict[key] != nil && verdict[key] == answer[key], "\(token): \(key)")
            }
        }
        // The partners product takes v2.0 certificate tokens only.
        #expect(try run(["check-policy"] + selection + [PolicyTest.example("tokens/certificate-v2.jwt")]).status == 0)
    }

    @Test func templatesAreEvaluatedToo() throws {
        let token = PolicyTest.example("tokens/certificate-v1.jwt")
        // Terraform: the tenant is a named value the module does not hold; given, the global validation runs.
        let terraform = ["check-policy", "--policy", PolicyTest.example("terraform/main.tf"), "--api", "inventory",
                         "--operation", "list-items", "--no-product"] + PolicyTest.offline
        let unknown = try run(terraform + [token])
        #expect(unknown.status == 3 && unknown.stderr.contains("tenant-id"), "\(unknown.stderr)")
        let known = try run(terraform + ["--named-value", "tenant-id=\(PolicyTest.tenant)",
                                         "--expression-value", #"@(context.Request.Headers.ContainsKey("Authorization") ? "Invalid token." : "Token required.")=Invalid token."#,
                                         "--json", PolicyTest.example("tokens/secret-v1.jwt")])
        #expect(known.status == 1, "\(known.stderr)")
        #expect(try PolicyTest.reason(known) == "TokenClaimValueNotAllowed")
        #expect(try PolicyTest.json(known)["body"]?.objectValue?["message"]?.stringValue == "Invalid token.")
        // Bicep: the partners product of the reports API.
        let bicep = ["check-policy", "--policy", PolicyTest.example("bicep/apim-policies.bicep"), "--api", "reports",
                     "--product", "partners", "--named-value", "tenant-id=\(PolicyTest.tenant)"] + PolicyTest.offline
        // Its audience is api://GUID, while a v2.0 token's aud is the bare GUID: the aud-form trap.
        let v2 = try run(bicep + ["--json", PolicyTest.example("tokens/certificate-v2.jwt")])
        #expect(v2.status == 1, "\(v2.stderr)")
        #expect(try PolicyTest.reason(v2) == "TokenAudienceNotAllowed")
    }

    @Test func aTreeIsTheOnlyPolicyOfAnEvaluation() throws {
        let token = PolicyTest.example("tokens/certificate-v1.jwt")
        for arguments in [
            ["--policy", Self.apiops, "--policy", PolicyTest.example("policies/certificate-only-v1.xml")],
            ["--policy", PolicyTest.example("policies/certificate-only-v1.xml"), "--policy", PolicyTest.example("policies/weak.xml"), "--api", "orders"],
        ] {
            let result = try run(["check-policy"] + arguments + PolicyTest.offline + [token])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("give it as the only --policy"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let environment = try run(["check-policy", "--policy", PolicyTest.example("policies/certificate-only-v1.xml"),
                                   "--environment", PolicyTest.example("policies/apiops/named-values.json")] + PolicyTest.offline + [token])
        #expect(environment.status == 64 && environment.stderr.contains("--environment applies to an APIOps tree"), "\(environment.stderr)")
        // A single file with a selection: as for lint, there is nothing to choose among.
        let single = try run(["check-policy", "--policy", PolicyTest.example("policies/certificate-only-v1.xml"), "--api", "orders"]
            + PolicyTest.offline + [token])
        #expect(single.status == 3 && single.stderr.contains("is a single policy file"), "\(single.stderr)")
    }
}
