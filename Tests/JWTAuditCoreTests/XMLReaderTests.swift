import Testing
@testable import JWTAuditCore

@Suite("Strict DTD-free XML reader")
struct XMLReaderTests {
    func parse(_ text: String, limits: XMLReader.Limits = .default) throws(JWTAuditError) -> [XMLElement] {
        try XMLReader.parse(text, sourceName: "t.xml", limits: limits)
    }

    func error(_ text: String, limits: XMLReader.Limits = .default) -> JWTAuditError? {
        do { _ = try parse(text, limits: limits); return nil } catch { return error }
    }

    func error(bytes: [UInt8]) -> JWTAuditError? {
        do { _ = try XMLReader.parse(bytes); return nil } catch { return error }
    }

    @Test func readsElementsAttributesTextAndPositions() throws {
        let roots = try parse("<?xml version=\"1.0\"?>\n<!-- c -->\n<a x=\"1\" y='two'>\n  <b>hi &amp; &lt;there&gt; &quot;&apos; &#65;&#x42;</b><c/>\n</a>\n")
        #expect(roots.count == 1)
        let a = roots[0]
        #expect(a.name == "a" && a.line == 3 && a.column == 1 && a.source == "t.xml")
        #expect(a.attributes.map(\.name) == ["x", "y"])
        #expect(a.attribute("y") == "two")
        let b = try #require(a.firstElement(named: "b"))
        #expect(b.text == "hi & <there> \"' AB")
        #expect(b.line == 4 && b.column == 3)
        #expect(a.elements.map(\.name) == ["b", "c"])
    }

    @Test func keepsCDATACommentsOutAndPIsSkipped() throws {
        let roots = try parse("<a><![CDATA[<not> &amp; markup]]><!-- gone --><?pi stuff?>tail</a>")
        #expect(roots[0].text == "<not> &amp; markup" + "tail")
    }

    @Test func preservesNamedValuesAndExpressions() throws {
        let roots = try parse(#"<k v="{{name}}" e="@(context.Request.Headers.GetValueOrDefault(&quot;x&quot;,&quot;&quot;))">@{ return 1; }</k>"#)
        #expect(roots[0].attribute("v") == "{{name}}")
        #expect(roots[0].attribute("e") == #"@(context.Request.Headers.GetValueOrDefault("x",""))"#)
        #expect(roots[0].text == "@{ return 1; }")
    }

    @Test func acceptsSeveralTopLevelElementsAndUnicode() throws {
        let roots = try parse("\u{FEFF}<a/>\n<b n=\"é😀\"/>")
        #expect(roots.map(\.name) == ["a", "b"])
        #expect(roots[1].attribute("n") == "é😀")
        // Columns count characters, not bytes.
        #expect(error("<a n=\"é\">&bad;</a>")?.reason.hasPrefix("t.xml: line 1, column 10:") == true)
    }

    @Test(arguments: [
        ("<a>", "line 1, column 4: file ends inside <a>"),
        ("<a>\n</b>", "line 2, column 1: end tag </b> does not match <a>"),
        ("<a x=1/>", "line 1, column 6: attribute x needs a quoted value"),
        ("<a x='1' x='2'/>", "line 1, column 10: attribute x appears twice"),
        ("<a>&foo;</a>", "line 1, column 4: undefined entity &foo;"),
        ("<a>&#0;</a>", "line 1, column 4: &#0; is not a valid character reference"),
        ("<a>a & b</a>", "line 1, column 6: '&' must start a reference"),
        ("<a x='<'/>", "line 1, column 7: '<' is not allowed in an attribute value"),
        ("<a/>\ntext", "line 2, column 1: text outside the policy's elements"),
        ("", "line 1, column 1: no element"),
        ("   \n  ", "line 2, column 3: no element"),
        ("<a><!-- x -- y --></a>", "line 1, column 11: '--' inside a comment"),
        ("<a><![CDATA[x</a>", "line 1, column 4: CDATA section is not closed"),
        ("<a>]]></a>", "line 1, column 4: ']]>' is not allowed in text"),
        ("<a x='1'y='2'/>", "line 1, column 9: white space expected before an attribute"),
        ("</a>", "line 1, column 1: end tag with no matching start tag"),
        ("<1a/>", "line 1, column 2: an element name expected"),
    ])
    func reportsErrorsWithLineAndColumn(input: String, expected: String) {
        let e = error(input)
        #expect(e?.code == .malformedPolicy, "input \(input.debugDescription)")
        #expect(e?.reason.hasPrefix("t.xml: \(expected)") == true, "input \(input.debugDescription): got \(e?.reason ?? "no error")")
    }

    @Test func refusesXXEAtOnce() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE policies [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <policies><inbound>&xxe;</inbound></policies>
            """
        let e = error(xxe)
        #expect(e?.code == .malformedPolicy)
        #expect(e?.reason.contains("line 2, column 1: DOCTYPE and ENTITY declarations are refused") == true)
    }

    @Test func refusesBillionLaughsAtOnce() {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 \"lol\">\n"
        for i in 1...9 {
            text += " <!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">\n"
        }
        text += "]>\n<lolz>&lol9;</lolz>\n"
        let e = error(text)
        #expect(e?.reason.contains("line 2, column 1: DOCTYPE and ENTITY declarations are refused") == true)
        // An entity used without any DTD is still only an undefined entity, never expanded.
        #expect(error("<lolz>&lol9;</lolz>")?.reason.contains("undefined entity &lol9;") == true)
        // A DOCTYPE inside content is refused too.
        #expect(error("<a><!ENTITY x \"y\"></a>")?.reason.contains("line 1, column 4: DOCTYPE and ENTITY") == true)
    }

    @Test func deepNestingFailsOnTheDepthLimit() {
        let depth = 200_000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(depth * 7)
        for _ in 0..<depth { bytes += Array("<a>".utf8) }
        for _ in 0..<depth { bytes += Array("</a>".utf8) }
        do {
            _ = try XMLReader.parse(bytes, limits: .init(maxBytes: 4 << 20))
            Issue.record("200,000-deep nesting was accepted")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.reason == "line 1, column 769: elements are nested deeper than 256 levels")
        }
        // Exactly at the limit is fine.
        let ok = String(repeating: "<a>", count: 256) + String(repeating: "</a>", count: 256)
        #expect(error(ok) == nil)
    }

    @Test func aLongSingleLineKeepsExactColumns() throws {
        let count = 50_000
        var text = "<r>"
        text.reserveCapacity(count * 5 + 8)
        for _ in 0..<count { text += "<a/>" }
        text += "</r>"
        let roots = try XMLReader.parse(text, limits: .init(maxBytes: 1 << 20))
        #expect(roots[0].elements.count == count)
        #expect(roots[0].elements.last?.column == 4 + (count - 1) * 4)
        #expect(roots[0].elements.last?.line == 1)
    }

    @Test func sizeAndAttributeLimits() {
        let big = "<a>" + String(repeating: "x", count: 2000) + "</a>"
        #expect(error(big, limits: .init(maxBytes: 1000))?.code == .limitExceeded)
        let many = "<a " + (0..<65).map { "a\($0)='1'" }.joined(separator: " ") + "/>"
        let e = error(many)
        #expect(e?.code == .limitExceeded)
        #expect(e?.reason.contains("more than 64 attributes") == true)
    }

    @Test func binaryGarbageIsRefused() {
        var garbage: [UInt8] = [0x3C, 0x61, 0x3E]
        var state: UInt32 = 12345
        for _ in 0..<4096 {
            state = state &* 1_103_515_245 &+ 12345
            garbage.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        do {
            _ = try XMLReader.parse(garbage)
            Issue.record("binary garbage was accepted")
        } catch {
            #expect(error.code == .malformedPolicy)
            #expect(error.reason.contains("line "))
        }
        #expect((try? XMLReader.parse([0x00, 0x01, 0xFF])) == nil)
        let e = error(bytes: [0x3C, 0x61, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x61, 0x3E])
        #expect(e?.reason == "line 1, column 4: not UTF-8 XML text (byte 0xC3)")
    }
}
