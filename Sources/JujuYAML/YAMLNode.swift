// JujuYAML: YAML over libyaml, without Foundation (being written).
