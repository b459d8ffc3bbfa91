import Glibc
import Testing

/// Every example in README.md that shows a run (a fenced block whose lines start with `$ `) runs as shown: each
/// command goes through bash in the package root with the built binary first on PATH, standard error merged into
/// standard output as a terminal shows them, and its output must be the lines that follow it, where a line `...`
/// stands for any number of lines (the README cuts long output). Issue 17: "The README's examples run as shown".
@Suite("README: every example runs as shown")
struct ReadmeExamplesTests {
    struct Example: CustomTestStringConvertible, Sendable {
        let line: Int
        let command: String
        let expected: [String]
        var testDescription: String { "README.md:\(line): \(command.prefix(70))" }
    }

    /// The runs README.md shows, in order.
    static let examples: [Example] = {
        guard let readme = Support.readFile("README.md") else { return [] }
        return parse(readme)
    }()

    static func parse(_ text: String) -> [Example] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var examples: [Example] = []
        var index = 0
        var inBlock = false
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("```") {
                inBlock.toggle()
                index += 1
                continue
            }
            guard inBlock, line.hasPrefix("$ ") else {
                index += 1
                continue
            }
            let start = index + 1
            var command = String(line.dropFirst(2))
            while command.hasSuffix("\\"), index + 1 < lines.count {
                index += 1
                command = String(command.dropLast()) + " " + lines[index].trimmingPrefixSpaces
            }
            index += 1
            var expected: [String] = []
            while index < lines.count, !lines[index].hasPrefix("$ "), !lines[index].hasPrefix("```") {
                expected.append(lines[index])
                index += 1
            }
            examples.append(Example(line: start, command: command, expected: expected))
        }
        return examples
    }

    /// Whether `output` is `expected`, line by line, `...` matching any run of lines.
    static func matches(_ output: [String], _ expected: [String]) -> Bool {
        guard let first = expected.first else { return output.isEmpty }
        if first == "..." {
            let rest = Array(expected.dropFirst())
            return (0...output.count).contains { matches(Array(output[$0...]), rest) }
        }
        guard let line = output.first, line == first else { return false }
        return matches(Array(output.dropFirst()), Array(expected.dropFirst()))
    }

    @Test func theReadmeShowsRuns() {
        #expect(Self.examples.count >= 15, "README examples found: \(Self.examples.count)")
    }

    @Test(arguments: examples)
    func runsAsShown(_ example: Example) throws {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first")
        let binDirectory = Support.binaryPath.split(separator: "/").dropLast().joined(separator: "/")
        let path = "/" + binDirectory + ":" + (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin")
        let home = Support.tempDirectory + "/readme-home"
        let script = "cd \(shellQuoted(Support.packageRoot)) && exec 2>&1 && " + example.command
        let result = Support.spawn("/bin/bash", ["-c", script], environment: ["PATH": path, "HOME": home, "LC_ALL": "C.UTF-8"])
        var output = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if output.last == "" { output.removeLast() }
        var expected = example.expected
        while expected.last == "" { expected.removeLast() }
        #expect(Self.matches(output, expected), "README.md:\(example.line) shows another output than\n$ \(example.command)\n\(result.stdout)")
    }

    func shellQuoted(_ text: String) -> String { "'" + text.replacing("'", with: "'\\''") + "'" }

    @Test func theMatcherCutsAtEllipses() {
        #expect(Self.matches(["a", "b", "c"], ["a", "...", "c"]))
        #expect(Self.matches(["a", "c"], ["a", "...", "c"]))
        #expect(Self.matches(["a", "b"], ["a", "..."]))
        #expect(!Self.matches(["a", "b"], ["a"]))
        #expect(!Self.matches(["a", "b", "d"], ["a", "...", "c"]))
    }
}

extension String {
    fileprivate var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
