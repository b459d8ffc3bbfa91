import Glibc
import Testing
import JWTAuditCore
@testable import JWTAuditCLI

@Suite("Disk cache: location, permissions, atomic writes, corrupt entries")
struct NetworkCacheTests {
    let url = "https://login.microsoftonline.com/common/discovery/v2.0/keys"

    func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    @Test func defaultDirectoryFollowsXDG() {
        #expect(DiskCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]) == "/x/cache/jwtaudit")
        #expect(DiskCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u"]) == "/home/u/.cache/jwtaudit",
            "a relative XDG_CACHE_HOME is ignored, as the XDG spec says")
        #expect(DiskCache.defaultDirectory(environment: ["HOME": "/home/u"]) == "/home/u/.cache/jwtaudit")
        #expect(DiskCache.defaultDirectory(environment: [:]) == nil)
    }

    @Test func writesA0700DirectoryAnd0600FilesAndReadsThemBack() throws {
        let tmp = try TemporaryDirectory()
        let dir = tmp.path + "/nested/jwtaudit"
        let cache = DiskCache(directory: dir)
        let entry = DiskCache.Entry(url: url, content: Array(#"{"keys":[]}"#.utf8), fetchedAt: 1_700_000_000, lifetime: 86400,
            lastForcedRefetch: 1_699_999_000)
        try cache.write(entry)
        #expect(mode(dir) == 0o700)
        #expect(mode(tmp.path + "/nested") == 0o700)
        let path = try #require(cache.path(for: url))
        #expect(mode(path) == 0o600)
        #expect(path.hasSuffix(".entry") && path.count == dir.count + 1 + 64 + 6, "named by SHA-256 of the URL: \(path)")
        #expect(cache.read(url: url) == entry)
        // No temporary file is left behind.
        let listing = try #require(TemporaryDirectoryReader.listing(dir))
        #expect(listing == [String(path.dropFirst(dir.count + 1))], "\(listing)")
        // Overwrite keeps one file.
        var newer = entry
        newer.fetchedAt += 10
        try cache.write(newer)
        #expect(cache.read(url: url) == newer)
        #expect(TemporaryDirectoryReader.listing(dir)?.count == 1)
    }

    @Test func entryNameIsTheSHA256OfTheURL() throws {
        // Independent check with the openssl CLI.
        let tmp = try TemporaryDirectory()
        try tmp.write("url", url)
        try Subprocess.run(["openssl", "dgst", "-sha256", "-r", tmp.path + "/url"], outputFile: tmp.path + "/digest")
        let expected = String(try #require(tmp.read("digest")).prefix(64))
        #expect(DiskCache(directory: "/c").path(for: url) == "/c/\(expected).entry")
    }

    @Test func corruptTornOrForeignEntriesAreIgnored() throws {
        let tmp = try TemporaryDirectory()
        let cache = DiskCache(directory: tmp.path)
        let entry = DiskCache.Entry(url: url, content: Array(#"{"keys":[{"kid":"a"}]}"#.utf8), fetchedAt: 1, lifetime: 3600)
        try cache.write(entry)
        let path = try #require(cache.path(for: url))
        let good = try #require(TemporaryDirectoryReader.contents(of: path))
        let mutations: [(String, String)] = [
            ("truncated (torn write)", String(good.dropLast(3))),
            ("content edited, same length", good.replacingLast("a", with: "b")),
            ("empty file", ""),
            ("binary garbage", "\u{0}\u{1}\u{2}\n\n\u{ff}"),
            ("wrong magic", good.replacingFirst("jwtaudit-cache 1", with: "jwtaudit-cache 9")),
            ("another URL's entry", good.replacingFirst("url \(url)", with: "url https://evil.example/keys")),
            ("non-numeric time", good.replacingFirst("fetched-at 1", with: "fetched-at x")),
        ]
        for (what, text) in mutations {
            try overwrite(path, text)
            #expect(cache.read(url: url) == nil, "\(what) must not be trusted")
        }
        try overwrite(path, good)
        #expect(cache.read(url: url) == entry, "the unmodified entry still reads")
        // Writable by others: a planted key set would be a planted trust anchor.
        chmod(path, 0o646)
        #expect(cache.read(url: url) == nil, "other-writable entry refused")
    }

    @Test func symlinkedEntryIsRefused() throws {
        let tmp = try TemporaryDirectory()
        let cache = DiskCache(directory: tmp.path + "/c")
        let entry = DiskCache.Entry(url: url, content: Array("{}".utf8), fetchedAt: 1, lifetime: 3600)
        try cache.write(entry)
        let path = try #require(cache.path(for: url))
        rename(path, tmp.path + "/real")
        symlink(tmp.path + "/real", path)
        #expect(cache.read(url: url) == nil)
        #expect(cache.lookup(url: url) == .ignored("cache entry \(path) ignored: it is a symbolic link"))
    }

    /// What is ignored says why (the run prints it as a note); an absent entry is just missing.
    @Test func anIgnoredEntrySaysWhy() throws {
        let tmp = try TemporaryDirectory()
        let cache = DiskCache(directory: tmp.path)
        #expect(cache.lookup(url: url) == .missing)
        let path = try #require(cache.path(for: url))
        mkdir(path, 0o700)
        #expect(cache.lookup(url: url) == .ignored("cache entry \(path) ignored: it is a directory, not a regular file"))
        rmdir(path)
        try cache.write(DiskCache.Entry(url: url, content: Array("{}".utf8), fetchedAt: 1, lifetime: 3600))
        chmod(path, 0o602)
        #expect(cache.lookup(url: url) == .ignored(
            "cache entry \(path) ignored: it is writable by others (fix with: chmod go-w \(path), or chmod -R go-w \(tmp.path) for the whole cache)"))
    }

    @Test func refusesADirectoryWritableByOthers() throws {
        let tmp = try TemporaryDirectory()
        chmod(tmp.path, 0o777)
        let error = thrownError { () throws(JWTAuditError) in
            try DiskCache(directory: tmp.path).write(.init(url: url, content: [], fetchedAt: 1, lifetime: 1))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.reason.contains("writable by others") == true, "\(String(describing: error))")
    }

    @Test func disabledCacheReadsAndWritesNothing() throws {
        try DiskCache.disabled.write(.init(url: url, content: [1], fetchedAt: 1, lifetime: 1))
        #expect(DiskCache.disabled.read(url: url) == nil)
        #expect(DiskCache.disabled.path(for: url) == nil)
    }

    func overwrite(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

extension String {
    func replacingFirst(_ needle: String, with replacement: String) -> String {
        guard let range = self.firstRange(of: needle) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }

    func replacingLast(_ needle: Character, with replacement: Character) -> String {
        guard let index = self.lastIndex(of: needle) else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }
}

extension TemporaryDirectoryReader {
    static func listing(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
