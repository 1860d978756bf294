#!/usr/bin/env bash
# The provider load test (issue 6): 1,000 requirer applications related at once to one provider on
# the fake hook-tool environment, hooks in a random seeded order; prints its figures and
# "N passed, M failed". Builds fake-juju-tools, demo-api-charm and fake-postgresql-charm as static
# executables into .build-static (as scripts/benchmark-hooks.sh does), then runs
# Tests/Interop/load.py "$@" (--apps N, --seed S, --juju-version V).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mkdir -p .build-static
for product in fake-juju-tools demo-api-charm fake-postgresql-charm; do
  if ! swift build -c release --product "$product" --scratch-path .build-static -Xswiftc -static-executable \
      >.build-static/build.log 2>&1; then
    cat .build-static/build.log >&2
    exit 2
  fi
done
exec python3 Tests/Interop/load.py "$@"
