import JWTAuditCore

/// What `--quiet` still says. It drops the report, and only the report: errors go to standard error as always,
/// and a rejection is one line there naming what failed (`jwtaudit: rejected: expiry, audience`), so that a CI
/// log shows why a step failed without printing the token's claims.
enum QuietReport {
    /// `--quiet` with a report format is a contradiction: refused (64), whatever the command.
    static func checkConflicts(_ parsed: ParsedArguments, command: String) throws(CommandFailure) {
        guard parsed.has(.quiet) else { return }
        if parsed.has(.json) { throw .usage(.conflictingOptions("--quiet", "--json"), command) }
        if let format = parsed.last(.format), format != "text" {
            throw .usage(.conflictingOptions("--quiet", "--format \(format)"), command)
        }
    }

    /// `jwtaudit: rejected: expiry, audience`, with what the gateway answered (`401 TokenExpired`) or why, when
    /// there is more to say. Escaped: check ids may name a token's claim.
    static func rejected(_ failed: [String], because detail: String? = nil) -> String {
        var line = "jwtaudit: rejected: "
        line += failed.isEmpty ? "the signature was not verified" : failed.joined(separator: ", ")
        if let detail { line += " (\(detail))" }
        return line
    }
}
