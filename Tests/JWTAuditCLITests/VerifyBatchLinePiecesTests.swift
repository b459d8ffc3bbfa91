import JWTAuditCore
import Testing
@testable import JWTAuditCLI

/// The pieces of a `verify --batch` line written as constants (a credential kind, the common token versions) must
/// say exactly what writing the value as a JSON string says.
@Suite("verify --batch line pieces written as constants")
struct VerifyBatchLinePiecesTests {
    static func expected(_ text: String) -> String {
        var json = ""
        JSONWriter.writeString(text, into: &json)
        return json
    }

    @Test(arguments: [CredentialKind.certificate, .secret, .publicClient, .unknown])
    func aCredentialKindIsWrittenAsItsNameIs(kind: CredentialKind) {
        #expect(JSONLineWriterTests.written { VerifyBatch.quotedName(kind, into: &$0) } == Self.expected(kind.rawValue))
    }

    /// The literals, the same text made from bytes (as a token's claim is), and texts that only look alike.
    static let versions: [String] = [
        "1.0", "2.0", String(decoding: Array("1.0".utf8), as: UTF8.self), String(decoding: Array("2.0".utf8), as: UTF8.self),
        String("x2.0".dropFirst()), "1.0 ", "1.00", "2", "3.0", "", "é", "\"1.0\"", String(repeating: "1.0", count: 8),
    ]

    @Test(arguments: versions)
    func aTokenVersionIsWrittenAsTheStringItIs(version: String) {
        #expect(JSONLineWriterTests.written { VerifyBatch.version(version, into: &$0) } == Self.expected(version))
    }

    @Test func noTokenVersionIsNull() {
        #expect(JSONLineWriterTests.written { VerifyBatch.version(nil, into: &$0) } == "null")
    }
}
