extension PebbleLayer: CustomReflectable {
    /// `dump()` and the debugger show the layer as masked JSON, never a password.
    public var customMirror: Mirror { Mirror(self, children: ["json": json(masked: true)], displayStyle: .struct) }
}

extension PebbleLayer.Service: CustomReflectable, CustomStringConvertible {
    /// The service with the values of password-named environment variables masked.
    public var description: String {
        let env = environment.keys.sorted().map { key in
            "\(key)=\(key.uppercased().contains("PASSWORD") ? "********" : environment[key]!)"
        }
        return "Service(command: \(command), startup: \(startup), environment: [\(env.joined(separator: ", "))])"
    }

    public var customMirror: Mirror { Mirror(self, children: ["masked": description], displayStyle: .struct) }
}
