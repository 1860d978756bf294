import Pebble

/// Go's `%q`, for the names and values Pebble quotes in its messages.
enum PebbleQuoting {
    static func quote(_ text: String) -> String { LayerDecoder.quote(text) }
}
