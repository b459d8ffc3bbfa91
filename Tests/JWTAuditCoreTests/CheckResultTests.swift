import JWTAuditCore
import Synchronization
import Testing

/// A check's texts are written only when read (a batch reads only ids and statuses), in either of the two forms.
@Suite("Check results: texts written when read")
struct CheckResultTests {
    /// Counts how many texts were written.
    final class Writes: Sendable {
        private let count = Atomic(0)
        var total: Int { count.load(ordering: .relaxed) }
        func text(_ text: String) -> String {
            count.add(1, ordering: .relaxed)
            return text
        }
    }

    @Test func threeClosureFormWritesEachTextOnlyWhenRead() {
        let writes = Writes()
        let result = CheckResult(
            id: CheckID.expiry, status: .pass, expected: writes.text("e"), actual: writes.text("a"), detail: writes.text("d"))
        #expect(writes.total == 0)
        #expect(result.detail == "d")
        #expect(writes.total == 1)
        #expect(result.expected == "e" && result.actual == "a")
    }

    @Test func oneClosureFormWritesTheTextsOnlyWhenRead() {
        let writes = Writes()
        let result = CheckResult(id: CheckID.tenant, status: .fail) {
            CheckResult.Text(expected: writes.text("tenant A"), actual: "tenant B", detail: "tid disagrees")
        }
        #expect(result.id == CheckID.tenant && result.status == .fail)
        #expect(writes.total == 0)
        #expect(result.expected == "tenant A")
        #expect(result.actual == "tenant B")
        #expect(result.detail == "tid disagrees")
        #expect(writes.total == 3)
    }

    @Test func bothFormsAreEqualWhenTheirTextsAre() {
        let parts = CheckResult(id: CheckID.issuer, status: .pass, expected: "x", actual: nil, detail: "issued by x")
        let whole = CheckResult(id: CheckID.issuer, status: .pass) { CheckResult.Text(expected: "x", detail: "issued by x") }
        #expect(parts == whole)
        let other = CheckResult(id: CheckID.issuer, status: .pass) { CheckResult.Text(expected: "x", detail: "issued by y") }
        #expect(parts != other)
    }
}
