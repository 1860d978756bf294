#!/usr/bin/env bash
# Cross-check the conformance vectors on Canonical's Python libraries (ops Scenario), in three
# passes: provider vectors on dpcharmlibs-interfaces (data_interfaces v1), requirer vectors on
# data_interfaces v0's DatabaseRequires, provider vectors on v0's DatabaseProvides (v0 comes from
# PyPI's postgresql-charms-single-kernel). Creates or refreshes the venv in .build/reference-venv,
# then runs run_reference.py on Fixtures/vectors (or on the paths given; other options, such as
# --known-differences, --side or --provider-lib, pass through).
# Exit status: run_reference.py's (0 = no FAIL and no XPASS).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$root/.build/reference-venv"
req="$root/Tests/Reference/requirements.txt"
stamp="$venv/.requirements.sha256"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi

cd "$root"
if [ "$#" -eq 0 ]; then
  set -- Fixtures/vectors
fi
exec "$venv/bin/python" Tests/Reference/run_reference.py "$@"
