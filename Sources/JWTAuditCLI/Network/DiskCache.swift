import Glibc
public import JWTAuditCore

/// Fetched metadata and key sets on disk, so a second run (or `--offline`) needs no network.
///
/// Design: "`$XDG_CACHE_HOME/jwtaudit` (or `~/.cache/jwtaudit`) … Directory 0700, files 0600, written to a
/// temporary file and renamed, so a killed run never leaves a torn entry; a corrupt entry is ignored and
/// refetched, never trusted." Entries are also refused when another user owns them or could have written them:
/// a planted JWKS would be a planted trust anchor. (Group-writable is not "another user" when the group is the
/// owner's private group: `writableByOthers`.)
public struct DiskCache: Sendable {
    /// One cached document. `lastForcedRefetch` is the `RefetchLimiter`'s memory across processes.
    public struct Entry: Sendable, Equatable {
        public var url: String
        public var content: [UInt8]
        public var fetchedAt: Int64
        public var lifetime: Int64
        public var lastForcedRefetch: Int64?

        public init(url: String, content: [UInt8], fetchedAt: Int64, lifetime: Int64, lastForcedRefetch: Int64? = nil) {
            self.url = url
            self.content = content
            self.fetchedAt = fetchedAt
            self.lifetime = lifetime
            self.lastForcedRefetch = lastForcedRefetch
        }
    }

    /// nil: the cache is disabled (`--no-cache`): nothing is read or written.
    public let directory: String?

    public init(directory: String?) { self.directory = directory }

    public static let disabled = DiskCache(directory: nil)

    /// `$XDG_CACHE_HOME/jwtaudit` when XDG_CACHE_HOME is an absolute path (the XDG Base Directory spec says
    /// relative paths "are invalid and should be ignored"), else `$HOME/.cache/jwtaudit`; nil without either.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/jwtaudit" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/jwtaudit" }
        return nil
    }

    /// The file that holds `url`'s entry: the SHA-256 of the URL, so any URL maps to a safe file name. Nil, too,
    /// when OpenSSL cannot compute SHA-256 (its configuration offers none): then nothing is cached.
    public func path(for url: String) -> String? {
        guard let directory, let name = try? Digest.sha256Hex(Array(url.utf8)) else { return nil }
        return directory + "/" + name + ".entry"
    }

    // MARK: reading

    /// What the cache holds for a URL.
    public enum Lookup: Sendable, Equatable {
        case missing
        case entry(Entry)
        /// Something is there but cannot be trusted or read; the reason is worth a warning, and the document is
        /// fetched again (it is never used).
        case ignored(String)

        public var entry: Entry? {
            if case .entry(let entry) = self { return entry }
            return nil
        }
    }

    /// The entry for `url`, or nil when there is none or it cannot be trusted (see `lookup`).
    public func read(url: String) -> Entry? { lookup(url: url).entry }

    /// The entry for `url`, or why what is there cannot be used: torn, corrupt, for another URL, not a regular
    /// file, owned by someone else, writable by group or others. Opened with `O_NONBLOCK | O_NOFOLLOW`: a FIFO
    /// planted under the entry's name would otherwise block `open(2)` until a writer comes, a hang no `--timeout`
    /// covers, and a symbolic link could point anywhere. Only a regular file owned by this user is read.
    public func lookup(url: String) -> Lookup {
        guard let path = path(for: url) else { return .missing }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            let why = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            return .ignored("cache entry \(path) ignored: \(why)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .ignored("cache entry \(path) ignored: cannot stat it") }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = kind == S_IFIFO ? "a FIFO" : kind == S_IFDIR ? "a directory" : kind == S_IFSOCK ? "a socket"
                : kind == S_IFCHR || kind == S_IFBLK ? "a device" : "not a file"
            return .ignored("cache entry \(path) ignored: it is \(what), not a regular file")
        }
        guard info.st_uid == geteuid() else {
            return .ignored("cache entry \(path) ignored: it is owned by user \(info.st_uid), not by you")
        }
        if let why = Self.writableByOthers(info, path: path, directory: directory) {
            return .ignored("cache entry \(path) ignored: \(why)")
        }
        guard info.st_size <= Self.maxEntryBytes else { return .ignored("cache entry \(path) ignored: it is too large") }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .ignored("cache entry \(path) ignored: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > Self.maxEntryBytes { return .ignored("cache entry \(path) ignored: it is too large") }
        }
        guard let entry = Self.decode(bytes) else { return .ignored("cache entry \(path) ignored: it is torn or corrupt") }
        guard entry.url == url else { return .ignored("cache entry \(path) ignored: it holds another URL") }
        return .entry(entry)
    }

    // MARK: writing

    /// Writes `entry` atomically: a new 0600 file in the same directory, fsync, rename over the old entry.
    /// Creates the directory (0700) when missing. Failures are `.unavailable` with the path; callers that only
    /// want a best-effort cache may ignore them.
    public func write(_ entry: Entry) throws(JWTAuditError) {
        guard let directory, let path = path(for: entry.url), !entry.url.utf8.contains(where: { $0 < 0x20 }),
            let bytes = try? Self.encode(entry)
        else { return }
        try Self.makeDirectory(directory)
        let temporary = "\(directory)/.tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("cannot create \(temporary)") }
        var written = 0
        var ok = true
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 { if errno == EINTR { continue }; ok = false; break }
            written += n
        }
        // umask may have narrowed, never widened, 0600; fchmod states the intent regardless.
        if ok { ok = fchmod(fd, 0o600) == 0 && fsync(fd) == 0 }
        let saved = errno
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let err = ok ? errno : saved
            unlink(temporary)
            errno = err
            throw Self.failure("cannot write cache entry \(path)")
        }
    }

    static func makeDirectory(_ directory: String) throws(JWTAuditError) {
        var info = stat()
        if lstat(directory, &info) != 0 {
            // Parents (e.g. ~/.cache) get 0700 too: they are created only when missing. A relative path is made
            // from the working directory (the CLI makes `--cache-dir` absolute first; this keeps any other caller
            // from creating it at the filesystem root).
            var prefix = directory.hasPrefix("/") ? "" : "."
            for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
                prefix += "/" + component
                if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw failure("cannot create cache directory \(prefix)") }
            }
            guard lstat(directory, &info) == 0 else { throw failure("cannot create cache directory \(directory)") }
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw JWTAuditError(.unavailable, "cache directory \(directory) is not a directory")
        }
        guard info.st_uid == geteuid() else {
            throw JWTAuditError(.unavailable,
                "cache directory \(directory) is owned by another user (\(info.st_uid)); refusing to use it")
        }
        if let why = writableByOthers(info, path: directory) {
            throw JWTAuditError(.unavailable, "cache directory \(directory) refused: \(why)")
        }
    }

    /// Why a file or directory of this user's could have been written by someone else, with the command that
    /// fixes it; nil when it could not. Writable by others: always refused. Writable by its group: accepted when
    /// the group is the user's private group (`PrivateGroup`: a `git clone` under umask 002 on Debian or Ubuntu
    /// makes the example cache so).
    static func writableByOthers(_ info: stat, path: String, directory: String? = nil) -> String? {
        var fix = "fix with: chmod go-w \(shellQuoted(path))"
        if let directory { fix += ", or chmod -R go-w \(shellQuoted(directory)) for the whole cache" }
        if info.st_mode & 0o002 != 0 { return "it is writable by others (\(fix))" }
        guard info.st_mode & 0o020 != 0, let refusal = PrivateGroupCheck.refusal(group: info.st_gid) else { return nil }
        return "it is writable by \(refusal.description) (\(fix))"
    }

    /// `path` as a shell word: unchanged when it is only safe characters, else in single quotes.
    static func shellQuoted(_ path: String) -> String {
        let safe = path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+,:@%=".unicodeScalars.contains(scalar))
        }
        return safe && !path.isEmpty ? path : "'" + path.replacing("'", with: "'\\''") + "'"
    }

    static func failure(_ what: String) -> JWTAuditError {
        JWTAuditError(.unavailable, "\(what) (\(String(cString: strerror(errno))))")
    }

    // MARK: entry format

    /// Entries hold at most a 1 MiB document plus a short header.
    static let maxEntryBytes = (1 << 20) + 16384
    static let magic = "jwtaudit-cache 1"

    /// A text header, a blank line, then the content. `length` and `sha256` make a torn or edited entry
    /// detectable; `url` guards against a file for another URL.
    static func encode(_ e: Entry) throws(JWTAuditError) -> [UInt8] {
        var header = "\(magic)\n"
        header += "url \(e.url)\n"
        header += "fetched-at \(e.fetchedAt)\n"
        header += "lifetime \(e.lifetime)\n"
        header += "forced-refetch-at \(e.lastForcedRefetch.map(String.init) ?? "-")\n"
        header += "length \(e.content.count)\n"
        header += "sha256 \(try Digest.sha256Hex(e.content))\n\n"
        return Array(header.utf8) + e.content
    }

    static func decode(_ bytes: [UInt8]) -> Entry? {
        // Header ends at the first "\n\n".
        var end: Int?
        var i = 0
        while i + 1 < bytes.count && i < 16384 {
            if bytes[i] == 0x0A && bytes[i + 1] == 0x0A { end = i; break }
            i += 1
        }
        guard let end else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 7, lines[0] == magic else { return nil }
        func value(_ index: Int, _ name: String) -> Substring? {
            let line = lines[index]
            guard line.hasPrefix(name + " ") else { return nil }
            return line.dropFirst(name.count + 1)
        }
        guard let url = value(1, "url"), !url.isEmpty,
            let fetchedText = value(2, "fetched-at"), let fetchedAt = Int64(fetchedText),
            let lifetimeText = value(3, "lifetime"), let lifetime = Int64(lifetimeText), lifetime >= 0,
            let forcedText = value(4, "forced-refetch-at"),
            let lengthText = value(5, "length"), let length = Int(lengthText),
            let digest = value(6, "sha256")
        else { return nil }
        let forced: Int64?
        if forcedText == "-" { forced = nil } else if let f = Int64(forcedText) { forced = f } else { return nil }
        let content = Array(bytes[(end + 2)...])
        guard content.count == length, (try? Digest.sha256Hex(content)) == String(digest) else { return nil }
        return Entry(url: String(url), content: content, fetchedAt: fetchedAt, lifetime: lifetime, lastForcedRefetch: forced)
    }
}
