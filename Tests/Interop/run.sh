#!/usr/bin/env bash
# Interop suite: Swift charms <-> real Python ops charms on the fake hook-tool environment.
# Creates the venv (.build/interop-venv, from requirements.txt) when missing or stale, builds the
# Swift executables it needs (unless INTEROP_SKIP_BUILD=1), then runs run_interop.py "$@".
# Closing line: "N passed, M failed, K skipped"; exit status non-zero on any FAIL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="$("$here/venv.sh")"

if [ "${INTEROP_SKIP_BUILD:-0}" != 1 ]; then
    products=(fake-juju-tools demo-api-charm)
    if grep -q '"fake-postgresql-charm"' "$root/Package.swift"; then
        products+=(fake-postgresql-charm)
    fi
    for product in "${products[@]}"; do
        (cd "$root" && swift build --product "$product" >&2)
    done
fi

exec "$python" "$here/run_interop.py" "$@"
