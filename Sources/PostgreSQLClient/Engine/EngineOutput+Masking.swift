extension EngineOutput: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The changes with sensitive values masked (``SensitiveFields``) and secret contents masked.
    public var description: String {
        "EngineOutput(appChanges: \(Databag(appChanges)), unitChanges: \(Databag(unitChanges)), secretActions: \(secretActions), events: \(events), logs: \(logs))"
    }

    /// The same masked text as ``description``.
    public var debugDescription: String { description }

    /// `dump` and debuggers see the changes as masked bags and the secret actions masked.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "appChanges": Databag(appChanges), "unitChanges": Databag(unitChanges), "secretActions": secretActions,
            "events": events, "logs": logs,
        ], displayStyle: .struct)
    }
}

extension SecretAction: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The action with every value of the content masked; the keys are shown.
    public var description: String {
        switch self {
        case .create(let group, let label, let content):
            "create(group: \(group), label: \(label), content: \(SensitiveFields.maskedContent(content)))"
        case .update(let uri, let label, let content):
            "update(uri: \(uri), label: \(label), content: \(SensitiveFields.maskedContent(content)))"
        }
    }

    /// ``description`` prefixed with the type name.
    public var debugDescription: String { "SecretAction.\(description)" }

    /// What `dump` and debuggers see: the same fields, passwords and secret values masked.
    public var customMirror: Mirror {
        switch self {
        case .create(let group, let label, let content):
            Mirror(self, children: ["group": group, "label": label, "content": SensitiveFields.maskedContentMirror(content)], displayStyle: .enum)
        case .update(let uri, let label, let content):
            Mirror(self, children: ["uri": uri, "label": label, "content": SensitiveFields.maskedContentMirror(content)], displayStyle: .enum)
        }
    }
}
