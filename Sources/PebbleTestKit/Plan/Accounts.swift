#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Users and groups of the system, looked up as Pebble does (`osutil.NormalizeUidGid`).
enum Accounts {
    struct LookupError: Error, Sendable, Hashable {
        let message: String
    }

    /// A user: uid, primary gid, name, home.
    struct User: Sendable, Hashable {
        var uid: UInt32
        var gid: UInt32
        var name: String
        var home: String
    }

    static func user(named name: String) -> User? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &pwd, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return User(uid: pwd.pw_uid, gid: pwd.pw_gid, name: String(cString: pwd.pw_name), home: String(cString: pwd.pw_dir))
    }

    static func user(id: UInt32) -> User? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(id, &pwd, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return User(uid: pwd.pw_uid, gid: pwd.pw_gid, name: String(cString: pwd.pw_name), home: String(cString: pwd.pw_dir))
    }

    static func lookupGroupID(named name: String) -> UInt32? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return grp.gr_gid
    }

    static func groupName(id: UInt32) -> String? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrgid_r(id, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(cString: grp.gr_name)
    }

    /// Resolves user and group names and ids to (uid, gid), or `nil` when none is given:
    /// a name's id must match a given id; a user without a group gets the user's primary group;
    /// a group without a user is refused. Go's error texts.
    static func normalize(userID: Int?, groupID: Int?, user: String, group: String) throws(LookupError) -> (uid: UInt32, gid: UInt32)? {
        if userID == nil, user.isEmpty, groupID == nil, group.isEmpty { return nil }
        var uid = userID
        var gid = groupID
        if !user.isEmpty {
            guard let u = self.user(named: user) else { throw LookupError(message: "user: unknown user \(user)") }
            if let uid, uid != Int(u.uid) {
                throw LookupError(message: "user \(PebbleQuoting.quote(user)) UID (\(u.uid)) does not match user-id (\(uid))")
            }
            uid = Int(u.uid)
        }
        if !group.isEmpty {
            guard let g = lookupGroupID(named: group) else { throw LookupError(message: "group: unknown group \(group)") }
            if let gid, gid != Int(g) {
                throw LookupError(message: "group \(PebbleQuoting.quote(group)) GID (\(g)) does not match group-id (\(gid))")
            }
            gid = Int(g)
        }
        if gid == nil {
            guard let uid else { return nil }
            guard uid >= 0, let u = self.user(id: UInt32(truncatingIfNeeded: uid)) else {
                throw LookupError(message: "user: unknown userid \(uid)")
            }
            gid = Int(u.gid)
        }
        guard let uid, let gid else { throw LookupError(message: "must specify user, not just group") }
        guard uid >= 0, gid >= 0, uid <= Int(UInt32.max), gid <= Int(UInt32.max) else {
            throw LookupError(message: "user: unknown userid \(uid)")
        }
        return (UInt32(uid), UInt32(gid))
    }
}
