import Testing
import TestSupport
@testable import JWTAuditCore

/// Bicep, Terraform and YAML sources hold the same strict UTF-8 as policy XML: an overlong form, a UTF-16
/// surrogate or a code point past U+10FFFF is refused at its line and column, not turned into U+FFFD and read on.
@Suite("Template sources: ill-formed UTF-8")
struct TemplateSourceUTF8Tests {
    typealias Case = IllFormedUTF8Case

    static let bicep: [Case] = [
        Case(name: "overlong E0 80 AF in a Bicep string", before: "param apimName string\nvar x = '", sequence: [0xE0, 0x80, 0xAF], after: "'\n", position: "line 2, column 10"),
        Case(name: "surrogate ED A0 80 in a Bicep comment", before: "// \u{e9}t\u{e9} ", sequence: [0xED, 0xA0, 0x80], after: "\nvar x = 1\n", position: "line 1, column 8"),
        Case(name: "U+110000 (F4 90 80 80) in a Bicep string", before: "var x = '", sequence: [0xF4, 0x90, 0x80, 0x80], after: "'\n", position: "line 1, column 10"),
        Case(name: "overlong F0 8F BF BF in a Bicep string", before: "\nvar x = 'a", sequence: [0xF0, 0x8F, 0xBF, 0xBF], after: "'\n", position: "line 2, column 11"),
    ]

    static let terraform: [Case] = [
        Case(name: "overlong E0 9F BF in a heredoc", before: "resource \"azurerm_api_management_policy\" \"g\" {\n  xml_content = <<XML\n<policies>", sequence: [0xE0, 0x9F, 0xBF], after: "</policies>\nXML\n}\n", position: "line 3, column 11"),
        Case(name: "surrogate ED BF BF in a string", before: "x = \"", sequence: [0xED, 0xBF, 0xBF], after: "\"\n", position: "line 1, column 6"),
        Case(name: "F4 BF BF BF in a comment", before: "# ", sequence: [0xF4, 0xBF, 0xBF, 0xBF], after: "\n", position: "line 1, column 3"),
    ]

    static let yaml: [Case] = [
        Case(name: "overlong E0 80 80 in a plain scalar", before: "a: 1\nb: ", sequence: [0xE0, 0x80, 0x80], after: "\n", position: "line 2, column 4"),
        Case(name: "surrogate ED A0 BD in a quoted scalar", before: "named: \"", sequence: [0xED, 0xA0, 0xBD], after: "\"\n", position: "line 1, column 9"),
        Case(name: "U+110000 in a block scalar", before: "value: |\n  <policies>", sequence: [0xF4, 0x90, 0x80, 0x80], after: "\n", position: "line 2, column 13"),
    ]

    func loadError(_ file: String, _ bytes: [UInt8]) -> JWTAuditError? {
        var files = MemoryFileSystem([:])
        files.files[file] = bytes
        do {
            _ = try PolicySources.load(file, source: PolicySourceFiles(files: files, root: "."))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: bicep)
    func bicepRefusesIt(_ c: Case) {
        let error = loadError("infra/main.bicep", c.bytes)
        #expect(error?.code == .malformedPolicy, "\(c.name): \(error?.reason ?? "read")")
        #expect(error?.reason == "infra/main.bicep: \(c.position): not UTF-8 text (byte 0x\(c.lead))", "\(c.name): \(error?.reason ?? "read")")
    }

    @Test(arguments: terraform)
    func terraformRefusesIt(_ c: Case) {
        let error = loadError("tf/main.tf", c.bytes)
        #expect(error?.code == .malformedPolicy, "\(c.name): \(error?.reason ?? "read")")
        #expect(error?.reason == "tf/main.tf: \(c.position): not UTF-8 text (byte 0x\(c.lead))", "\(c.name): \(error?.reason ?? "read")")
    }

    @Test(arguments: yaml)
    func yamlRefusesIt(_ c: Case) {
        var reason: String?
        do { _ = try YAMLReader.parse(c.bytes, file: "configuration.prod.yaml", positions: true) } catch { reason = error.reason }
        #expect(reason == "configuration.prod.yaml: \(c.position): not UTF-8 text (byte 0x\(c.lead))", "\(c.name): \(reason ?? "read")")
    }

    /// The same bytes in policy XML were refused before the readers shared one check, with the XML reader's own
    /// message naming the byte: that stays as it was.
    @Test func policyXMLStillNamesTheByte() {
        var reason: String?
        do { _ = try XMLReader.parse(Array("<policies>\n  <inbound>".utf8) + [0xED, 0xA0, 0x80] + Array("</inbound>\n</policies>".utf8)) } catch { reason = error.reason }
        #expect(reason == "line 2, column 12: not UTF-8 XML text (byte 0xED)", "\(reason ?? "read")")
    }
}
