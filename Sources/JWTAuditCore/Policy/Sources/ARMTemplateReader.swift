enum ARMTemplateReader {
    static func read(_ bytes: [UInt8], file: String, source: PolicySourceFiles) throws(JWTAuditError) -> PolicyTree {
        throw JWTAuditError(.invalidArgument, "\(file): ARM is not read yet")
    }
}
