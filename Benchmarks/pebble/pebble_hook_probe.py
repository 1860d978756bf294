#!/usr/bin/env python3
"""The Pebble benchmark's Python side: Benchmarks/PebbleHookProbe/main.swift with ops 3.9's Pebble client.

    pebble_hook_probe.py [--socket PATH] [--run N] [--system-info]

The same requests as the Swift probe, made as a charm's hook makes them: `import ops` first (a
hook imports it whatever it does), the tutorial's layer as a dict, `add_layer(..., combine=True)`,
then `restart_services([...])`, which waits for the change (ops: `/v1/changes/<id>/wait`).
The socket is --socket, else $PEBBLE_SOCKET; the run number (in DEMO_SERVER_DB_PASSWORD, so that
every run hands Pebble a changed layer) --run, else $PROBE_RUN. With --system-info: only
`get_system_info()`. Prints one line and exits 0; on failure one line on stderr and exit 1.
Run with the interop venv's python (Tests/Interop/venv.sh; ops==3.9.0). Not a test.
"""

import os
import sys

import ops


def main(argv: list[str]) -> int:
    socket_path = os.environ.get("PEBBLE_SOCKET", "")
    run = os.environ.get("PROBE_RUN", "0")
    system_info_only = False
    args = iter(argv)
    for arg in args:
        if arg == "--socket":
            socket_path = next(args, "")
        elif arg == "--run":
            run = next(args, "0")
        elif arg == "--system-info":
            system_info_only = True
        else:
            print(f"pebble_hook_probe.py: unknown argument {arg}", file=sys.stderr)
            return 2
    if not socket_path:
        print("pebble_hook_probe.py: no socket: pass --socket PATH or set PEBBLE_SOCKET", file=sys.stderr)
        return 2

    client = ops.pebble.Client(socket_path=socket_path)
    try:
        if system_info_only:
            print(f"pebble {client.get_system_info().version}")
            return 0
        layer = {
            "summary": "FastAPI demo service",
            "description": "pebble config layer for FastAPI demo server",
            "services": {
                "fastapi-service": {
                    "override": "replace",
                    "summary": "fastapi demo",
                    # Stands in for uvicorn: a process that stays up until Pebble stops it.
                    "command": "/bin/sleep 3600",
                    "startup": "enabled",
                    "environment": {
                        "DEMO_SERVER_DB_HOST": "postgresql-k8s-primary.dev.svc.cluster.local",
                        "DEMO_SERVER_DB_PORT": "5432",
                        "DEMO_SERVER_DB_USER": "relation_id_7",
                        "DEMO_SERVER_DB_PASSWORD": f"x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu-{run}",
                    },
                }
            },
        }
        client.add_layer("fastapi_demo", layer, combine=True)
        change = client.restart_services(["fastapi-service"])
        print(f"restarted fastapi-service (change {change})")
        return 0
    except (ops.pebble.Error, OSError) as e:
        print(f"pebble_hook_probe.py: {type(e).__name__}: {e}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
