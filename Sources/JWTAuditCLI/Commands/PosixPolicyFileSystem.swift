import Glibc
import JWTAuditCore

/// The core's `PolicyFileSystem` over POSIX: `stat`/`lstat`, `opendir`, `realpath`, and the bounded reads of
/// `FileReader`.
struct PosixPolicyFileSystem: PolicyFileSystem {
    func kind(of path: String) -> PolicyFileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    func entries(of directory: String) throws(JWTAuditError) -> [PolicyDirectoryEntry] {
        guard let handle = opendir(directory) else {
            throw JWTAuditError(.invalidArgument, "cannot list '\(directory)' (\(String(cString: strerror(errno))))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names.sorted().map { name in
            let path = directory == "/" ? "/" + name : directory + "/" + name
            var info = stat()
            let isLink = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
            return PolicyDirectoryEntry(name: name, kind: kind(of: path), isSymbolicLink: isLink)
        }
    }

    func read(_ path: String, limit: Int) throws(JWTAuditError) -> [UInt8] {
        if kind(of: path) != .file {
            throw JWTAuditError(.invalidArgument, "'\(path)' is not a regular file")
        }
        let bytes = try FileReader.read(path: path, maxBytes: limit + 1)
        if bytes.count > limit {
            throw JWTAuditError(.limitExceeded, "'\(path)' is larger than \(limit) bytes")
        }
        return bytes
    }

    func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The directory jwtaudit runs in.
    static func currentDirectory() -> String? {
        guard let cwd = getcwd(nil, 0) else { return nil }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The root files may be read from for PATH: the current directory when PATH is inside it (a CI job runs in
    /// its checkout), else PATH itself (a directory) or PATH's directory (a file).
    func root(for path: String) -> String {
        let real = realPath(path) ?? path
        if let cwd = PosixPolicyFileSystem.currentDirectory().flatMap(realPath),
            real == cwd || real.hasPrefix(cwd == "/" ? "/" : cwd + "/")
        {
            return cwd
        }
        if kind(of: path) == .directory { return real }
        guard let slash = real.lastIndex(of: "/") else { return "." }
        return slash == real.startIndex ? "/" : String(real[..<slash])
    }
}
