import Pebble

/// A notice of the fake daemon (internals/overlord/state/notices.go).
struct NoticeRecord: Sendable {
    var id: Int
    var userID: UInt32?
    var type: NoticeType
    var key: String
    var firstOccurred: Timestamp
    var lastOccurred: Timestamp
    var lastRepeated: Timestamp
    var occurrences: Int
    var lastData: [String: String]
    var repeatAfter: Duration?
    static let expireAfter: Duration = .seconds(7 * 24 * 3600)

    var info: Notice {
        Notice(id: String(id), userID: userID, type: type, key: key, firstOccurred: firstOccurred.rfc3339Nano,
               lastOccurred: lastOccurred.rfc3339Nano, lastRepeated: lastRepeated.rfc3339Nano, occurrences: occurrences,
               lastData: lastData, repeatAfter: repeatAfter, expireAfter: Self.expireAfter)
    }
}

extension FakePebble {
    /// `State.AddNotice`: one notice per (user, type, key); a repeat counts an occurrence and,
    /// unless within `repeatAfter`, moves its last-repeated time.
    @discardableResult
    func addNoticeLocked(userID: UInt32?, type: NoticeType, key: String, data: [String: String], repeatAfter: Duration?) -> Int {
        let now = WallClock.now()
        if let index = notices.firstIndex(where: { $0.userID == userID && $0.type == type && $0.key == key }) {
            var notice = notices[index]
            notice.occurrences += 1
            let repeatNanos = repeatAfter.map(GoDuration.nanoseconds) ?? 0
            if repeatNanos == 0 || now.nanoseconds(since: notice.lastRepeated) > repeatNanos { notice.lastRepeated = now }
            notice.lastOccurred = now
            notice.lastData = data
            notice.repeatAfter = repeatAfter
            notices[index] = notice
            dirty = true
            return notice.id
        }
        let id = nextNoticeID
        nextNoticeID += 1
        notices.append(NoticeRecord(id: id, userID: userID, type: type, key: key, firstOccurred: now, lastOccurred: now,
                                    lastRepeated: now, occurrences: 1, lastData: data, repeatAfter: repeatAfter))
        dirty = true
        return id
    }

    /// The notices a filter selects, oldest repeat first.
    func noticesLocked(userID: UInt32?, allUsers: Bool, types: [NoticeType], keys: [String], after: Timestamp?) -> [Notice] {
        notices.filter { n in
            if !allUsers, let userID, let owner = n.userID, owner != userID { return false }
            if !types.isEmpty, !types.contains(n.type) { return false }
            if !keys.isEmpty, !keys.contains(n.key) { return false }
            if let after, !(n.lastRepeated > after) { return false }
            return true
        }.sorted { $0.lastRepeated < $1.lastRepeated }.map(\.info)
    }
}
