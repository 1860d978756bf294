#ifndef CPEBBLESPAWN_H
#define CPEBBLESPAWN_H
/* Being written: fork/exec of a Pebble service. */
int cpebble_spawn_placeholder(void);
#endif
