import Testing
import JWTAuditCore
@testable import JWTAuditCLI

/// A chunk's lines are copied once into blocks that tokens borrow (`ChunkLines`): a take holds at most eight lines,
/// all in one block that no other take uses (so one worker alone touches its reference count); every line reads
/// back as it went in; and a block is reused for a later chunk only when no token holds it.
@Suite("Batch lines in blocks: takes, bytes, reuse")
struct ChunkLinesTests {
    /// Lines of many sizes, a long one among them, and lines too long to keep in between.
    static func fill(_ lines: inout ChunkLines, seed: UInt8) -> [[UInt8]?] {
        let sizes = [1, 900, 900, 2_000, 30, 0, 5_000, 17_000, 900, 900, 900, 900, 900, 900, 900, 900, 900, 16_384, 3]
        var added: [[UInt8]?] = []
        for (index, size) in sizes.enumerated() {
            if index % 5 == 4 {
                lines.append(unreadable: added.count + 1, reason: "too long")
                added.append(nil)
            }
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index &+ Int(seed)) }
            bytes.withUnsafeBufferPointer { lines.append(line: $0, number: added.count + 1) }
            added.append(bytes)
        }
        lines.finish()
        return added
    }

    @Test func takesHoldAtMostEightLinesInABlockOfTheirOwn() {
        var lines = ChunkLines()
        let added = Self.fill(&lines, seed: 0)
        #expect(lines.count == added.count)
        var coveredItems = 0
        var blockOwners: [Int: Int] = [:]
        for take in 0..<lines.takeCount {
            let items = lines.take(take)
            #expect(items.lowerBound == coveredItems, "take \(take) does not follow the one before")
            coveredItems = items.upperBound
            #expect((1...ChunkLines.linesPerTake).contains(items.count), "take \(take) holds \(items.count) items")
            var blocks: Set<Int> = []
            for index in items {
                if case .line(let block, _, _) = lines.items[index] { blocks.insert(block) }
            }
            #expect(blocks.count <= 1, "take \(take) spans blocks \(blocks)")
            for block in blocks {
                #expect(blockOwners[block] == nil, "block \(block) serves takes \(blockOwners[block] ?? -1) and \(take)")
                blockOwners[block] = take
            }
        }
        #expect(coveredItems == lines.count)
        #expect(lines.byteCount == added.compactMap { $0?.count }.reduce(0, +))
    }

    @Test func everyLineReadsBackAsItWentIn() {
        var lines = ChunkLines()
        let added = Self.fill(&lines, seed: 7)
        for (index, expected) in added.enumerated() {
            switch lines.items[index] {
            case .line(let block, let range, let number):
                #expect(Array(lines.blocks[block][range]) == expected, "line \(index + 1)")
                #expect(number == index + 1)
            case .unreadable(let number, let reason):
                #expect(expected == nil && number == index + 1 && reason == "too long", "item \(index + 1)")
            }
        }
    }

    /// The next chunk reuses the blocks no token holds, and leaves alone the one a token (a worker's previous token)
    /// still holds: the token's text is what it was.
    @Test func aBlockATokenHoldsIsNotReused() throws {
        var lines = ChunkLines()
        let header = Base64URL.encode(Array(#"{"alg":"HS256"}"#.utf8))
        let text = header + "." + Base64URL.encode(Array(#"{"sub":"x"}"#.utf8)) + "." + Base64URL.encode([1, 2, 3])
        for _ in 0..<20 {
            Array(text.utf8).withUnsafeBufferPointer { lines.append(line: $0, number: 1) }
        }
        lines.finish()
        guard case .line(let heldIndex, let range, _) = lines.items[0] else {
            Issue.record("the first item is not a line")
            return
        }
        let token = try CompactToken.parse(range, in: lines.blocks[heldIndex], reusingHeaderOf: nil)
        let held = ObjectIdentifier(lines.blocks[heldIndex])
        let before = Set(lines.blocks.map(ObjectIdentifier.init))
        lines.removeAll()
        #expect(lines.isEmpty && lines.takeCount == 0 && lines.byteCount == 0)
        for _ in 0..<20 {
            Array(repeating: UInt8(ascii: "B"), count: text.utf8.count).withUnsafeBufferPointer { lines.append(line: $0, number: 1) }
        }
        lines.finish()
        let after = Set(lines.blocks.map(ObjectIdentifier.init))
        #expect(!after.contains(held), "the block a token holds was reused")
        #expect(before.subtracting([held]).isSubset(of: after), "blocks no token holds were not reused")
        #expect(token.text == text)
    }

    /// The blocks of a burst of long lines are not kept for the short lines after them: memory goes back to what the
    /// short lines need.
    @Test func theBlocksOfLongLinesAreNotKeptForShortOnes() {
        var lines = ChunkLines()
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        for number in 1...10 { long.withUnsafeBufferPointer { lines.append(line: $0, number: number) } }
        lines.finish()
        #expect(lines.blocks.allSatisfy { $0.capacity >= 200_000 })
        lines.removeAll()
        let short = [UInt8](repeating: UInt8(ascii: "b"), count: 900)
        for number in 1...80 { short.withUnsafeBufferPointer { lines.append(line: $0, number: number) } }
        lines.finish()
        #expect(lines.blocks.count == 10)
        #expect(lines.blocks.allSatisfy { $0.capacity <= 2 * ChunkLines.blockCapacity }, "\(lines.blocks.map(\.capacity))")
    }
}
