#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// `check-policy` without a token: lint findings as text, JSON and SARIF, exit codes per `--fail-on`, and
/// hostile or malformed policy XML refused with exit 3, a line and a column.
@Suite("check-policy: lint, SARIF and hostile XML")
struct CheckPolicyLintTests {
    func lint(_ policies: [String], _ extra: [String] = []) throws -> Support.Result {
        try PolicyTest.run(["check-policy"] + policies.flatMap { ["--policy", $0] } + extra)
    }

    func ids(_ result: Support.Result) throws -> [String] {
        let json = try PolicyTest.json(result)
        return (json["findings"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }
    }

    static let weak = PolicyTest.example("policies/weak.xml")

    /// Every rule but claim-version-mismatch fires on weak.xml (that one needs v2 metadata, below).
    @Test(arguments: [
        "credential-not-enforced", "client-not-restricted", "audience-not-checked", "unsigned-tokens-allowed",
        "expiration-not-required", "clock-skew-too-large", "insecure-metadata-url", "any-tenant-accepted",
        "inline-symmetric-key", "element-order", "scope-without-separator", "scheme-ignored", "unevaluable-expression",
        "validation-outside-inbound",
    ])
    func ruleFiresOnTheWeakExample(rule: String) throws {
        let result = try lint([Self.weak], ["--format", "json"])
        #expect(result.status == 1)
        #expect(try ids(result).contains(rule), "\(rule) in \(result.stdout)")
    }

    @Test func claimVersionMismatch() throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/v2.0/.well-known/openid-configuration" />
              <audiences><audience>api://x</audience></audiences>
              <required-claims>
                <claim name="appid"><value>\(PolicyTest.client)</value></claim>
                <claim name="appidacr"><value>2</value></claim>
              </required-claims>
            </validate-jwt>
            """)
        _ = directory
        let result = try lint([path], ["--json"])
        #expect(try ids(result).contains("claim-version-mismatch"), "\(result.stdout)")
    }

    /// Issue 13 item 10: the national clouds' v2.0 metadata, not only the public cloud's.
    @Test(arguments: ["login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"])
    func claimVersionMismatchInANationalCloud(host: String) throws {
        let (directory, path) = try PolicyTest.policy("""
            <validate-jwt header-name="Authorization">
              <openid-config url="https://\(host)/\(PolicyTest.tenant)/v2.0/.well-known/openid-configuration" />
              <audiences><audience>api://x</audience></audiences>
              <required-claims>
                <claim name="appid"><value>\(PolicyTest.client)</value></claim>
                <claim name="appidacr"><value>2</value></claim>
              </required-claims>
            </validate-jwt>
            """)
        _ = directory
        let result = try lint([path], ["--json"])
        #expect(result.status == 1)
        #expect(try ids(result).contains("claim-version-mismatch"), "\(host): \(result.stdout)")
    }

    @Test func noRuleFiresOnTheSeedPolicy() throws {
        for policy in ["certificate-only-v1.xml", "certificate-only-v2.xml", "azure-ad-token.xml"] {
            let result = try lint([PolicyTest.example("policies/" + policy)], ["--json"])
            #expect(result.status == 0, "\(policy): \(result.stdout)")
            #expect(try ids(result).isEmpty, "\(policy): \(result.stdout)")
        }
    }

    @Test func credentialNotEnforcedWithoutTheAppidacrClaim() throws {
        let result = try lint([PolicyTest.example("policies/secret-allowed-v1.xml")])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix(PolicyTest.example("policies/secret-allowed-v1.xml") + ":"), "file:line first: \(result.stdout)")
        #expect(result.stdout.contains(": warning: credential-not-enforced: "))
    }

    static let infoOnly = """
        <validate-jwt header-name="Authorization" failed-validation-error-message="@(&quot;no&quot;)">
          <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
          <audiences><audience>https://myapi.dewi.red</audience></audiences>
          <required-claims>
            <claim name="appid" match="any"><value>\(PolicyTest.client)</value></claim>
            <claim name="appidacr" match="any"><value>2</value></claim>
          </required-claims>
        </validate-jwt>
        """

    @Test(arguments: [
        // (policy, --fail-on, exit)
        ("weak", "error", 1 as Int32), ("weak", "warning", 1), ("weak", "info", 1), ("weak", "never", 0),
        ("secret-allowed", "error", 0), ("secret-allowed", "warning", 1), ("secret-allowed", "info", 1), ("secret-allowed", "never", 0),
        ("info-only", "error", 0), ("info-only", "warning", 0), ("info-only", "info", 1), ("info-only", "default", 0),
    ])
    func exitStatusFollowsFailOn(policy: String, failOn: String, status: Int32) throws {
        let (directory, infoPath) = try PolicyTest.policy(Self.infoOnly)
        _ = directory
        let path = switch policy {
        case "weak": Self.weak
        case "secret-allowed": PolicyTest.example("policies/secret-allowed-v1.xml")
        default: infoPath
        }
        let result = try lint([path], failOn == "default" ? [] : ["--fail-on", failOn])
        #expect(result.status == status, "\(policy) --fail-on \(failOn): \(result.stdout)")
    }

    @Test func severalFilesAreLintedEachOnItsOwn() throws {
        let result = try lint([PolicyTest.example("policies/secret-allowed-v1.xml"), Self.weak], ["--json"])
        let files = Set((try PolicyTest.json(result)["findings"]?.arrayValue ?? []).compactMap { $0.objectValue?["file"]?.stringValue })
        #expect(files == [PolicyTest.example("policies/secret-allowed-v1.xml"), Self.weak])
    }

    @Test func jsonFindingsCarryIdSeverityMessageLineAndFile() throws {
        let result = try lint([PolicyTest.example("policies/secret-allowed-v1.xml")], ["--format", "json"])
        let finding = try #require(try PolicyTest.json(result)["findings"]?.arrayValue?.first?.objectValue)
        #expect(finding.keys == ["id", "severity", "message", "file", "line", "scope"])
        #expect(finding["scope"] == .null)
        #expect(finding["severity"] == .string("warning"))
        #expect(finding["line"]?.numberValue?.int64Value == 6)
    }

    @Test func sarifIsVersion210WithRulesAndRegions() throws {
        let result = try lint([Self.weak], ["--format", "sarif"])
        #expect(result.status == 1)
        let log = try PolicyTest.json(result)
        #expect(log["version"] == .string("2.1.0"))
        #expect(log["$schema"]?.stringValue?.contains("sarif-2.1.0") == true)
        let run = try #require(log["runs"]?.arrayValue?.first?.objectValue)
        let driver = try #require(run["tool"]?.objectValue?["driver"]?.objectValue)
        #expect(driver["name"] == .string("jwtaudit"))
        let ruleIDs = (driver["rules"]?.arrayValue ?? []).compactMap { $0.objectValue?["id"]?.stringValue }
        #expect(ruleIDs.contains("credential-not-enforced") && ruleIDs.contains("claim-version-mismatch"))
        let results = (run["results"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(results.count == (try ids(try lint([Self.weak], ["--json"]))).count)
        for entry in results {
            #expect(["error", "warning", "note"].contains(entry["level"]?.stringValue ?? ""))
            let physical = entry["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue
            #expect(physical?["artifactLocation"]?.objectValue?["uri"] == .string(Self.weak))
            #expect((physical?["region"]?.objectValue?["startLine"]?.numberValue?.int64Value ?? 0) >= 1)
        }
    }

    @Test func sarifWithATokenIsAUsageError() throws {
        let result = try PolicyTest.run(["check-policy", "--policy", Self.weak, "--format", "sarif", PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 64)
    }

    @Test func missingPolicyIsAUsageError() throws {
        let result = try PolicyTest.run(["check-policy", PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--policy"))
    }

    // MARK: hostile and malformed XML

    @Test(arguments: [
        ("xxe", "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<validate-jwt header-name=\"Authorization\">&x;</validate-jwt>\n", "line 2, column 1"),
        ("billion-laughs", "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n<lolz>&lol2;</lolz>\n", "line 2, column 1"),
        ("deep", "<policies>" + String(repeating: "<a>", count: 200_000), "line 1, column"),
        ("unclosed", "<validate-jwt header-name=\"Authorization\">\n  <audiences><audience>x</audience>\n</validate-jwt>\n", "line 3, column 1"),
        ("undefined-entity", "<validate-jwt header-name=\"&bogus;\"/>", "line 1, column"),
    ])
    func hostileXMLExitsThreeWithAPosition(name: String, xml: String, position: String) throws {
        let (directory, path) = try PolicyTest.policy(xml, name: name + ".xml")
        _ = directory
        for extra in [[], PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")]] {
            let result = try lint([path], extra)
            #expect(result.status == 3, "\(name): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(name)")
            #expect(result.stderr.contains(position), "\(name): \(result.stderr)")
            #expect(result.stderr.contains(path), "\(name) names the file")
        }
    }

    @Test func binaryInputExitsThree() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/binary.xml"
        var bytes: [UInt8] = Array("<policies>".utf8)
        for i in 0..<4096 { bytes.append(UInt8(truncatingIfNeeded: i &* 131 &+ 7)) }
        Support.writeFile(path, bytes)
        let result = try lint([path])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("line 1, column"), "\(result.stderr)")
    }

    @Test func aPolicyWithNoTokenValidationLintsCleanAndSaysSo() throws {
        let path = PolicyTest.example("policies/apiops/api.xml")
        let result = try lint([path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == "\(path): validates no token (no validate-jwt or validate-azure-ad-token)\nno findings\n")
        let json = try lint([path], ["--json"])
        #expect(json.status == 0)
        #expect(try ids(json).isEmpty)
    }

    @Test func aFragmentWithNoTokenValidationLintsClean() throws {
        let (directory, path) = try PolicyTest.policy("""
            <fragment>
              <set-header name="X-Trace" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>
            </fragment>
            """)
        _ = directory
        let result = try lint([path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("validates no token"))
    }

    @Test func whatIsNotAPolicyAtAllIsBadInputWithTheLineAndWhatWasExpected() throws {
        let (directory, path) = try PolicyTest.policy("<?xml version=\"1.0\"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n</project>\n", name: "pom.xml")
        _ = directory
        let result = try lint([path])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path): line 2, column 1: <project> is not an APIM policy: expected <policies>, <fragment>"), "\(result.stderr)")
    }

    @Test func tokenEvaluationStillNeedsATokenValidatingPolicy() throws {
        let result = try PolicyTest.run(["check-policy", "--policy", PolicyTest.example("policies/apiops/api.xml"), PolicyTest.example("tokens/certificate-v1.jwt")] + PolicyTest.offline)
        #expect(result.status == 3)
        #expect(result.stderr.contains("no validate-jwt or validate-azure-ad-token element in the policy"), "\(result.stderr)")
    }
}
