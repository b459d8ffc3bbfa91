import COpenSSL

/// The one place OpenSSL's per-thread error queue is read and cleared.
///
/// OpenSSL pushes a record for every failure, including an ordinary "bad signature", and leaves it on the
/// calling thread's queue. Left there, a stale record would be blamed on the next, unrelated call, so every
/// `*_openssl.swift` entry point drains the queue before it returns, through this function only.
enum OpenSSLErrorQueue {
    /// Reads every queued error, clears the queue, and returns a readable summary (empty when none queued).
    @discardableResult
    static func drain() -> String {
        // The queue is nearly always empty (a verification drains it after every call).
        guard ERR_peek_error() != 0 else { return "" }
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            if parts.count < 4 {
                parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return parts.joined(separator: "; ")
    }

    /// A `JWTAuditError` for a failed OpenSSL call, with the queue's contents as the detail.
    static func error(_ code: JWTAuditError.Code, _ what: String) -> JWTAuditError {
        let detail = drain()
        return JWTAuditError(code, detail.isEmpty ? what : "\(what) (OpenSSL: \(detail))")
    }
}
