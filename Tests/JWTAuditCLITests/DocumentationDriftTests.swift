#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI

/// The checked-in man page and completions must be exactly what the table generates (regenerate with
/// `jwtaudit __generate man|bash|zsh|fish`), and must mention every option, even if someone edits them by hand.
@Suite("Man page and completion drift")
struct DocumentationDriftTests {
    static let files: [(path: String, kind: String, render: @Sendable () -> String)] = [
        ("man/jwtaudit.1", "man", ManPageRenderer.render),
        ("completions/jwtaudit.bash", "bash", CompletionRenderer.bash),
        ("completions/_jwtaudit", "zsh", CompletionRenderer.zsh),
        ("completions/jwtaudit.fish", "fish", CompletionRenderer.fish),
    ]

    @Test(arguments: 0..<4)
    func checkedInFileMatchesTheTable(_ index: Int) throws {
        let file = Self.files[index]
        let checkedIn = try #require(Support.readFile(file.path), "\(file.path) is missing")
        #expect(
            checkedIn == file.render(),
            "\(file.path) is out of date: run `swift run jwtaudit __generate \(file.kind) > \(file.path)`")
    }

    /// How each file writes an option spelling.
    static func mentions(_ text: String, kind: String, spelling: String) -> Bool {
        let isLong = spelling.hasPrefix("--")
        let name = spelling.drop(while: { $0 == "-" })
        switch kind {
        case "man": return text.contains(isLong ? "Fl -\(name)" : "Fl \(name)")
        case "fish": return text.contains(isLong ? "-l \(name) " : "-s \(name) ")
        default: return text.contains(spelling)
        }
    }

    @Test(arguments: 0..<4)
    func everyOptionAndSubcommandAppears(_ index: Int) throws {
        let file = Self.files[index]
        let text = try #require(Support.readFile(file.path), "\(file.path) is missing")
        for option in OptionTable.options {
            for spelling in option.spellings {
                #expect(Self.mentions(text, kind: file.kind, spelling: spelling), "\(spelling) is missing from \(file.path)")
            }
            for choice in option.choices { #expect(text.contains(choice), "\(option.longSpelling) choice \(choice) missing from \(file.path)") }
        }
        for command in OptionTable.commands {
            #expect(text.contains(command.name), "subcommand \(command.name) is missing from \(file.path)")
        }
    }

    @Test func manPageNamesNoOptionTheTableLacks() throws {
        let text = try #require(Support.readFile("man/jwtaudit.1"))
        let known = Set(OptionTable.options.flatMap(\.spellings))
        for line in text.split(separator: "\n") where line.hasPrefix(".It") || line.hasPrefix(".Op") {
            let words = line.split(separator: " ")
            for (i, word) in words.enumerated() where word == "Fl" && i + 1 < words.count {
                let name = words[i + 1]
                if name == "|" { continue }
                let spelling = "-" + name
                #expect(known.contains(spelling), "man page documents \(spelling), which the table lacks")
            }
        }
    }

    @Test func manPageHasTheRequiredSections() throws {
        let text = try #require(Support.readFile("man/jwtaudit.1"))
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            #expect(text.contains(".Sh \(section)\n"), "man page lacks \(section)")
        }
        for (code, _) in ExitStatus.documented { #expect(text.contains(".It \(code)\n"), "exit status \(code) undocumented") }
    }

    /// `mandoc -T lint` must be silent (it is installed on the build machines; skipped elsewhere), but for one
    /// style note meant for the BSDs' own pages: "operating system explicitly specified ... In the base system,
    /// it is conventionally left blank" (mandoc(1)). The footer names jwtaudit and its version instead, as
    /// mdoc(7) allows: `.Os` takes "the relevant operating system or environment".
    @Test func manPageLintsClean() throws {
        guard access("/usr/bin/mandoc", X_OK) == 0 else { return }
        let result = Support.spawn("/usr/bin/mandoc", ["-T", "lint", Support.packageRoot + "/man/jwtaudit.1"])
        let complaints = result.stdout.split(separator: "\n").filter {
            !$0.contains("mandoc.db") && !$0.contains("STYLE: operating system explicitly specified: Os jwtaudit ")
        }
        // Exit 1 means base-system conventions or style suggestions only (mandoc(1)): allowed when the note above
        // is all there is.
        #expect(result.status <= 1 && complaints.isEmpty, "mandoc -T lint: \(result.stdout)\(result.stderr)")
    }

    @Test func helpFormsPrintTheSameText() {
        for command in OptionTable.commands.map(\.name) {
            let viaFlag = Support.run([command, "--help"])
            let viaHelp = Support.run(["help", command])
            #expect(viaFlag.status == 0 && viaHelp.status == 0)
            #expect(viaFlag.stdout == viaHelp.stdout, "\(command) --help differs from help \(command)")
            for option in OptionTable.options(for: command) {
                #expect(viaFlag.stdout.contains(option.displayName), "\(command) --help lacks \(option.displayName)")
            }
        }
        let top = Support.run(["--help"])
        for command in OptionTable.commands { #expect(top.stdout.contains("  \(command.name) "), "--help lacks \(command.name)") }
        #expect(Support.run(["-h"]).stdout == top.stdout)
        #expect(Support.run(["help"]).stdout == top.stdout)
    }

    @Test func helpLinesFitEightyColumns() {
        for command in [""] + OptionTable.commands.map(\.name) {
            let text = HelpRenderer.render(command: command)
            for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(command) help line too long: \(line)") }
        }
    }
}
