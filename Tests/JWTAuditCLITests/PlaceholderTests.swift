import Testing
@testable import JWTAuditCLI

@Suite struct CLISmokeTests {
    @Test func runs() { #expect(JWTAuditCLI.run(arguments: []) == 0) }
}
