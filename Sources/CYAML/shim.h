#ifndef PGCLIENT_CYAML_SHIM_H
#define PGCLIENT_CYAML_SHIM_H
#include <yaml.h>
#endif
