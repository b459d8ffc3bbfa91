/// When a group-writable cache entry is still only its owner's to write: OpenSSH's StrictModes rule as Debian
/// ships it, "Allow secure files (~/.ssh/config, ~/.ssh/authorized_keys, etc.) to be group-writable, provided that
/// the group in question contains only the file's owner ... Given that per-user groups and umask 002 are the
/// default setup in Debian ... we need to permit this by default" (openssh, debian/patches/user-group-modes.patch).
///
/// Ubuntu and Debian give each user a group of their own (useradd's USERGROUPS_ENAB) and a umask of 002 in
/// desktop sessions, so a `git clone` makes the example cache's files mode 0664: refusing them would refuse every
/// such checkout, and nobody but the owner can write them. The group counts as private when it is the owner's
/// primary group and nobody else is in it, neither listed as a member (`/etc/group`) nor having it as their own
/// primary group (`/etc/passwd`). Writable by others is never accepted.
public enum PrivateGroup {
    /// A group as the group database describes it.
    public struct Group: Sendable, Equatable {
        public let name: String
        public let id: UInt32
        /// The supplementary members listed for it.
        public let members: [String]

        public init(name: String, id: UInt32, members: [String]) {
            self.name = name
            self.id = id
            self.members = members
        }
    }

    /// The file's owner as the user database describes them.
    public struct Owner: Sendable, Equatable {
        public let name: String
        public let primaryGroup: UInt32

        public init(name: String, primaryGroup: UInt32) {
            self.name = name
            self.primaryGroup = primaryGroup
        }
    }

    /// Why a group-writable file is refused, in words for the note that says so.
    public enum Refusal: Sendable, Equatable {
        /// The group is not in the group database, nor the owner's primary group.
        case unknownGroup(UInt32)
        /// The group is not the owner's primary group.
        case notPrimary(group: String)
        /// Others are in the group: listed as members, or having it as their primary group.
        case otherMembers(group: String, members: [String])

        public var description: String {
            switch self {
            case .unknownGroup(let id): return "group \(id), which no group entry describes"
            case .notPrimary(let group): return "group '\(group)', which is not your own group"
            case .otherMembers(let group, let members):
                let shown = members.prefix(3).joined(separator: ", ") + (members.count > 3 ? ", ..." : "")
                return "group '\(group)', which others are in (\(shown))"
            }
        }
    }

    /// nil when group `id` is `owner`'s private group; else why it is not. `group` is its entry in the group
    /// database, if it has one (a container's user often has a primary group with none, and then nobody can be
    /// listed in it); `primaryMembers` are the users whose primary group it is, the owner included.
    public static func refusal(group: Group?, id: UInt32, owner: Owner, primaryMembers: [String]) -> Refusal? {
        guard id == owner.primaryGroup else { return group.map { .notPrimary(group: $0.name) } ?? .unknownGroup(id) }
        let group = group ?? Group(name: String(id), id: id, members: [])
        var others: [String] = []
        for name in group.members + primaryMembers where name != owner.name && !others.contains(name) {
            others.append(name)
        }
        return others.isEmpty ? nil : .otherMembers(group: group.name, members: others)
    }
}
