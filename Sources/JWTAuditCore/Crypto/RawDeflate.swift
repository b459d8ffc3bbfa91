import CZlibShim

/// Raw DEFLATE (RFC 1951) decompression for JWE `"zip": "DEF"` (RFC 7516 §4.1.3), through zlib loaded on first
/// use (Sources/CZlibShim): the binary does not need libz.so.1 to start, and a plain JWS never loads it.
///
/// The output is capped: compression turns a few hundred bytes into megabytes (a "zip bomb"), and the token that
/// carried them was at most `CompactToken.Limits.maxTokenBytes`. Inflating stops at the cap and fails.
enum RawDeflate {
    enum Failure: Error, Equatable {
        /// libz.so.1 is not installed (or lacks a symbol): the detail says which.
        case unavailable(String)
        case tooLarge(limit: Int)
        /// Not a valid, complete raw DEFLATE stream: the detail says why.
        case invalid(String)
    }

    /// Inflates `bytes`, failing when the result would exceed `limit` bytes. Only ever called on authenticated
    /// plaintext: nothing from an unauthenticated token reaches zlib.
    static func inflate(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        var message = [CChar](repeating: 0, count: 256)
        var produced = 0
        var status: Int32 = 0
        var output = [UInt8](unsafeUninitializedCapacity: max(limit, 1)) { buffer, initialized in
            status = bytes.withUnsafeBufferPointer { input in
                jwtaudit_inflate_raw(
                    input.baseAddress, input.count, buffer.baseAddress, limit, &produced, &message, message.count)
            }
            // The bytes zlib wrote, also on failure, so that they are wiped below.
            initialized = min(produced, limit)
        }
        let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch UInt32(status) {
        case JWTAUDIT_INFLATE_OK.rawValue:
            return .success(output)
        case JWTAUDIT_INFLATE_LOAD_FAILED.rawValue:
            return .failure(.unavailable(detail))
        case JWTAUDIT_INFLATE_TOO_LARGE.rawValue:
            SecretBytes.wipe(&output)
            return .failure(.tooLarge(limit: limit))
        default:
            SecretBytes.wipe(&output)
            return .failure(.invalid(detail))
        }
    }
}
