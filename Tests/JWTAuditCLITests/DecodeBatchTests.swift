#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// `decode --batch` and its `--summary` (issue 20): each line is the `decode --json` document of that line, and
/// the summary is the inventory of callers, lines with no token counted as such.
@Suite("decode --batch: one decode --json document per line, and the inventory")
struct DecodeBatchTests {
    func run(_ arguments: [String], stdin: String = "") throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        return Support.spawn(Support.binaryPath, arguments, stdin: Array(stdin.utf8))
    }

    @Test func eachLineIsTheDecodeDocumentOfThatLine() throws {
        let lines = PolicyDryRunTests.lines
        let batch = try run(["decode", "--batch", "--at", "iat", PolicyDryRunTests.traffic])
        #expect(batch.status == 1)  // three lines hold no token
        #expect(batch.stderr == "jwtaudit: 18 lines: 15 decoded, 3 not decoded (3 without a token)\n", "\(batch.stderr)")
        let out = batch.stdout.split(separator: "\n").map(String.init)
        try #require(out.count == lines.count)
        for (index, line) in lines.enumerated() {
            let document = try #require(try JSONParser.parse(out[index]).objectValue)
            #expect(document.members.first?.key == "line" && document["line"]?.numberValue?.text == String(index + 1))
            let single = try run(["decode", "--json", "--at", "iat", line])
            if let error = document["error"]?.stringValue {
                #expect(single.status == 3 && single.stderr.contains(TerminalText.escaped(error)), "line \(index + 1)")
                continue
            }
            let withoutLine = JSONObject(document.members.filter { $0.key != "line" })
            let expected = try JSONParser.parse(single.stdout)
            #expect(JSONValue.object(withoutLine) == expected, "line \(index + 1)")
        }
    }

    @Test func theInventoryGroupsCallersAndCountsLinesWithNoToken() throws {
        let result = try run(["decode", "--batch", "--summary", "--json", PolicyDryRunTests.traffic])
        let document = try #require(try JSONParser.parse(result.stdout).objectValue)
        let groups = (document["groups"]?.arrayValue ?? []).compactMap { $0.objectValue }
        let rows = groups.map { group in
            ["client", "tokenVersion", "credential", "tokens"].map { group[$0]?.stringValue ?? group[$0]?.numberValue?.text ?? "-" }.joined(separator: " ")
        }
        #expect(rows == [
            "1105ae9f-6be2-42a2-9439-7a17934226ac 1.0 certificate 6",
            "1105ae9f-6be2-42a2-9439-7a17934226ac 1.0 secret 3",
            "1105ae9f-6be2-42a2-9439-7a17934226ac 2.0 certificate 2",
            "5e8a1c4d-9b2f-4a7e-b6c3-0d1e2f3a4b5c 1.0 public-client 2",
            "7f3c2b9e-4d1a-4e6f-8a5b-2c9d0e1f3a47 1.0 secret 2",
            "- - malformed 3",
        ])
        #expect(groups.allSatisfy { $0["admitted"] == nil && $0["refused"] == nil })
        #expect(document["totals"]?.objectValue?["malformed"]?.numberValue?.text == "3")
        let text = try run(["decode", "--batch", "--summary", PolicyDryRunTests.traffic])
        for line in text.stdout.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
        #expect(text.stdout.contains("  (lines with no token)"), "\(text.stdout)")
    }
}
