/// Who is at the other end of a unix socket connection (`SO_PEERCRED`, as Pebble's `ucrednet`
/// listener reads it at accept): the process id, user id and group id of the peer when it
/// connected.
package struct PeerCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The peer's process id (0 when it is in another pid namespace).
    package var pid: Int32
    /// The peer's effective user id.
    package var uid: UInt32
    /// The peer's effective group id.
    package var gid: UInt32

    /// Credentials with every part given.
    package init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// `pid=N;uid=N;gid=N;`, after Pebble's `Ucrednet.String()`.
    package var description: String { "pid=\(pid);uid=\(uid);gid=\(gid);" }
}
