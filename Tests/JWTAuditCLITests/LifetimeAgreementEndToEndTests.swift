import Testing

/// The same token at the same instant through decode, verify, check-policy and explain: one answer about its
/// lifetime (examples/tokens/expired-v1.jwt expires at 2026-01-01T01:00:00Z).
@Suite("Lifetime: every command agrees at the instant of exp")
struct LifetimeAgreementEndToEndTests {
    static let token = "examples/tokens/expired-v1.jwt"
    static let verifying = [
        "--jwks", "examples/keys/jwks.json", "--issuer", "https://sts.windows.net/3d6e366f-9587-413b-ab6b-0a851b1b91ba/",
        "--audience", "https://myapi.dewi.red",
    ]
    static let policy = ["--policy", "examples/policies/secret-allowed-v1.xml", "--offline", "--cache-dir", "examples/cache"]

    @Test(arguments: [("2026-01-01T01:00:00Z", false), ("2026-01-01T01:00:01Z", true)])
    func atAndJustAfterExp(at: String, expired: Bool) {
        let decode = Support.run(["decode", "--json", "--at", at, Self.token])
        #expect(decode.status == 0)
        #expect(decode.stdout.contains("\"id\": \"expired\"") == expired, "\(decode.stdout)")

        let verify = Support.run(["verify", Self.token, "--at", at] + Self.verifying)
        #expect(verify.status == (expired ? 1 : 0), "\(verify.stdout)")
        #expect(verify.stdout.contains("  fail  expiry") == expired)

        let checkPolicy = Support.run(["check-policy", "--at", at, Self.token] + Self.policy)
        #expect(checkPolicy.status == (expired ? 1 : 0), "\(checkPolicy.stdout)")
        #expect(checkPolicy.stdout.contains("TokenExpired") == expired)

        for options in [Self.verifying, Self.policy] {
            let explain = Support.run(["explain", "--at", at, Self.token] + options)
            #expect(explain.status == (expired ? 1 : 0), "\(explain.stdout)")
            #expect(explain.stdout.contains("error    expired:") == expired, "\(explain.stdout)")
            #expect(explain.stdout.contains("  fail  expiry (step ") == expired, "\(explain.stdout)")
        }
    }
}
