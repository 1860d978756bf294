// PebbleTestKit: the fake Pebble (being written).
import Pebble
