import Testing
@testable import JWTAuditCore

@Suite("NumericDate and RFC 3339")
struct NumericDateTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-01-01T00:00:00Z", 1_767_225_600),
        ("2100-01-01T00:00:00Z", 4_102_444_800),
        ("2026-01-01t01:00:00z", 1_767_229_200),
        ("2026-01-01T02:00:00+02:00", 1_767_225_600),
        ("2025-12-31T19:30:00-04:30", 1_767_225_600),
        ("2026-01-01T00:00:00.999Z", 1_767_225_600),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
        ("1969-12-31T23:59:59Z", -1),
        ("0001-01-01T00:00:00Z", -62_135_596_800),
    ])
    func parsesRFC3339(_ text: String, _ seconds: Int64) {
        #expect(NumericDate.parseRFC3339(text) == seconds, "\(text)")
    }

    @Test(arguments: [
        "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T23:59:60Z", "2026-01-01T00:00:00.Z", "2026-01-01 00:00:00Z",
        "2026-01-01T00:00:00+0200", "2026-01-01T00:00:00Zjunk", "",
    ])
    func refusesWhatRFC3339DoesNotAllow(_ text: String) {
        #expect(NumericDate.parseRFC3339(text) == nil, "\(text)")
    }

    @Test(arguments: [Int64(0), 1_767_225_600, 4_102_444_800, -1, 951_782_400, 253_402_300_799, -62_135_596_800])
    func formatsAndParsesBack(_ seconds: Int64) {
        let text = NumericDate.formatRFC3339(seconds)
        #expect(NumericDate.parseRFC3339(text) == seconds, "\(text)")
    }

    @Test func formatsKnownInstants() {
        #expect(NumericDate.formatRFC3339(1_767_225_600) == "2026-01-01T00:00:00Z")
        #expect(NumericDate.formatRFC3339(951_825_599) == "2000-02-29T11:59:59Z")
    }

    @Test func parseTimeAcceptsUnixSecondsAndRFC3339() throws {
        #expect(try NumericDate.parseTime("1767225600") == 1_767_225_600)
        #expect(try NumericDate.parseTime("2026-01-01T00:00:00Z") == 1_767_225_600)
        #expect(throws: JWTAuditError.self) { try NumericDate.parseTime("tomorrow") }
        #expect(throws: JWTAuditError.self) { try NumericDate.parseTime("99999999999999") }
    }

    @Test func readsNumbersAndRefusesStringsAndBooleans() throws {
        let claims = try #require(JSONParser.parse(#"{"exp":1767225600,"nbf":"1767225600","iat":true,"auth_time":1767225600.75}"#).objectValue)
        #expect(NumericDate.read("exp", in: claims) == .seconds(1_767_225_600, text: "1767225600"))
        #expect(NumericDate.read("auth_time", in: claims) == .seconds(1_767_225_600, text: "1767225600.75"))
        guard case .invalid(let reason) = NumericDate.read("nbf", in: claims) else {
            Issue.record("a string nbf was accepted")
            return
        }
        #expect(reason.contains("nbf is a string"))
        guard case .invalid = NumericDate.read("iat", in: claims) else {
            Issue.record("a boolean iat was accepted")
            return
        }
        #expect(NumericDate.read("missing", in: claims) == .absent)
    }

    @Test func refusesOutOfRangeNumbers() throws {
        let claims = try #require(JSONParser.parse(#"{"exp":1e300,"nbf":99999999999999999}"#).objectValue)
        guard case .invalid = NumericDate.read("exp", in: claims), case .invalid = NumericDate.read("nbf", in: claims) else {
            Issue.record("an out-of-range time was accepted")
            return
        }
    }

    @Test func relativeTimesUseOneUnit() {
        let now: Int64 = 1_767_225_600
        #expect(NumericDate.relative(now + 42 * 60 + 10, to: now) == "in 42 min")
        #expect(NumericDate.relative(now - 3 * 3600 - 5, to: now) == "3 h ago")
        #expect(NumericDate.relative(now + 30, to: now) == "in 30 s")
        #expect(NumericDate.relative(now - 5 * 86_400, to: now) == "5 d ago")
        #expect(NumericDate.relative(4_102_444_800, to: now) == "in 74 y")
        #expect(NumericDate.relative(now, to: now) == "now")
    }
}

/// Issue 17 item 11: `--at 2026-01-01`, a date alone, is midnight UTC.
@Suite("A date alone is midnight UTC")
struct NumericDateDateOnlyTests {
    @Test func aFullDateIsMidnightUTC() throws {
        #expect(try NumericDate.parseTime("2026-01-01") == 1_767_225_600)
        #expect(try NumericDate.parseTime("2024-02-29") == 1_709_164_800)
    }

    @Test(arguments: ["2026-1-01", "2026-02-30", "2026-01-01T", "2026/01/01", "2026-13-01", " 2026-01-01"])
    func aMalformedDateIsRefusedSayingWhatIsAccepted(_ text: String) {
        let error = #expect(throws: JWTAuditError.self) { try NumericDate.parseTime(text) }
        #expect(error?.reason.contains("a date such as 2026-01-01") == true, "\(String(describing: error))")
    }
    /// The lifetime checks read time claims from their bytes when the claims set is read lazily
    /// (`NumericDate.seconds`): every shape of value must give what `read` gives, lazily or not.
    @Test func secondsFromBytesAgreeWithRead() throws {
        let values = [
            "0", "-0", "1767225600", "-1767225600", "253402300799", "253402300800", "-62135596800", "-62135596801",
            "999999999999999999", "9999999999999999999", "-999999999999999999", "1767225600.75", "1.7e9", "1E3",
            "-1.5", "\"1767225600\"", "true", "null", "[1]", "{}",
        ]
        var lazily = 0
        for value in values {
            let text = #"{"exp":"# + value + "}"
            let lazy = try #require(JSONDocument.scan(Array(text.utf8), limits: .default).map(JSONObject.init(document:)))
            let parsed = try #require(JSONParser.parse(text).objectValue)
            if lazy.document != nil { lazily += 1 }
            let expected: NumericDate.Seconds
            switch NumericDate.read("exp", in: parsed) {
            case .absent: expected = .absent
            case .invalid(let why): expected = .invalid(why)
            case .seconds(let whole, _): expected = .seconds(whole)
            }
            #expect(NumericDate.seconds("exp", in: lazy) == expected, "\(value)")
            #expect(NumericDate.seconds("exp", in: parsed) == expected, "\(value)")
            #expect(NumericDate.seconds("nbf", in: lazy) == .absent)
        }
        #expect(lazily == values.count)
    }
}
