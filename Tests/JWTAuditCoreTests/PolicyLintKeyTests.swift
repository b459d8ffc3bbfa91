import Testing
@testable import JWTAuditCore

/// Issue 19: a template placeholder is not a secret; a decryption key's exposure lets one read tokens, not sign
/// them; a validate-jwt with no key source lets nothing through.
@Suite("Lint: keys")
struct PolicyLintKeyTests {
    func findings(_ xml: String) throws -> [PolicyLintFinding] { PolicyLint.lint(try policy(xml)) }

    func hmac(_ keys: String, attributes: String = "") -> String {
        "<validate-jwt header-name=\"Authorization\"\(attributes)>\n\(keys)\n<audiences><audience>orders</audience></audiences>\n</validate-jwt>"
    }

    @Test(arguments: ["{signing-key}", "${signing_key}", "{{signing-key}}", "__SigningKey__", "#{SigningKey}#", "$(SigningKey)", "%SIGNING_KEY%", "[parameters('key')]", "&lt;your-key&gt;"])
    func aPlaceholderIsNotAnInlineKey(text: String) throws {
        #expect(TemplatePlaceholder.isPlaceholder(text.replacingOccurrences("&lt;", "<").replacingOccurrences("&gt;", ">")))
        let found = try findings(hmac("<issuer-signing-keys><key>\(text)</key></issuer-signing-keys><decryption-keys><key>\(text)</key></decryption-keys>"))
        #expect(!found.contains { $0.id == "inline-symmetric-key" }, "\(text)")
    }

    @Test func keyMaterialIsAnInlineKeyWhateverItsWrapping() throws {
        for text in ["c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "c2VjcmV0\n   c2VjcmV0", "q_-w==", "__notaplaceholder"] {
            #expect(!TemplatePlaceholder.isPlaceholder(text), "\(text)")
        }
    }

    @Test func aDecryptionKeysExposureIsReadingTokensNotSigningThem() throws {
        let found = try findings(hmac("<issuer-signing-keys><key>c2lnbmluZw==</key></issuer-signing-keys>\n<decryption-keys><key>ZGVjcnlwdGlvbg==</key></decryption-keys>"))
        let signing = try #require(found.first { $0.id == "inline-symmetric-key" && $0.line == 2 })
        #expect(signing.message.contains("can sign tokens"))
        let decryption = try #require(found.first { $0.id == "inline-symmetric-key" && $0.line == 3 })
        #expect(decryption.message.contains("decrypt") && decryption.message.contains("not sign tokens"))
        #expect(!decryption.message.contains("can sign tokens that pass"))
    }

    /// Azure/api-management-policy-snippets#66, the APIM team's review: without openid-config or keys the policy
    /// "will fail for any signed token".
    @Test func noKeySourceLetsNothingThrough() throws {
        let bare = "<validate-jwt header-name=\"Authorization\">\n<audiences><audience>orders</audience></audiences>\n<issuers><issuer>https://idp.example.com/</issuer></issuers>\n</validate-jwt>"
        let finding = try #require(try findings(bare).first { $0.id == "no-signing-key-source" })
        #expect(finding.severity == .error && finding.line == 1 && finding.message.contains("nothing can pass"))
        #expect(try findings(bare.replacingOccurrences("<validate-jwt ", "<validate-jwt require-signed-tokens=\"true\" ")).contains { $0.id == "no-signing-key-source" })
        let unsigned = bare.replacingOccurrences("<validate-jwt ", "<validate-jwt require-signed-tokens=\"false\" ")
        #expect(try !findings(unsigned).contains { $0.id == "no-signing-key-source" })
        #expect(try !findings(unsigned.replacingOccurrences("\"false\"", "\"@(context.Variables.GetValueOrDefault<bool>(&quot;signed&quot;))\"")).contains { $0.id == "no-signing-key-source" })
        #expect(try !findings(hmac("<issuer-signing-keys><key certificate-id=\"idp\" /></issuer-signing-keys>")).contains { $0.id == "no-signing-key-source" })
        #expect(try !findings("<validate-azure-ad-token tenant-id='t' />").contains { $0.id == "no-signing-key-source" })
    }
}
