/// Policy text and where each of its bytes really is.
///
/// A policy kept in a `.bicep` string, a Terraform heredoc, an ARM template's JSON string or a YAML block is not
/// the file it sits in: escapes (`\n`, `\'`, `\"`), the string's opening quote and the heredoc's indentation all
/// move it. Lint findings and SARIF regions must point at the line a person edits, so a reader that takes policy
/// text out of another file records, for every byte it produces, the line and column of the character it came
/// from; the XML reader then reports positions through that table. Text that is a whole file on its own carries
/// no table: its positions are its own.
public struct PolicyText: Sendable {
    public let bytes: [UInt8]
    /// The file the text is in (for inline policies, the template, not a file of its own).
    public let file: String
    /// Line and column (1-based; columns count characters) of each byte in `file`, plus one entry for the end of
    /// the text. nil when `bytes` is the whole of `file`.
    let lines: [Int32]?
    let columns: [Int32]?

    /// Text that is a whole file.
    public init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        self.lines = nil
        self.columns = nil
    }

    init(bytes: [UInt8], file: String, lines: [Int32], columns: [Int32]) {
        self.bytes = bytes
        self.file = file
        self.lines = lines
        self.columns = columns
    }

    /// The text without its first byte (an ARM value's `[[` escape), each byte where it was.
    func droppingFirst() -> PolicyText {
        guard !bytes.isEmpty else { return self }
        guard let lines, let columns else { return PolicyText(bytes: Array(bytes.dropFirst()), file: file) }
        return PolicyText(bytes: Array(bytes.dropFirst()), file: file, lines: Array(lines.dropFirst()), columns: Array(columns.dropFirst()))
    }

    /// Whether positions are mapped into another file's lines.
    public var isEmbedded: Bool { lines != nil }

    /// Where the byte at `offset` is in `file` (the end of the text for `offset == bytes.count`); nil for text
    /// that is a whole file (its own line table answers).
    func embeddedPosition(_ offset: Int) -> (line: Int, column: Int)? {
        guard let lines, let columns else { return nil }
        let i = min(max(0, offset), lines.count - 1)
        return (Int(lines[i]), Int(columns[i]))
    }

    /// The line the text starts on in `file`.
    public var firstLine: Int { embeddedPosition(0)?.line ?? 1 }

    /// The line the text ends on in `file` (a whole file: its number of lines).
    public var lastLine: Int {
        if let end = embeddedPosition(bytes.count) { return end.line }
        return bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}

/// Builds a `PolicyText` byte by byte while a reader decodes a string literal, from the positions of the source
/// characters the bytes come from. Readers walk their file with a `SourceCursor`, which keeps the line and column
/// of its offset.
struct PolicyTextBuilder {
    private(set) var bytes: [UInt8] = []
    private var lines: [Int32] = []
    private var columns: [Int32] = []

    mutating func append(_ byte: UInt8, at position: (line: Int, column: Int)) {
        bytes.append(byte)
        lines.append(Int32(truncatingIfNeeded: position.line))
        columns.append(Int32(truncatingIfNeeded: position.column))
    }

    mutating func append(contentsOf decoded: [UInt8], at position: (line: Int, column: Int)) {
        for byte in decoded { append(byte, at: position) }
    }

    /// Drops the last byte (YAML folding removes trailing spaces already copied).
    mutating func dropLast() {
        guard !bytes.isEmpty else { return }
        bytes.removeLast()
        lines.removeLast()
        columns.removeLast()
    }

    func finish(file: String, end: (line: Int, column: Int)) -> PolicyText {
        PolicyText(
            bytes: bytes, file: file, lines: lines + [Int32(truncatingIfNeeded: end.line)],
            columns: columns + [Int32(truncatingIfNeeded: end.column)])
    }
}

/// Line and column of offsets in a file, computed once: readers of templates ask for the position of every
/// string they keep.
struct SourceLines: Sendable {
    let bytes: [UInt8]
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        self.starts = starts
    }

    /// 1-based line and column (columns count UTF-8 characters, as the XML reader does).
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var i = starts[low]
        while i < min(offset, bytes.count) {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (low + 1, column)
    }

    func line(_ offset: Int) -> Int { position(offset).line }

    /// A builder for text whose bytes are copied from `range` one for one (a verbatim string, a loaded file's
    /// slice): each byte keeps its own position. Linear in the range, however long its lines are.
    func verbatim(_ range: Range<Int>, file: String) -> PolicyText {
        var builder = PolicyTextBuilder()
        var (line, column) = position(range.lowerBound)
        for offset in range {
            builder.append(bytes[offset], at: (line, column))
            if bytes[offset] == 0x0A {
                line += 1
                column = 1
            } else if bytes[offset] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return builder.finish(file: file, end: (line, column))
    }
}

/// Walks a file keeping the line and column of its offset, for readers that decode escapes as they go.
struct SourceCursor {
    let bytes: [UInt8]
    private(set) var offset: Int
    private(set) var line: Int
    private(set) var column: Int

    init(bytes: [UInt8], offset: Int, position: (line: Int, column: Int)) {
        self.bytes = bytes
        self.offset = offset
        self.line = position.line
        self.column = position.column
    }

    var position: (line: Int, column: Int) { (line, column) }
    var atEnd: Bool { offset >= bytes.count }
    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }
    func peek(_ ahead: Int) -> UInt8? { offset + ahead < bytes.count ? bytes[offset + ahead] : nil }

    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where offset < bytes.count {
            if bytes[offset] == 0x0A {
                line += 1
                column = 1
            } else if bytes[offset] & 0xC0 != 0x80 {
                column += 1
            }
            offset += 1
        }
    }
}

extension JWTAuditError {
    /// The line and column a reader's reason starts with ("file: line L, column C: ..."), if it does.
    var position: (line: Int, column: Int)? {
        guard let lineRange = reason.firstRange(of: "line ") else { return nil }
        let afterLine = reason[lineRange.upperBound...]
        guard let line = Int(afterLine.prefix { $0.isNumber }) else { return nil }
        var column = 1
        if let columnRange = afterLine.firstRange(of: ", column ") {
            column = Int(afterLine[columnRange.upperBound...].prefix { $0.isNumber }) ?? 1
        }
        return (line, column)
    }

    /// The reason without its "file: line L, column C: " prefix.
    var reasonWithoutPosition: String {
        guard let range = reason.firstRange(of: ", column ") else { return reason }
        let rest = reason[range.upperBound...].drop { $0.isNumber }
        return rest.hasPrefix(": ") ? String(rest.dropFirst(2)) : reason
    }
}
