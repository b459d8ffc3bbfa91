/// Operation names to method and URL, read from an API's specification (OpenAPI 3 or Swagger 2, JSON or YAML).
///
/// APIOps stores an operation's policy under its ARM name (`apis/<api>/operations/<name>/policy.xml`), and
/// portal-made operations get opaque hex names; the method and URL are not stored beside it. APIM's export sets
/// each operation's `operationId` to that name, so the specification maps one to the other.
enum OpenAPIOperations {
    struct Operation: Equatable {
        var name: String
        var method: String
        var urlTemplate: String
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The operations, in the document's order. Throws `.malformedPolicy` naming the file when the document
    /// cannot be read (the caller turns that into a finding and names operations by their directories).
    static func read(_ bytes: [UInt8], file: String) throws(JWTAuditError) -> [Operation] {
        let document: JSONValue
        if file.lowercased().hasSuffix(".json") {
            do {
                document = try JSONParser.parse(
                    bytes: bytes, limits: JSONParser.Limits(maxDepth: 256, maxBytes: 16 << 20, maxContainerCount: 100_000))
            } catch {
                throw JWTAuditError(.malformedPolicy, "\(file): not valid JSON (\(error))")
            }
        } else {
            document = try YAMLReader.parse(bytes, file: file).jsonValue
        }
        guard let root = document.objectValue, let paths = root["paths"]?.objectValue else { return [] }
        let basePath = root["basePath"]?.stringValue.map { $0 == "/" ? "" : $0 } ?? ""
        var operations: [Operation] = []
        for (path, item) in paths.members {
            guard let item = item.objectValue else { continue }
            for (key, value) in item.members where methods.contains(key.lowercased()) {
                guard let id = value.objectValue?["operationId"]?.stringValue, !id.isEmpty else { continue }
                operations.append(Operation(name: id, method: key.uppercased(), urlTemplate: basePath + path))
            }
        }
        return operations
    }
}
