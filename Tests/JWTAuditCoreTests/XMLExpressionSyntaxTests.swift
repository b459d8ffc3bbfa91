import Testing
@testable import JWTAuditCore

/// APIM's raw expression syntax inside policy XML (`format=rawxml`, APIOps trees, Bicep and Terraform): an
/// expression runs from `@(` to its matching `)` and from `@{` to its matching `}`, and the rest of the XML rules
/// still hold.
@Suite("XML reader: policy expressions as the gateway reads them")
struct XMLExpressionSyntaxTests {
    func parse(_ text: String) throws(JWTAuditError) -> [XMLElement] {
        try XMLReader.parse(text, sourceName: "p.xml")
    }

    func error(_ text: String) -> JWTAuditError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test func rawQuotesInsideAnAttributeExpressionBelongToTheExpression() throws {
        let roots = try parse(#"<when condition="@(context.Variables.GetValueOrDefault<bool>("isMobile"))" next="x"/>"#)
        #expect(roots[0].attribute("condition") == #"@(context.Variables.GetValueOrDefault<bool>("isMobile"))"#)
        #expect(roots[0].attribute("next") == "x")
    }

    @Test func aMultiLineBlockWithComparisonsAndAndsStaysText() throws {
        let xml = """
            <set-body>@{
                var body = context.Request.Body.As<JObject>(preserveContent: true);
                if (body["a"] != null && (int)body["n"] < 3 || (int)body["n"] > 9) { return "</set-body>"; }
                return body.ToString();
            }</set-body>
            """
        let roots = try parse(xml)
        #expect(roots[0].text.hasPrefix("@{\n    var body = context.Request.Body.As<JObject>(preserveContent: true);"))
        #expect(roots[0].text.contains(#"&& (int)body["n"] < 3 || (int)body["n"] > 9) { return "</set-body>"; }"#))
        #expect(roots[0].text.hasSuffix("return body.ToString();\n}"))
    }

    @Test func entityEscapedExpressionsReadTheSameAsRawOnes() throws {
        let escaped = try parse(#"<v a="@(&quot;user id: &quot; + context.User?.Id)" b="@(x &amp;&amp; y)"/>"#)
        let raw = try parse(#"<v a="@("user id: " + context.User?.Id)" b="@(x && y)"/>"#)
        #expect(escaped[0].attribute("a") == raw[0].attribute("a"))
        #expect(escaped[0].attribute("b") == "@(x && y)")
        #expect(raw[0].attribute("b") == "@(x && y)")
    }

    @Test(arguments: [
        // Brackets inside literals, verbatim and interpolated strings and comments do not count.
        #"@(context.Request.Headers.GetValueOrDefault("Authorization", ")").Length > 0)"#,
        #"@(string.Join(",", new [] { "a)", @"b"")c" }))"#,
        #"@($"id-{context.RequestId} ({context.Operation.Id})")"#,
        #"@($@"{x}""}"" {{not a hole)}}")"#,
        #"@(')' == ')' ? '\'' : '(')"#,
        "@{ // a ) comment\n return 1; }",
        "@{ /* } */ return 2; }",
    ])
    func bracketsInLiteralsDoNotEndTheExpression(expression: String) throws {
        let roots = try parse("<v a='' >\(expression)</v>")
        #expect(roots[0].text == expression)
        let quoted = expression.contains("\"") ? "'" : "\""
        if !expression.contains(quoted), !expression.contains("\n") {
            let attribute = try parse("<v a=\(quoted)\(expression)\(quoted)/>")
            #expect(attribute[0].attribute("a") == expression)
        }
    }

    @Test func anUnclosedExpressionIsNamedAtItsStart() {
        let e = error("<policies>\n  <inbound>\n    <set-variable name=\"x\" value=\"@(context.Variables.GetValueOrDefault<string>(&quot;a&quot;)\" />\n  </inbound>\n</policies>\n")
        #expect(e?.code == .malformedPolicy)
        #expect(e?.reason.hasPrefix("p.xml: line 3, column 35: the policy expression @(context.Variables.GetValueOrDefault<string>(") == true, "\(e?.reason ?? "")")
        #expect(e?.reason.contains("is not closed before the end of the file: '(' has no matching ')'") == true, "\(e?.reason ?? "")")
    }

    @Test func anUnclosedStringLiteralIsSaid() {
        let e = error("<v>@{ var s = @\"abc; }</v>")
        #expect(e?.reason.contains("a string literal in it is not closed") == true, "\(e?.reason ?? "")")
    }

    @Test func aMismatchedBracketNamesTheExpressionAndWhere() {
        let e = error("<v a=\"@(x[1)\"/>")
        #expect(e?.reason.hasPrefix("p.xml: line 1, column 7: the policy expression @(x[1)") == true, "\(e?.reason ?? "")")
        #expect(e?.reason.contains("has ')' where ']' was expected (at line 1, column 12)") == true, "\(e?.reason ?? "")")
    }

    @Test func aGenericOutsideAnExpressionIsNamedNotALaterEndTag() {
        let inText = error("<policies>\n<inbound>\n<set-body>context.Request.Body.As<JObject>()</set-body>\n</inbound>\n</policies>")
        #expect(inText?.reason.hasPrefix("p.xml: line 3, column 11: 'context.Request.Body.As<JObject>(' reads as a C# generic call") == true, "\(inText?.reason ?? "")")
        let inAttribute = error(#"<set-variable name="x" value="context.Variables.GetValueOrDefault<string>(&quot;a&quot;)" />"#)
        #expect(inAttribute?.reason.contains("'context.Variables.GetValueOrDefault<string>(' reads as a C# generic call in an attribute value") == true, "\(inAttribute?.reason ?? "")")
    }

    @Test func elementsAfterTextAreStillElements() throws {
        let roots = try parse("<a>text<b/>more<c>x</c></a>")
        #expect(roots[0].elements.map(\.name) == ["b", "c"])
    }

    @Test func markupOutsideExpressionsIsAsStrictAsBefore() {
        #expect(error("<v a=\"x < y\"/>")?.reason.contains("'<' is not allowed in an attribute value") == true)
        #expect(error("<v>a && b</v>")?.reason.contains("'&' must start a reference") == true)
        #expect(error("<v>@(a) &bogus;</v>")?.reason.contains("undefined entity &bogus;") == true)
        #expect(error("<!DOCTYPE x><v>@(1)</v>")?.reason.contains("DOCTYPE and ENTITY declarations are refused") == true)
    }

    @Test func anUndefinedEntityInsideAnExpressionIsCSharpNotAnError() throws {
        let roots = try parse("<v>@{ var a = b &c; return a; }</v>")
        #expect(roots[0].text == "@{ var a = b &c; return a; }")
    }

    @Test func scanningIsLinearOnAHugeUnclosedExpression() {
        let xml = "<v a=\"@(" + String(repeating: "((", count: 200_000) + "\"/>"
        let e = error(xml)
        #expect(e?.reason.contains("is not closed before the end of the file") == true)
    }
}
