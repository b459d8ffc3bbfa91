/// RFC 7519 §2 NumericDate: "A JSON numeric value representing the number of seconds from
/// 1970-01-01T00:00:00Z UTC until the specified UTC date/time, ignoring leap seconds." Plus the RFC 3339
/// text that people type (`--at`) and read (decode's times), and the relative phrasing decode shows.
/// Pure: the clock is always a parameter.
public enum NumericDate {
    /// What a time claim held.
    public enum Reading: Sendable, Equatable {
        case absent
        /// Whole seconds (a fraction, which RFC 7519 allows, is truncated toward the past) and the exact text.
        case seconds(Int64, text: String)
        /// Present but unusable: the reason names the claim and what it held.
        case invalid(String)
    }

    /// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range RFC 3339 can write.
    public static let earliest: Int64 = -62_135_596_800
    public static let latest: Int64 = 253_402_300_799

    /// Reads `name` from `claims`. A string or a boolean is refused: RFC 7519 §4.1.4 says `exp` "MUST be a
    /// number containing a NumericDate value", and libraries that coerce `"1700000000"` disagree with those
    /// that do not, which is exactly where a token gets accepted by one hop and refused by the next.
    public static func read(_ name: String, in claims: JSONObject) -> Reading { read(name, value: claims[name]) }

    /// The same, of the value already looked up.
    static func read(_ name: String, value: JSONValue?) -> Reading {
        guard let value else { return .absent }
        guard let number = value.numberValue else {
            return .invalid("\(name) is \(value.kindDescription); RFC 7519 requires a NumericDate (a JSON number)")
        }
        if let whole = number.int64Value {
            guard whole >= earliest && whole <= latest else {
                return .invalid("\(name) \(number.text) is outside the years 0001-9999")
            }
            return .seconds(whole, text: number.text)
        }
        guard let double = number.doubleValue, double.isFinite,
            double >= Double(earliest), double <= Double(latest)
        else {
            return .invalid("\(name) \(number.text) is not a usable NumericDate (outside the years 0001-9999)")
        }
        return .seconds(Int64(double.rounded(.down)), text: number.text)
    }

    /// A time claim as the lifetime checks compare it: `Reading` without the number's text.
    enum Seconds: Sendable, Equatable {
        case absent
        case invalid(String)
        case seconds(Int64)
    }

    /// `read`, without the text, and over the claim's bytes when the claims set is read lazily (`JSONDocument`): a
    /// batch judges three time claims per token, and building each number's value and text cost more than the
    /// comparison. A plain integer of at most 18 digits is summed from its bytes exactly as
    /// `JSONNumber.int64Value` sums its text; anything else (a fraction, an exponent, a string) goes through `read`.
    static func seconds(_ name: MemberName, in claims: JSONObject) -> Seconds {
        if let document = claims.document {
            guard let index = document.index(of: name) else { return .absent }
            return seconds(name, at: index, in: document)
        }
        return seconds(read(name.text, in: claims))
    }

    /// The same, of member `index` of `document` (named `name`).
    static func seconds(_ name: MemberName, at index: Int, in document: JSONDocument) -> Seconds {
        if let whole = document.withRawValue(at: index, JSONNumber.plainInteger), whole >= earliest && whole <= latest {
            return .seconds(whole)
        }
        return seconds(read(name.text, value: document.value(at: index)))
    }

    static func seconds(_ name: String, in claims: JSONObject) -> Seconds { seconds(MemberName(name), in: claims) }

    /// The same, of the value already looked up (a batch's line names the token's `exp` as written).
    static func seconds(_ name: String, value: JSONValue?) -> Seconds { seconds(read(name, value: value)) }

    private static func seconds(_ reading: Reading) -> Seconds {
        switch reading {
        case .absent: return .absent
        case .invalid(let why): return .invalid(why)
        case .seconds(let whole, _): return .seconds(whole)
        }
    }

    /// Parses what `--at` accepts: Unix seconds (`1767225600`) or an RFC 3339 date-time.
    public static func parseTime(_ text: String) throws(JWTAuditError) -> Int64 {
        if let seconds = Int64(text), !text.hasPrefix("+") {
            guard seconds >= earliest && seconds <= latest else {
                throw JWTAuditError(.invalidArgument, "time '\(text)' is outside the years 0001-9999")
            }
            return seconds
        }
        if let seconds = parseRFC3339(text) ?? parseDate(text) { return seconds }
        throw JWTAuditError(
            .invalidArgument,
            "time '\(text)' is neither Unix seconds, an RFC 3339 date-time such as 2026-01-01T00:00:00Z, nor a date such as 2026-01-01")
    }

    /// RFC 3339 §5.6 `full-date` alone (`2026-01-01`): midnight UTC that day, which is what a person asking "was
    /// it valid on the first of January" means often enough, and says so in UTC, as every time here is.
    public static func parseDate(_ text: String) -> Int64? {
        guard text.utf8.count == 10 else { return nil }
        return parseRFC3339(text + "T00:00:00Z")
    }

    /// RFC 3339 §5.6 `date-time`: `full-date "T" full-time`, with `time-offset` `Z` or `±hh:mm`.
    /// "T" and "Z" may be lowercase (§5.6 NOTE); fractional seconds are accepted and truncated. Leap second 60
    /// is refused rather than silently moved, since NumericDate ignores leap seconds.
    public static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for i in start..<(start + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var i = 19
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(Int64(year), Int64(month), Int64(day))
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
    }

    /// `2026-01-01T00:00:00Z`. Times outside 0001-9999 are written as the bare number.
    public static func formatRFC3339(_ seconds: Int64) -> String {
        guard seconds >= earliest && seconds <= latest else { return String(seconds) }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        let (y, m, d) = civilFromDays(days)
        let year = Int(y)
        guard year >= 0 && year <= 9999 else {
            return String(year) + "-" + pad2(Int(m)) + "-" + pad2(Int(d)) + "T" + pad2(rest / 3600) + ":"
                + pad2(rest % 3600 / 60) + ":" + pad2(rest % 60) + "Z"
        }
        // Written as ASCII straight into the string's storage (one allocation): every verification formats four of
        // these, and interpolating six small strings cost more than the claim checks themselves.
        return String(unsafeUninitializedCapacity: 20) { out in
            out[0] = UInt8(48 + year / 1000 % 10)
            out[1] = UInt8(48 + year / 100 % 10)
            out[2] = UInt8(48 + year / 10 % 10)
            out[3] = UInt8(48 + year % 10)
            func two(_ at: Int, _ separator: UInt8, _ value: Int) {
                out[at] = separator
                out[at + 1] = UInt8(48 + value / 10 % 10)
                out[at + 2] = UInt8(48 + value % 10)
            }
            two(4, UInt8(ascii: "-"), Int(m))
            two(7, UInt8(ascii: "-"), Int(d))
            two(10, UInt8(ascii: "T"), rest / 3600)
            two(13, UInt8(ascii: ":"), rest % 3600 / 60)
            two(16, UInt8(ascii: ":"), rest % 60)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    /// "in 42 min", "3 h ago", "now": one unit, rounded down, so a person sees the order of magnitude at once.
    public static func relative(_ time: Int64, to now: Int64) -> String {
        let delta = time - now
        if delta == 0 { return "now" }
        let span = describe(delta.magnitude)
        return delta > 0 ? "in \(span)" : "\(span) ago"
    }

    /// A duration as one unit, rounded down: `45 s`, `42 min`, `3 h`, `12 d`, `74 y`.
    public static func describe(_ seconds: UInt64) -> String {
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return "\(seconds / 60) min"
        case ..<(2 * 86_400): return "\(seconds / 3600) h"
        case ..<(365 * 86_400): return "\(seconds / 86_400) d"
        default: return "\(seconds / (365 * 86_400)) y"
        }
    }

    private static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day counted from 1970-01-01, for other date notations (IdentityModel's).
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) { civilFromDays(days) }

    /// The inverse of `daysFromCivil` (Hinnant's `civil_from_days`).
    private static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
