import JWTAuditCLI

#if canImport(Glibc)
import Glibc
#endif

// A closed pipe (`jwtaudit decode ... | head -1`) must not kill the process with SIGPIPE.
signal(SIGPIPE, SIG_IGN)
exit(JWTAuditCLI.run(arguments: Array(CommandLine.arguments.dropFirst())))
