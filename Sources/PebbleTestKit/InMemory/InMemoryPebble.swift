import Pebble
import Synchronization

/// Pebble without a socket or processes: a ``FakePebble`` in simulated mode behind a
/// `PebbleTransport`, so a test hands charm code a real `PebbleClient` whose requests never
/// leave the process. Services start at once; ``daemon`` scripts exits and failed starts and
/// shows the layers, the plan and the services' statuses.
///
/// ```swift
/// let pebble = InMemoryPebble()
/// let client = pebble.client
/// try client.addLayer(label: "fastapi_demo", layer: layer, combine: true)
/// try client.replan()
/// #expect(pebble.daemon.serviceStatuses["fastapi-service"] == .active)
/// ```
///
/// ``canConnect`` set to `false` makes every call fail as a missing socket does (before
/// pebble-ready), which is Scenario's default for a container.
public final class InMemoryPebble: PebbleTransport {
    public let daemon: FakePebble
    private let connectable: Atomic<Bool>
    /// How many requests reached the daemon.
    private let requests = Atomic<Int>(0)

    public init(options: FakePebble.Options = FakePebble.Options(mode: .simulated), canConnect: Bool = true) {
        var options = options
        options.mode = .simulated
        self.daemon = FakePebble(options: options)
        self.connectable = Atomic(canConnect)
    }

    /// Whether Pebble answers; `false` fails every call with `PebbleError.Code.connection`.
    public var canConnect: Bool {
        get { connectable.load(ordering: .relaxed) }
        set { connectable.store(newValue, ordering: .relaxed) }
    }

    /// The number of requests answered so far.
    public var requestCount: Int { requests.load(ordering: .relaxed) }

    /// A client over this transport.
    public var client: PebbleClient { PebbleClient(transport: self) }

    public var endpointDescription: String { "in-memory Pebble" }

    public func roundTrip(_ request: PebbleRequest, deadline: ContinuousClock.Instant) throws(PebbleError) -> PebbleResponse {
        guard canConnect else {
            throw PebbleError(.connection, message: "cannot connect to Pebble: socket not found at in-memory Pebble (the container is not up yet)")
        }
        requests.add(1, ordering: .relaxed)
        return daemon.respond(to: request)
    }
}
