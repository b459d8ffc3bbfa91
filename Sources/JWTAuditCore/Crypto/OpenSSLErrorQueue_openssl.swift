import COpenSSL

/// The one place OpenSSL's per-thread error queue is read and cleared.
///
/// OpenSSL pushes a record for every failure, including an ordinary "bad signature", and leaves it on the
/// calling thread's queue. Left there, a stale record would be blamed on the next, unrelated call, so every
/// `*_openssl.swift` entry point drains the queue before it returns, through this function only.
enum OpenSSLErrorQueue {
    /// `succeeded`, with the queue cleared when it is false: for the calls on a context prepared earlier (a
    /// digest, a MAC, `EVP_PKEY_verify`), which queue records only when they fail (err(3): "When a call to the
    /// OpenSSL library fails, this is usually signalled by the return value, and an error code is stored in an
    /// error queue associated with the current thread"). Reading the queue after every verification cost 200
    /// instructions a token in a batch (issue 22).
    ///
    /// Not for calls that build contexts or fetch algorithms: those can succeed and still leave records (a
    /// provider tried first and passed over), and a record is then blamed on whatever runs on that thread next.
    /// Debug builds check the claim above on every verification the tests make.
    static func clearedOnFailure(_ succeeded: Bool) -> Bool {
        if !succeeded {
            drain()
        } else {
            assert(ERR_peek_error() == 0, "an OpenSSL call that succeeded left a record on the error queue")
        }
        return succeeded
    }

    /// Reads every queued error, clears the queue, and returns a readable summary (empty when none queued).
    @discardableResult
    static func drain() -> String {
        // The queue is nearly always empty.
        guard ERR_peek_error() != 0 else { return "" }
        OpenSSLLibrary.loadErrorStrings()
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
