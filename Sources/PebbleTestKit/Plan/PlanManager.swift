import Pebble

/// The layers of the fake Pebble and the plan they combine to (internals/overlord/planstate).
///
/// Layers have an order (1000, 2000, ...; a label `dir/name` goes into the sub-directory
/// `dir`: 2001, 2002, ...) and a unique label. A change that breaks a rule leaves the layers and
/// the plan as they were.
public struct PlanManager: Sendable, Hashable {
    /// One layer with its label and order.
    public struct Entry: Sendable, Hashable {
        public var order: Int
        public var label: String
        public var layer: Layer
    }

    public private(set) var layers: [Entry] = []
    public private(set) var plan = Plan()

    public init() {}

    /// `POST /v1/layers` without `combine`: appends the layer; an existing label is refused.
    public mutating func append(_ layer: Layer, label: String, inner: Bool = false) throws(PlanError) {
        if layers.contains(where: { $0.label == label }) {
            throw PlanError(.labelExists, "layer \(PebbleQuoting.quote(label)) already exists")
        }
        try insert(layer, label: label, inner: inner)
    }

    /// `POST /v1/layers` with `combine`: combines into the layer with that label, or appends.
    public mutating func combine(_ layer: Layer, label: String, inner: Bool = false) throws(PlanError) {
        guard let index = layers.firstIndex(where: { $0.label == label }) else {
            try insert(layer, label: label, inner: inner)
            return
        }
        let found = layers[index]
        // The combined layer keeps the found layer's order and label (its summary is the new one's).
        let combined = try LayerCombiner.combine([(found.label, found.layer), (label, layer)])
        var newLayers = layers
        newLayers[index] = Entry(order: found.order, label: found.label, layer: combined)
        try update(newLayers)
    }

    /// Parses, validates and adds a layer from YAML, as the daemon's `v1PostLayers` does.
    public mutating func add(yaml text: String, label: String, combine: Bool, inner: Bool = false) throws(PlanError) {
        let layer: Layer
        do {
            layer = try LayerDecoder.layer(yaml: text, label: label, strict: true)
        } catch {
            throw PlanError(.parse, error.message)
        }
        do { try layer.validate(label: label) } catch { throw PlanError(.parse, error.message) }
        if combine { try self.combine(layer, label: label, inner: inner) } else { try append(layer, label: label, inner: inner) }
    }

    private mutating func insert(_ layer: Layer, label: String, inner: Bool) throws(PlanError) {
        var newIndex = 0
        var newOrder = 1000
        if !layers.isEmpty {
            let newSub = label.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? label
            let hasSub = label.contains("/")
            for i in stride(from: layers.count - 1, through: 0, by: -1) {
                let sub = layers[i].label.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                if sub == newSub {
                    newOrder = layers[i].order + 1
                    newIndex = i + 1
                    break
                }
            }
            if newIndex == 0 {
                newIndex = layers.count
                newOrder = (layers[layers.count - 1].order / 1000 + 1) * 1000
                if hasSub { newOrder += 1 }
            }
        }
        if newIndex != layers.count && !inner {
            throw PlanError(.other, "cannot insert sub-directory layer without 'inner' attribute set")
        }
        var newLayers = layers
        newLayers.insert(Entry(order: newOrder, label: label, layer: layer), at: newIndex)
        try update(newLayers)
    }

    private mutating func update(_ newLayers: [Entry]) throws(PlanError) {
        let combined = try LayerCombiner.combine(newLayers.map { ($0.label, $0.layer) })
        let newPlan = Plan(services: combined.services, checks: combined.checks, logTargets: combined.logTargets)
        try newPlan.validate()
        layers = newLayers
        plan = newPlan
    }
}
