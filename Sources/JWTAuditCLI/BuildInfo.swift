import CBuildInfo
import JWTAuditCore

/// What `jwtaudit --version` prints about this build. The version itself is `OptionTable.version`, the one
/// place it is written (the Makefile, the .deb, the tarball's name and the man page read it from there).
enum BuildInfo {
    /// `jwtaudit 0.2.0 (OpenSSL 3.0.22, Swift 6.3.1, commit abc1234)`: the OpenSSL this process runs on, the
    /// Swift compiler that built it, and the git commit when the build was given one (`make` passes it; a
    /// plain `swift build` does not, and the line then leaves it out rather than guess).
    static var versionLine: String {
        var parts = [OpenSSLLibrary.version, "Swift " + swiftCompiler]
        let commit = String(cString: jwtaudit_build_commit())
        if !commit.isEmpty { parts.append("commit " + commit) }
        return "\(OptionTable.toolName) \(OptionTable.version) (\(parts.joined(separator: ", ")))"
    }

    /// The compiler that built this binary. Swift states its own version only to `#if compiler(>=X.Y.Z)`, so
    /// the releases are probed newest first. A compiler past the first line reads "6.4 or later", and the
    /// --version test (which compares with `swiftc --version`) then asks for a line here.
    static let swiftCompiler: String = {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3.3)
        return "6.3.3"
        #elseif compiler(>=6.3.2)
        return "6.3.2"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2.3)
        return "6.2.3"
        #elseif compiler(>=6.2.2)
        return "6.2.2"
        #elseif compiler(>=6.2.1)
        return "6.2.1"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1.3)
        return "6.1.3"
        #elseif compiler(>=6.1.2)
        return "6.1.2"
        #elseif compiler(>=6.1.1)
        return "6.1.1"
        #elseif compiler(>=6.1)
        return "6.1"
        #elseif compiler(>=6.0.3)
        return "6.0.3"
        #elseif compiler(>=6.0.2)
        return "6.0.2"
        #elseif compiler(>=6.0.1)
        return "6.0.1"
        #else
        return "6.0"  // Package.swift's swift-tools-version:6.0 admits no older compiler.
        #endif
    }()
}
