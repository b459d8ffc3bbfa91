import Testing
import JWTAuditCore

/// One verdict shape (issue 16 item 7; DESIGN.md: "its `"verdict"` is the same object as check-policy's
/// verdict (`accepted`, `statusCode`, `body`, `lastError`)"): check-policy --json writes its members first, explain
/// --json embeds the same object, `body` is an object in both, and the man page and README document it.
@Suite("Gateway battery: one verdict, documented")
struct GatewayVerdictShapeTests {
    static let seed = PolicyTest.example("policies/certificate-only-v1.xml")

    func both(_ token: String) throws -> PolicyTest.BothCommands {
        try PolicyTest.bothCommands(["--policy", Self.seed, "--json"] + PolicyTest.offline + [PolicyTest.example("tokens/" + token)])
    }

    @Test func aRejectionIsTheSameObjectInBothCommands() throws {
        let compared = try both("secret-v1.jwt")
        let checkJSON = try PolicyTest.json(compared.checkPolicy)
        #expect(Array(checkJSON.keys.prefix(4)) == ["accepted", "statusCode", "body", "lastError"])
        let explainJSON = try PolicyTest.json(compared.explain)
        #expect(Array(explainJSON.keys.prefix(3)) == ["verdict", "status", "exitCode"])
        #expect(explainJSON["status"] == "rejected" && explainJSON["exitCode"] == 1)
        let verdict = try #require(compared.verdict)
        #expect(verdict["body"]?.objectValue?.keys == ["statusCode", "message"], "body is an object")
        #expect(verdict["lastError"]?.objectValue?.keys == ["source", "reason", "message"])
        #expect(explainJSON["verdict"] == .object(verdict))
    }

    @Test func anAcceptanceIsTheSameObjectInBothCommands() throws {
        let compared = try both("certificate-v1.jwt")
        #expect(compared.checkPolicy.status == 0 && compared.explain.status == 0)
        #expect(compared.verdict == JSONObject([("accepted", true), ("statusCode", 200), ("body", .null), ("lastError", .null)]))
        #expect(try PolicyTest.json(compared.explain)["status"] == "accepted")
    }

    @Test func aPolicyThatCannotBeEvaluatedHasNoVerdict() throws {
        let (directory, path) = try PolicyTest.policy(PolicyTest.tenantJWT(#"clock-skew="@(context.Variables[&quot;skew&quot;])""#))
        defer { _ = directory }
        let explained = try PolicyTest.run(["explain", "--json", "--policy", path] + PolicyTest.offline + [PolicyTest.example("tokens/certificate-v1.jwt")])
        #expect(explained.status == 3)
        let json = try PolicyTest.json(explained)
        #expect(json["verdict"] == .null && json["status"] == "cannot-evaluate" && json["exitCode"] == 3)
        #expect(explained.stderr.hasPrefix("jwtaudit: error: cannot evaluate the policy ("), "the error check-policy prints")
    }

    @Test func theManPageDocumentsTheRequestTheChooseRuleAndTheVerdict() throws {
        let man = try #require(Support.readFile("man/jwtaudit.1"))
        let start = try #require(man.firstRange(of: ".Sh POLICY EVALUATION\n"), "no POLICY EVALUATION section")
        let rest = man[start.upperBound...]
        let section = rest.firstRange(of: "\n.Sh ").map { rest[..<$0.lowerBound] } ?? rest
        let flat = String(section).replacing("\n", with: " ")
        for said in ["--request-header", "--expression-value", "--named-value", "--certificate", "--decryption-key",
                     "the first <when> whose condition is true runs, else <otherwise>", "exit status 3",
                     #""accepted""#, #""statusCode""#, #""body""#, #""lastError""#, #""source", "reason", "message""#,
                     #"as "verdict""#] {
            #expect(flat.contains(said), "the man page's POLICY EVALUATION section should say \(said)")
        }
    }

    @Test func theREADMEDocumentsTheRequestTheChooseRuleAndTheVerdict() throws {
        let readme = try #require(Support.readFile("README.md")).replacing("\n", with: " ")
        for said in ["--request-header \"Name: value\"", "--expression-value '@(expression)=VALUE'",
                     "the first `<when>` whose condition is true runs, else `<otherwise>`",
                     #"{"accepted": false, "statusCode": 401,"#, #""body": {"statusCode": 401, "message": "Invalid JWT."}"#,
                     "`explain --json` embeds the same object as `\"verdict\"`"] {
            #expect(readme.contains(said), "README should say \(said)")
        }
    }

    /// The README's verdict example is what the binary answers for that request.
    @Test func theREADMEVerdictExampleIsReal() throws {
        let (directory, path) = try PolicyTest.policy(PolicyTest.tenantJWT())
        defer { _ = directory }
        let token = try PolicyTest.rs256(PolicyTest.claims([("exp", String(PolicyTest.atSeconds - 3600))]))
        let verdict = try #require(try PolicyTest.bothCommands(["--policy", path, "--json"] + PolicyTest.offline + [token]).verdict)
        let readme = try #require(Support.readFile("README.md"))
        let message = try #require(verdict["lastError"]?.objectValue?["message"]?.stringValue)
        #expect(readme.contains(#""message": "\#(message)"}}"#), "README's verdict example is stale: \(message)")
    }
}
