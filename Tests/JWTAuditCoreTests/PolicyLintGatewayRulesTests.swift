import Testing
@testable import JWTAuditCore

/// The lint rules about what the gateway makes of an element as written (issue 16 items 6 and 9): attributes
/// and elements it does not have, one token source, a plain output variable name, the section it sits in.
@Suite("Policy lint: the element as the gateway reads it")
struct PolicyLintGatewayRulesTests {
    func findings(_ xml: String) throws -> [PolicyLintFinding] { PolicyLint.lint(try policy(xml)) }

    @Test func eachValidateJWTOnlyAttributeOnValidateAzureADTokenIsAFindingOnItsOwnLine() throws {
        let xml = """
            <validate-azure-ad-token tenant-id="3d6e366f-9587-413b-ab6b-0a851b1b91ba"
                clock-skew="7200"
                require-expiration-time="false" require-scheme="Bearer"
                require-signed-tokens="false">
              <openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration" />
              <issuers><issuer>https://sts.windows.net/x/</issuer></issuers>
              <audiences><audience>api://a</audience></audiences>
            </validate-azure-ad-token>
            """
        let found = try findings(xml).filter { $0.id.hasPrefix("undocumented-") }
        #expect(found.map(\.id) == ["undocumented-attribute", "undocumented-attribute", "undocumented-attribute", "undocumented-attribute", "undocumented-element", "undocumented-element"])
        #expect(found.map(\.line) == [2, 3, 3, 4, 5, 6])
        #expect(found[0].message.contains("has no clock-skew attribute (it is validate-jwt's)"), "\(found[0].message)")
        #expect(found[0].message.contains("an expired token is refused"))
        #expect(found.allSatisfy { $0.severity == .warning })
    }

    @Test func theModelDoesNotApplyWhatTheElementDoesNotHave() throws {
        let p = try policy(#"<validate-azure-ad-token tenant-id="t" clock-skew="7200" require-signed-tokens="false"><issuers><issuer>x</issuer></issuers></validate-azure-ad-token>"#).validations[0]
        #expect(p.clockSkew == nil && p.requireSignedTokens == nil && p.issuers == nil)
        let resolved = try p.resolved()
        #expect(resolved.clockSkewSeconds == 0 && resolved.requireSignedTokens && resolved.requireExpirationTime)
        let jwt = try policy(#"<validate-jwt header-name="Authorization" tenant-id="t"><client-application-ids><application-id>c</application-id></client-application-ids></validate-jwt>"#).validations[0]
        #expect(jwt.tenantID == nil && jwt.clientApplicationIDs == nil)
        #expect(jwt.undocumented.map(\.name) == ["tenant-id", "client-application-ids"])
        #expect(jwt.undocumented.map(\.otherKind) == [.validateAzureADToken, .validateAzureADToken])
    }

    @Test func aMisspeltAttributeIsNamedWithoutAnOwner() throws {
        let finding = try #require(try findings(#"<validate-jwt header-name="Authorization" clockskew="30"/>"#).first { $0.id == "undocumented-attribute" })
        #expect(finding.message.hasPrefix("validate-jwt has no clockskew attribute: it has no effect"), "\(finding.message)")
    }

    @Test(arguments: [
        (#"header-name="Authorization" query-parameter-name="t""#, "header-name and query-parameter-name"),
        (#"header-name="Authorization" token-value="@(x)""#, "header-name and token-value"),
        (#"query-parameter-name="t" token-value="@(x)""#, "query-parameter-name and token-value"),
    ])
    func severalTokenSources(_ attributes: String, _ named: String) throws {
        let finding = try #require(try findings("<validate-jwt \(attributes)/>").first { $0.id == "several-token-sources" })
        #expect(finding.severity == .error && finding.message.contains(named), "\(finding.message)")
        #expect(try !findings(#"<validate-jwt header-name="Authorization"/>"#).contains { $0.id == "several-token-sources" })
    }

    @Test func validateJWTWithNoTokenSource() throws {
        let finding = try #require(try findings("<validate-jwt>\n<audiences><audience>a</audience></audiences></validate-jwt>").first { $0.id == "token-source-missing" })
        #expect(finding.severity == .error && finding.line == 1)
        #expect(try !findings(#"<validate-azure-ad-token tenant-id="t"/>"#).contains { $0.id == "token-source-missing" }, "Authorization by default")
    }

    @Test func anExpressionAsTheOutputVariableName() throws {
        let xml = "<validate-jwt header-name=\"Authorization\"\n output-token-variable-name=\"@(&quot;jwt&quot;)\"/>"
        let finding = try #require(try findings(xml).first { $0.id == "output-variable-expression" })
        #expect(finding.severity == .error && finding.line == 2)
        #expect(try !findings(#"<validate-jwt header-name="Authorization" output-token-variable-name="jwt"/>"#).contains { $0.id == "output-variable-expression" })
    }

    @Test(arguments: [("outbound", "after the backend has answered"), ("on-error", "only after an error"), ("backend", "after inbound")])
    func validationOutsideInboundSaysWhatThatMeans(_ section: String, _ effect: String) throws {
        let xml = "<policies><inbound/><\(section)><validate-jwt header-name=\"Authorization\"/></\(section)></policies>"
        let finding = try #require(try findings(xml).first { $0.id == "validation-outside-inbound" })
        #expect(finding.message.contains(effect), "\(finding.message)")
        #expect(try !findings(#"<policies><inbound><validate-jwt header-name="Authorization"/></inbound></policies>"#).contains { $0.id == "validation-outside-inbound" })
    }

    @Test func theNewRulesHaveStableIdsBesideTheSecurityRules() {
        #expect(PolicyLint.gatewayRules.map(\.id) == ["undocumented-attribute", "undocumented-element", "several-token-sources", "token-source-missing", "output-variable-expression"])
        #expect(PolicyLint.rules.suffix(5).map(\.id) == PolicyLint.gatewayRules.map(\.id))
    }
}
