/// The files policy sources are read from. The core reads no file itself (DESIGN.md: "no file reads except where a
/// type exists for it"): the CLI's implementation of this protocol does, over POSIX, and the readers here ask it.
public protocol PolicyFileSystem: Sendable {
    /// What `path` is, following symbolic links; nil when nothing is there or it cannot be reached (a dangling
    /// link, a link loop).
    func kind(of path: String) -> PolicyFileKind?
    /// A directory's entries, sorted by name, without `.` and `..`; each says whether it is a symbolic link.
    func entries(of directory: String) throws(JWTAuditError) -> [PolicyDirectoryEntry]
    /// A whole file of at most `limit` bytes; a larger one is `.limitExceeded`, never cut.
    func read(_ path: String, limit: Int) throws(JWTAuditError) -> [UInt8]
    /// The absolute path with every link resolved (for the "inside the root" rule); nil when it cannot be.
    func realPath(_ path: String) -> String?
}

public enum PolicyFileKind: Sendable, Equatable {
    case file, directory, other
}

public struct PolicyDirectoryEntry: Sendable, Equatable {
    public var name: String
    /// The kind of what the entry leads to (following a link); nil for a dangling link or a loop.
    public var kind: PolicyFileKind?
    public var isSymbolicLink: Bool

    public init(name: String, kind: PolicyFileKind?, isSymbolicLink: Bool) {
        self.name = name
        self.kind = kind
        self.isSymbolicLink = isSymbolicLink
    }
}

/// Lexical path arithmetic, the way people write paths in templates: `loadTextContent('../policies/api.xml')`,
/// `file("${path.module}/policy.xml")`. Paths stay as the user gave them (relative stays relative), so findings
/// and SARIF name `infra/policies/api.xml`, not an absolute path of the machine that ran the lint.
enum PolicyPath {
    /// `a/b` + `c` = `a/b/c`; an absolute `c` stays itself.
    static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        if base.isEmpty || base == "." { return normalize(relative) }
        return normalize(base + "/" + relative)
    }

    /// The directory of a file path (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Removes `.` components and resolves `..` against the components before it (lexically: a `..` that climbs
    /// above a relative path's start is kept). Backslashes, as Windows authors write them, are separators.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.replacingBackslashes().split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Whether `path` (already resolved) is `root` or inside it.
    static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return true }
        return path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        guard contains("\\") else { return self }
        return String(map { $0 == "\\" ? "/" : $0 })
    }
}
