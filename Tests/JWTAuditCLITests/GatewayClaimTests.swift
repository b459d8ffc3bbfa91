import Testing
import JWTAuditCore

/// `<required-claims>` (issue 16 item 8; research §1.4 and §8 step 9). Microsoft: `all`, "every claim value in
/// the policy must be present in the token"; `any`, "at least one claim value must be present in the token";
/// `separator`, "used for extracting a set of values from a multi-valued claim". Missing claims are
/// TokenClaimNotFound ("JWT is missing the following claims: <c1>, <c2>, … Access denied."), values that do not
/// match are TokenClaimValueNotAllowed ("Claim {claim-name} value of {claim-value} is not allowed. Access denied.").
@Suite("Gateway battery: required claims")
struct GatewayClaimTests {
    static func claims(_ body: String) -> String { PolicyTest.tenantJWT("", "<required-claims>\(body)</required-claims>") }
    static func claim(_ name: String, _ values: [String], match: String? = nil, separator: String? = nil) -> String {
        "<claim name=\"\(name)\"\(match.map { " match=\"\($0)\"" } ?? "")\(separator.map { " separator=\"\($0)\"" } ?? "")>"
            + values.map { "<value>\($0)</value>" }.joined() + "</claim>"
    }
    static let roles = GatewayCase.Change.set("roles", #"["Orders.Read","Orders.Write"]"#)

    static let cases: [GatewayCase] = [
        GatewayCase("match=all: every required value is in the array claim", policy: claims(claim("roles", ["Orders.Read", "Orders.Write"], match: "all")),
                    token: .rs256([roles]), .accepted),
        GatewayCase("match=all: the message names the required value the token lacks", policy: claims(claim("roles", ["Orders.Read", "Orders.Admin"], match: "all")),
                    token: .rs256([roles]),
                    .rejected(401, "TokenClaimValueNotAllowed", message: "Claim roles value of Orders.Admin is not allowed. Access denied.")),
        GatewayCase("match defaults to all", policy: claims(claim("roles", ["Orders.Read", "Orders.Admin"])),
                    token: .rs256([roles]), .rejected(401, "TokenClaimValueNotAllowed", message: "value of Orders.Admin")),
        GatewayCase("match=any: one required value is enough", policy: claims(claim("roles", ["Orders.Admin", "Orders.Write"], match: "any")),
                    token: .rs256([roles]), .accepted),
        GatewayCase("match=any: none of them, and the message names the token's value", policy: claims(claim("appidacr", ["2"], match: "any")),
                    token: .rs256([.string("appidacr", "1")]),
                    .rejected(401, "TokenClaimValueNotAllowed", message: "Claim appidacr value of 1 is not allowed. Access denied.")),
        GatewayCase("scp is one string: without a separator the whole string must equal the value", policy: claims(claim("scp", ["Orders.Read"])),
                    token: .rs256([.string("scp", "Orders.Read Orders.Write")]), .rejected(401, "TokenClaimValueNotAllowed")),
        GatewayCase("separator=\" \" splits scp into its scopes", policy: claims(claim("scp", ["Orders.Write"], separator: " ")),
                    token: .rs256([.string("scp", "Orders.Read Orders.Write")]), .accepted),
        GatewayCase("separator=\",\" splits a comma-separated claim", policy: claims(claim("groups", ["b"], separator: ",")),
                    token: .rs256([.string("groups", "a,b,c")]), .accepted),
        GatewayCase("an array claim needs no separator (roles)", policy: claims(claim("roles", ["Orders.Write"], match: "any")),
                    token: .rs256([roles]), .accepted),
        GatewayCase("a missing claim is TokenClaimNotFound, naming it", policy: claims(claim("roles", ["Orders.Read"])),
                    token: .rs256(), .rejected(401, "TokenClaimNotFound", message: "JWT is missing the following claims: roles. Access denied.")),
        GatewayCase("several missing claims are listed in the policy's order", policy: claims(claim("scp", ["a"]) + claim("roles", ["b"]) + claim("appid", [PolicyTest.client])),
                    token: .rs256(), .rejected(401, "TokenClaimNotFound", message: "JWT is missing the following claims: scp, roles. Access denied.")),
        GatewayCase("a missing claim is reported before a value that does not match (inferred)", policy: claims(claim("appidacr", ["2"]) + claim("roles", ["x"])),
                    token: .rs256([.string("appidacr", "1")]), .rejected(401, "TokenClaimNotFound", message: "roles")),
        GatewayCase("a claim with no value only has to be present", policy: claims(#"<claim name="tid" />"#), token: .rs256(), .accepted),
        GatewayCase("a claim with no value that is absent is TokenClaimNotFound", policy: claims(#"<claim name="idtyp" />"#), token: .rs256(),
                    .rejected(401, "TokenClaimNotFound", message: "idtyp")),
        GatewayCase("values are compared exactly, case included (inferred)", policy: claims(claim("roles", ["orders.read"], match: "any")),
                    token: .rs256([roles]), .rejected(401, "TokenClaimValueNotAllowed")),
        GatewayCase("a number claim is compared as its text", policy: claims(claim("level", ["2"])), token: .rs256([.set("level", "2")]), .accepted),
        GatewayCase("a boolean claim is compared as true or false", policy: claims(claim("trusted", ["true"])), token: .rs256([.set("trusted", "true")]), .accepted),
        GatewayCase("appidacr=2 (match all) refuses a token whose client used a secret, naming the value it lacks", policy: claims(claim("appidacr", ["2"])),
                    token: .example("secret-v1.jwt"), .rejected(401, "TokenClaimValueNotAllowed", message: "Claim appidacr value of 2 is not allowed.")),
        GatewayCase("v1.0 claim names refuse a v2.0 token with TokenClaimNotFound", policy: PolicyTest.tenantJWT("", "<issuers><issuer>\(PolicyTest.v2Issuer)</issuer></issuers><required-claims>" + claim("appid", [PolicyTest.client]) + claim("appidacr", ["2"]) + "</required-claims>"),
                    token: .rs256(GatewayCase.Change.v2), .rejected(401, "TokenClaimNotFound", message: "appid, appidacr")),
        GatewayCase("v2.0 claim names accept a v2.0 token", policy: PolicyTest.tenantJWT("", "<issuers><issuer>\(PolicyTest.v2Issuer)</issuer></issuers><required-claims>" + claim("azp", [PolicyTest.client]) + claim("azpacr", ["2"]) + "</required-claims>"),
                    token: .rs256(GatewayCase.Change.v2), .accepted),
        GatewayCase("claims are checked after the token is otherwise valid: an expired token is TokenExpired", policy: claims(claim("roles", ["x"])),
                    token: .rs256([.set("exp", String(PolicyTest.atSeconds - 5))]), .rejected(401, "TokenExpired")),
        GatewayCase("a claim value given as an expression is taken from --expression-value", policy: claims(claim("roles", [#"@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;role&quot;))"#])),
                    token: .rs256([roles]), options: ["--expression-value", #"@(context.Variables.GetValueOrDefault<string>("role"))=Orders.Write"#], .accepted),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }
}
