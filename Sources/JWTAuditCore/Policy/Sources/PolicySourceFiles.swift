/// What every source reader shares: the file system, the root that files may be read from, and the limits.
///
/// The root rule: a template names files to load (`loadTextContent('../../x.xml')`, `file("...")`), and a tree may
/// hold symbolic links. jwtaudit reads only files whose real path is inside the root the CLI gives (the directory
/// it runs in, when the sources are inside it; else the directory given, or the given file's directory), so a pull
/// request's template cannot have the linter read `/etc/passwd` or a CI secret and echo it into a report. A file
/// outside is a finding that says so, and it is not read.
public struct PolicySourceFiles: Sendable {
    public let files: any PolicyFileSystem
    /// The real path files must be inside; nil reads anywhere.
    public let root: String?

    /// Policy text: the XML reader's limit (one byte more, so that it names the limit).
    static let policyLimit = XMLReader.Limits.default.maxBytes + 1
    /// Templates, specifications and information files.
    static let sourceLimit = 16 << 20
    /// Entries read from one directory, and directories visited in one walk.
    static let entryLimit = 20_000

    public init(files: any PolicyFileSystem, root: String?) {
        self.files = files
        self.root = root.flatMap { files.realPath($0) } ?? root
    }

    /// Why `path` may not be read, or nil when it may.
    func refusal(_ path: String) -> String? {
        guard let root else { return nil }
        guard let real = files.realPath(path) else { return "it does not exist or cannot be reached" }
        return PolicyPath.isInside(real, root: root)
            ? nil : "it is outside \(root), the directory jwtaudit reads from (its real path is \(real))"
    }

    /// A file's bytes, or why they cannot be had.
    func read(_ path: String, limit: Int) -> Result<[UInt8], JWTAuditError> {
        if let refusal = refusal(path) { return .failure(JWTAuditError(.invalidArgument, refusal)) }
        do {
            return .success(try files.read(path, limit: limit))
        } catch {
            return .failure(error)
        }
    }

    /// A policy file as policy text; a file that cannot be read is `.unreadable`, with the reason.
    func policy(_ path: String) -> PolicySource {
        switch read(path, limit: Self.policyLimit) {
        case .success(let bytes): return .text(PolicyText(bytes: bytes, file: path), format: nil)
        case .failure(let error): return .unreadable(reason: error.reason, file: path, line: 1, column: 1)
        }
    }

    /// A directory's entries; nil (with nothing listed) when it cannot be read.
    func entries(_ directory: String) -> [PolicyDirectoryEntry] {
        guard refusal(directory) == nil, let entries = try? files.entries(of: directory) else { return [] }
        return Array(entries.prefix(Self.entryLimit))
    }

    func kind(_ path: String) -> PolicyFileKind? { files.kind(of: path) }
}
