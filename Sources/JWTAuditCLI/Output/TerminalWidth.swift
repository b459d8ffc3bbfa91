import Glibc

/// How wide prose may be: `COLUMNS` when set (POSIX: "the user's preferred width in column positions for the
/// terminal screen or window"), else the terminal's width from `TIOCGWINSZ` when standard output is one, else
/// 80 (pipes and files get a stable width, so output does not depend on who runs it).
enum TerminalWidth {
    static let fallback = 80

    static func columns(environment: [String: String], outputIsTerminal: Bool) -> Int {
        if let text = environment["COLUMNS"], let value = Int(text), value > 0 { return min(value, 1000) }
        guard outputIsTerminal else { return fallback }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return fallback
    }
}
