import Testing
import JWTAuditCore

/// `<choose>` around token validation (issue 16 item 4). Microsoft: "Conditions in `<when/>` elements are
/// evaluated in order of their appearance within the policy. Policy statement(s) enclosed within the first
/// `<when/>` element with condition attribute equals `true` will be applied. Policies enclosed within the
/// `<otherwise/>` element, if present, will be applied if all of the `<when/>` element condition attributes are
/// `false`." The branch taken decides the verdict, with the status and reason of the element in it; a condition
/// nobody supplied stops both commands the same way.
@Suite("Gateway battery: <choose> decides which element runs")
struct GatewayChooseTests {
    /// A validate-jwt that refuses the examples' tokens for their audience, answering `status`.
    static func refusing(_ status: Int) -> String {
        """
        <validate-jwt header-name="Authorization" failed-validation-httpcode="\(status)" failed-validation-error-message="refused by the \(status) element">
          <openid-config url="https://login.microsoftonline.com/\(PolicyTest.tenant)/.well-known/openid-configuration" />
          <audiences><audience>https://elsewhere.example</audience></audiences>
        </validate-jwt>
        """
    }

    static let accepting = PolicyTest.tenantJWT()
    static let mobile = #"@(context.Request.Headers.GetValueOrDefault(&quot;X-Mobile&quot;,&quot;&quot;) == &quot;1&quot;)"#
    static let mobileText = #"@(context.Request.Headers.GetValueOrDefault("X-Mobile","") == "1")"#
    static let partner = #"@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))"#
    static let partnerText = #"@(context.Request.Headers.ContainsKey("X-Partner"))"#

    static func policy(_ inbound: String) -> String { "<policies>\n<inbound>\n\(inbound)\n</inbound>\n</policies>" }
    static func choose(_ branches: String) -> String { "<choose>\n\(branches)\n</choose>" }
    static func when(_ condition: String, _ body: String) -> String { "<when condition=\"\(condition)\">\n\(body)\n</when>" }
    static func otherwise(_ body: String) -> String { "<otherwise>\n\(body)\n</otherwise>" }

    static let good = GatewayCase.Token.example("certificate-v1.jwt")

    static let cases: [GatewayCase] = [
        GatewayCase("@(true): the element in the <when> runs and its status and reason answer", policy: policy(choose(when("@(true)", refusing(403)))),
                    token: good, .rejected(403, "TokenAudienceNotAllowed", body: "refused by the 403 element")),
        GatewayCase("@(false) and no <otherwise>: nothing in the <choose> runs and the request goes on", policy: policy(choose(when("@(false)", refusing(403)))),
                    token: good, .accepted),
        GatewayCase("@(false): the <otherwise> runs", policy: policy(choose(when("@(false)", accepting) + otherwise(refusing(418)))),
                    token: good, .rejected(418, "TokenAudienceNotAllowed", body: "refused by the 418 element")),
        GatewayCase("the first <when> that is true runs, not a later one", policy: policy(choose(when("@(true)", refusing(403)) + when("@(true)", refusing(418)))),
                    token: good, .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("a false <when> is skipped for the next true one", policy: policy(choose(when("@(false)", refusing(403)) + when("@(true)", refusing(418)))),
                    token: good, .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("a Boolean constant written plainly is a condition (condition=\"true\")", policy: policy(choose(when("true", refusing(403)))),
                    token: good, .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("white space and parentheses around a constant do not matter (@( (false) ))", policy: policy(choose(when("@( (false) )", refusing(403)) + otherwise(accepting))),
                    token: good, .accepted),
        GatewayCase("a condition's value given as true takes the branch", policy: policy(choose(when(mobile, refusing(403)) + otherwise(refusing(418)))),
                    token: good, options: ["--expression-value", mobileText + "=true"], .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("a condition's value given as false takes the <otherwise>", policy: policy(choose(when(mobile, refusing(403)) + otherwise(refusing(418)))),
                    token: good, options: ["--expression-value", mobileText + "=False"], .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("a condition nobody supplied stops both commands, naming it and the option", policy: policy(choose(when(mobile, refusing(403)) + otherwise(accepting))),
                    token: good, .cannotEvaluate([mobileText, "--expression-value", "<when> at"])),
        GatewayCase("a condition's value must be true or false", policy: policy(choose(when(mobile, refusing(403)))),
                    token: good, options: ["--expression-value", mobileText + "=yes"], .cannotEvaluate([mobileText, "true or false"])),
        GatewayCase("only the conditions up to the first true one are needed", policy: policy(choose(when("@(true)", accepting) + when(mobile, refusing(403)))),
                    token: good, .accepted),
        GatewayCase("a <choose> with no token validation in it needs no condition", policy: policy(
                    choose(when(mobile, "<set-header name=\"X-Mobile\" exists-action=\"override\"><value>1</value></set-header>")) + "\n" + accepting),
                    token: good, .accepted),
        GatewayCase("after a rejection nothing runs, so a later condition is not needed", policy: policy(refusing(403) + "\n" + choose(when(mobile, accepting))),
                    token: good, .rejected(403, "TokenAudienceNotAllowed")),
        GatewayCase("an element before the <choose> accepts, the one in the branch refuses", policy: policy(accepting + "\n" + choose(when("@(true)", refusing(418)))),
                    token: good, .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("an element after the <choose> still runs when the branch accepts", policy: policy(choose(when("@(true)", accepting)) + "\n" + refusing(418)),
                    token: good, .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("nested <choose>: the inner branch taken decides", policy: policy(choose(when("@(true)", choose(when(partner, refusing(403)) + otherwise(refusing(418)))))),
                    token: good, options: ["--expression-value", partnerText + "=false"], .rejected(418, "TokenAudienceNotAllowed")),
        GatewayCase("nested <choose> inside a branch not taken needs no value", policy: policy(choose(when("@(false)", choose(when(partner, refusing(403)))) + otherwise(accepting))),
                    token: good, .accepted),
        GatewayCase("nested <choose>: an inner condition nobody supplied is named", policy: policy(choose(when("@(true)", choose(when(partner, refusing(403)))))),
                    token: good, .cannotEvaluate([partnerText, "--expression-value"])),
        GatewayCase("a request without a token is TokenNotPresent only in the branch that validates", policy: policy(choose(when(mobile, accepting) + otherwise("<set-variable name=\"anonymous\" value=\"true\" />"))),
                    token: nil, headers: ["Accept: */*"], options: ["--expression-value", mobileText + "=false"], .accepted),
        GatewayCase("a <when> without a condition is a malformed policy", policy: policy(choose("<when>\n\(refusing(403))\n</when>")),
                    token: good, .cannotEvaluate(["has no condition attribute"])),
        GatewayCase("a validate-jwt in <on-error> does not run for the request", policy: "<policies><inbound>\(accepting)</inbound><on-error>\(refusing(403))</on-error></policies>",
                    token: good, .accepted),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ gatewayCase: GatewayCase) throws {
        try gatewayCase.check()
    }

    /// The branches taken are reported by check-policy (JSON and text) and told by explain.
    @Test func theBranchTakenIsReported() throws {
        let (directory, path) = try PolicyTest.policy(Self.policy(Self.choose(Self.when(Self.mobile, Self.refusing(403)) + Self.otherwise(Self.accepting))))
        defer { _ = directory }
        let arguments = ["--policy", path, "--expression-value", Self.mobileText + "=true"] + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")]
        let json = try PolicyTest.json(try PolicyTest.run(["check-policy", "--json"] + arguments))
        let branch = try #require(json["branches"]?.arrayValue?.first?.objectValue)
        #expect(branch["line"] == 3 && branch["taken"] == "when" && branch["takenLine"] == 4)
        let condition = try #require(branch["conditions"]?.arrayValue?.first?.objectValue)
        #expect(condition["expression"]?.stringValue == Self.mobileText && condition["value"] == .bool(true) && condition["supplied"] == .bool(true))
        #expect(json["validations"]?.arrayValue?.count == 1)
        let text = try PolicyTest.run(["check-policy"] + arguments)
        #expect(Support.unwrapped(text.stdout).contains("branches  <choose> at line 3: <when> 1 (line 4) runs, because \(Self.mobileText) is true (--expression-value)"), "\(text.stdout)")
        let explained = try PolicyTest.json(try PolicyTest.run(["explain", "--json"] + arguments))
        let notes = (explained["notes"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(notes.contains { $0.hasPrefix("<choose> at line 3: <when> 1 (line 4) runs") }, "\(notes)")
        #expect(notes.contains { $0.hasSuffix("does not run: it is in a <choose> branch this request does not take.") })
    }
}
