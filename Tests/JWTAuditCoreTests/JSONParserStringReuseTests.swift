import Testing
@testable import JWTAuditCore

/// `JSONParser.parse(bytes:limits:reusingStringsOf:)` takes a previous document's long string values where the new
/// document repeats them byte for byte: the result must be exactly what parsing without them gives, whatever the
/// previous document held (escapes that decode to the same text, a quote or control character inside the value,
/// another member at that position, a value one byte longer or shorter), and errors must stay errors.
@Suite("JSON parsing reusing a previous document's strings")
struct JSONParserStringReuseTests {
    static let documents = [
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","sub":"a3f0c2d4-1b6e-4c8a-9e2f-000000000001"}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","sub":"a3f0c2d4-1b6e-4c8a-9e2f-000000000002"}"#,
        #"{"iss":"https:\/\/sts.windows.net\/3d6e366f-9587-413b-ab6b-0a851b1b91ba\/","sub":"a3f0c2d4-1b6e-4c8a-9e2f-000000000001"}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91b\"/","sub":1}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91b\n/"}"#,
        #"{"sub":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","iss":"a3f0c2d4-1b6e-4c8a-9e2f-000000000001"}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba","sub":"a3f0c2d4-1b6e-4c8a-9e2f-0000000000011"}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/","iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"}"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"#,
        #"{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/""#,
        #"{"iss":"https://stś.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"}"#,
        #"[{"iss":"https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/"}]"#,
    ]

    func parsed(_ document: String, reusing recent: JSONObject?) -> String {
        do throws(JSONParser.ParseError) {
            let value = try JSONParser.parse(bytes: Array(document.utf8), limits: .default, reusingStringsOf: recent)
            return "\(value) \(value.objectValue?.duplicateKeys ?? [])"
        } catch {
            return "error \(error)"
        }
    }

    @Test func sameResultWhateverThePreviousDocumentHeld() throws {
        let previous = Self.documents.compactMap { try? JSONParser.parse($0).objectValue }
        #expect(previous.count >= 8)
        for document in Self.documents {
            let alone = parsed(document, reusing: nil)
            for recent in previous {
                #expect(parsed(document, reusing: recent) == alone, "\(document) after \(recent.members.map(\.key))")
            }
        }
    }

    @Test func aRepeatedValueAndAChangedOneAreEachReadAsWritten() throws {
        let first = try #require(try JSONParser.parse(Self.documents[0]).objectValue)
        let second = try #require(
            try JSONParser.parse(bytes: Array(Self.documents[1].utf8), limits: .default, reusingStringsOf: first).objectValue)
        #expect(second["iss"] == first["iss"])
        #expect(second["sub"]?.stringValue == "a3f0c2d4-1b6e-4c8a-9e2f-000000000002")
    }
}
