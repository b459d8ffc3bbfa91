import Glibc
import Testing

/// The generated completion scripts, run by the shells they are for: they parse, and they complete options,
/// subcommands and choices from the table. Each test is skipped on a machine without that shell
/// (`.ci/run` installs bash, zsh and fish).
@Suite("Completion scripts in their shells")
struct CompletionShellTests {
    static func shell(_ path: String) -> Bool { access(path, X_OK) == 0 }

    @Test func everyScriptParses() {
        for (shell, file) in [("/bin/bash", "jwtaudit.bash"), ("/usr/bin/zsh", "_jwtaudit"), ("/usr/bin/fish", "jwtaudit.fish")]
        where Self.shell(shell) {
            let result = Support.spawn(shell, ["-n", Support.packageRoot + "/completions/" + file])
            #expect(result.status == 0, "\(shell) -n \(file): \(result.stderr)")
        }
    }

    @Test func bashCompletesOptionsAndChoices() {
        guard Self.shell("/bin/bash") else { return }
        let script = """
            source '\(Support.packageRoot)/completions/jwtaudit.bash'
            COMP_WORDS=(jwtaudit verify --cl); COMP_CWORD=2; _jwtaudit; echo "${COMPREPLY[*]}"
            COMP_WORDS=(jwtaudit check-policy --format ''); COMP_CWORD=3; _jwtaudit; echo "${COMPREPLY[*]}"
            COMP_WORDS=(jwtaudit ex); COMP_CWORD=1; _jwtaudit; echo "${COMPREPLY[*]}"
            """
        let result = Support.spawn("/bin/bash", ["-c", script])
        #expect(result.stdout == "--client-id --clock-skew\ntext json sarif\nexplain\n", "\(result.stderr)")
    }

    @Test func fishCompletesOptionsAndChoices() {
        guard Self.shell("/usr/bin/fish") else { return }
        let script = """
            source '\(Support.packageRoot)/completions/jwtaudit.fish'
            complete -C 'jwtaudit verify --requ'
            complete -C 'jwtaudit decode --color '
            """
        let result = Support.spawn("/usr/bin/fish", ["-c", script])
        let names = result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        #expect(names == ["--require-certificate", "--require-claim", "always", "auto", "never"], "\(result.stdout)\(result.stderr)")
    }
}
