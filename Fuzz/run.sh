#!/usr/bin/env bash
# Builds every libFuzzer target, seeds the corpora from Fixtures/ and runs each target, one at a
# time in one process, for a bounded time and/or a bounded number of executions.
#
#   Usage: Fuzz/run.sh [SECONDS_PER_TARGET]        (default 30; 0 = no time limit)
#          FUZZ_RUNS=1000000 Fuzz/run.sh           (until 10^6 inputs ran per target, no time limit)
#          FUZZ_RUNS=1000000 Fuzz/run.sh 600       (whichever comes first)
#
# Environment:
#   FUZZ_RUNS      stop each target after this many fuzzed inputs (libFuzzer -runs); default: none
#   FUZZ_TARGETS   targets to run (default: "json databag snapshot vector showunit requirer pebble yaml")
#   FUZZ_WORK      scratch folder (default: <repo>/.build-fuzz, git-ignored)
#   FUZZ_JOBS      libFuzzer -fork workers per target (default 0: one process)
#   SWIFTC         compiler (default: swiftc on PATH, else /opt/swift/usr/bin/swiftc)
#   FUZZ_NO_BUILD  set to 1 to reuse the binaries already built
# Prints one line per target, `fuzz <target>: <execs> execs in <s> s, <n> crashes`, and a closing
# `fuzz total: ...` line. Crash artifacts stay in $FUZZ_WORK/artifacts/<target>/.
# Exit status: 0 when no target crashed, 1 when one did, 2 when the build failed.
set -euo pipefail

RUNS="${FUZZ_RUNS:-}"
if [[ -n "$RUNS" ]]; then SECONDS_PER_TARGET="${1:-0}"; else SECONDS_PER_TARGET="${1:-30}"; fi
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || { echo "usage: Fuzz/run.sh [SECONDS_PER_TARGET]" >&2; exit 2; }
[[ -z "$RUNS" || "$RUNS" =~ ^[0-9]+$ ]] || { echo "FUZZ_RUNS must be a whole number" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${FUZZ_WORK:-$ROOT/.build-fuzz}"
mkdir -p "$WORK" && WORK="$(cd "$WORK" && pwd)"  # absolute: targets are built from inside it
TARGETS="${FUZZ_TARGETS:-json databag snapshot vector showunit requirer pebble yaml}"
JOBS="${FUZZ_JOBS:-0}"
SWIFTC="${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}"

MODS="$WORK/modules"; OBJS="$WORK/objects"; BIN="$WORK/bin"; CORPUS="$WORK/corpus"
ARTIFACTS="$WORK/artifacts"; LOGS="$WORK/logs"
mkdir -p "$MODS" "$OBJS" "$BIN" "$CORPUS" "$ARTIFACTS" "$LOGS"

# The same flags for the library modules and the targets: coverage for libFuzzer and ASan
# everywhere, so json-c's and libyaml's callers and our own code are all instrumented. The C
# modules (CJSONC, CYAML: a module map and a shim header) come from Sources/.
FLAGS=(-parse-as-library -sanitize=fuzzer,address -O -wmo -swift-version 6 -g
       -I "$MODS" -I "$ROOT/Sources/CJSONC" -I "$ROOT/Sources/CYAML")
# The package's modules share `package` declarations (Pebble uses them internally).
PACKAGE_NAME=swift_postgresql_client
quiet() { grep -v -e 'ld.gold: warning: Cannot export local symbol' || true; }

# Module -> the modules it needs (in build order), per target.
declare -A TARGET_MODULES=(
    [json]="JujuJSON"
    [databag]="JujuJSON PostgreSQLClient"
    [snapshot]="JujuJSON PostgreSQLClient"
    [vector]="JujuJSON PostgreSQLClient JujuHookTools PostgreSQLClientTestKit"
    [showunit]="JujuJSON PostgreSQLClient"
    [requirer]="JujuJSON PostgreSQLClient"
    [pebble]="JujuJSON JujuYAML Pebble"
    [yaml]="JujuJSON JujuYAML Pebble"
)
# Module build order (each after the modules it imports).
ALL_MODULES="JujuJSON JujuYAML Pebble PostgreSQLClient JujuHookTools PostgreSQLClientTestKit"
# The system libraries a module needs at link time.
declare -A MODULE_LIBS=([JujuJSON]="-ljson-c" [JujuYAML]="-lyaml")

build_module() { # name
    local m="$1" obj="$OBJS/$1.o" d stale=0
    local sources; sources=$(find "$ROOT/Sources/$m" -name '*.swift' | sort)
    # Rebuild when there is no object, a source is newer than it, or so is the object of a module
    # that comes before it in ALL_MODULES (one it may import).
    if [[ ! -f "$obj" || -n "$(find "$ROOT/Sources/$m" -name '*.swift' -newer "$obj")" ]]; then stale=1; fi
    for d in $ALL_MODULES; do
        [[ "$d" == "$m" ]] && break
        [[ -f "$OBJS/$d.o" && "$OBJS/$d.o" -nt "$obj" ]] && stale=1
    done
    [[ $stale == 1 ]] || return 0
    echo "== building module $m"
    # shellcheck disable=SC2086
    "$SWIFTC" "${FLAGS[@]}" -module-name "$m" -package-name "$PACKAGE_NAME" \
        -emit-module -emit-module-path "$MODS/$m.swiftmodule" \
        -c $sources -o "$obj" 2>&1 | quiet
    [[ ${PIPESTATUS[0]} -eq 0 ]] || { rm -f "$obj"; return 1; }
}

build_target() { # name
    local t="$1" objs=() libs=() m
    [[ -n "${TARGET_MODULES[$t]:-}" ]] || { echo "unknown fuzz target $t" >&2; return 1; }
    for m in ${TARGET_MODULES[$t]}; do
        objs+=("$OBJS/$m.o")
        # shellcheck disable=SC2206
        [[ -n "${MODULE_LIBS[$m]:-}" ]] && libs+=(${MODULE_LIBS[$m]})
    done
    echo "== building target $t"
    # From the objects folder: swiftc leaves the target's module files in its working directory.
    (cd "$OBJS" && "$SWIFTC" "${FLAGS[@]}" -module-name "Fuzz_$t" \
        "$ROOT"/Fuzz/Support/*.swift "$ROOT/Fuzz/Targets/$t.swift" "${objs[@]}" \
        "${libs[@]}" -o "$BIN/$t") 2>&1 | quiet
    [[ ${PIPESTATUS[0]} -eq 0 ]]
}

if [[ "${FUZZ_NO_BUILD:-0}" != 1 ]]; then
    # Only the modules the selected targets need, in dependency order.
    needed=" "
    for t in $TARGETS; do needed+="${TARGET_MODULES[$t]:-} "; done
    for m in $ALL_MODULES; do
        [[ "$needed" == *" $m "* ]] || continue
        build_module "$m" || { echo "build of module $m failed" >&2; exit 2; }
    done
    for t in $TARGETS; do
        build_target "$t" || { echo "build of target $t failed" >&2; exit 2; }
    done
fi

# ---- seed corpora (copies; libFuzzer adds what it finds to these folders) ----------------------
seed() { # target files...
    local dir="$CORPUS/$1"; shift
    mkdir -p "$dir"
    local f
    for f in "$@"; do cp -f "$f" "$dir/seed-$(echo "$f" | sed "s|$ROOT/||; s|/|_|g")"; done
}
mapfile -t BAGS < <(find "$ROOT/Fixtures/databags" -name '*.json' | sort)
mapfile -t VECTORS < <(find "$ROOT/Fixtures/vectors" -name '*.json' | sort)
mapfile -t SHOWUNIT < <(find "$ROOT/Fixtures/databags" -name '*show-unit*.json' | sort)
seed json "${BAGS[@]}" "${VECTORS[@]}"
seed databag "${BAGS[@]}"
seed vector "${VECTORS[@]}"
seed showunit "${SHOWUNIT[@]}" "${BAGS[@]}"
# The Pebble client's seeds are HTTP responses for its routes (Fuzz/Seeds/pebble, written from
# Specs/pebble.md §2-§8); the YAML seeds are layers and plans (Fuzz/Seeds/yaml) plus every
# ```yaml block of Specs/pebble.md. Both also start from their targets' findings.
mapfile -t PEBBLE_SEEDS < <(find "$ROOT/Fuzz/Seeds/pebble" "$ROOT"/Fuzz/findings/pebble-* -type f | sort)
mapfile -t YAML_SEEDS < <(find "$ROOT/Fuzz/Seeds/yaml" "$ROOT"/Fuzz/findings/yaml-* -type f | sort)
seed pebble "${PEBBLE_SEEDS[@]}"
seed yaml "${YAML_SEEDS[@]}"
python3 - "$CORPUS/yaml" "$ROOT/Specs/pebble.md" <<'PY'
import hashlib, re, sys
out, spec = sys.argv[1], sys.argv[2]
for block in re.findall(r"```yaml\n(.*?)```", open(spec, encoding="utf-8").read(), re.S):
    data = block.encode("utf-8")
    open(f"{out}/seed-spec-{hashlib.sha1(data).hexdigest()[:16]}", "wb").write(data)
PY
# The snapshot reader's seeds are the `data` values found anywhere in the fixtures (databags,
# show-unit documents and the vectors' bags), each one written out as the raw string.
mkdir -p "$CORPUS/snapshot"
python3 - "$CORPUS/snapshot" "${BAGS[@]}" "${VECTORS[@]}" <<'PY'
import hashlib, json, sys
out, files = sys.argv[1], sys.argv[2:]
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "data" and isinstance(x, str):
                yield x
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)
for f in files:
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except Exception:
        continue
    for text in walk(doc):
        name = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        open(f"{out}/seed-{name}", "wb").write(text.encode("utf-8", "surrogatepass"))
PY

# The requirer target's inputs are `<provider app bag JSON>` or `<provider app bag JSON> NUL
# <the requirer unit's stored data snapshot>`: every provider bag of the fixtures (databags and
# the requirer vectors' remote bags), alone, with an empty snapshot, and with a snapshot the
# bag's credentials or endpoints are new to.
mkdir -p "$CORPUS/requirer"
python3 - "$CORPUS/requirer" "${BAGS[@]}" "${VECTORS[@]}" <<'PY'
import hashlib, json, sys
out, files = sys.argv[1], sys.argv[2:]
def bags(doc):
    if isinstance(doc, dict) and doc.get("format") == "pgclient-vector/0":
        if doc.get("side") != "requirer":
            return
        yield doc.get("relation", {}).get("remote_app_data", {})
        for step in doc.get("steps", []):
            if isinstance(step, dict) and isinstance(step.get("set_remote_app_data"), dict):
                yield step["set_remote_app_data"]
    elif isinstance(doc, dict) and all(isinstance(v, str) for v in doc.values()):
        yield doc
def write(data):
    name = hashlib.sha1(data).hexdigest()[:16]
    open(f"{out}/seed-{name}", "wb").write(data)
for f in files:
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except Exception:
        continue
    for bag in bags(doc):
        if not isinstance(bag, dict) or not bag:
            continue
        text = json.dumps(bag).encode("utf-8", "surrogatepass")
        write(text)
        write(text + b"\0{}")
        older = {k: v for k, v in bag.items() if k not in ("data", "username", "password", "secret-user", "endpoints")}
        write(text + b"\0" + json.dumps(older).encode("utf-8", "surrogatepass"))
PY

# ---- run ------------------------------------------------------------------------------------
# A dictionary helps a target reach deeper code quickly: Fuzz/<target>.dict when there is one
# (HTTP and Pebble tokens for `pebble`, YAML syntax and layer keys for `yaml`), else json.dict
# (databag keys and JSON tokens).
dict_for() { # target
    if [[ -f "$ROOT/Fuzz/$1.dict" ]]; then echo "-dict=$ROOT/Fuzz/$1.dict"
    elif [[ -f "$ROOT/Fuzz/json.dict" ]]; then echo "-dict=$ROOT/Fuzz/json.dict"; fi
}
FORK=(); [[ "$JOBS" != 0 ]] && FORK=(-fork="$JOBS" -ignore_crashes=0)
LIMITS=(-max_total_time="$SECONDS_PER_TARGET"); [[ -n "$RUNS" ]] && LIMITS+=(-runs="$RUNS")
budget="${SECONDS_PER_TARGET}s per target"; [[ "$SECONDS_PER_TARGET" == 0 ]] && budget="no time limit"
[[ -n "$RUNS" ]] && budget="$budget, at most $RUNS runs per target"
status=0 total_execs=0 total_crashes=0 total_start=$(date +%s.%N)
summary=()
for t in $TARGETS; do
    mkdir -p "$ARTIFACTS/$t"
    log="$LOGS/$t.log"
    DICT=(); d=$(dict_for "$t"); [[ -n "$d" ]] && DICT=("$d")
    echo "== fuzzing $t ($budget; log: $log)"
    before=$(find "$ARTIFACTS/$t" -type f | wc -l)
    start=$(date +%s.%N)
    set +e
    # SWIFT_BACKTRACE=enable=no: let libFuzzer handle the trap; the Swift backtracer's memory
    # reader otherwise trips ASan with a spurious "unknown-crash ... CrashHandlerLinux.cpp".
    SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}" \
    "$BIN/$t" "$CORPUS/$t" "${LIMITS[@]}" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$ARTIFACTS/$t/" -print_final_stats=1 "${DICT[@]}" "${FORK[@]}" >"$log" 2>&1
    rc=$?
    set -e
    seconds=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
    execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{s+=$2} END {print s+0}')
    if [[ "$execs" == 0 ]]; then # killed before the final stats: take the last status line
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); execs=${execs:-0}
    fi
    rate=$(grep -E '^stat::average_exec_per_sec:' "$log" | tail -1 | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
    crashes=$(( $(find "$ARTIFACTS/$t" -type f | wc -l) - before ))
    if [[ $rc -ne 0 && $crashes -eq 0 ]]; then crashes=1; fi # died without writing an artifact
    total_execs=$((total_execs + execs)); total_crashes=$((total_crashes + crashes))
    line="fuzz $t: $execs execs in $seconds s, $crashes crashes"
    if [[ $crashes -ne 0 ]]; then
        status=1
        artifacts=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' | tr '\n' ' ' || true)
        line="$line (exit $rc; artifact: ${artifacts:-none, see $log})"
        grep -E 'ERROR: AddressSanitizer|Fatal error|FUZZ INVARIANT|ERROR: libFuzzer|deadly signal' "$log" | head -5 | sed 's/^/    /'
    else
        line="$line (${rate:-?} exec/s, ${cov:-cov ?})"
    fi
    echo "$line"
    summary+=("$line")
done
total_seconds=$(echo "$total_start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
echo
echo "== summary ($budget)"
printf '%s\n' "${summary[@]}"
echo "fuzz total: $total_execs execs in $total_seconds s, $total_crashes crashes ($(echo $TARGETS | wc -w) targets)"
exit $status
