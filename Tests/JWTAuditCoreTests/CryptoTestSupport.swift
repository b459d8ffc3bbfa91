import Glibc
import Testing
@testable import JWTAuditCore
import TestSupport

/// Shared helpers for the signature and key tests: finding `Tests/Vectors`, reading files, hex, and making
/// keys at test time with the `openssl` command in a temporary directory (no private keys are checked in).
enum CryptoTestSupport {
    /// `<package>/Tests/Vectors`: the external vectors, vendored so that a clone tests on its own (see its README).
    static func vectorsDirectory() -> String { Fixtures.packageRoot + "/Tests/Vectors" }

    static func readFile(_ path: String) -> [UInt8]? { PackageFiles.readBytes(path) }

    static func writeFile(_ path: String, _ bytes: [UInt8]) { PackageFiles.writeBytes(path, bytes) }

    static func listDirectory(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            names.append(name)
        }
        return names.sorted()
    }

    static let largeJSON = JSONParser.Limits(maxDepth: 64, maxBytes: 64 << 20, maxContainerCount: 10_000_000)

    static func json(_ path: String) throws -> JSONObject {
        let bytes = try #require(readFile(path), "cannot read \(path)")
        return try #require(try JSONParser.parse(bytes: bytes, limits: largeJSON).objectValue, "\(path) is not a JSON object")
    }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8 = c >= 97 ? c - 87 : (c >= 65 ? c - 55 : c - 48)
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    /// A fresh temporary directory, for keys made with `openssl` during the test.
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/jwtaudit-crypto-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: path!)
    }

    static func removeDirectory(_ path: String) { _ = system("rm -rf '\(path)'") }

    /// Runs a shell command (the `openssl` CLI); returns whether it exited 0.
    @discardableResult
    static func shell(_ command: String) -> Bool { system(command + " >/dev/null 2>&1") == 0 }

    /// Converts an OpenSSL DER ECDSA signature to JWS r||s with `half`-byte halves.
    static func derToRawECDSA(_ der: [UInt8], half: Int) -> [UInt8]? {
        var index = 0
        func length() -> Int? {
            guard index < der.count else { return nil }
            var l = Int(der[index]); index += 1
            if l & 0x80 != 0 {
                let n = l & 0x7F; l = 0
                for _ in 0..<n { guard index < der.count else { return nil }; l = l << 8 | Int(der[index]); index += 1 }
            }
            return l
        }
        guard der.first == 0x30 else { return nil }
        index = 1
        guard length() != nil else { return nil }
        var out: [UInt8] = []
        for _ in 0..<2 {
            guard index < der.count, der[index] == 0x02 else { return nil }
            index += 1
            guard let l = length(), index + l <= der.count else { return nil }
            var value = Array(der[index..<index + l]); index += l
            while value.count > half, value.first == 0 { value.removeFirst() }
            out += [UInt8](repeating: 0, count: half - value.count) + value
        }
        return out
    }
}
