#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import JWTAuditCLI
import JWTAuditCore

/// `jwtaudit --version`: `jwtaudit 0.2.0 (OpenSSL 3.0.22, Swift 6.3.1, commit abc1234)`, from the built binary.
/// The OpenSSL and Swift parts are compared with what the `openssl` and `swiftc` on this machine say, so the
/// line names the library that runs and the compiler that built, never a string written into the source.
@Suite("--version")
struct VersionTests {
    /// The parts of a version line: the tool's version, then the parenthesised list.
    struct Line {
        var version: String
        var openSSL: String
        var swift: String
        var commit: String?

        init?(_ text: String) {
            let prefix = "jwtaudit "
            guard text.hasPrefix(prefix), text.hasSuffix(")\n"), let open = text.firstIndex(of: "(") else { return nil }
            version = String(text[text.index(text.startIndex, offsetBy: prefix.count)..<open]).trimmingSpaces
            let parts = text[text.index(after: open)..<text.index(text.endIndex, offsetBy: -2)]
                .split(separator: ",").map { String($0).trimmingSpaces }
            guard parts.count == 2 || parts.count == 3, parts[0].hasPrefix("OpenSSL "), parts[1].hasPrefix("Swift ") else {
                return nil
            }
            openSSL = String(parts[0].dropFirst("OpenSSL ".count))
            swift = String(parts[1].dropFirst("Swift ".count))
            if parts.count == 3 {
                guard parts[2].hasPrefix("commit ") else { return nil }
                commit = String(parts[2].dropFirst("commit ".count))
            }
        }
    }

    func binary(_ arguments: [String]) throws -> Support.Result {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        return Support.spawn(Support.binaryPath, arguments)
    }

    /// What a command prints on standard output (looked up in PATH), or nil when it cannot run.
    func output(of argv: [String]) throws -> String? {
        let directory = try TemporaryDirectory()
        let status = try Subprocess.run(argv, outputFile: directory.path + "/out")
        return status == 0 ? directory.read("out") : nil
    }

    @Test func theLineNamesTheVersionTheOpenSSLItRunsOnAndTheSwiftThatBuiltIt() throws {
        let result = try binary(["--version"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let line = try #require(Line(result.stdout), "not a version line: \(result.stdout)")
        #expect(line.version == OptionTable.version)
        // `openssl version`: "OpenSSL 3.0.22 25 Aug 2026", with "(Library: OpenSSL ...)" when the command was
        // built against other headers than the library it loaded; the library is what jwtaudit reports too.
        let openssl = try #require(try output(of: ["openssl", "version"]), "the openssl command is needed")
        let library = openssl.split(separator: "(Library: ").last.map(String.init) ?? openssl
        #expect(library.split(separator: " ").dropFirst().first.map(String.init) == line.openSSL, "\(openssl)")
        // `swiftc --version`: "Swift version 6.3.1 (swift-6.3.1-RELEASE)" (the compiler `swift test` built with).
        let swiftc = try #require(try output(of: ["swiftc", "--version"]), "swiftc is needed")
        let words = swiftc.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let compiler = try #require(words.firstIndex(of: "version").map { words[$0 + 1] }, "\(swiftc)")
        #expect(line.swift == String(compiler), "BuildInfo.swiftCompiler needs a line for \(compiler)")
        if let commit = line.commit {
            let hash = commit.hasSuffix("-dirty") ? String(commit.dropLast("-dirty".count)) : commit
            #expect((7...40).contains(hash.count) && hash.allSatisfy(\.isHexDigit), "commit \(commit)")
        }
    }

    @Test(arguments: OptionTable.commands.map(\.name))
    func everySubcommandAcceptsVersion(_ command: String) throws {
        let top = try binary(["--version"])
        let result = try binary([command, "--version"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(command): \(result.stderr)")
        #expect(result.stdout == top.stdout, "\(command) --version")
    }

    /// `--version` stands in for the command's work: the options it would have checked are not checked.
    @Test func versionAfterASubcommandNeedsNoneOfItsOptions() throws {
        let result = try binary(["verify", "no-such-token-file", "--alg", "HS256", "--version"])
        #expect(result.status == 0 && Line(result.stdout) != nil, "\(result.stdout)\(result.stderr)")
        #expect(try binary(["verify", "--version=1"]).status == 64)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
