/// Byte sequences at every edge of UTF-8, for the checks that must agree with the standard library's own strict
/// validation: the policy readers' text check and the JSON parser's strings (core), and a batch line's text check
/// (the binary).
public enum UTF8Cases {
    /// Every lead byte with every second byte, then later bytes at the edges of the continuation range, between two
    /// letters (so no control character is involved), with whether `String(validating:)` accepts them. Among them are
    /// sequences cut short before a letter whose one replacement character is as long as they are (F0 90 80 41).
    public static func leadAndSecondByte(_ body: (_ bytes: [UInt8], _ valid: Bool) -> Void) {
        let a = UInt8(ascii: "a")
        let later: [UInt8] = [0x41, 0x80, 0xBF, 0xC0]
        for lead in UInt8(0x80)...0xFF {
            for second in UInt8.min...UInt8.max {
                for third in later {
                    for fourth in later {
                        let bytes = [a, lead, second, third, fourth, a]
                        body(bytes, String(validating: bytes, as: UTF8.self) != nil)
                    }
                }
            }
        }
    }

    /// The bytes in hex digits, for failure messages ("F0 90 80").
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
