// swift-tools-version:6.0
// jwtaudit: a token inspector and auditor for Microsoft Entra ID and Azure API Management.
// No Swift package dependencies: OpenSSL's libcrypto for signatures, libcurl (loaded on demand) for HTTPS.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

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
        // One-line forwards for OpenSSL macros Swift cannot import, and the dlopen() loader for libcurl.
        .target(
            name: "COpenSSLShims",
            dependencies: ["COpenSSL"],
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // libcurl behind a non-variadic C API, dlopen()ed on the first fetch only (never linked with -lcurl).
        .target(
            name: "CCurlShim",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // The shared core: no argv, no printing, no clock, no network.
        .target(
            name: "JWTAuditCore",
            dependencies: ["COpenSSL", "COpenSSLShims"],
            swiftSettings: strict
        ),
        // Everything argv- and stdout-shaped.
        .target(
            name: "JWTAuditCLI",
            dependencies: ["JWTAuditCore", "COpenSSLShims", "CCurlShim"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "jwtaudit",
            dependencies: ["JWTAuditCLI"],
            swiftSettings: strict,
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
        ),
        .testTarget(
            name: "JWTAuditCoreTests",
            dependencies: ["JWTAuditCore"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JWTAuditCLITests",
            dependencies: ["JWTAuditCLI", "JWTAuditCore"],
            exclude: ["Support/https_server.py"],
            swiftSettings: strict
        ),
    ]
)
