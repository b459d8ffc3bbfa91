// swift-tools-version:6.0
// jwtaudit: a token inspector and auditor for Microsoft Entra ID and Azure API Management.
// No Swift package dependencies: OpenSSL's libcrypto for signatures and decryption, libcurl (loaded on demand) for
// HTTPS, zlib (loaded on demand) for compressed JWE content.
// Licensed under the Apache License, Version 2.0: see LICENSE.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A generic type's metadata is otherwise found at first use by demangling its name and checking each generic
    // requirement against every conformance record: 1.9M instructions of a cold `verify` (issue 22, bench/README.md).
    // With this the compiler calls the metadata accessors directly, at the cost of a little code.
    // Each function in its own section, so that the release link can place the functions a cold run executes
    // together (`--symbol-ordering-file`, below); without it most of a file's functions share one section.
    .unsafeFlags(
        ["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors", "-Xfrontend", "-function-sections"],
        .when(configuration: .release)),
]

/// The release binary is started once per token by scripts, so its start-up is measured (issue 7, bench/): every
/// flag here removes work the dynamic loader would do at each start.
/// - `-static-stdlib`: the Swift runtime is linked in, not loaded as a dozen shared libraries.
/// - `link/libstdc++.so` (a linker script, see the file) makes the toolchain's `-lstdc++` static, and
///   `-static-libgcc` does the same for the unwinder: the binary then needs only libcrypto, libm and libc.
/// - `-z pack-relative-relocs` (glibc 2.36+) stores the ~25,000 relative relocations as a 5 KB bitmap (DT_RELR)
///   instead of 600 KB of RELA entries the loader must read at start.
/// - `--no-export-dynamic` undoes the toolchain's `-export-dynamic`: nothing loads symbols from this executable.
/// - `--symbol-ordering-file link/startup.order` puts the functions a cold run executes together in the code, where
///   a cold `verify` touches 31 windows of 64 KiB instead of 56 (the kernel maps code a window per page fault):
///   page faults 468 -> 427, and 1.22 -> 1.10 of the C reference's time in 300 runs taking turns (issue 22).
///   The functions a batch runs once per token come first, together: a token's 90 KB of code then sits on 39 pages
///   rather than 97, and an RS256 batch runs 1% faster. `link/startup-order.sh` regenerates the list; a stale one
///   only orders less. `--no-warn-symbol-ordering`:
///   the list names functions of every command, and some are inlined away in a given build.
/// The linker is the toolchain's lld: GNU ld has no ordering by symbol, gold no DT_RELR.
let packageRoot = String(#filePath.dropLast("Package.swift".count))
let releaseLinkFlags = [
    "-static-stdlib",
    "-L", packageRoot + "link", "-Xclang-linker", "-static-libgcc",
    "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    "-Xlinker", "--no-export-dynamic",
    "-Xlinker", "--symbol-ordering-file=" + packageRoot + "link/startup.order", "-Xlinker", "--no-warn-symbol-ordering",
]

/// The git commit `--version` names: `make` sets JWTAUDIT_COMMIT (`git rev-parse --short=7 HEAD`, with "-dirty"
/// when the work tree has changes). It is defined for CBuildInfo's one C file only, so a new commit recompiles
/// that file and relinks; a plain `swift build` has none and `--version` leaves it out. Anything but hex digits
/// (and the "-dirty" suffix) is ignored, so the value cannot break out of the C string it becomes.
let buildCommit: String = {
    guard let value = Context.environment["JWTAUDIT_COMMIT"] else { return "" }
    let hash = value.hasSuffix("-dirty") ? value.dropLast("-dirty".count) : Substring(value)
    return (7...40).contains(hash.count) && hash.allSatisfy(\.isHexDigit) ? value : ""
}()

let package = Package(
    name: "jwtaudit",
    products: [
        .executable(name: "jwtaudit", targets: ["jwtaudit"]),
    ],
    targets: [
        // libcrypto only: TLS is libcurl's business, and libcurl is loaded only when a fetch is needed.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // One-line forwards for the OpenSSL macros Swift cannot import (and the OpenSSL 3 version check).
        .target(
            name: "COpenSSLShims",
            dependencies: ["COpenSSL"]
        ),
        // libcurl behind a non-variadic C API, dlopen()ed on the first fetch only (never linked with -lcurl).
        .target(
            name: "CCurlShim",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // zlib behind one raw-inflate call, dlopen()ed on the first compressed JWE only (never linked with -lz).
        .target(
            name: "CZlibShim",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // A one-word lock for a ManagedBuffer's header (JSONDocument's value cache), inlined into Swift.
        .target(name: "CWordLock"),
        // Strict base64url's vector step: whole 32-character blocks with AVX2, chosen at run time (Base64URL).
        .target(name: "CBase64"),
        // POSIX calls Swift's Glibc module leaves out (pipe2).
        .target(name: "CPosix"),
        // What only the build command knows: the git commit (see `buildCommit`).
        .target(
            name: "CBuildInfo",
            cSettings: [.define("JWTAUDIT_COMMIT", to: "\"\(buildCommit)\"")]
        ),
        // The shared core: no argv, no printing, no clock, no network.
        .target(
            name: "JWTAuditCore",
            dependencies: ["COpenSSL", "COpenSSLShims", "CZlibShim", "CWordLock", "CBase64"],
            swiftSettings: strict
        ),
        // Everything argv- and stdout-shaped.
        .target(
            name: "JWTAuditCLI",
            dependencies: ["JWTAuditCore", "CCurlShim", "CBuildInfo", "CPosix"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "jwtaudit",
            dependencies: ["JWTAuditCLI", "JWTAuditCore"],
            swiftSettings: strict,
            linkerSettings: [.unsafeFlags(releaseLinkFlags, .when(configuration: .release))]
        ),
        // What both test targets need: the package root and whole-file reads (never part of the product).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "JWTAuditCoreTests",
            dependencies: ["JWTAuditCore", "TestSupport"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JWTAuditCLITests",
            dependencies: ["JWTAuditCLI", "JWTAuditCore", "TestSupport", "CPosix"],
            exclude: ["Support/https_server.py"],
            swiftSettings: strict
        ),
    ]
)
