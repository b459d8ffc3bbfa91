import Testing
@testable import JWTAuditCLI

/// How `--expression-value` names an expression, and how inline Base64 keys are read.
@Suite("check-policy: option values")
struct CheckPolicyOptionsTests {
    @Test(arguments: [
        ("@(context.Request.Headers.GetValueOrDefault(\"X-Aud\", \"\"))=api://x", "@(context.Request.Headers.GetValueOrDefault(\"X-Aud\", \"\"))", "api://x"),
        ("@(a == b)=true", "@(a == b)", "true"),
        ("@(\")=\" + x)=v=w", "@(\")=\" + x)", "v=w"),
        ("@{ return (1); }=401", "@{ return (1); }", "401"),
        ("@('}')=c", "@('}')", "c"),
        ("@(x)=", "@(x)", ""),
    ])
    func expressionIsTheBalancedPrefix(pair: String, expression: String, value: String) throws {
        let split = try #require(OptionSpec.expressionValue.pair?.split(pair), "\(pair)")
        #expect(split.0 == expression, "\(pair)")
        #expect(split.1 == value, "\(pair)")
    }

    @Test(arguments: ["@(unclosed=1", "noexpression=1", "@(x)", "@(x) =1", "(x)=1"])
    func malformedPairsAreRefused(pair: String) {
        #expect(OptionSpec.expressionValue.pair?.split(pair) == nil, "\(pair)")
    }
}
