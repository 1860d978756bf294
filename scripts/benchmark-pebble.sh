#!/usr/bin/env bash
# The Pebble benchmark (a benchmark, never a test; Benchmarks/README.md): a hook process that
# adds the tutorial's layer, restarts fastapi-service and waits for the change, against
# fake-pebble, as a cold process: the Swift Pebble client (Benchmarks/PebbleHookProbe) vs ops 3.9's
# Python client (Benchmarks/pebble/pebble_hook_probe.py), interleaved, side by side in one run;
# with a 10 ms okay delay (client cost) and Pebble's real 1 s (end to end); and the start-up of
# a hook that makes one Pebble request vs /bin/true and HookStartupProbe.
# Builds fake-pebble, PebbleHookProbe and HookStartupProbe as static executables (Swift runtime,
# glibc, libyaml and json-c linked in) into .build-static, makes the interop venv, starts the
# fake-pebbles in a temporary directory and runs Benchmarks/pebble/benchmark.py "$@"
# (--runs N, default 30; --skip-real-delay). Everything it starts is stopped on exit, also on
# Ctrl-C or a failure, and it checks that no process is left.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
workdir="$(mktemp -d "${TMPDIR:-/tmp}/pebble-bench.XXXXXX")"
marker="$workdir"
driver=""

# Processes carrying the marker in their environment (the driver passes it to all it starts).
marked() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "PEBBLE_BENCH_MARKER=$marker" && echo "${p#/proc/}"
  done
  return 0
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
    kill -TERM "$driver" 2>/dev/null || true   # the driver stops its fake-pebbles and their services
    wait "$driver" 2>/dev/null || true
  fi
  local left
  left="$(marked)"
  if [ -n "$left" ]; then
    echo "benchmark-pebble: processes left behind, killing them: $(echo $left)" >&2
    for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
    [ "$status" -eq 0 ] && status=1
  else
    echo "benchmark-pebble: no process left" >&2
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p .build-static
for product in fake-pebble PebbleHookProbe HookStartupProbe; do
  # glibc warns that dlopen & co. in a static binary need its shared libraries at run time; the
  # probes call none of them (fake-pebble's getpwnam & co. only for a service's user/group).
  if ! swift build -c release --product "$product" --scratch-path .build-static -Xswiftc -static-executable \
      >.build-static/build.log 2>&1; then
    cat .build-static/build.log >&2
    exit 2
  fi
done
for binary in fake-pebble PebbleHookProbe HookStartupProbe; do
  if ldd ".build-static/release/$binary" >/dev/null 2>&1; then
    echo "benchmark-pebble: .build-static/release/$binary is not a static executable" >&2
    exit 2
  fi
done
python="$(Tests/Interop/venv.sh)"
# In the background, so that a signal reaches the trap at once (not after the driver ends).
PEBBLE_BENCH_MARKER="$marker" "$python" Benchmarks/pebble/benchmark.py \
  --build .build-static/release --workdir "$workdir" "$@" &
driver=$!
set +e
wait "$driver"
status=$?
set -e
driver=""
exit "$status"
