#!/usr/bin/env bash
# The test command: installs prerequisites, checks the runtime footprint (no Foundation in the
# runtime modules), json-c leaks, the wire schemas and the Python cross-check of the vectors,
# the interop suites (relations, Pebble), the 1,000-relation load test, every libFuzzer target briefly, then the whole
# test suite. `swift test` runs last.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh --postgresql
swift build
scripts/check-runtime-footprint.sh --runs 10
scripts/check-leaks.sh
# The schema cross-check needs jsonschema: use the system's, or a venv from PyPI under .build/.
python=python3
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  [ -x .build/venv/bin/python ] || python3 -m venv .build/venv
  .build/venv/bin/pip install -q jsonschema
  python=.build/venv/bin/python
fi
"$python" scripts/check-schemas.py
# The conformance vectors on the Python reference (ops Scenario + PyPI's dpcharmlibs-interfaces);
# its known wire differences from data_interfaces v0 are listed, anything else fails.
Tests/Reference/run.sh --known-differences Tests/Reference/known-differences.txt Fixtures/vectors
# Swift charms and Python ops charms (ops, dpcharmlibs-interfaces from PyPI) as real processes on
# the fake hook tools, both ways, Juju 2.9 and 3.
INTEROP_SKIP_BUILD=1 Tests/Interop/run.sh
# Pebble: ops 3.9's real pebble.Client and the Swift client against fake-pebble, case by case,
# services really running.
INTEROP_SKIP_BUILD=1 Tests/Interop/pebble/run.sh
# The provider under load: 1,000 requirer applications on one provider, hooks in a seeded random
# order, on the fake hook tools served from memory (static release builds); prints its figures.
scripts/load-test.sh --apps 1000
scripts/load-test.sh --apps 1000 --juju-version 3.6.4 --seed 7
# libFuzzer targets (Fuzz/README.md), 30 s each after a ~2-3 min instrumented build; exits 1 on
# any crash, the artifacts stay in .build-fuzz/artifacts/.
Fuzz/run.sh 30
swift test
