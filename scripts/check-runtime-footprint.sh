#!/usr/bin/env bash
# Checks that the runtime modules (JujuJSON, PostgreSQLClient, JujuHookTools, and the Pebble client
# with JujuYAML) do not import or load full Foundation, so a charm's hook process starts fast, and
# prints the cold-start time of a hook-shaped binary. Usage: scripts/check-runtime-footprint.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
[ "${1:-}" = "--runs" ] && runs="${2:-30}"

status=0
echo "== imports in the runtime modules"
runtime_modules=(Sources/JujuJSON Sources/PostgreSQLClient Sources/JujuHookTools Sources/Pebble Sources/JujuYAML)
if grep -rnE '^\s*(@_exported\s+)?import\s+Foundation\s*$' "${runtime_modules[@]}"; then
  echo "FAIL: a runtime module imports full Foundation (FoundationEssentials is allowed)"
  status=1
else
  echo "ok: no 'import Foundation' in ${runtime_modules[*]}"
fi

# HookStartupProbe links JujuHookTools, JujuJSON and PostgreSQLClient; PebbleHookProbe the Pebble
# client (with JujuJSON and JujuYAML: json-c and libyaml).
for product in HookStartupProbe PebbleHookProbe; do
  echo "== libraries loaded by $product (a binary that links only runtime modules)"
  swift build -c release --product "$product" >/dev/null
  binary=".build/release/$product"
  libs=$(ldd "$binary")
  echo "$libs" | sed 's/^/  /'
  if echo "$libs" | grep -E 'libFoundation\.so|libFoundationNetworking|libFoundationXML' >/dev/null; then
    echo "FAIL: $binary loads full Foundation"
    status=1
  else
    echo "ok: no libFoundation.so (json-c: $(echo "$libs" | grep -c libjson-c) link, libyaml: $(echo "$libs" | grep -c libyaml) link)"
  fi
done
probe=".build/release/HookStartupProbe"

echo "== cold start of $probe on a provider bag, $runs runs"
bag='{"database": "names_db", "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432", "password": "x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu", "tls": "False", "username": "relation_id_7", "version": "14.15"}'
python3 - "$probe" "$runs" "$bag" <<'PY'
import subprocess, sys, time, statistics, resource
probe, runs, bag = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
times = []
for _ in range(runs):
    t = time.perf_counter()
    out = subprocess.run([probe], input=bag, capture_output=True, check=True).stdout
    times.append((time.perf_counter() - t) * 1000)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"  output: {out.decode().strip()}")
print(f"  median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, peak RSS {rss:.1f} MB")
PY
exit $status
