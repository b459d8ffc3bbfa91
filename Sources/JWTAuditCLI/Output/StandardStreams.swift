public import JWTAuditCore

#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams and environment, as values, so the CLI can be run in-process by tests and
/// `main.swift` alike.
public struct StandardStreams {
    /// Reads standard input until EOF or `maxBytes` bytes, whichever comes first.
    public var readInput: (_ maxBytes: Int) throws(JWTAuditError) -> [UInt8]
    public var inputIsTerminal: Bool
    public var outputIsTerminal: Bool
    public var writeOutput: (String) -> Void
    public var writeError: (String) -> Void
    /// Whether standard error is a terminal (`verify --batch`'s progress line goes there only then).
    public var errorIsTerminal: Bool
    /// Shows text through a pager command (`Pager.run`); nil when output cannot be paged (in-process runs).
    /// Returns false when the pager could not be started.
    public var page: ((_ text: String, _ command: String, _ environment: [String: String]) -> Bool)?

    public init(
        readInput: @escaping (_ maxBytes: Int) throws(JWTAuditError) -> [UInt8], inputIsTerminal: Bool,
        outputIsTerminal: Bool, writeOutput: @escaping (String) -> Void, writeError: @escaping (String) -> Void,
        errorIsTerminal: Bool = false, page: ((String, String, [String: String]) -> Bool)? = nil
    ) {
        self.readInput = readInput
        self.inputIsTerminal = inputIsTerminal
        self.outputIsTerminal = outputIsTerminal
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.errorIsTerminal = errorIsTerminal
        self.page = page
    }

    /// The real file descriptors 0, 1 and 2.
    public static func process() -> StandardStreams {
        StandardStreams(
            readInput: { (maxBytes: Int) throws(JWTAuditError) -> [UInt8] in
                try FileReader.read(descriptor: 0, name: "standard input", maxBytes: maxBytes)
            },
            inputIsTerminal: isatty(0) == 1, outputIsTerminal: isatty(1) == 1,
            writeOutput: { FileReader.writeAll($0, to: 1) }, writeError: { FileReader.writeAll($0, to: 2) },
            errorIsTerminal: isatty(2) == 1, page: { Pager.run($0, command: $1, environment: $2) })
    }

    /// The process environment, read from `environ`. Each entry is split at its first "=" byte, as getenv(3)
    /// does, before it becomes a String: every run reads the whole environment at start, and searching
    /// Characters for "=" cost a third of a million instructions of a cold `verify` (issue 22). POSIX: "the
    /// name shall not contain the character '='", so the first one ends the name even when a combining mark
    /// follows it (a Character search stepped over such an "=").
    public static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                result[String(decoding: bytes[..<equals], as: UTF8.self)] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
            }
            pointer += 1
        }
        return result
    }
}

/// Bounded reads from files and descriptors: at most `maxBytes`, so an 8 MB paste costs 256 KiB of reading.
enum FileReader {
    /// The chunk is left uninitialised: read(2) fills what is used, and zeroing 64 KiB to read a 400-byte key
    /// file touched 16 fresh pages (16 page faults) at every start.
    static func read(descriptor: Int32, name: String, maxBytes: Int) throws(JWTAuditError) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
        defer { chunk.deallocate() }
        while bytes.count < maxBytes {
            let wanted = min(chunk.count, maxBytes - bytes.count)
            let count = Glibc.read(descriptor, chunk.baseAddress, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                throw JWTAuditError(.invalidArgument, "cannot read \(name) (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        return bytes
    }

    /// Opened without blocking, then read blocking: a named pipe nobody writes to reads as empty instead of
    /// hanging in `open` forever (where `--timeout` cannot reach), while a pipe with a writer, such as bash's
    /// `--key <(vault read ...)`, is read as it arrives.
    static func read(path: String, maxBytes: Int) throws(JWTAuditError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 {
            throw JWTAuditError(.invalidArgument, "cannot open '\(path)' (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw JWTAuditError(.invalidArgument, "cannot read '\(path)' (it is a directory)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return try read(descriptor: descriptor, name: "'\(path)'", maxBytes: maxBytes)
    }

    /// A whole file of at most `limit` bytes (keys, certificates, named values): a larger file is refused,
    /// never silently cut, so it cannot turn into a misleading syntax error at the cut.
    static func readWhole(path: String, limit: Int = 1 << 20, what: String) throws(JWTAuditError) -> [UInt8] {
        let bytes = try read(path: path, maxBytes: limit + 1)
        if bytes.count > limit {
            throw JWTAuditError(.limitExceeded, "\(what) '\(path)' is larger than \(limit >> 10) KiB")
        }
        return bytes
    }

    /// Whether `path` names an existing regular file (short names only: a token is never a sensible path).
    static func isRegularFile(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count < 4096 else { return false }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Writes everything; a closed pipe (EPIPE) ends the write quietly, as `head` expects.
    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
