import Testing
@testable import JWTAuditCore

/// The minimal YAML reader behind `--environment` and OpenAPI YAML specifications.
@Suite("YAML reader: the subset APIOps configuration and OpenAPI files use")
struct YAMLReaderTests {
    func parse(_ text: String, positions: Bool = false) throws(JWTAuditError) -> YAMLNode {
        try YAMLReader.parse(Array(text.utf8), file: "c.yaml", positions: positions)
    }

    func error(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.reason }
    }

    @Test func readsAnAPIOpsConfigurationWithSequencesAtTheKeysIndentation() throws {
        let doc = try parse("""
            apimServiceName: [your prod apim instance name goes here]
            namedValues:
            - name: environment   # a comment
              properties:
                displayName: environment
                value: "https://www.search2.com"
            - name: 'mysecret'
              properties:
                keyVault:
                  secretIdentifier: https://kv.vault.azure.net/secrets/x
            loggers:
                - name: x
                  resourceId: "/subscriptions/a/
                               b/c"
            """)
        #expect(doc["apimServiceName"]?.items.first?.string == "your prod apim instance name goes here")
        let named = doc["namedValues"]?.items ?? []
        #expect(named.count == 2)
        #expect(named[0]["properties"]?["value"]?.string == "https://www.search2.com")
        #expect(named[1]["name"]?.string == "mysecret")
        #expect(named[1]["properties"]?["keyVault"]?["secretIdentifier"]?.string == "https://kv.vault.azure.net/secrets/x")
        #expect(doc["loggers"]?.items.first?["resourceId"]?.string == "/subscriptions/a/ b/c")
    }

    @Test func readsAnOpenAPIDocumentAsJSON() throws {
        let doc = try parse("""
            openapi: 3.0.1
            info:
              title: basic-api
              version: '1.0'
            paths:
              /items:
                get:
                  operationId: get-items
                  responses:
                    '200':
                      description: Items returned.
                post: {operationId: create-item, tags: [a, "b"]}
            """)
        let json = doc.jsonValue
        #expect(json.objectValue?["info"]?.objectValue?["version"] == .string("1.0"))
        let items = json.objectValue?["paths"]?.objectValue?["/items"]?.objectValue
        #expect(items?["get"]?.objectValue?["operationId"] == .string("get-items"))
        #expect(items?["post"]?.objectValue?["tags"] == .array([.string("a"), .string("b")]))
        #expect(items?["post"]?.objectValue?["operationId"] == .string("create-item"))
    }

    @Test func blockScalarsKeepTheirLinesAndChomping() throws {
        let doc = try parse("""
            literal: |
              <policies>
                <inbound />

              </policies>
            stripped: |-
              a
              b

            folded: >
              one
              two

              three
                four
            next: x
            """)
        #expect(doc["literal"]?.string == "<policies>\n  <inbound />\n\n</policies>\n")
        #expect(doc["stripped"]?.string == "a\nb")
        #expect(doc["folded"]?.string == "one two\nthree\n  four\n")
        #expect(doc["next"]?.string == "x")
    }

    @Test func aBlockScalarMapsEachByteToItsLineInTheFile() throws {
        let doc = try parse("apis:\n  - name: orders\n    policies:\n      - name: policy\n        value: |\n          <policies>\n            <inbound/>\n          </policies>\n", positions: true)
        guard case .scalar(let scalar)? = doc["apis"]?.items.first?["policies"]?.items.first?["value"] else {
            Issue.record("no scalar")
            return
        }
        let text = try #require(scalar.text)
        #expect(text.bytes == Array("<policies>\n  <inbound/>\n</policies>\n".utf8))
        let inbound = try #require(text.bytes.firstIndex(of: UInt8(ascii: "<")).map { _ in 13 })
        #expect(text.embeddedPosition(0)! == (6, 11))
        #expect(text.embeddedPosition(inbound)! == (7, 13))
    }

    @Test func doubleQuotedEscapesAndSingleQuotedQuotes() throws {
        let doc = try parse(#"a: "x\n\"y\" \u00e9"\#nb: 'it''s'"#)
        #expect(doc["a"]?.string == "x\n\"y\" é")
        #expect(doc["b"]?.string == "it's")
    }

    @Test(arguments: [
        ("a: &x 1\nb: *x", "line 1, column 4: YAML anchors (&) are not supported"),
        ("b: *x", "line 1, column 4: YAML aliases (*) are not supported"),
        ("a: !!str 1", "line 1, column 4: YAML tags (!) are not supported"),
        ("a: 1\n---\nb: 2", "several YAML documents"),
        ("a: 1\na: 2", "the key 'a' appears twice"),
        ("a: \"open", "line 1, column 4: quoted scalar is not closed"),
        ("a: [1, 2", "flow collection is not closed"),
        ("a:\n  b: 1\n   c: 2", "unexpected indentation"),
    ])
    func refusesWhatItDoesNotRead(input: String, expected: String) {
        let reason = error(input)
        #expect(reason?.contains(expected) == true, "\(input.debugDescription): \(reason ?? "no error")")
        #expect(reason?.hasPrefix("c.yaml: line") == true)
    }

    @Test func deepNestingStopsAtTheLimit() {
        let deep = String(repeating: "[", count: 10_000)
        #expect(error("a: " + deep)?.contains("nested deeper than 64 levels") == true)
    }

    @Test func binaryIsRefused() {
        #expect(error("a: \u{01}\u{02}")?.contains("not UTF-8 text") == true)
    }
}
