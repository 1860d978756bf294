#include "CPebbleSpawn.h"
int cpebble_spawn_placeholder(void) { return 0; }
