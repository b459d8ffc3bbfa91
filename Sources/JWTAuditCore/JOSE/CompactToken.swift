import Glibc

/// A token in compact serialization, split and decoded but not yet judged.
///
/// RFC 7515 §7.1: the signature covers `ASCII(BASE64URL(UTF8(JWS Protected Header)) || '.' ||
/// BASE64URL(JWS Payload))`. `signingInput` is those exact bytes as received: the verifier never re-encodes
/// anything, so a token whose header was re-serialised by a middlebox cannot pass.
///
/// A final class of constants: a token is handed to a dozen checks, evidence and reports, and each copy of a struct
/// of nine references retained and released every one of them (some 27 copies per token in a batch, issue 22).
public final class CompactToken: Sendable {
    public enum Kind: String, Sendable {
        /// Three segments: header, payload, signature (RFC 7515 §7.1).
        case jws
        /// Five segments: header, encrypted key, IV, ciphertext, tag (RFC 7516 §7.1). Only the header is readable.
        case jwe
    }

    /// Limits that keep hostile input cheap to refuse.
    public struct Limits: Sendable {
        /// Largest token accepted, in bytes (Microsoft.IdentityModel refuses tokens over 250 KB by default).
        public var maxTokenBytes: Int = 256 * 1024
        public var json: JSONParser.Limits = .default
        public init() {}
        public static let `default` = Limits()
    }

    /// Where a token's compact text lives: the String it was parsed from, or the bytes of a batch's input line in
    /// the block it was read into (`parse(_:in:)`). A line that parses as a token is base64url and dots, so it is
    /// text, and making it a String first (checking its UTF-8, copying it again) cost a batch 1,000 instructions and
    /// an allocation a token.
    enum Text: Sendable {
        case string(String)
        case block(TextBlock, Range<Int>)

        /// Calls `body` with the text's bytes, borrowed where they are.
        func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            switch self {
            case .string(var text): return try text.withUTF8(body)
            case .block(let block, let range): return try body(block[range])
            }
        }
    }

    public let kind: Kind
    /// The compact text exactly as parsed (after extraction from its surroundings). Made on demand when the token
    /// was parsed from bytes: the checks read the bytes (`withText`).
    public var text: String {
        switch storage {
        case .string(let text): text
        case .block(let block, let range): String(decoding: block[range], as: UTF8.self)
        }
    }
    let storage: Text

    /// Calls `body` with the compact text's bytes, borrowed from the token's own storage.
    func withText<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withBytes(body)
    }
    /// The protected header, members in the token's order.
    public let header: JSONObject
    public let headerBytes: [UInt8]
    /// Decoded payload bytes (JWS only; empty for JWE, whose payload is encrypted).
    public let payloadBytes: [UInt8]
    /// Decoded signature bytes (JWS only). Empty for an unsecured JWS (`alg: none`, RFC 7515 §A.5). A copy:
    /// the verifier borrows them (`signatureBytes.withBytes`).
    public var signature: [UInt8] { signatureBytes.array }
    let signatureBytes: SignatureBytes
    /// The signature's length in bytes, without copying it (0 for an unsecured JWS and for a JWE).
    public var signatureCount: Int { signatureBytes.count }
    /// The bytes the signature covers, exactly as received: the first `signingInputLength` bytes of `text` (its
    /// first two segments and the dot between them). Not copied out when the token is parsed: the signature is
    /// verified over `text`'s own bytes (`withSigningInput`); this copy is for readers that want an array.
    public var signingInput: [UInt8] { withSigningInput { Array($0) } }
    /// 0 for a JWE and for the plaintext of one (`opened(with:)`), which no signature covers.
    let signingInputLength: Int

    /// Calls `body` with the signing input, borrowed from the token's text.
    func withSigningInput<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withText { bytes in try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<signingInputLength])) }
    }
    /// The payload as a JSON object, when it is one (a JWT claims set, RFC 7519 §7.2 step 10).
    public let claims: JSONObject?
    /// Why the payload is not a claims set, when it is not (a JWS may legitimately carry any payload).
    public let claimsProblem: String?
    /// True for a JWE whose payload was decrypted (`opened(with:)`): `payloadBytes` then holds the plaintext and
    /// `claims` its claims when it is a JSON object. `parse` never sets it.
    public let isDecrypted: Bool
    /// The length of the header segment and the JSON limits its header was parsed under: what
    /// `parse(_:limits:reusingHeaderOf:)` checks before taking this token's header for another's.
    let headerSegmentLength: Int
    let headerLimits: JSONParser.Limits

    /// What the checks read from the header, read once per header (shared with the token it was reused from).
    let headerFacts: HeaderFacts

    convenience init(
        kind: Kind, text: Text, header: JSONObject, headerBytes: [UInt8], payloadBytes: [UInt8], signature: [UInt8],
        signingInputLength: Int, claims: JSONObject?, claimsProblem: String?, isDecrypted: Bool,
        headerSegmentLength: Int, headerLimits: JSONParser.Limits, headerFacts: HeaderFacts? = nil
    ) {
        self.init(
            kind: kind, text: text, header: header, headerBytes: headerBytes, payloadBytes: payloadBytes,
            signatureBytes: SignatureBytes(signature), signingInputLength: signingInputLength, claims: claims,
            claimsProblem: claimsProblem, isDecrypted: isDecrypted, headerSegmentLength: headerSegmentLength,
            headerLimits: headerLimits, headerFacts: headerFacts)
    }

    /// A JWS whose signature segment is decoded into the token as it is made (`SignatureBytes.init(decoding:)`);
    /// the caller drops it when that segment is not strict base64url (`signatureBytes.isDecoded`). Not a failable
    /// init: one that may fail keeps the caller's references to everything it stores alive until it has not
    /// failed, a retain and a release more for each.
    init(
        jws text: Text, header: JSONObject, headerBytes: [UInt8], payloadBytes: [UInt8],
        signatureSegment: UnsafeBufferPointer<UInt8>, signingInputLength: Int, claims: JSONObject?,
        claimsProblem: String?, headerSegmentLength: Int, headerLimits: JSONParser.Limits, headerFacts: HeaderFacts?
    ) {
        self.headerFacts = headerFacts ?? HeaderFacts(header)
        self.kind = .jws
        self.storage = text
        self.header = header
        self.headerBytes = headerBytes
        self.payloadBytes = payloadBytes
        self.signatureBytes = SignatureBytes(decoding: signatureSegment)
        self.signingInputLength = signingInputLength
        self.claims = claims
        self.claimsProblem = claimsProblem
        self.isDecrypted = false
        self.headerSegmentLength = headerSegmentLength
        self.headerLimits = headerLimits
    }

    init(
        kind: Kind, text: Text, header: JSONObject, headerBytes: [UInt8], payloadBytes: [UInt8],
        signatureBytes: SignatureBytes,
        signingInputLength: Int, claims: JSONObject?, claimsProblem: String?, isDecrypted: Bool,
        headerSegmentLength: Int, headerLimits: JSONParser.Limits, headerFacts: HeaderFacts? = nil
    ) {
        self.headerFacts = headerFacts ?? HeaderFacts(header)
        self.kind = kind
        self.storage = text
        self.header = header
        self.headerBytes = headerBytes
        self.payloadBytes = payloadBytes
        self.signatureBytes = signatureBytes
        self.signingInputLength = signingInputLength
        self.claims = claims
        self.claimsProblem = claimsProblem
        self.isDecrypted = isDecrypted
        self.headerSegmentLength = headerSegmentLength
        self.headerLimits = headerLimits
    }

    public var algorithm: String? { header["alg"]?.stringValue }
    public var keyID: String? { headerFacts.kid }

    /// Parses compact serialization. Throws `.malformedToken` (with the segment and offset named) or
    /// `.limitExceeded`.
    public static func parse(_ text: String, limits: Limits = .default) throws(JWTAuditError) -> CompactToken {
        try parse(text, limits: limits, reusingHeaderOf: nil)
    }

    /// A token parsed for reading, not for verifying (`parseForReading`).
    public struct Reading: Sendable {
        /// The token; without its signature when `signatureProblem` says why it cannot be read.
        public let token: CompactToken
        /// Why the signature segment cannot be read: then no verifier may take the token.
        public let signatureProblem: String?
    }

    /// Parses the token found in pasted text for reading, not for verifying (`decode`): the header and the payload
    /// as strictly as `parse`, but a signature segment that is not strict base64url, or a token cut short after its
    /// payload, is returned as `signatureProblem` with the token parsed without its signature. Microsoft's
    /// documentation samples are such tokens: "the keys are changed and personal information is removed, which
    /// prevents token validation" (Entra access token reference), and their signature segment is cut mid-way. A
    /// token cut before its signature is still refused, saying it was cut. (`parse`, which every verification
    /// uses, is not touched: this only runs again on what it refused.)
    public static func parseForReading(_ found: TokenInput.Found, limits: Limits = .default) throws(JWTAuditError)
        -> Reading
    {
        let cutShort = found.cut.map { "the token is cut short: its signature segment ends in '\($0)'" }
        let failure: JWTAuditError
        do {
            let token = try parse(found.token, limits: limits)
            return Reading(token: token, signatureProblem: token.kind == .jws ? cutShort : nil)
        } catch {
            failure = error
        }
        // The header and payload alone, with an empty signature: when they parse, what failed was the signature.
        var dots = found.token.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.makeIterator()
        let isJWS = dots.next() != nil && dots.next() != nil && dots.next() == nil
        guard failure.code == .malformedToken, isJWS, let lastDot = found.token.lastIndex(of: "."),
            let token = try? parse(String(found.token[...lastDot]), limits: limits)
        else {
            if found.cut != nil { _ = try found.whole() }
            throw failure
        }
        return Reading(token: token, signatureProblem: cutShort ?? failure.reason)
    }

    /// Parses like `parse(_:limits:)`, but when `previous` has byte for byte the same header segment (and was
    /// parsed under the same JSON limits), takes its decoded header instead of decoding and parsing the segment
    /// again: the result is the same, since the header is a function of those bytes. Tokens signed by one key of
    /// one issuer share their header, and in batch verification its decoding was a tenth of the parsing. The
    /// payload's claims that repeat `previous`'s byte for byte (issuer, tenant, client) share its values
    /// (`JSONDocument`).
    public static func parse(_ text: String, limits: Limits = .default, reusingHeaderOf previous: CompactToken?)
        throws(JWTAuditError) -> CompactToken
    {
        try parse(.string(text), limits: limits, previous: previous)
    }

    /// Parses the compact token that is exactly the bytes at `range` of `block`, as `parse(_:limits:reusingHeaderOf:)`
    /// parses the same text, and borrows them there: a batch line is verified where it was read, without being made
    /// a String (whose UTF-8 check was most of what reading a line cost) or an array. Any byte that is not base64url
    /// or a dot fails the parse, so a token parsed from bytes is always text; bytes that do not parse say nothing
    /// about whether they are text. The token holds the block, which is not emptied while it does.
    public static func parse(
        _ range: Range<Int>, in block: TextBlock, limits: Limits = .default, reusingHeaderOf previous: CompactToken?
    ) throws(JWTAuditError) -> CompactToken {
        try parse(.block(block, range), limits: limits, previous: previous)
    }

    private static func parse(_ text: Text, limits: Limits, previous: CompactToken?) throws(JWTAuditError)
        -> CompactToken
    {
        // Work on the text's own storage: no copy of the token, no per-byte bounds checks.
        let result = text.withBytes { bytes -> Result<CompactToken, JWTAuditError> in
            do throws(JWTAuditError) {
                if bytes.count > limits.maxTokenBytes {
                    throw JWTAuditError(
                        .limitExceeded, "token is \(bytes.count) bytes; the limit is \(limits.maxTokenBytes) bytes")
                }
                if bytes.isEmpty { throw JWTAuditError(.malformedToken, "empty token") }
                return .success(try parse(bytes: bytes, text: text, limits: limits, previous: previous))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// True when this token's header segment is exactly `segment`.
    func hasHeaderSegment(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard headerSegmentLength == segment.count, let wanted = segment.baseAddress else { return false }
        return withText { bytes -> Bool in
            guard bytes.count > headerSegmentLength, let base = bytes.baseAddress else { return false }
            return memcmp(base, wanted, headerSegmentLength) == 0
        }
    }

    /// Where the dots of a compact token are: at most five, kept inline rather than in an array (one allocation
    /// fewer per token).
    struct DotPositions {
        private var positions: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
        private(set) var count = 0

        mutating func append(_ position: Int) {
            switch count {
            case 0: positions.0 = position
            case 1: positions.1 = position
            case 2: positions.2 = position
            case 3: positions.3 = position
            default: positions.4 = position
            }
            count += 1
        }

        subscript(index: Int) -> Int {
            switch index {
            case 0: return positions.0
            case 1: return positions.1
            case 2: return positions.2
            case 3: return positions.3
            default: return positions.4
            }
        }
    }

    /// The index of the first '.' in `bytes[start...]`, or `bytes.count`: memchr(3), which the C library runs
    /// 32 bytes at a time (a word-at-a-time loop here cost some 900 instructions on a 900-byte token).
    static func nextDot(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = bytes.count
        guard let base = bytes.baseAddress, start < count,
            let found = memchr(base + start, Int32(UInt8(ascii: ".")), count - start)
        else { return count }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    private static func parse(
        bytes: UnsafeBufferPointer<UInt8>, text: Text, limits: Limits, previous: CompactToken?
    ) throws(JWTAuditError) -> CompactToken
    {
        // Up to five dots are looked for: a sixth segment is already too many.
        var dots = DotPositions()
        var from = 0
        while dots.count < 5 {
            let dot = nextDot(in: bytes, from: from)
            if dot == bytes.count { break }
            dots.append(dot)
            from = dot + 1
        }
        let kind: Kind
        switch dots.count {
        case 2: kind = .jws
        case 4: kind = .jwe
        default:
            // A compact token split on '.' has one segment more than it has dots.
            let parts = dots.count + 1
            throw JWTAuditError(
                .malformedToken,
                "a compact token has 3 segments (JWS) or 5 (JWE); this one has \(parts > 5 ? "more than 5" : String(parts))")
        }
        func range(_ index: Int) -> Range<Int> {
            (index == 0 ? 0 : dots[index - 1] + 1)..<(index == dots.count ? bytes.count : dots[index])
        }

        func decode(_ index: Int) throws(JWTAuditError) -> [UInt8] {
            let segment = range(index)
            do {
                return try Base64URL.decode(bytes: UnsafeBufferPointer(rebasing: bytes[segment]))
            } catch {
                let names = kind == .jws
                    ? ["header", "payload", "signature"]
                    : ["header", "encrypted key", "initialization vector", "ciphertext", "authentication tag"]
                throw JWTAuditError(
                    .malformedToken,
                    "\(names[index]) segment (segment \(index + 1), starting at character \(segment.lowerBound + 1)): \(error)")
            }
        }

        if range(0).isEmpty { throw JWTAuditError(.malformedToken, "the header segment is empty") }
        let headerBytes: [UInt8]
        let header: JSONObject
        var headerFacts: HeaderFacts?
        if let previous, previous.headerLimits == limits.json,
            previous.hasHeaderSegment(UnsafeBufferPointer(rebasing: bytes[range(0)]))
        {
            headerBytes = previous.headerBytes
            header = previous.header
            headerFacts = previous.headerFacts
        } else {
            headerBytes = try decode(0)
            header = try parseHeader(headerBytes, limits: limits.json)
        }

        if kind == .jwe {
            for index in 1..<5 { _ = try decode(index) }
            return CompactToken(
                kind: .jwe, text: text, header: header, headerBytes: headerBytes, payloadBytes: [], signature: [],
                signingInputLength: 0, claims: nil, claimsProblem: "the payload is encrypted (JWE)", isDecrypted: false,
                headerSegmentLength: dots[0], headerLimits: limits.json, headerFacts: headerFacts)
        }

        let payloadBytes = try decode(1)
        // The signature is decoded into the token itself as it is made (`SignatureBytes`), after the claims are
        // read; a signature segment that is not canonical is still the error reported before anything the claims
        // say. The array decoder runs only to say what is wrong with it.
        let signatureSegment = UnsafeBufferPointer(rebasing: bytes[range(2)])
        var claims: JSONObject?
        var claimsProblem: String?
        var claimsLimit: JWTAuditError?
        do {
            // Read lazily (`JSONDocument`): validated in full now, values built when asked. The previous token's
            // document lends the values this one repeats byte for byte.
            let recent = previous?.headerLimits == limits.json ? previous?.claims?.document : nil
            if let document = try JSONDocument.scan(payloadBytes, limits: limits.json, previous: recent) {
                claims = JSONObject(document: document)
            } else if let object = try JSONParser.parse(bytes: payloadBytes, limits: limits.json).objectValue {
                claims = object
            } else {
                claimsProblem = "the payload is JSON but not a JSON object"
            }
        } catch {
            if error.isLimit {
                claimsLimit = JWTAuditError(.limitExceeded, "the payload: \(error)")
            } else {
                claimsProblem = payloadBytes.isEmpty ? "the payload is empty" : "the payload is not JSON (\(error))"
            }
        }
        if let claimsLimit, SignatureBytes(decoding: signatureSegment).isDecoded { throw claimsLimit }
        let token = CompactToken(
            jws: text, header: header, headerBytes: headerBytes, payloadBytes: payloadBytes,
            signatureSegment: signatureSegment, signingInputLength: dots[1], claims: claims,
            claimsProblem: claimsProblem, headerSegmentLength: dots[0], headerLimits: limits.json,
            headerFacts: headerFacts)
        guard claimsLimit == nil, token.signatureBytes.isDecoded else {
            _ = try decode(2)
            throw JWTAuditError(.malformedToken, "signature segment (segment 3, starting at character \(range(2).lowerBound + 1)): not strict base64url")
        }
        return token
    }

    private static func parseHeader(_ headerBytes: [UInt8], limits: JSONParser.Limits) throws(JWTAuditError)
        -> JSONObject
    {
        let header: JSONObject
        do {
            guard let object = try JSONParser.parse(bytes: headerBytes, limits: limits).objectValue else {
                throw JWTAuditError(.malformedToken, "the header is JSON but not a JSON object")
            }
            header = object
        } catch let error as JSONParser.ParseError {
            throw JWTAuditError(error.isLimit ? .limitExceeded : .malformedToken, "the header is not valid JSON: \(error)")
        } catch let error as JWTAuditError {
            throw error
        } catch {
            throw JWTAuditError(.malformedToken, "the header is not valid JSON")
        }
        return header
    }
}
