#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy --matrix`: which client tokens each effective policy admits, in a table that fits 100 columns
/// and as JSON rows, for a single policy, one operation of a tree, and a whole tree.
@Suite("check-policy --matrix: which client tokens a policy admits")
struct CheckPolicyMatrixTests {
    static let seed = PolicyTest.example("policies/certificate-only-v1.xml")
    static let apiops = PolicyTest.example("apimartifacts")
    static let cache = ["--cache-dir", PolicyTest.example("cache"), "--at", PolicyTest.at]

    func run(_ arguments: [String]) throws -> Support.Result { try PolicyTest.run(["check-policy"] + arguments) }

    struct Row: Equatable, CustomStringConvertible {
        var version: String
        var client: String
        var credential: String
        var admitted: Bool
        var status: Int
        var reason: String?
        var decidedBy: String?
        var object: JSONObject
        var description: String { "\(version) \(client) \(credential) \(admitted) \(status) \(reason ?? "-") \(decidedBy ?? "-")" }

        static func == (lhs: Row, rhs: Row) -> Bool { lhs.description == rhs.description }
    }

    func rows(_ result: Support.Result) throws -> [Row] {
        try (PolicyTest.json(result)["rows"]?.arrayValue ?? []).compactMap(\.objectValue).map { object in
            Row(
                version: object["tokenVersion"]?.stringValue ?? "", client: object["client"]?.stringValue ?? "",
                credential: object["credential"]?.stringValue ?? "", admitted: object["admitted"]?.boolValue ?? false,
                status: Int(object["statusCode"]?.numberValue?.int64Value ?? 0), reason: object["reason"]?.stringValue,
                decidedBy: object["decidedBy"]?.stringValue, object: object)
        }
    }

    func row(_ rows: [Row], _ version: String, _ client: String, _ credential: String) throws -> Row {
        try #require(rows.first { $0.version == version && $0.client == client && $0.credential == credential }, "\(rows)")
    }

    /// The text rows of the first table: `v1.0  app  certificate  yes  200  -  -` split on spaces.
    func tableLines(_ text: String) -> [[Substring]] {
        text.split(separator: "\n").filter { $0.hasPrefix("  v1.0 ") || $0.hasPrefix("  v2.0 ") }.map { $0.split(separator: " ") }
    }

    @Test func theSeedPolicyAtAGlance() throws {
        let result = try run(["--policy", Self.seed, "--matrix"] + Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("Signatures are assumed valid"))
        let lines = tableLines(result.stdout)
        #expect(lines.count == 10)
        #expect(lines.contains { $0.prefix(5) == ["v1.0", "app", "certificate", "yes", "200"] })
        #expect(lines.contains { $0.prefix(7) == ["v1.0", "app", "secret", "no", "401", "TokenClaimValueNotAllowed", "appidacr"] })
        let v2 = try #require(lines.first { $0.prefix(3) == ["v2.0", "app", "certificate"] })
        #expect(v2[3] == "no" && v2[4] == "401")
        // The claim-name trap shows in the row: appid is among what refuses a v2.0 token.
        #expect(v2.dropFirst(6).joined(separator: " ").contains("appid"), "\(v2)")
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("  v") || line.hasPrefix("  token") {
            #expect(line.count <= 100, "wider than 100 columns: \(line)")
        }
        #expect(result.stdout.contains("1 effective policy"))
    }

    @Test func theJSONRowsCarryTheVerdictAndThePolicysIdentity() throws {
        let result = try run(["--policy", Self.apiops, "--api", "orders", "--operation", "get-order", "--product", "starter", "--matrix", "--json"] + Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try PolicyTest.json(result)
        #expect(json["signatures"] == "assumed")
        #expect(json["assumption"]?.stringValue?.hasPrefix("Signatures are assumed valid") == true)
        let all = try rows(result)
        #expect(all.count == 10)
        let secret = try row(all, "1.0", "app", "secret")
        #expect(!secret.admitted && secret.status == 401 && secret.reason == "TokenClaimValueNotAllowed" && secret.decidedBy == "appidacr")
        #expect(secret.object["message"]?.stringValue == "Claim appidacr value of 1 is not allowed. Access denied.")
        #expect(secret.object["decidedAt"]?.objectValue?["file"]?.stringValue?.hasSuffix("policy fragments/validate-tenant-token/policy.xml") == true)
        #expect(secret.object["claims"]?.objectValue?["appidacr"] == "1")
        for key in ["api", "operation", "product", "scope", "file", "source", "context", "keyless"] {
            #expect(secret.object[key] != nil, "\(key)")
        }
        #expect(secret.object["api"] == "orders" && secret.object["operation"] == "get-order" && secret.object["product"] == "starter")
        #expect(secret.object["context"] == "product" && secret.object["keyless"] == false)
        #expect(secret.object["scope"]?.objectValue?["operation"] == "get-order")
        #expect(secret.object["file"]?.stringValue?.hasSuffix("apis/orders/operations/get-order/policy.xml") == true)
        #expect(try row(all, "1.0", "app", "certificate").admitted)
        #expect(try row(all, "1.0", "app", "certificate").object["reason"] == .null)
        let policies = try #require(json["policies"]?.arrayValue)
        #expect(policies.count == 1 && policies[0].objectValue?["evaluated"] == true)
    }

    @Test func aWholeTreeShowsEveryOperationInEveryContextAndTheBypass() throws {
        let result = try run(["--policy", Self.apiops, "--matrix", "--json"] + Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        let all = try rows(result)
        let policies = try #require(try PolicyTest.json(result)["policies"]?.arrayValue?.compactMap(\.objectValue))
        #expect(all.count == policies.count * 10)
        // The reports API is reachable without any key, and then nothing validates a token: every row admitted.
        let keyless = all.filter { $0.object["api"] == "reports" && $0.object["context"] == "no-product" }
        #expect(keyless.count == 10 && keyless.allSatisfy(\.admitted))
        #expect(keyless.first?.object["keyless"] == true)
        // Its partners product validates v2.0 certificate tokens.
        let partners = all.filter { $0.object["api"] == "reports" && $0.object["product"] == "partners" }
        #expect(try row(partners, "2.0", "app", "certificate").admitted)
        #expect(try !row(partners, "2.0", "app", "secret").admitted)
        #expect(try row(partners, "1.0", "app", "certificate").reason == "TokenIssuerNotAllowed")
        // Text: policies with the same matrix share one table.
        let text = try run(["--policy", Self.apiops, "--matrix"] + Self.cache)
        #expect(text.stdout.contains("\(policies.count) effective policies, "), "\(text.stdout.suffix(200))")
        #expect(text.stdout.contains(" distinct matri"))
    }

    @Test func theIssuerComesFromTheCacheElseFromTheURLAndTheAnswersAgree() throws {
        let cached = try run(["--policy", Self.seed, "--matrix", "--json"] + Self.cache)
        let empty = try TemporaryDirectory()
        let inferred = try run(["--policy", Self.seed, "--matrix", "--json", "--cache-dir", empty.path, "--at", PolicyTest.at])
        #expect(cached.status == 0 && inferred.status == 0)
        #expect(try rows(cached) == rows(inferred))
        func notes(_ result: Support.Result) throws -> String {
            try (PolicyTest.json(result)["policies"]?.arrayValue?.first?.objectValue?["notes"]?.arrayValue ?? [])
                .compactMap(\.stringValue).joined(separator: " ")
        }
        #expect(try notes(cached).contains("from the cache"))
        #expect(try notes(inferred).contains("is inferred from the URL"))
        // Nothing was fetched: the empty cache is still empty.
        #expect(TemporaryDirectoryReader.listing(empty.path) == [])
    }

    @Test func itNeverFetches() throws {
        // An openid-config on a port nothing listens on, without --offline: the matrix does not try it.
        let policy = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://127.0.0.1:9/.well-known/openid-configuration" />
              <audiences><audience>c9a3b3d1-7c4e-4a55-9d8f-2f0e6b1a5c77</audience></audiences>
            </validate-jwt>
            """)
        let empty = try TemporaryDirectory()
        let result = try run(["--policy", policy.path, "--matrix", "--cache-dir", empty.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("the issuer is not judged"))
    }

    @Test func aPolicyThatCannotBeEvaluatedIsListedWithTheReason() throws {
        let policy = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
              <audiences><audience>@(context.Api.ServiceUrl.Host)</audience></audiences>
            </validate-jwt>
            """)
        let text = try run(["--policy", policy.path, "--matrix"] + Self.cache)
        #expect(text.status == 0)
        #expect(text.stdout.contains("not evaluated: "), "\(text.stdout)")
        #expect(text.stdout.contains("--expression-value"))
        let json = try run(["--policy", policy.path, "--matrix", "--json"] + Self.cache)
        let entry = try #require(try PolicyTest.json(json)["policies"]?.arrayValue?.first?.objectValue)
        #expect(entry["evaluated"] == false)
        #expect(entry["error"]?.objectValue?["code"] == "unevaluable")
        #expect(try rows(json).isEmpty)
        // Given the value, it is.
        let given = try run(["--policy", policy.path, "--matrix", "--json", "--expression-value", "@(context.Api.ServiceUrl.Host)=https://myapi.dewi.red"] + Self.cache)
        #expect(try row(rows(given), "1.0", "app", "secret").admitted)
        // A named value nobody supplied, in a single file, is listed the same way.
        let named = try PolicyTest.policy("<validate-jwt header-name=\"Authorization\"><audiences><audience>{{aud}}</audience></audiences></validate-jwt>")
        let unnamed = try run(["--policy", named.path, "--matrix"] + Self.cache)
        #expect(unnamed.status == 0 && unnamed.stdout.contains("named value not supplied: aud"), "\(unnamed.stdout)")
    }

    @Test func scopeFilesAreComposedAsForAToken() throws {
        let scopes = ["global", "api", "operation"].flatMap { ["--policy", PolicyTest.example("policies/apiops/\($0).xml")] }
        let result = try run(scopes + ["--named-values", PolicyTest.example("policies/apiops/named-values.json"), "--matrix", "--json"] + Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try #require(try PolicyTest.json(result)["policies"]?.arrayValue?.first?.objectValue)
        #expect(entry["source"]?.stringValue?.contains(" + ") == true)
        #expect(try rows(result).count == 10)
    }

    @Test(arguments: [
        (["TOKEN"], "--matrix"),
        (["--format", "sarif"], "SARIF is for lint findings"),
        (["--fail-on", "error"], "--fail-on"),
        (["--request-header", "Authorization: Bearer x"], "--request-header"),
    ])
    func usageErrors(_ extra: [String], _ said: String) throws {
        let arguments = extra.map { $0 == "TOKEN" ? PolicyTest.example("tokens/certificate-v1.jwt") : $0 }
        let result = try run(["--policy", Self.seed, "--matrix"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(said), "\(result.stderr)")
    }

    @Test func badSourcesAreBadInput() throws {
        let empty = try TemporaryDirectory()
        for (path, said) in [(empty.path, "found no policy source"), (empty.path + "/missing.xml", "cannot")] {
            let result = try run(["--policy", path, "--matrix"])
            #expect(result.status == 3, "\(path): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains(said), "\(result.stderr)")
        }
        let malformed = try PolicyTest.policy("<validate-jwt><audiences>")
        let result = try run(["--policy", malformed.path, "--matrix"])
        #expect(result.status == 3 && result.stdout.isEmpty)
        let unknown = try run(["--policy", Self.apiops, "--api", "nosuch", "--matrix"])
        #expect(unknown.status == 3 && unknown.stderr.contains("the APIs are: "), "\(unknown.stderr)")
    }

    @Test func whatThePolicySaysIsEscapedInText() throws {
        let policy = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <issuer-signing-keys><key>c2VjcmV0</key></issuer-signing-keys>
              <audiences><audience>api://x&#x9B;31m&#xA;VALID</audience></audiences>
            </validate-jwt>
            """)
        let result = try run(["--policy", policy.path, "--matrix"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains("\u{9B}"))
        #expect(!result.stdout.contains("\nVALID"))
        #expect(result.stdout.contains(#"api://x\u009b31m\nVALID"#), "\(result.stdout)")
        let json = try run(["--policy", policy.path, "--matrix", "--json"])
        #expect(try rows(json).first?.object["claims"]?.objectValue?["aud"]?.stringValue == "api://x\u{9B}31m\nVALID")
    }

    /// The README's runs of tree evaluation and --matrix show real output.
    @Test func theREADMEShowsTheRealOutput() throws {
        let readme = try #require(Support.readFile("README.md"))
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        /// The lines shown after the command that starts with `command`, up to the block's end.
        func shown(_ command: String) throws -> [String] {
            let start = try #require(lines.firstIndex { $0.hasPrefix("$ jwtaudit " + command) }, "README has no run of \(command)")
            var first = start + 1
            while lines[first - 1].hasSuffix("\\") { first += 1 }
            let end = try #require(lines[first...].firstIndex(of: "```"))
            return Array(lines[first..<end])
        }
        let matrix = Support.run(["check-policy", "--policy", "examples/policies/certificate-only-v1.xml", "--matrix", "--cache-dir", "examples/cache"])
        #expect(try shown("check-policy --policy examples/policies/certificate-only-v1.xml --matrix").joined(separator: "\n") + "\n" == matrix.stdout,
                "README's matrix is stale")
        let tree = Support.run(["check-policy", "--policy", "examples/apimartifacts", "--api", "orders", "--operation", "get-order", "--product",
                                "starter", "examples/tokens/secret-v1.jwt", "--offline", "--cache-dir", "examples/cache", "--at", PolicyTest.at])
        let treeShown = try shown("check-policy --policy examples/apimartifacts --api orders --operation get-order")
        #expect(tree.stdout.hasPrefix(treeShown.joined(separator: "\n") + "\n"), "README's tree evaluation is stale")
        let ambiguous = Support.run(["check-policy", "--policy", "examples/apimartifacts", "--api", "orders", "examples/tokens/secret-v1.jwt"])
        #expect(try shown("check-policy --policy examples/apimartifacts --api orders examples") == [ambiguous.stderr.trimmed(), String(ambiguous.status)])
        let whole = Support.run(["check-policy", "--policy", "examples/apimartifacts", "--matrix", "--cache-dir", "examples/cache"])
        #expect(try shown("check-policy --policy examples/apimartifacts --matrix") == [String(whole.stdout.trimmed().split(separator: "\n").last ?? "")])
    }
}
