extension ProviderSession: CustomStringConvertible, CustomReflectable {
    /// The relation and the output so far, passwords and secret contents masked.
    public var description: String { "ProviderSession(relation \(context.relationID), output: \(output))" }

    /// `dump` and debuggers see the context and the output, masked; never the pending secret contents.
    public var customMirror: Mirror { Mirror(self, children: ["context": context, "output": output], displayStyle: .struct) }
}
