import Testing
@testable import JWTAuditCore

/// `CompactToken.parse(_:in:)` borrows a batch line's bytes where they were read (`TextBlock`) without making them
/// a String first, on the ground that only base64url and dots parse. So: bytes that parse are text, and are exactly
/// the token's `text`; whatever the bytes, the outcome (the token's parts, or the error's code and words) is the one
/// `parse` gives for the same text, with or without a previous token's header to reuse; and a token's text stays
/// its own while it lives, whatever happens to the block's other lines.
@Suite("Compact token parsing from a line's bytes")
struct CompactTokenBytesTests {
    static func segment(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

    /// Parses `bytes` from a block of their own, after other bytes (so the range does not start at 0).
    static func parse(
        bytes: [UInt8], limits: CompactToken.Limits = .default, reusingHeaderOf previous: CompactToken?
    ) throws(JWTAuditError) -> CompactToken {
        let block = TextBlock(capacity: bytes.count + 3)
        _ = [UInt8](".x.".utf8).withUnsafeBytes { block.append($0) }
        let range = bytes.withUnsafeBytes { block.append($0) }!
        return try CompactToken.parse(range, in: block, limits: limits, reusingHeaderOf: previous)
    }

    static let seeds: [(name: String, text: String)] = [
        ("JWS", segment(#"{"alg":"RS256","kid":"k1"}"#) + "." + segment(#"{"iss":"x","aud":"y"}"#) + "."
            + Base64URL.encode([1, 2, 3, 4, 5, 6, 7, 8, 9])),
        ("unsecured JWS", segment(#"{"alg":"none"}"#) + "." + segment(#"{"sub":"z"}"#) + "."),
        ("JWE", segment(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#) + ".YWJj.ZGVm.Z2hp.amts"),
    ]

    /// What is put in place of a byte, or before it: a NUL, bytes that are never UTF-8 or only part of it, UTF-8
    /// beyond ASCII (é, …), white space, and ASCII outside base64url.
    static let intrusions: [[UInt8]] = [
        [0x00], [0x80], [0xFF], [0xC3], [0xF0, 0x90, 0x80], [0xC3, 0xA9], [0xE2, 0x80, 0xA6], [0x20], [0x09], [0x3D], [0x2B],
    ]

    static func outcome(_ token: () throws(JWTAuditError) -> CompactToken) -> String {
        do throws(JWTAuditError) {
            let token = try token()
            return "\(token.kind) \(token.text) \(token.header.members.map(\.key)) \(token.headerBytes) \(token.payloadBytes)"
                + " \(token.signature) \(token.signingInput) \(String(describing: token.claims?.keys))"
                + " \(String(describing: token.claimsProblem)) \(token.keyID ?? "-")"
        } catch {
            return "error \(error.code) \(error.reason)"
        }
    }

    @Test(arguments: seeds.indices)
    func bytesThatParseAreTextAndParseAsTheTextDoes(seed: Int) throws {
        let (name, text) = Self.seeds[seed]
        let original = Array(text.utf8)
        let previous = try CompactToken.parse(text)
        var cases = 0
        for position in 0...original.count {
            for intrusion in Self.intrusions {
                var variants = [Array(original[..<position]) + intrusion + Array(original[position...])]
                if position < original.count {
                    variants.append(Array(original[..<position]) + intrusion + Array(original[(position + 1)...]))
                }
                for bytes in variants {
                    for earlier in [nil, previous] {
                        cases += 1
                        let fromBytes = Self.outcome { () throws(JWTAuditError) in
                            try Self.parse(bytes: bytes, reusingHeaderOf: earlier)
                        }
                        let label = "\(name), \(intrusion) at \(position)\(earlier == nil ? "" : ", after the seed")"
                        guard let string = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
                            #expect(fromBytes.hasPrefix("error malformedToken"), "\(label): bytes that are not text parsed: \(fromBytes)")
                            continue
                        }
                        let fromText = Self.outcome { () throws(JWTAuditError) in
                            try CompactToken.parse(string, reusingHeaderOf: earlier)
                        }
                        #expect(fromBytes == fromText, "\(label)")
                    }
                }
            }
        }
        #expect(cases > 1000)
    }

    /// The token keeps the bytes it was given: its text, its signing input and a header reused from it are those
    /// bytes.
    @Test func theTokenIsTheBytesItWasGiven() throws {
        let text = Self.seeds[0].text
        let bytes = Array(text.utf8)
        let first = try Self.parse(bytes: bytes, reusingHeaderOf: nil)
        #expect(first.text == text)
        #expect(first.signingInput == Array(bytes[..<bytes.lastIndex(of: UInt8(ascii: "."))!]))
        let second = try Self.parse(bytes: bytes, reusingHeaderOf: first)
        #expect(second.headerBytes == first.headerBytes)
        #expect(Self.outcome { second } == Self.outcome { () throws(JWTAuditError) in try CompactToken.parse(text) })
    }

    @Test func anEmptyLineAndAnOversizedOneAreRefusedAsTextIs() {
        var limits = CompactToken.Limits()
        limits.maxTokenBytes = 8
        let long = Array(Self.seeds[0].text.utf8)
        #expect(Self.outcome { () throws(JWTAuditError) in try Self.parse(bytes: [], reusingHeaderOf: nil) }
            == Self.outcome { () throws(JWTAuditError) in try CompactToken.parse("") })
        #expect(Self.outcome { () throws(JWTAuditError) in try Self.parse(bytes: long, limits: limits, reusingHeaderOf: nil) }
            == Self.outcome { () throws(JWTAuditError) in try CompactToken.parse(Self.seeds[0].text, limits: limits) })
    }

    /// A block is emptied for new lines only when no token holds it; a token keeps its text, and the block its
    /// storage, for as long as the token lives.
    @Test func aBlockIsReusedOnlyWhenNoTokenHoldsIt() throws {
        let text = Self.seeds[0].text
        var block = TextBlock(capacity: 4096)
        let range = Array(text.utf8).withUnsafeBytes { block.append($0) }!
        var token: CompactToken? = try CompactToken.parse(range, in: block, reusingHeaderOf: nil)
        let held = ObjectIdentifier(block)
        TextBlock.reuse(&block, capacity: 4096)
        #expect(ObjectIdentifier(block) != held, "a block a token holds was emptied")
        _ = Array(repeating: UInt8(ascii: "A"), count: range.count).withUnsafeBytes { block.append($0) }
        #expect(token?.text == text)
        #expect(token?.signingInput == Array(text.utf8[..<text.utf8.lastIndex(of: UInt8(ascii: "."))!]))
        // Once no token holds it, the same block is emptied and kept.
        token = nil
        let free = ObjectIdentifier(block)
        TextBlock.reuse(&block, capacity: 4096)
        #expect(ObjectIdentifier(block) == free)
        #expect(block.count == 0)
        // A block too small for what is asked is replaced, and so is one more than twice as large.
        TextBlock.reuse(&block, capacity: 8192)
        #expect(ObjectIdentifier(block) != free && block.capacity >= 8192)
        let large = ObjectIdentifier(block)
        TextBlock.reuse(&block, capacity: 4096)
        #expect(ObjectIdentifier(block) == large, "a block twice as large as asked is kept")
        TextBlock.reuse(&block, capacity: 4095)
        #expect(ObjectIdentifier(block) != large && block.capacity == 4095, "a block over twice as large as asked is kept")
    }

    @Test func aBlockTakesWhatFitsAndRefusesTheRest() {
        let block = TextBlock(capacity: 10)
        let room = block.capacity
        #expect(room >= 10)
        #expect([UInt8](repeating: 1, count: room - 4).withUnsafeBytes { block.append($0) } == 0..<(room - 4))
        #expect([UInt8](repeating: 2, count: 5).withUnsafeBytes { block.append($0) } == nil)
        #expect([UInt8](repeating: 3, count: 4).withUnsafeBytes { block.append($0) } == (room - 4)..<room)
        #expect(Array(block[0..<room]) == [UInt8](repeating: 1, count: room - 4) + [3, 3, 3, 3])
        #expect([UInt8]().withUnsafeBytes { block.append($0) } == room..<room)
    }
}
