import Glibc
import JWTAuditCore

/// Reads what `PrivateGroup`'s rule needs from the user and group databases: the owner (`getpwuid_r(3)`), the
/// file's group (`getgrgid_r(3)`), and the users whose primary group it is, read from /etc/passwd with
/// `fgetpwent_r(3)` (its own stream, so threads verifying a batch do not share an enumeration as `getpwent(3)`'s
/// callers do).
enum PrivateGroupCheck {
    /// nil when a file of this user's with group `id` may be group-writable; else why not.
    static func refusal(group id: gid_t, owner uid: uid_t = geteuid()) -> PrivateGroup.Refusal? {
        guard let owner = owner(uid) else { return .notPrimary(group: groupName(id)) }
        return PrivateGroup.refusal(
            group: groupEntry(id), id: UInt32(id), owner: owner, primaryMembers: primaryMembers(of: id))
    }

    private static func owner(_ uid: uid_t) -> PrivateGroup.Owner? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return PrivateGroup.Owner(name: String(cString: entry.pw_name), primaryGroup: UInt32(entry.pw_gid))
    }

    private static func groupEntry(_ id: gid_t) -> PrivateGroup.Group? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        // Groups with many members need a larger buffer: ERANGE says so.
        var size = 16_384
        while size <= 1 << 22 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrgid_r(id, &entry, &buffer, buffer.count, &result)
            if status == ERANGE {
                size *= 4
                continue
            }
            guard status == 0, result != nil else { return nil }
            var members: [String] = []
            var member = entry.gr_mem
            while let pointer = member?.pointee {
                members.append(String(cString: pointer))
                member = member?.advanced(by: 1)
            }
            return PrivateGroup.Group(name: String(cString: entry.gr_name), id: UInt32(entry.gr_gid), members: members)
        }
        return nil
    }

    private static func groupName(_ id: gid_t) -> String { groupEntry(id)?.name ?? String(id) }

    private static func primaryMembers(of id: gid_t) -> [String] {
        guard let file = fopen("/etc/passwd", "re") else { return [] }
        defer { fclose(file) }
        var names: [String] = []
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        while fgetpwent_r(file, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            if entry.pw_gid == id { names.append(String(cString: entry.pw_name)) }
        }
        return names
    }
}
