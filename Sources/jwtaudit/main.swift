import JWTAuditCLI
#if canImport(Glibc)
import Glibc
#endif

exit(JWTAuditCLI.run(arguments: Array(CommandLine.arguments.dropFirst())))
