#!/usr/bin/env bash
# Interop suite: Swift charms <-> real Python ops charms on the fake hook-tool environment.
# Creates the venv (.build/interop-venv, from requirements.txt) when missing or stale, builds the
# Swift executables it needs (unless INTEROP_SKIP_BUILD=1), then runs run_interop.py "$@".
# Closing line: "N passed, M failed, K skipped"; exit status non-zero on any FAIL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.build/interop-venv"
stamp="$venv/requirements.installed"

if [ ! -x "$venv/bin/python3" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "interop: creating $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

if [ "${INTEROP_SKIP_BUILD:-0}" != 1 ]; then
    products=(fake-juju-tools demo-api-charm)
    if grep -q '"fake-postgresql-charm"' "$root/Package.swift"; then
        products+=(fake-postgresql-charm)
    fi
    for product in "${products[@]}"; do
        (cd "$root" && swift build --product "$product" >&2)
    done
fi

exec "$venv/bin/python3" "$here/run_interop.py" "$@"
