/// Text that a deployment pipeline or a templating tool replaces before the policy reaches APIM: what a repository
/// holds in place of a secret. Policies in repositories write keys this way (`{{signing-key}}` for an APIM named
/// value; `${key}` Terraform and Bicep; `__SigningKey__` Azure DevOps replace-tokens; `#{Key}#` Octopus and the
/// replace-tokens task; `$(Key)` Azure Pipelines variables; `{key}` in Microsoft's own examples), and a
/// placeholder is not a key that anyone who reads the file could use.
public enum TemplatePlaceholder {
    /// Whether `text` (an element's text, trimmed or not) is or holds a placeholder rather than key material: it
    /// names one of the forms above, or it has a character Base64 (standard or URL-safe) never has, so it cannot
    /// be the "Base64 encoded" key itself either.
    public static func isPlaceholder(_ text: String) -> Bool {
        let compact = text.unicodeScalars.filter { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r") }
        if compact.isEmpty { return false }
        let string = String(String.UnicodeScalarView(compact))
        if string.count > 4 && string.hasPrefix("__") && string.hasSuffix("__") { return true }
        return compact.contains { !isBase64Scalar($0) }
    }

    static func isBase64Scalar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "A"..."Z", "a"..."z", "0"..."9", "+", "/", "=", "-", "_": return true
        default: return false
        }
    }

    /// Whether any text (an audience, a URL) holds one of the placeholder forms: `{...}` (which covers `{{...}}`,
    /// `${...}` and `#{...}#`), `$(...)`, or a `__NAME__` word.
    public static func containsPlaceholder(_ text: String) -> Bool {
        if text.contains("{") || text.contains("$(") { return true }
        // `__NAME__`: two underscores, a name, two underscores.
        let chars = Array(text)
        var index = 0
        while index + 1 < chars.count {
            guard chars[index] == "_", chars[index + 1] == "_" else { index += 1; continue }
            var end = index + 2
            while end < chars.count, isNameCharacter(chars[end]), !(chars[end] == "_" && end + 1 < chars.count && chars[end + 1] == "_") {
                end += 1
            }
            if end > index + 2, end + 1 < chars.count, chars[end] == "_", chars[end + 1] == "_" { return true }
            index = end
        }
        return false
    }

    static func isNameCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "-" || c == "."
    }
}
