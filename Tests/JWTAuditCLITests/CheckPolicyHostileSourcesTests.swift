#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Hostile and broken policy sources through the built binary: broken syntax, huge files, binary files, link
/// loops, deep nesting and paths that climb out of the directory being linted. A path given on its own that cannot
/// be read is bad input (exit 3, with its line); inside a directory it is a finding at its line and the rest is
/// linted. Never a crash, a hang or a partial standard output.
@Suite("check-policy: hostile policy sources")
struct CheckPolicyHostileSourcesTests {
    func lint(_ arguments: [String]) throws -> Support.Result {
        try PolicyTest.run(["check-policy"] + arguments)
    }

    static let unclosedHeredoc = "resource \"azurerm_api_management_policy\" \"g\" {\n  xml_content = <<XML\n<policies/>\n}\n"

    @Test func anUnterminatedHeredocGivenAloneIsBadInputWithItsLine() throws {
        let directory = try TemporaryDirectory()
        try directory.write("main.tf", Self.unclosedHeredoc)
        let result = try lint(["--policy", directory.path + "/main.tf"])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("main.tf: line 2, column 17: heredoc <<XML is not closed"), "\(result.stderr)")
    }

    @Test func anUnterminatedHeredocInADirectoryIsAFindingAndTheRestIsLinted() throws {
        let directory = try TemporaryDirectory()
        try directory.write("infra/main.tf", Self.unclosedHeredoc)
        try directory.write("policies/global.xml", "<policies><inbound><validate-jwt header-name=\"Authorization\" /></inbound></policies>")
        let result = try lint(["--policy", directory.path, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let findings = (try PolicyTest.json(result)["findings"]?.arrayValue ?? []).compactMap(\.objectValue)
        let unreadable = try #require(findings.first { $0["id"] == .string("policy-unreadable") })
        #expect(unreadable["file"]?.stringValue?.hasSuffix("infra/main.tf") == true)
        #expect(unreadable["line"]?.numberValue?.int64Value == 2)
        #expect(findings.contains { $0["id"] == .string("audience-not-checked") })
    }

    @Test func anUnbalancedExpressionInATreeIsAFindingThatNamesIt() throws {
        let directory = try TemporaryDirectory()
        try directory.write("apim/apis/a/policy.xml", "<policies>\n  <inbound>\n    <set-variable name=\"x\" value=\"@(context.Request.Headers.GetValueOrDefault(&quot;a&quot;)\" />\n  </inbound>\n</policies>\n")
        try directory.write("apim/apis/b/policy.xml", "<policies><inbound><base /></inbound></policies>")
        let result = try lint(["--policy", directory.path + "/apim"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("apis/a/policy.xml:3:35: error: policy-unreadable: the API policy cannot be read: the policy expression @(context.Request.Headers.GetValueOrDefault("), "\(result.stdout)")
        #expect(result.stdout.contains("API b (all operations)"))
    }

    @Test func aTenMegabyteTerraformFileIsReadToItsEnd() throws {
        let directory = try TemporaryDirectory()
        var text = ""
        let comment = "# " + String(repeating: "x", count: 97) + "\n"
        text.reserveCapacity(10 << 20)
        while text.utf8.count < 10 << 20 { text += comment }
        let lines = text.utf8.count / comment.utf8.count
        text += "resource \"azurerm_api_management_policy\" \"g\" {\n  xml_content = <<XML\n<policies><inbound><validate-jwt header-name=\"Authorization\" /></inbound></policies>\nXML\n}\n"
        try directory.write("main.tf", text)
        let result = try lint(["--policy", directory.path + "/main.tf", "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let findings = (try PolicyTest.json(result)["findings"]?.arrayValue ?? []).compactMap(\.objectValue)
        let audience = try #require(findings.first { $0["id"] == .string("audience-not-checked") })
        #expect(audience["line"]?.numberValue?.int64Value == Int64(lines + 3))
    }

    @Test func binaryFilesAreBadInputAloneAndFindingsInADirectory() throws {
        let directory = try TemporaryDirectory()
        var bytes: [UInt8] = Array("resource \"a\" \"b\" {".utf8)
        for i in 0..<4096 { bytes.append(UInt8(truncatingIfNeeded: i &* 131 &+ 7)) }
        Support.writeFile(directory.path + "/main.bicep", bytes)
        let alone = try lint(["--policy", directory.path + "/main.bicep"])
        #expect(alone.status == 3)
        #expect(alone.stderr.contains("not UTF-8 text"), "\(alone.stderr)")
        let tree = try TemporaryDirectory()
        try tree.write("apim/apis/a/apiInformation.json", "{}")
        Support.writeFile(tree.path + "/apim/apis/a/policy.xml", Array("<policies>".utf8) + bytes)
        Support.writeFile(tree.path + "/apim/apis/a/specification.json", bytes)
        let inTree = try lint(["--policy", tree.path + "/apim"])
        #expect(inTree.status == 1, "\(inTree.stderr)")
        #expect(inTree.stdout.contains("error: policy-unreadable: the API policy cannot be read: not UTF-8 XML text"), "\(inTree.stdout)")
        #expect(inTree.stdout.contains("warning: source-file-unreadable:"))
    }

    @Test func linkLoopsAreNotFollowed() throws {
        let directory = try TemporaryDirectory()
        try directory.write("repo/policies/global.xml", "<policies><inbound /></policies>")
        try directory.write("repo/apim/apis/a/policy.xml", "<policies><inbound><base /></inbound></policies>")
        #expect(symlink(".", directory.path + "/repo/loop") == 0)
        #expect(symlink("itself", directory.path + "/repo/itself") == 0)
        #expect(symlink("../..", directory.path + "/repo/apim/apis/a/operations") == 0)
        let result = try lint(["--policy", directory.path + "/repo"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("policies/global.xml: validates no token"))
        #expect(!result.stdout.contains("loop"))
    }

    @Test func deepDirectoriesAndDeepXMLAreBounded() throws {
        let directory = try TemporaryDirectory()
        let deep = (0..<40).map { "d\($0)" }.joined(separator: "/")
        try directory.write("repo/\(deep)/policy.xml", "<policies />")
        try directory.write("repo/shallow.xml", "<policies><inbound>" + String(repeating: "<choose>", count: 300) + "</inbound></policies>")
        let result = try lint(["--policy", directory.path + "/repo"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("shallow.xml:1:"))
        #expect(result.stdout.contains("elements are nested deeper than 256 levels"))
        #expect(!result.stdout.contains("d39"))
    }

    @Test func aFileOutsideTheDirectoryBeingLintedIsNotRead() throws {
        let directory = try TemporaryDirectory()
        try directory.write("infra/main.bicep", """
            resource global 'Microsoft.ApiManagement/service/policies@2023-09-01-preview' = {
              name: 'apim/policy'
              properties: {
                value: loadTextContent('../../../../../../../../etc/passwd')
              }
            }
            """)
        let result = try lint(["--policy", directory.path + "/infra/main.bicep"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("main.bicep:4:12: error: policy-unreadable:"), "\(result.stdout)")
        #expect(result.stdout.contains("/etc/passwd"))
        #expect(result.stdout.contains("the directory jwtaudit reads from"))
        #expect(!result.stdout.contains("root:"))
    }

    @Test(arguments: [
        ("", "found no policy source in"),
        ("missing", "cannot open"),
    ])
    func nothingToLintIsBadInput(relative: String, message: String) throws {
        let directory = try TemporaryDirectory()
        try directory.write("readme.md", "no policies here")
        let result = try lint(["--policy", directory.path + "/" + relative])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aJSONFileThatIsNoTemplateIsBadInputAlone() throws {
        let result = try lint(["--policy", PolicyTest.example("policies/apiops/named-values.json")])
        #expect(result.status == 3)
        #expect(result.stderr.contains("not an ARM template"), "\(result.stderr)")
    }
}
