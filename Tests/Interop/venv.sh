#!/usr/bin/env bash
# Creates or refreshes the interop venv (.build/interop-venv) from requirements.txt, all pinned,
# from PyPI. A copy of requirements.txt inside the venv is the stamp; a change rebuilds it.
# Prints the venv's python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.build/interop-venv"
stamp="$venv/requirements.installed"
if [ ! -x "$venv/bin/python3" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "interop: creating $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    cp "$here/requirements.txt" "$stamp"
fi
echo "$venv/bin/python3"
