import PebbleTestKit
print("fake-pebble: being written")
