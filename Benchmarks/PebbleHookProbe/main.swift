import Pebble
print("PebbleHookProbe: being written")
