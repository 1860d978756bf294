/// An HTTP check: a `GET` of `url` that must answer 2xx.
public struct HTTPCheck: Sendable, Hashable {
    public var url: String
    public var headers: [String: String]

    public init(url: String = "", headers: [String: String] = [:]) {
        self.url = url
        self.headers = headers
    }
}
