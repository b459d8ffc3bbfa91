@testable import JWTAuditCore

/// A tree of files held in memory, for the core's source readers: the core reads through `PolicyFileSystem`, and
/// these tests give it the files they are about (the end-to-end tests read real trees from disk).
struct MemoryFileSystem: PolicyFileSystem {
    var files: [String: [UInt8]]

    init(_ files: [String: String]) {
        self.files = files.mapValues { Array($0.utf8) }
    }

    func kind(of path: String) -> PolicyFileKind? {
        let path = PolicyPath.normalize(path)
        if files[path] != nil { return .file }
        let prefix = path == "." ? "" : path + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
    }

    func entries(of directory: String) throws(JWTAuditError) -> [PolicyDirectoryEntry] {
        let directory = PolicyPath.normalize(directory)
        let prefix = directory == "." ? "" : directory + "/"
        var names = Set<String>()
        for key in files.keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            if let name = rest.split(separator: "/").first { names.insert(String(name)) }
        }
        return names.sorted().map { name in
            PolicyDirectoryEntry(name: name, kind: kind(of: prefix + name), isSymbolicLink: false)
        }
    }

    func read(_ path: String, limit: Int) throws(JWTAuditError) -> [UInt8] {
        guard let bytes = files[PolicyPath.normalize(path)] else { throw JWTAuditError(.invalidArgument, "cannot open '\(path)'") }
        if bytes.count > limit { throw JWTAuditError(.limitExceeded, "'\(path)' is larger than \(limit) bytes") }
        return bytes
    }

    func realPath(_ path: String) -> String? {
        kind(of: path) == nil ? nil : PolicyPath.normalize("/repo/" + path)
    }
}

enum SourcesTest {
    /// A `<policies>` document with `inbound` holding `inbound` (and `<base />` first unless told otherwise).
    static func policies(_ inbound: String, base: Bool = true, backend: String = "<base />") -> String {
        "<policies>\n  <inbound>\n    \(base ? "<base />\n    " : "")\(inbound)\n  </inbound>\n  <backend>\(backend)</backend>\n  <outbound><base /></outbound>\n  <on-error><base /></on-error>\n</policies>\n"
    }

    static let validateJWT = """
        <validate-jwt header-name="Authorization">
              <openid-config url="https://login.microsoftonline.com/{{tenant-id}}/.well-known/openid-configuration" />
              <audiences><audience>https://myapi.dewi.red</audience></audiences>
              <required-claims>
                <claim name="appid" match="any"><value>1105ae9f-6be2-42a2-9439-7a17934226ac</value></claim>
                <claim name="appidacr" match="any"><value>2</value></claim>
              </required-claims>
            </validate-jwt>
        """

    static func namedValue(_ display: String, value: String? = nil, secret: Bool = false) -> String {
        "{\"properties\": {\"displayName\": \"\(display)\"\(value.map { ", \"value\": \"\($0)\"" } ?? "")\(secret ? ", \"secret\": true" : "")}}"
    }

    static func load(_ files: [String: String], path: String = "art") throws(JWTAuditError) -> [PolicyTree] {
        try PolicySources.load(path, source: PolicySourceFiles(files: MemoryFileSystem(files), root: "."))
    }

    static func service(_ files: [String: String], path: String = "art", namedValues: [String: String]? = nil) throws(JWTAuditError) -> PolicyService {
        let trees = try load(files, path: path)
        return try PolicyService(tree: trees[0], namedValues: namedValues)
    }

    static func ids(_ report: PolicyLintReport) -> [String] { report.findings.map(\.id) }
}
