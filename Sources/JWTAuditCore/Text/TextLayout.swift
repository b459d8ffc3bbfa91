/// The one wrapping renderer behind every text report (decode, verify, check-policy, explain): words wrapped to
/// the terminal's width with hanging indents, never broken inside a word, and prose kept near 100 columns on a
/// wide terminal, where longer lines are hard to follow from one end to the next.
///
/// Pure: the width comes from the caller (the CLI asks the terminal), and so do the colours (`paint`) and the
/// escaping of untrusted text (`escape`): every content string that may hold a token's, a provider's or a
/// policy's text goes through `escape` before it is laid out, and the layout's own spaces, newlines and colours
/// are added after, so they are never escaped. Widths are counted in characters, leaving out the colour
/// sequences `paint` adds (escaped content holds no raw ESC, so every ESC in a laid-out string is the layout's own).
public struct TextLayout: Sendable {
    /// What a span of text is, for colouring.
    public enum Role: Sendable { case heading, label, pass, fail, warn, skip, dim }

    public typealias Painter = @Sendable (String, Role) -> String
    /// Makes a string that may hold untrusted text safe for the output.
    public typealias Escaper = @Sendable (String) -> String

    public static let plain: Painter = { text, _ in text }
    /// Where prose wraps on a wide terminal.
    public static let proseColumns = 100
    /// The narrowest column a value is wrapped into, however deep its indentation: below it, words would stand
    /// one per line.
    static let narrowestValue = 20

    /// The terminal's width, as the caller found it.
    public let width: Int
    public let paint: Painter
    public let escape: Escaper

    public init(width: Int = 80, paint: @escaping Painter = TextLayout.plain, escape: @escaping Escaper) {
        self.width = width
        self.paint = paint
        self.escape = escape
    }

    /// The column text wraps at: the terminal's width, at most `proseColumns`.
    public var columns: Int { max(min(width, Self.proseColumns), Self.narrowestValue) }

    // MARK: Blocks

    /// A heading on its own line.
    public func heading(_ text: String) -> String { paint(text, .heading) + "\n" }

    /// `text` (already escaped) word-wrapped, every line indented by `indent`, continuation lines by `hanging`
    /// more, each line painted as `role`.
    public func wrap(_ text: String, indent: Int, hanging: Int = 0, role: Role? = nil) -> String {
        let lines = Self.lines(of: text, first: columns - indent, rest: columns - indent - hanging)
        var out = ""
        for (index, line) in lines.enumerated() {
            out += String(repeating: " ", count: indent + (index == 0 ? 0 : hanging))
            out += role.map { paint(line, $0) } ?? line
            out += "\n"
        }
        return out
    }

    /// `label` (painted as `role`; as given when nil) padded to `labelWidth`, then `value` (already escaped)
    /// wrapped with its continuation lines under its first character (under its text, for a "- " item).
    /// `valueRole` paints each line of the value.
    public func labelled(
        _ label: String, _ value: String, indent: Int, labelWidth: Int, role: Role? = .label, valueRole: Role? = nil
    ) -> String {
        let labelLength = Self.visibleWidth(label)
        let valueIndent = indent + max(labelWidth, labelLength + 1)
        let bullet = value.hasPrefix("- ") || value.hasPrefix("* ") ? 2 : 0
        let lines = Self.lines(of: value, first: columns - valueIndent, rest: columns - valueIndent - bullet)
            .map { line in valueRole.map { paint(line, $0) } ?? line }
        let pad = String(repeating: " ", count: valueIndent - indent - labelLength)
        let shown = label.isEmpty ? "" : role.map { paint(label, $0) } ?? label
        var out = String(repeating: " ", count: indent) + shown + pad + (lines.first ?? "") + "\n"
        for line in lines.dropFirst() { out += String(repeating: " ", count: valueIndent + bullet) + line + "\n" }
        return out
    }

    /// Two columns: labels padded to the widest (at most `maxLabel`), values wrapped under their first
    /// character. An empty label continues the row above.
    public func rows(_ rows: [(label: String, value: String)], indent: Int = 2, maxLabel: Int = 24, role: Role? = .label) -> String {
        let widest = min(maxLabel, rows.map { Self.visibleWidth($0.label) }.max() ?? 0)
        var out = ""
        for row in rows { out += labelled(row.label, row.value, indent: indent, labelWidth: widest + 2, role: role) }
        return out
    }

    // MARK: Words

    /// The lines `text` wraps into: `first` columns for the first line, `rest` for the others (never fewer
    /// than `narrowestValue`). Lines break only between words, where the spaces go; within a line the spacing is
    /// kept as written. A word longer than a line (a URL, a thumbprint) stands alone, whole: breaking it would
    /// corrupt what a reader copies.
    public static func lines(of text: String, first: Int, rest: Int) -> [String] {
        if visibleWidth(text) <= max(first, narrowestValue) && !text.contains("\n") { return [text] }
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for (spaces, word) in glued(words(text)) {
            let limit = max(lines.isEmpty ? first : rest, narrowestValue)
            let wordWidth = visibleWidth(word)
            if currentWidth == 0 {
                current = String(word)
                currentWidth = wordWidth
            } else if currentWidth + spaces + wordWidth <= limit {
                current += String(repeating: " ", count: spaces) + word
                currentWidth += spaces + wordWidth
            } else {
                lines.append(current)
                current = String(word)
                currentWidth = wordWidth
            }
        }
        if currentWidth > 0 || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// The words of `text` with the number of spaces before each (a line break counts as one space).
    static func words(_ text: String) -> [(spaces: Int, word: Substring)] {
        var out: [(Int, Substring)] = []
        var spaces = 0
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            for (index, part) in piece.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if index > 0 { spaces += 1 }
                if part.isEmpty { continue }
                out.append((max(spaces, 1), part))
                spaces = 0
            }
            spaces += 1
        }
        return out
    }

    /// Keeps a number with its unit ("74 y", "3 min", "300 s") on one line, and a relative time whole ("in 3 min",
    /// "(18 min ago)").
    static func glued(_ words: [(spaces: Int, word: Substring)]) -> [(spaces: Int, word: Substring)] {
        let units: Set<String> = ["s", "min", "h", "d", "y"]
        var out: [(spaces: Int, word: Substring)] = []
        for (spaces, word) in words {
            let bare = String(word.prefix { $0.isLetter })
            let previous = out.last?.word ?? ""
            let number = (previous.split(separator: " ").last ?? "").drop { $0 == "(" }
            if spaces == 1, !number.isEmpty, number.allSatisfy(\.isNumber), units.contains(bare),
                word.dropFirst(bare.count).allSatisfy({ !$0.isLetter && !$0.isNumber })
            {
                out[out.count - 1].word = Substring(previous + " " + word)
            } else if spaces == 1, bare == "ago", let unit = previous.split(separator: " ").last, units.contains(String(unit)) {
                out[out.count - 1].word = Substring(previous + " " + word)
            } else if spaces == 1, previous == "in" || previous == "(in", word.first?.isNumber == true {
                out[out.count - 1].word = Substring(previous + " " + word)
            } else {
                out.append((spaces, word))
            }
        }
        return out
    }

    /// Columns `text` takes on a terminal: its characters, less the SGR colour sequences (`ESC [ ... m`).
    public static func visibleWidth<S: StringProtocol>(_ text: S) -> Int {
        var count = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }
}
