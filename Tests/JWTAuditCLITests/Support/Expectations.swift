import JWTAuditCore

/// The `JWTAuditError` thrown by `body`, or nil when it returned.
func thrownError<T>(_ body: () throws(JWTAuditError) -> T) -> JWTAuditError? {
    do { _ = try body(); return nil } catch { return error }
}

/// A fixed clock for tests: no test depends on today's date.
final class TestClock: @unchecked Sendable {
    private var value: Int64
    init(_ start: Int64 = 1_700_000_000) { value = start }
    var now: Int64 { value }
    func advance(_ seconds: Int64) { value += seconds }
    var function: @Sendable () -> Int64 { { [self] in self.value } }
}
