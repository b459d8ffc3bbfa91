#if canImport(Glibc)
import Glibc
#endif

/// The package's own files, for both test targets: its root (found by walking up from this file to the directory
/// holding Package.swift, so tests run from any working directory) and whole-file reads and writes.
public enum PackageFiles {
    public static let root: String = {
        var path = #filePath
        while let slash = path.lastIndex(of: "/") {
            path = String(path[..<slash])
            if access(path + "/Package.swift", F_OK) == 0 { return path }
        }
        return "."
    }()

    /// A file's bytes, nil when it cannot be opened; a relative path is taken from the package root. (Files are
    /// opened close-on-exec, fopen's "e": tests run in parallel, and no child another test starts may inherit them.)
    public static func readBytes(_ path: String) -> [UInt8]? {
        guard let file = fopen(path.hasPrefix("/") ? path : root + "/" + path, "rbe") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// Writes `bytes` to `path` (replacing it); silently does nothing when the file cannot be opened, and the
    /// test that reads it back then fails with its own message.
    public static func writeBytes(_ path: String, _ bytes: [UInt8]) {
        guard let file = fopen(path, "wbe") else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }
}
