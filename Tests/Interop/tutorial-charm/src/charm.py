#!/usr/bin/env python3
"""The tutorial's charm in Python: ops 3 + data_interfaces v0, as a Python charm author writes it.

It does what our Swift `demo-api-charm` does, with Canonical's library doing the protocol:
`DatabaseRequires(self, relation_name="database", database_name="names_db")`; on
`database_created` and `endpoints_changed` it reads the relation's data with
`fetch_relation_data()`, builds the workload's environment (`DEMO_SERVER_DB_HOST/PORT/USER/
PASSWORD`), writes the Pebble layer to `$JUJU_CHARM_DIR/pebble-layer.json` (there is no Pebble in
the fake hook-tool environment; the Swift charm writes the same file) and goes Active; until then,
and after relation-broken, it waits for the database.

data_interfaces v0 is not published on PyPI on its own; `postgresql-charms-single-kernel` (PyPI)
ships a copy under `single_kernel_postgresql/lib/charms/...`, which is put on `sys.path` the way
a charm's own `lib/` is.

What it saw goes to `$JUJU_CHARM_DIR/tutorial-record.json`, the password only as its length.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

_kernel = importlib.util.find_spec("single_kernel_postgresql")  # locates, does not import
if _kernel is None or not _kernel.submodule_search_locations:
    sys.exit("postgresql-charms-single-kernel is not installed (it carries data_interfaces v0)")
sys.path.insert(0, str(Path(list(_kernel.submodule_search_locations)[0]) / "lib"))

import ops  # noqa: E402
from charms.data_platform_libs.v0.data_interfaces import DatabaseRequires  # noqa: E402

WAITING = "Waiting for database relation"


def record(entry: dict) -> None:
    path = os.path.join(os.environ.get("JUJU_CHARM_DIR", "."), "tutorial-record.json")
    entries = json.load(open(path)) if os.path.exists(path) else []
    entries.append(entry)
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)


class DemoAPICharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.database = DatabaseRequires(self, relation_name="database", database_name="names_db")
        framework.observe(self.database.on.database_created, self._on_database_created)
        framework.observe(self.database.on.endpoints_changed, self._on_database_created)
        framework.observe(self.on.database_relation_broken, self._on_database_relation_broken)

    def fetch_postgres_relation_data(self) -> dict[str, str]:
        for data in self.database.fetch_relation_data().values():
            if not data or not data.get("endpoints"):
                continue
            host, port = data["endpoints"].split(",")[0].rsplit(":", 1)
            return {
                "DEMO_SERVER_DB_HOST": host,
                "DEMO_SERVER_DB_PORT": port,
                "DEMO_SERVER_DB_USER": data.get("username", ""),
                "DEMO_SERVER_DB_PASSWORD": data.get("password", ""),
            }
        return {}

    def _on_database_created(self, event) -> None:
        env = self.fetch_postgres_relation_data()
        record({
            "unit": self.unit.name, "event": type(event).__name__, "juju": str(self.model.juju_version),
            "env": {k: (str(len(v)) if k.endswith("PASSWORD") else v) for k, v in env.items()},
        })
        if not env or not env["DEMO_SERVER_DB_USER"] or not env["DEMO_SERVER_DB_PASSWORD"]:
            self.unit.status = ops.WaitingStatus(WAITING)
            return
        port = 8000  # the Swift charm's default `server-port` too; neither reads config here
        layer = {
            "summary": "FastAPI demo service",
            "description": "pebble config layer for FastAPI demo server",
            "services": {
                "fastapi-service": {
                    "override": "replace",
                    "summary": "fastapi demo",
                    "command": f"uvicorn api_demo_server.app:app --host=0.0.0.0 --port={port}",
                    "startup": "enabled",
                    "environment": env,
                }
            },
        }
        path = Path(os.environ.get("JUJU_CHARM_DIR", ".")) / "pebble-layer.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(layer, f, sort_keys=True)
            f.write("\n")
        self.unit.status = ops.ActiveStatus()

    def _on_database_relation_broken(self, event: ops.RelationBrokenEvent) -> None:
        record({"unit": self.unit.name, "event": "relation_broken"})
        self.unit.status = ops.WaitingStatus(WAITING)


if __name__ == "__main__":
    ops.main(DemoAPICharm)
