import Testing
import JWTAuditCore

/// Policy expressions written as Microsoft's examples and exported policies write them (issue 16 item 5): raw
/// double quotes inside attributes, `<`, `>` and `&&` inside `@( )` and `@{ }`, multi-line blocks. The reader
/// takes them as the gateway does (issue 18); here the evaluation uses them: conditions, `token-value`,
/// audiences and messages, each value given with `--expression-value` as the expression reads in the file.
@Suite("Gateway battery: APIM expression syntax inside the policy XML")
struct GatewayExpressionSyntaxTests {
    static let isMobile = #"@(context.Variables.GetValueOrDefault<bool>("isMobile"))"#
    static let headerToken = #"@(context.Request.Headers.GetValueOrDefault("X-Token",""))"#
    /// A block as a person writes it in a file, over several lines.
    static let block = """
        @{
                    var header = context.Request.Headers.GetValueOrDefault("X-Token", "");
                    if (header.Length > 0 && header.Length < 4096 && !header.StartsWith("Bearer ")) { return header; }
                    return "";
                }
        """
    static let audience = #"@(context.Variables.GetValueOrDefault<string>("audience", "https://myapi.dewi.red"))"#

    static func jwt(header: String, audience: String = "https://myapi.dewi.red", attributes: String = "") -> String {
        """
        <validate-jwt \(header)\(attributes.isEmpty ? "" : " " + attributes)>
          <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
          <audiences><audience>\(audience)</audience></audiences>
        </validate-jwt>
        """
    }

    static let mobilePolicy = """
        <policies>
          <inbound>
            <set-variable name="isMobile" value="@(context.Request.Headers.GetValueOrDefault("User-Agent","").Contains("iPad"))" />
            <choose>
              <when condition="\(isMobile)">
                \(GatewayChooseTests.refusing(403))
              </when>
              <otherwise>
                \(jwt(header: #"header-name="Authorization""#))
              </otherwise>
            </choose>
          </inbound>
        </policies>
        """
    static let good = GatewayCase.Token.rs256()

    static let cases: [GatewayCase] = [
        GatewayCase("a condition with raw quotes and a generic type, given true, takes its branch", policy: mobilePolicy, token: good,
                    options: ["--expression-value", isMobile + "=true"], .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("the same condition given false takes the <otherwise>", policy: mobilePolicy, token: good,
                    options: ["--expression-value", isMobile + "=false"], .accepted),
        GatewayCase("the same condition not given is named as it reads in the file", policy: mobilePolicy, token: good,
                    .cannotEvaluate([isMobile, "--expression-value"])),
        GatewayCase("token-value with raw quotes: the value given is the token", policy: jwt(header: "token-value=\"\(headerToken)\""), token: good,
                    headers: ["X-Token: {token}"], options: ["--expression-value", headerToken + "={token}"], .accepted),
        GatewayCase("a multi-line @{ } token-value with <, > and && is matched however its white space is laid out",
                    policy: jwt(header: "token-value=\"\(block)\""), token: good, headers: ["X-Token: {token}"],
                    options: ["--expression-value", block.split(separator: "\n").map { $0.trimmingCharacters() }.joined(separator: " ") + "={token}"], .accepted),
        GatewayCase("an audience expression in element text, with raw quotes and a generic type", policy: jwt(header: #"header-name="Authorization""#, audience: audience),
                    token: good, options: ["--expression-value", audience + "=https://other.example"], .rejected(401, "TokenAudienceNotAllowed")),
        GatewayCase("an error message expression with raw quotes", policy: jwt(header: #"header-name="Authorization""#, attributes: #"failed-validation-error-message="@("Denied: " + context.LastError.Reason)""#),
                    token: .rs256([.set("exp", String(PolicyTest.atSeconds - 60))]), options: ["--expression-value", #"@("Denied: " + context.LastError.Reason)=Denied: TokenExpired"#],
                    .rejected(401, "TokenExpired", body: "Denied: TokenExpired")),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmed() }
}
