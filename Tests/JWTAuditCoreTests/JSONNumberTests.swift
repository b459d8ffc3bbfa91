import Testing
@testable import JWTAuditCore

/// `JSONNumber.int64Value` sums plain digits itself; it must give exactly what `Int64(_:)` gives for any text.
@Suite("JSONNumber integer fast path agrees with Int64(_:)")
struct JSONNumberIntegerTests {
    @Test(arguments: [
        "0", "-0", "7", "007", "-007", "1767225600", "-1767225600", "999999999999999999", "-999999999999999999",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "12345678901234567890", "", "-", "+5", "1.0", "1e3", "1E3", "-1.5e-3", " 1", "1 ", "0x10", "1_000", "١",
    ])
    func agreesWithInt64Parsing(_ text: String) {
        #expect(JSONNumber(text: text).int64Value == Int64(text), "\(text)")
    }
}
