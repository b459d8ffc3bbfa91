enum TerraformReader {
    static func read(_ files: [(String, [UInt8])], module: String, source: PolicySourceFiles) throws(JWTAuditError) -> PolicyTree {
        throw JWTAuditError(.invalidArgument, "\(module): Terraform is not read yet")
    }
}
