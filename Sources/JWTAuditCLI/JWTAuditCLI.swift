/// Entry point of the command-line front: argv in, exit status out.
public enum JWTAuditCLI {
    public static func run(arguments: [String]) -> Int32 {
        0
    }
}
