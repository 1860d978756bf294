// The Pebble client (being written).
