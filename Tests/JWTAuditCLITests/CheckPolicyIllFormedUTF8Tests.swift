import Testing
import JWTAuditCore
import TestSupport

/// Template sources with UTF-8 that only looks like UTF-8 (an overlong form, a UTF-16 surrogate, a code point past
/// U+10FFFF), through the built binary: given alone, such a file is bad input (exit 3, as unreadable policy XML is)
/// naming the file, line and column, with nothing on standard output; in a directory it is a finding at its line.
@Suite("check-policy: ill-formed UTF-8 in template sources")
struct CheckPolicyIllFormedUTF8Tests {
    /// A case, and the file it is written to.
    struct Source: Sendable, CustomTestStringConvertible {
        let file: String
        let source: IllFormedUTF8Case
        var testDescription: String { source.name }
    }

    static let sources: [Source] = [
        Source(file: "main.bicep", source: IllFormedUTF8Case(
            name: "overlong E0 80 AF in a Bicep string", before: "param apimName string\nvar x = '",
            sequence: [0xE0, 0x80, 0xAF], after: "'\n", position: "line 2, column 10")),
        Source(file: "main.tf", source: IllFormedUTF8Case(
            name: "surrogate ED A0 80 in a Terraform heredoc",
            before: "resource \"azurerm_api_management_policy\" \"g\" {\n  xml_content = <<XML\n<policies>",
            sequence: [0xED, 0xA0, 0x80], after: "</policies>\nXML\n}\n", position: "line 3, column 11")),
        Source(file: "main.bicep", source: IllFormedUTF8Case(
            name: "U+110000 (F4 90 80 80) in a Bicep comment", before: "// ", sequence: [0xF4, 0x90, 0x80, 0x80],
            after: "\n", position: "line 1, column 4")),
    ]

    /// Bad input: exit 3, the whole reason on stderr, nothing on stdout.
    func expectRefused(_ result: Support.Result, saying reason: String, _ name: String) {
        #expect(result.status == 3, "\(name): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(name): \(result.stdout)")
        #expect(result.stderr == "jwtaudit: error: cannot read the policy (\(reason))\n", "\(name): \(result.stderr)")
    }

    @Test(arguments: sources, [false, true])
    func aTemplateGivenAloneIsBadInputNamingWhere(source: Source, json: Bool) throws {
        let (file, bad) = (source.file, source.source)
        let directory = try TemporaryDirectory()
        try directory.write(file, "")
        Support.writeFile(directory.path + "/" + file, bad.bytes)
        let result = try PolicyTest.run(["check-policy", "--policy", directory.path + "/" + file] + (json ? ["--json"] : []))
        expectRefused(result, saying: "\(directory.path)/\(file): \(bad.position): not UTF-8 text (byte 0x\(bad.lead))", bad.name)
    }

    @Test func anAPIOpsEnvironmentFileIsBadInputNamingWhere() throws {
        let directory = try TemporaryDirectory()
        try directory.write("apim/apis/a/apiInformation.json", "{}")
        try directory.write("apim/apis/a/policy.xml", "<policies><inbound><base /></inbound></policies>")
        try directory.write("configuration.prod.yaml", "")
        let yaml = Array("namedValues:\n- name: x\n  properties:\n    value: \"".utf8) + [0xF0, 0x8F, 0xBF, 0xBF] + Array("\"\n".utf8)
        Support.writeFile(directory.path + "/configuration.prod.yaml", yaml)
        let result = try PolicyTest.run(["check-policy", "--policy", directory.path + "/apim", "--environment", directory.path + "/configuration.prod.yaml"])
        expectRefused(result, saying: "\(directory.path)/configuration.prod.yaml: line 4, column 13: not UTF-8 text (byte 0xF0)", "environment file")
    }

    @Test func inADirectoryItIsAFindingAtItsLineAndTheRestIsLinted() throws {
        let directory = try TemporaryDirectory()
        try directory.write("infra/main.bicep", "")
        Support.writeFile(directory.path + "/infra/main.bicep", Self.sources[0].source.bytes)
        try directory.write("policies/global.xml", "<policies><inbound><validate-jwt header-name=\"Authorization\" /></inbound></policies>")
        let result = try PolicyTest.run(["check-policy", "--policy", directory.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("infra/main.bicep:2:10: error: policy-unreadable: main.bicep cannot be read: not UTF-8 text (byte 0xE0)"), "\(result.stdout)")
        #expect(result.stdout.contains("policies/global.xml:1:20: error: audience-not-checked:"), "\(result.stdout)")
    }
}
