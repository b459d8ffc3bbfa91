#if canImport(Glibc)
import Glibc
#endif
import Testing
import JWTAuditCore

/// Issue 19: real policies and fragments that people published (Tests/Corpus/policies, each with its repository,
/// path, commit and licence in MANIFEST.tsv), linted one by one through the built binary as a CI job lints them.
/// Every file APIM accepts is read (no exit 3), nothing crashes or hangs, and the findings are exactly the reviewed
/// ones in expected-findings.tsv, so a rule that starts firing on a correct policy shows as a diff. After a rule
/// change, regenerate the file with `JWTAUDIT_CORPUS_UPDATE=1 swift test --filter PolicyCorpusTests`, then review
/// the diff line by line before committing it.
@Suite("Real-world policy corpus")
struct PolicyCorpusTests {
    static let directory = "Tests/Corpus/policies"
    static let expectationsFile = directory + "/expected-findings.tsv"
    /// A sanity guard against a hang, not a benchmark: a policy that takes longer than this is killed and fails.
    static let secondsPerFile = "60"

    struct Entry {
        var file: String
        var repository: String
        var path: String
        var commit: String
        var licence: String
        var licenceText: String
    }

    static func manifest() throws -> [Entry] {
        let text = try #require(Support.readFile(directory + "/MANIFEST.tsv"), "the corpus manifest is missing")
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Entry(file: fields[0], repository: fields.count > 1 ? fields[1] : "", path: fields.count > 2 ? fields[2] : "",
                         commit: fields.count > 3 ? fields[3] : "", licence: fields.count > 4 ? fields[4] : "",
                         licenceText: fields.count > 5 ? fields[5] : "")
        }
    }

    /// Every regular file under the corpus directory, relative to it (the manifest, licences and expectations
    /// aside).
    static func filesOnDisk() -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let path = Support.packageRoot + "/" + directory + (relative.isEmpty ? "" : "/" + relative)
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                if Int32(entry.pointee.d_type) == Int32(DT_DIR) { walk(child) } else { found.append(child) }
            }
        }
        walk("")
        return found.filter { !$0.hasPrefix("LICENSES/") && !["MANIFEST.tsv", "README.md", "expected-findings.tsv"].contains($0) }
    }

    @Test func everyFileHasItsSourceCommitAndLicenceText() throws {
        let entries = try Self.manifest()
        #expect(entries.count >= 100, "the corpus has \(entries.count) files")
        #expect(Set(entries.map(\.file)) == Set(Self.filesOnDisk()), "MANIFEST.tsv and the files on disk differ")
        for entry in entries {
            #expect(!entry.repository.isEmpty && !entry.path.isEmpty, "\(entry.file): no source")
            #expect(entry.commit.count == 40 && entry.commit.allSatisfy(\.isHexDigit), "\(entry.file): commit \(entry.commit)")
            #expect(!entry.licence.isEmpty, "\(entry.file): no licence")
            #expect(Support.readFile(Self.directory + "/" + entry.licenceText) != nil, "\(entry.file): licence text \(entry.licenceText) is missing")
        }
    }

    /// One file's outcome as lines of expected-findings.tsv: one per finding (`file, line, severity, id`), or
    /// `clean`, or `refused` with the reason (only for text APIM refuses too).
    static func outcome(of file: String) throws -> [String] {
        try #require(access(Support.binaryPath, X_OK) == 0, "build the package first: \(Support.binaryPath) is missing")
        let absolute = Support.packageRoot + "/" + directory + "/" + file
        let result = Support.spawn(
            "/usr/bin/timeout", [secondsPerFile, Support.binaryPath, "check-policy", "--policy", absolute, "--format", "json", "--fail-on", "never"],
            environment: ["HOME": "/nonexistent"])
        switch result.status {
        case 0:
            let findings = try #require(try JSONParser.parse(result.stdout).objectValue?["findings"]?.arrayValue, "\(file): \(result.stdout)")
            if findings.isEmpty { return ["\(file)\t-\tclean\t-"] }
            return findings.map { finding in
                let object = finding.objectValue
                let line = object?["line"]?.numberValue.map { "\($0)" } ?? "?"
                return "\(file)\t\(line)\t\(object?["severity"]?.stringValue ?? "?")\t\(object?["id"]?.stringValue ?? "?")"
            }
        case 3:
            var reason = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            while let range = reason.range(ofLiteral: absolute) { reason.replaceSubrange(range, with: file) }
            return ["\(file)\t-\trefused\t\(reason)"]
        case 124:
            Issue.record("\(file): no answer within \(secondsPerFile) s (a hang)")
        default:
            Issue.record("\(file): exit \(result.status) (a crash when above 128): \(result.stderr)")
        }
        return ["\(file)\t-\tfailed\texit \(result.status)"]
    }

    @Test func everyFileIsReadAndLintsExactlyAsReviewed() throws {
        var actual: [String] = []
        for entry in try Self.manifest() { actual += try Self.outcome(of: entry.file) }
        let header = "# file\tline\tseverity\tid (or: clean, or refused with the reason); generated by PolicyCorpusTests, reviewed by hand\n"
        let generated = header + actual.joined(separator: "\n") + "\n"
        if getenv("JWTAUDIT_CORPUS_UPDATE") != nil {
            Support.writeFile(Support.packageRoot + "/" + Self.expectationsFile, Array(generated.utf8))
        }
        let expected = try #require(Support.readFile(Self.expectationsFile), "\(Self.expectationsFile) is missing")
        let expectedLines = expected.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        let missing = expectedLines.filter { !actual.contains($0) }
        let unexpected = actual.filter { !expectedLines.contains($0) }
        #expect(missing.isEmpty && unexpected.isEmpty && expectedLines.count == actual.count,
                "the corpus lints differently from the reviewed expectations.\nno longer found:\n\(missing.prefix(40).joined(separator: "\n"))\nnew:\n\(unexpected.prefix(40).joined(separator: "\n"))")
    }
}

private extension String {
    /// The first occurrence of `literal` (the project has no Foundation).
    func range(ofLiteral literal: String) -> Range<String.Index>? {
        guard !literal.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(literal) { return index..<self.index(index, offsetBy: literal.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
