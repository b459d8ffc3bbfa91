import Testing
@testable import JWTAuditCore

/// `CompactToken.parse(_:limits:reusingHeaderOf:)` must give exactly what `parse(_:limits:)` gives, whether or not
/// the previous token's header is taken, including the errors.
@Suite("Compact token parsing reusing a previous header")
struct CompactTokenHeaderReuseTests {
    static func compact(_ header: String, _ payload: String = #"{"sub":"x"}"#, _ signature: [UInt8] = [1, 2, 3]) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + "."
            + Base64URL.encode(signature)
    }

    static let headers = [
        #"{"typ":"JWT","alg":"RS256","kid":"k1"}"#,
        #"{"typ":"JWT","alg":"RS256","kid":"k2"}"#,  // same length, one byte different
        #"{"typ":"JWT","alg":"RS256","kid":"k1","alg":"none"}"#,
        #"{"a":{"b":{"c":1}}}"#,
        #"[1]"#,
        #"{"#,
    ]

    func outcome(_ text: String, _ limits: CompactToken.Limits = .default, previous: CompactToken?) -> String {
        do throws(JWTAuditError) {
            let token = previous == nil
                ? try CompactToken.parse(text, limits: limits)
                : try CompactToken.parse(text, limits: limits, reusingHeaderOf: previous)
            return "\(token.kind) \(token.header == JSONObject() ? "{}" : String(describing: token.header.members.map(\.key)))"
                + " \(token.header.duplicateKeys) \(token.headerBytes) \(token.payloadBytes) \(token.signature)"
                + " \(token.signingInput) \(String(describing: token.claims?.keys)) \(String(describing: token.claimsProblem))"
                + " \(token.algorithm ?? "-") \(token.keyID ?? "-")"
        } catch {
            return "error \(error.code) \(error.reason)"
        }
    }

    @Test func sameResultWithAnyPreviousToken() throws {
        let texts = Self.headers.map { Self.compact($0) } + [
            Self.compact(Self.headers[0], #"{"sub":"y"}"#, [9]),
            Self.compact(Self.headers[0]).replacingOccurrences(".", "!"),
            "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YQ.YQ.YQ.YQ",
        ]
        var previous: [CompactToken?] = [nil]
        for text in texts {
            if let token = try? CompactToken.parse(text) { previous.append(token) }
        }
        #expect(previous.count >= 5)
        for text in texts {
            let expected = outcome(text, previous: nil)
            for earlier in previous {
                #expect(outcome(text, previous: earlier) == expected, "\(text) after \(earlier?.text ?? "nothing")")
            }
        }
    }

    @Test func theHeaderIsTakenOnlyUnderTheSameJSONLimits() throws {
        let text = Self.compact(Self.headers[3])
        let previous = try CompactToken.parse(text)
        var strict = CompactToken.Limits()
        strict.json.maxDepth = 2
        #expect(outcome(text, strict, previous: previous) == outcome(text, strict, previous: nil))
        #expect(outcome(text, strict, previous: previous).hasPrefix("error"))
    }

    @Test func aMatchingHeaderIsTheSameValue() throws {
        let first = try CompactToken.parse(Self.compact(Self.headers[0]))
        let second = try CompactToken.parse(Self.compact(Self.headers[0], #"{"sub":"z"}"#), reusingHeaderOf: first)
        #expect(second.header == first.header)
        #expect(second.headerBytes == first.headerBytes)
        #expect(second.claims?["sub"] == "z")
    }
}
