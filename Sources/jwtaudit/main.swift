import JWTAuditCLI
import JWTAuditCore

#if canImport(Glibc)
import Glibc
#endif

// The process ends right after its one run: libcrypto need not free its tables on the way out.
OpenSSLLibrary.leaveCleanupToProcessExit()
// A closed pipe (`jwtaudit decode ... | head -1`) must not kill the process with SIGPIPE.
signal(SIGPIPE, SIG_IGN)
exit(JWTAuditCLI.run(arguments: Array(CommandLine.arguments.dropFirst())))
