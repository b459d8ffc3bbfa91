import JWTAuditCore
import Testing
import TestSupport
@testable import JWTAuditCLI

func examplePolicy(_ name: String) throws -> PolicyDocument {
    let path = "examples/policies/" + name
    let bytes = try #require(PackageFiles.readBytes(PackageFiles.root + "/" + path))
    return try PolicyDocument(bytes: bytes, sourceName: path)
}

@Suite("SARIF 2.1.0 for lint findings")
struct PolicySarifTests {
    @Test func hasTheShapeCodeScanningReads() throws {
        let doc = try examplePolicy("weak.xml")
        let findings = PolicyLint.lint(doc)
        let log = try #require(Sarif.log(findings: findings, toolVersion: "0.1.0").objectValue)
        #expect(log["version"] == "2.1.0")
        #expect(log["$schema"]?.stringValue?.contains("sarif-2.1.0") == true)
        let runs = try #require(log["runs"]?.arrayValue)
        #expect(runs.count == 1)
        let run = try #require(runs[0].objectValue)
        let driver = try #require(run["tool"]?.objectValue?["driver"]?.objectValue)
        #expect(driver["name"] == "jwtaudit")
        #expect(driver["version"] == "0.1.0")
        let rules = try #require(driver["rules"]?.arrayValue)
        #expect(rules.compactMap { $0.objectValue?["id"]?.stringValue } == PolicyLint.rules.map(\.id))
        #expect(rules.allSatisfy { $0.objectValue?["shortDescription"]?.objectValue?["text"]?.stringValue?.isEmpty == false })

        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == findings.count)
        for (result, finding) in zip(results, findings) {
            let r = try #require(result.objectValue)
            #expect(r["ruleId"]?.stringValue == finding.id)
            let index = try #require(r["ruleIndex"]?.numberValue?.int64Value)
            #expect(PolicyLint.rules[Int(index)].id == finding.id)
            #expect(r["level"]?.stringValue == Sarif.level(finding.severity))
            #expect(r["message"]?.objectValue?["text"]?.stringValue == finding.message)
            let physical = try #require(r["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue)
            #expect(physical["artifactLocation"]?.objectValue?["uri"] == "examples/policies/weak.xml")
            let region = try #require(physical["region"]?.objectValue)
            #expect(region["startLine"]?.numberValue?.int64Value == Int64(finding.line))
            #expect((region["startColumn"]?.numberValue?.int64Value ?? 0) >= 1)
        }
        // SARIF has no "info" level: informational findings are notes.
        #expect(results.contains { $0.objectValue?["level"] == "note" })
        #expect(results.contains { $0.objectValue?["level"] == "error" })
    }

    @Test func emptyRunStillListsTheRules() throws {
        let log = Sarif.log(findings: [])
        let run = try #require(log.objectValue?["runs"]?.arrayValue?.first?.objectValue)
        #expect(run["results"] == .array([]))
        #expect(run["tool"]?.objectValue?["driver"]?.objectValue?["rules"]?.arrayValue?.count == PolicyLint.rules.count)
        // It is valid JSON that our own strict parser reads back.
        let text = JSONWriter.write(log, style: .compact)
        #expect(try JSONParser.parse(text) == log)
    }
}

/// Lint findings as `check-policy --format json` writes them.
@Suite("Lint findings as JSON")
struct LintJSONTests {
    @Test func eachFindingNamesItsFileAndLine() throws {
        let findings = PolicyLint.lint(try examplePolicy("secret-allowed-v1.xml"))
        let document = try #require(LintReport.document(findings).objectValue)
        let first = try #require(document["findings"]?.arrayValue?.first?.objectValue)
        #expect(first.keys == ["id", "severity", "message", "file", "line", "scope"])
        #expect(first["scope"] == .null)
        #expect(first["id"] == "credential-not-enforced" && first["severity"] == "warning")
        #expect(first["file"] == "examples/policies/secret-allowed-v1.xml")
        #expect(first["line"]?.numberValue?.int64Value == 6)
    }
}

@Suite("SARIF artifact locations")
struct SarifURITests {
    @Test func pathsAreEncodedAsRelativeURIs() {
        #expect(Sarif.uri("apimartifacts/policy fragments/jwt/policy.xml") == "apimartifacts/policy%20fragments/jwt/policy.xml")
        #expect(Sarif.uri("apis/orders;rev=2/policy.xml") == "apis/orders;rev=2/policy.xml")
        #expect(Sarif.uri("a/é#1.xml") == "a/%C3%A9%231.xml")
    }
}
