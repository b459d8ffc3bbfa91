import Testing
@testable import JWTAuditCore

/// Issue 17 item 3: a group-writable cache entry is accepted only when its group is its owner's private group
/// (OpenSSH's StrictModes rule as Debian ships it), with the group and user databases given as data.
@Suite("Private group rule for group-writable files")
struct PrivateGroupTests {
    static let alice = PrivateGroup.Owner(name: "alice", primaryGroup: 1000)

    @Test func theOwnersOwnGroupWithNoOneElseIsPrivate() {
        let group = PrivateGroup.Group(name: "alice", id: 1000, members: [])
        #expect(PrivateGroup.refusal(group: group, id: 1000, owner: Self.alice, primaryMembers: ["alice"]) == nil)
        // Listing the owner as a member too changes nothing.
        let listed = PrivateGroup.Group(name: "alice", id: 1000, members: ["alice"])
        #expect(PrivateGroup.refusal(group: listed, id: 1000, owner: Self.alice, primaryMembers: ["alice"]) == nil)
    }

    @Test func aGroupThatIsNotTheOwnersPrimaryGroupIsRefused() {
        let staff = PrivateGroup.Group(name: "staff", id: 50, members: [])
        #expect(PrivateGroup.refusal(group: staff, id: 50, owner: Self.alice, primaryMembers: []) == .notPrimary(group: "staff"))
    }

    @Test func aPrimaryGroupWithOtherMembersIsRefused() {
        // openSUSE's layout: everyone's primary group is "users", and nobody is listed in /etc/group.
        let users = PrivateGroup.Group(name: "users", id: 100, members: [])
        let suse = PrivateGroup.Owner(name: "alice", primaryGroup: 100)
        #expect(PrivateGroup.refusal(group: users, id: 100, owner: suse, primaryMembers: ["alice", "bob", "carol"])
            == .otherMembers(group: "users", members: ["bob", "carol"]))
        // A private-looking group with a supplementary member.
        let shared = PrivateGroup.Group(name: "alice", id: 1000, members: ["alice", "mallory"])
        let refusal = PrivateGroup.refusal(group: shared, id: 1000, owner: Self.alice, primaryMembers: ["alice"])
        #expect(refusal == .otherMembers(group: "alice", members: ["mallory"]))
        #expect(refusal?.description == "group 'alice', which others are in (mallory)")
    }

    @Test func aGroupTheDatabaseDoesNotKnowIsRefusedUnlessItIsTheOwnersPrimaryGroup() {
        #expect(PrivateGroup.refusal(group: nil, id: 4242, owner: Self.alice, primaryMembers: []) == .unknownGroup(4242))
        // A container's user whose primary group has no entry: nobody can be listed in it.
        #expect(PrivateGroup.refusal(group: nil, id: 1000, owner: Self.alice, primaryMembers: ["alice"]) == nil)
        #expect(PrivateGroup.refusal(group: nil, id: 1000, owner: Self.alice, primaryMembers: ["alice", "bob"])
            == .otherMembers(group: "1000", members: ["bob"]))
    }
}
