import JujuJSON

extension PebbleClient {
    /// `GET /v1/plan?format=yaml`: the combined plan.
    public func plan() throws(PebbleError) -> Plan {
        let result = try sync("GET", "/v1/plan", query: [.init("format", "yaml")])
        guard let yaml = result.stringValue else {
            throw PebbleError(.protocolError, message: "the plan is a JSON \(result.kindName), not YAML text")
        }
        return try Plan(yaml: yaml)
    }

    /// `POST /v1/layers`: adds `layer` on top as `label`. With `combine`, a layer already
    /// labelled so is combined with it by the override rules (a new label is added as usual);
    /// without, an existing label is an error. Nothing restarts: call ``replan(timeout:)``.
    public func addLayer(label: String, layer: Layer, combine: Bool = false) throws(PebbleError) {
        try addLayer(label: label, yaml: layer.yaml(), combine: combine)
    }

    /// `POST /v1/layers` with the layer as YAML text.
    public func addLayer(label: String, yaml: String, combine: Bool = false) throws(PebbleError) {
        let body: JSONValue = .object([
            "action": "add", "combine": .bool(combine), "label": .string(label), "format": "yaml", "layer": .string(yaml),
        ])
        _ = try sync("POST", "/v1/layers", body: body)
    }
}
