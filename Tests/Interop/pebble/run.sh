#!/usr/bin/env bash
# Pebble interop suite: ops 3.9's real ops.pebble.Client and the Swift PebbleClient (through
# pebble-client-driver) against a fresh fake-pebble per case and client.
# Creates the interop venv when missing or stale (../venv.sh), builds fake-pebble and
# pebble-client-driver (unless INTEROP_SKIP_BUILD=1), then runs pebble_interop.py "$@".
# One PASS/FAIL line per case and client; closing line "N passed, M failed (T s)"; exit 1 on any FAIL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
python="$("$here/../venv.sh")"

if [ "${INTEROP_SKIP_BUILD:-0}" != 1 ]; then
    # One product per invocation: `swift build` with several --product flags builds only the last.
    for product in fake-pebble pebble-client-driver; do
        (cd "$root" && swift build --product "$product" >&2)
    done
fi

exec "$python" "$here/pebble_interop.py" "$@"
