import Pebble
print("pebble-client-driver: being written")
