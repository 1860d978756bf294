#!/usr/bin/env bash
# The hook benchmark (issue 5; a benchmark, never a test): the leader requirer's relation-changed
# that yields database_created, as a cold process, Swift demo-api-charm vs the Python tutorial
# charm (ops + data_interfaces v0) and a minimal ops charm, on the same fake hook tools.
# Builds demo-api-charm and fake-juju-tools as static executables (Swift runtime, glibc and
# json-c linked in, as scripts/build-charm.sh ships the charm) into .build-static, makes the
# interop venv, and runs Tests/Interop/benchmark.py "$@" (e.g. --runs 50, --juju-version 3.6.4).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
mkdir -p .build-static
for product in demo-api-charm fake-juju-tools; do
  # glibc warns that dlopen & co. in a static binary need its shared libraries at run time; none
  # of our code calls them.
  if ! swift build -c release --product "$product" --scratch-path .build-static -Xswiftc -static-executable \
      >.build-static/build.log 2>&1; then
    cat .build-static/build.log >&2
    exit 2
  fi
done
python="$(Tests/Interop/venv.sh)"
INTEROP_BUILD_DIR=.build-static/release exec "$python" Tests/Interop/benchmark.py "$@"
