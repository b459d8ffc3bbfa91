import Testing
import JWTAuditCore

/// The token's lifetime as the gateway's library judges it (issue 16 item 2; research §1.7): `exp` and `nbf`
/// against the current time with `clock-skew` (default 0 s, strict at the boundary: a token whose exp is now
/// still passes), IdentityModel's order (IDX10225 missing exp, IDX10224 nbf after exp, IDX10222 not yet valid,
/// IDX10223 expired) and its messages, with the token's own instants and the current time.
@Suite("Gateway battery: lifetime, clock skew and the library's messages")
struct GatewayLifetimeTests {
    static let at = PolicyTest.atSeconds  // 2026-06-01T00:00:00Z, "6/1/2026 12:00:00 AM"
    static func exp(_ offset: Int64) -> GatewayCase.Change { .set("exp", String(at + offset)) }
    static func nbf(_ offset: Int64) -> GatewayCase.Change { .set("nbf", String(at + offset)) }
    static let plain = PolicyTest.tenantJWT()
    static func skew(_ seconds: Int) -> String { PolicyTest.tenantJWT("clock-skew=\"\(seconds)\"") }

    static let cases: [GatewayCase] = [
        GatewayCase("a token that expired an hour ago is TokenExpired, with its exp and the current time (IDX10223)", policy: plain,
                    token: .rs256([exp(-3600)]),
                    .rejected(401, "TokenExpired", message: "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '5/31/2026 11:00:00 PM', Current time (UTC): '6/1/2026 12:00:00 AM'. Access denied.")),
        GatewayCase("a token whose exp is the current second still passes (exp < now is expired)", policy: plain, token: .rs256([exp(0)]), .accepted),
        GatewayCase("a token whose exp was one second ago is expired (clock-skew defaults to 0)", policy: plain, token: .rs256([exp(-1)]),
                    .rejected(401, "TokenExpired", message: "ValidTo (UTC): '5/31/2026 11:59:59 PM'")),
        GatewayCase("clock-skew=60 accepts a token that expired 60 seconds ago", policy: skew(60), token: .rs256([exp(-60)]), .accepted),
        GatewayCase("clock-skew=60 refuses a token that expired 61 seconds ago", policy: skew(60), token: .rs256([exp(-61)]),
                    .rejected(401, "TokenExpired")),
        GatewayCase("a token valid from an hour from now is JwtInvalid, with its nbf and the current time (IDX10222, inferred)", policy: plain,
                    token: .rs256([nbf(3600)]),
                    .rejected(401, "JwtInvalid", message: "IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '6/1/2026 1:00:00 AM', Current time (UTC): '6/1/2026 12:00:00 AM'.")),
        GatewayCase("a token whose nbf is the current second is valid", policy: plain, token: .rs256([nbf(0)]), .accepted),
        GatewayCase("a token whose nbf is one second ahead is not yet valid", policy: plain, token: .rs256([nbf(1)]), .rejected(401, "JwtInvalid")),
        GatewayCase("clock-skew=300 accepts a token valid in 300 seconds", policy: skew(300), token: .rs256([nbf(300)]), .accepted),
        GatewayCase("clock-skew=300 refuses a token valid in 301 seconds", policy: skew(300), token: .rs256([nbf(301)]),
                    .rejected(401, "JwtInvalid", message: "IDX10222")),
        GatewayCase("nbf after exp is IDX10224 before anything else about the lifetime", policy: plain,
                    token: .rs256([nbf(-100), exp(-200)]),
                    .rejected(401, "JwtInvalid", message: "IDX10224: Lifetime validation failed. The NotBefore (UTC): '5/31/2026 11:58:20 PM' is after Expires (UTC): '5/31/2026 11:56:40 PM'.")),
        GatewayCase("a token without exp is IDX10225 (require-expiration-time defaults to true)", policy: plain,
                    token: .rs256([.remove("exp")]),
                    .rejected(401, "JwtInvalid", message: "IDX10225: Lifetime validation failed. The token is missing an Expiration Time. Tokentype: '")),
        GatewayCase("require-expiration-time=\"false\" accepts a token without exp", policy: PolicyTest.tenantJWT(#"require-expiration-time="false""#),
                    token: .rs256([.remove("exp")]), .accepted),
        GatewayCase("require-expiration-time=\"false\" still refuses an expired token", policy: PolicyTest.tenantJWT(#"require-expiration-time="false""#),
                    token: .rs256([exp(-10)]), .rejected(401, "TokenExpired")),
        GatewayCase("an exp that is not a number is JwtInvalid", policy: plain, token: .rs256([.string("exp", "tomorrow")]),
                    .rejected(401, "JwtInvalid")),
        GatewayCase("expired and for another audience: the lifetime is judged before the audience", policy: plain,
                    token: .rs256([exp(-10), .string("aud", "https://other.example")]), .rejected(401, "TokenExpired")),
        GatewayCase("a clock-skew given as an expression is taken from --expression-value", policy: PolicyTest.tenantJWT(#"clock-skew="@(60)""#),
                    token: .rs256([exp(-30)]), options: ["--expression-value", "@(60)=60"], .accepted),
        GatewayCase("a clock-skew expression nobody supplied cannot be evaluated", policy: PolicyTest.tenantJWT(#"clock-skew="@(context.Variables[&quot;skew&quot;])""#),
                    token: .rs256(), .cannotEvaluate([#"@(context.Variables["skew"])"#, "clock-skew", "--expression-value"])),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }

    @Test func theLibraryDateFormatIsUSEnglishDateTime() {
        #expect(IdentityModelMessages.dateTime(1_780_272_000) == "6/1/2026 12:00:00 AM")
        #expect(IdentityModelMessages.dateTime(1_780_272_000 + 13 * 3600 + 5 * 60 + 9) == "6/1/2026 1:05:09 PM")
        #expect(IdentityModelMessages.dateTime(1_767_225_599) == "12/31/2025 11:59:59 PM")
        #expect(IdentityModelMessages.dateTime(0) == "1/1/1970 12:00:00 AM")
        #expect(IdentityModelMessages.dateTime(-1) == "12/31/1969 11:59:59 PM")
        #expect(IdentityModelMessages.dateTime(Int64.max) == String(Int64.max), "beyond .NET's DateTime")
    }

    /// The text outputs say the same message as the JSON.
    @Test func bothTextOutputsQuoteTheLibraryMessage() throws {
        let (directory, path) = try PolicyTest.policy(Self.plain)
        defer { _ = directory }
        let token = try PolicyTest.rs256(PolicyTest.claims([("exp", String(Self.at - 3600))]))
        let message = "IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '5/31/2026 11:00:00 PM', Current time (UTC): '6/1/2026 12:00:00 AM'. Access denied."
        let checked = try PolicyTest.run(["check-policy", "--policy", path] + PolicyTest.offline + [token])
        #expect(Support.unwrapped(checked.stdout).contains("message  " + message), "\(checked.stdout)")
        let explained = try PolicyTest.run(["explain", "--policy", path] + PolicyTest.offline + [token])
        #expect(Support.unwrapped(explained.stdout).contains(message), "\(explained.stdout)")
    }
}
