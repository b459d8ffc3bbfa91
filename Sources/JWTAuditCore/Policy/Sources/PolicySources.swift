/// `--policy PATH`, whatever PATH is: an XML file (read as it is), an APIOps artifacts directory, a `.bicep`
/// file, an ARM template (`.json`), a Terraform file, or any other directory, walked for all of those (a
/// repository: each APIOps tree, template, Terraform module and loose policy file in it is a tree of its own).
public enum PolicySources {
    /// Directories a repository walk does not enter: tools' caches and dependencies, never policies.
    static let skippedDirectories: Set<String> = ["node_modules", "bin", "obj"]
    static let maxDepth = 32

    /// Reads PATH into trees. What PATH itself is decides the reader; a PATH that cannot be read at all (missing,
    /// a template with broken syntax, a JSON file that is no ARM template) is an error naming it (exit 3). Inside
    /// a directory, what cannot be read is a finding of the tree it belongs to, and the walk goes on.
    public static func load(_ path: String, source: PolicySourceFiles) throws(JWTAuditError) -> [PolicyTree] {
        let path = PolicyPath.normalize(path)
        switch source.kind(path) {
        case nil:
            throw JWTAuditError(.invalidArgument, "cannot open '\(path)' (no such file or directory, or it cannot be reached)")
        case .other?:
            throw JWTAuditError(.invalidArgument, "'\(path)' is neither a file nor a directory")
        case .directory?:
            if APIOpsReader.isArtifactsRoot(path, source: source) { return [APIOpsReader.read(path, source: source)] }
            var walk = RepositoryWalk(source: source)
            walk.visit(path, depth: 0)
            if walk.trees.isEmpty {
                throw JWTAuditError(
                    .invalidArgument,
                    "found no policy source in '\(path)': an APIOps artifacts directory, .bicep, ARM template .json, Terraform .tf or policy .xml file")
            }
            return walk.trees
        case .file?:
            return [try file(path, source: source, strict: true)]
        }
    }

    /// One file, by its extension.
    static func file(_ path: String, source: PolicySourceFiles, strict: Bool) throws(JWTAuditError) -> PolicyTree {
        let bytes: [UInt8]
        let lower = path.lowercased()
        let isTemplate = lower.hasSuffix(".bicep") || lower.hasSuffix(".tf") || lower.hasSuffix(".json")
        switch source.read(path, limit: isTemplate ? PolicySourceFiles.sourceLimit : PolicySourceFiles.policyLimit) {
        case .success(let read): bytes = read
        case .failure(let error): throw JWTAuditError(error.code, "cannot read '\(path)': \(error.reason)")
        }
        if lower.hasSuffix(".bicep") { return try BicepReader.read(bytes, file: path, source: source) }
        if lower.hasSuffix(".tf") { return try TerraformReader.read([(path, bytes)], module: PolicyPath.directory(of: path), source: source) }
        if lower.hasSuffix(".json") { return try ARMTemplateReader.read(bytes, file: path, source: source) }
        var tree = PolicyTree(path: path, kind: .xml)
        tree.strict = strict
        tree.standalone = [.text(PolicyText(bytes: bytes, file: path), format: nil)]
        return tree
    }

    /// Applies an APIOps `configuration.<env>.yaml` to every APIOps tree.
    public static func applyEnvironment(_ bytes: [UInt8], file: String, to trees: inout [PolicyTree]) throws(JWTAuditError) {
        for index in trees.indices where trees[index].kind == .apiops {
            try APIOpsConfiguration.apply(bytes, file: file, to: &trees[index])
        }
    }
}

/// A repository walk: every APIOps tree, template, Terraform module and loose policy file under a directory.
/// Symbolic links to directories are not followed and hidden directories (`.git`, `.terraform`) are not entered,
/// so a link loop cannot trap it; depth and the number of directories are bounded.
private struct RepositoryWalk {
    let source: PolicySourceFiles
    var trees: [PolicyTree] = []
    var visited = 0

    mutating func visit(_ directory: String, depth: Int) {
        visited += 1
        guard depth <= PolicySources.maxDepth, visited <= PolicySourceFiles.entryLimit else { return }
        if depth > 0, APIOpsReader.isArtifactsRoot(directory, source: source) {
            trees.append(APIOpsReader.read(directory, source: source))
            return
        }
        let entries = source.entries(directory)
        var terraform: [(String, [UInt8])] = []
        for entry in entries where entry.kind == .file {
            let path = PolicyPath.join(directory, entry.name)
            let lower = entry.name.lowercased()
            if lower.hasSuffix(".tf") {
                if case .success(let bytes) = source.read(path, limit: PolicySourceFiles.sourceLimit) {
                    terraform.append((path, bytes))
                } else {
                    unreadable(path, "it cannot be read")
                }
            } else if lower.hasSuffix(".bicep") {
                load(path, kind: .bicep)
            } else if lower.hasSuffix(".json") {
                if isARMTemplate(path) { load(path, kind: .arm) }
            } else if lower.hasSuffix(".xml"), looksLikePolicy(path) {
                load(path, kind: .xml)
            }
        }
        if !terraform.isEmpty {
            do {
                trees.append(try TerraformReader.read(terraform, module: directory, source: source))
            } catch {
                unreadable(terraform[0].0, error.reason)
            }
        }
        for entry in entries where entry.kind == .directory && !entry.isSymbolicLink {
            if entry.name.hasPrefix(".") || PolicySources.skippedDirectories.contains(entry.name) { continue }
            visit(PolicyPath.join(directory, entry.name), depth: depth + 1)
        }
    }

    mutating func load(_ path: String, kind: PolicyTree.Kind) {
        do {
            trees.append(try PolicySources.file(path, source: source, strict: false))
        } catch {
            unreadable(path, error.reason, kind: kind)
        }
    }

    /// A file the walk could not read becomes a tree holding one `policy-unreadable` finding at its line.
    mutating func unreadable(_ path: String, _ reason: String, kind: PolicyTree.Kind = .xml) {
        var tree = PolicyTree(path: path, kind: kind)
        let error = JWTAuditError(.malformedPolicy, reason)
        let (line, column) = error.position ?? (1, 1)
        tree.note("policy-unreadable", "\(PolicyPath.lastComponent(path)) cannot be read: \(error.reasonWithoutPosition)", file: path, line: line, column: column)
        trees.append(tree)
    }

    /// An ARM template: a JSON object whose `$schema` is a deployment template's (other JSON files are skipped).
    func isARMTemplate(_ path: String) -> Bool {
        guard case .success(let bytes) = source.read(path, limit: PolicySourceFiles.sourceLimit) else { return false }
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
        return head.contains("deploymenttemplate.json")
    }

    /// An XML file whose first element is `<policies>` or `<fragment>` (other XML files are not policies).
    func looksLikePolicy(_ path: String) -> Bool {
        guard case .success(let bytes) = source.read(path, limit: PolicySourceFiles.policyLimit) else { return false }
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
            guard b == UInt8(ascii: "<") else { return false }
            if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?") || bytes[i + 1] == UInt8(ascii: "!") {
                // A declaration or a comment: skip to its end.
                let closer: [UInt8] = bytes[i + 1] == UInt8(ascii: "?") ? Array("?>".utf8) : Array("-->".utf8)
                var j = i + 2
                while j + closer.count <= bytes.count, Array(bytes[j..<(j + closer.count)]) != closer { j += 1 }
                i = j + closer.count
                continue
            }
            let name = bytes[(i + 1)...].prefix { isXMLNameByte($0) }
            let text = String(decoding: name, as: UTF8.self)
            return text == "policies" || text == "fragment"
        }
        return false
    }
}

private func isXMLNameByte(_ b: UInt8) -> Bool {
    (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
}
