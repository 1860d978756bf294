#!/usr/bin/env python3
"""Benchmark (not a test): the leader requirer's `relation-changed` that yields database_created.

Plaintext mode (Juju 2.9.49) by default. For the Swift charm (`demo-api-charm`) and two Python
charms on the same `fake-juju-tools`: the tutorial's charm as Python authors write it, on ops 3.9
and Canonical's data_interfaces v0 (Tests/Interop/tutorial-charm, the comparison the targets are
set against), and the minimal ops charm written to the v0 wire rules (Tests/Interop/requirer-charm,
ops alone, no charm library: a floor for any Python charm):

1. play the relation up to the moment the provider (the Python provider charm) has answered;
2. save the model file and the requirer unit's charm directory;
3. run the requirer leader's `database-relation-changed` as a cold process N times (default 30,
   after one warm-up run that is not counted), restoring the saved model and charm directory
   before each run, and checking each run exits 0 and sets Active (database_created handled).

Prints per charm the median / min / max wall time, tool-call count, peak RSS (wait4's ru_maxrss:
the highest of the charm process and the tool processes it waited for), and the ratios.
Each run is made twice from the same saved state: spawned bare (posix_spawn from this driver,
nothing around it) for the wall time, and under GNU time for the peak RSS. The tools are served
by `fake-juju-tools serve` (the model in memory, calls over a socket, as Juju's unit agent
answers its hook tools) unless `--tools file`.
Usage: benchmark.py [--runs N] [--juju-version V] [--tools served|file]
Targets (issue 5): Swift at least 25x faster than the Python tutorial charm, at most 1/4 of its
peak RSS; the closing lines say whether they were met.
Run it through scripts/benchmark-hooks.sh, which builds static executables first.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver import BUILD, HERE, VENV_PYTHON, Charm, Relation, tools_executable  # noqa: E402

VERSION = "2.9.49"
SPEED_TARGET = 25.0
MEMORY_TARGET = 0.25


SERVE = True


def prepare(charm: Charm, app: str) -> tuple[Relation, str, Path, Path]:
    provider = Charm.python("interop-postgresql", HERE / "provider-charm")
    rel = Relation(charm, provider, juju_version=VERSION, requirer_app=app, provider_app="postgresql-k8s", serve=SERVE)
    rel.create()
    rel.join()
    leader = f"{app}/0"
    todo = rel.pending()
    if (leader, "") not in todo:
        raise SystemExit(f"{app}: expected the leader's relation-changed for the provider's answer, pending: {todo}")
    if rel.failures():
        raise SystemExit(f"{app}: setup hooks failed:\n{rel.report()}")
    saved = rel.dir / "saved"
    saved.mkdir()
    rel.save()
    shutil.copy2(rel.model, saved / "model.json")
    shutil.copytree(rel.charm_dir(leader), saved / "charm")
    return rel, leader, saved / "model.json", saved / "charm"


def restore(rel: Relation, leader: str, model: Path, charm_dir: Path) -> None:
    shutil.copy2(model, rel.model)
    rel.reload()
    target = rel.charm_dir(leader)
    shutil.rmtree(target)
    shutil.copytree(charm_dir, target)


class Bench:
    """One charm's prepared relation and its measured runs."""

    def __init__(self, name: str, charm: Charm, app: str):
        self.name = name
        self.rel, self.leader, self.model, self.charm_dir = prepare(charm, app)
        self.results = []  # timed runs (bare posix_spawn)
        self.rss_runs = []  # runs under GNU time, for the peak RSS

    def run_once(self, counted: bool) -> None:
        # Twice from the same saved state: once bare for the wall time, once under GNU time for
        # the peak RSS (GNU time's own fork and exec would otherwise be in the time).
        for measure in ("time", "rss"):
            restore(self.rel, self.leader, self.model, self.charm_dir)
            run = self.rel.fire(self.leader, "relation-changed", "", measure=measure)
            active = any(c["argv"][0] == "status-set" and "active" in c["argv"] for c in run.calls)
            if run.exit_code != 0 or not active:
                raise SystemExit(f"{self.name}: exit {run.exit_code}, active={active}: {run.stderr[-500:]}")
            if counted:
                (self.results if measure == "time" else self.rss_runs).append(run)

    def summary(self) -> dict:
        walls = [r.wall_ms for r in self.results]
        rss = [r.peak_rss_kb / 1024 for r in self.rss_runs]
        return {
            "name": self.name, "runs": len(self.results), "median_ms": statistics.median(walls),
            "min_ms": min(walls), "max_ms": max(walls), "calls": sorted({r.call_count for r in self.results}),
            "rss_median_mb": statistics.median(rss), "rss_max_mb": max(rss),
            "argv": [" ".join(c["argv"])[:110] for c in self.results[0].calls],
        }


def main() -> int:
    global VERSION, SERVE
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--juju-version", default=VERSION)
    ap.add_argument("--tools", choices=["served", "file"], default="served",
                    help="served: fake-juju-tools serve holds the model (as Juju's agent); file: each call rereads the model file")
    args = ap.parse_args()
    VERSION = args.juju_version
    SERVE = args.tools == "served"
    for p in (tools_executable(), BUILD / "demo-api-charm", VENV_PYTHON):
        if not p.exists():
            print(f"missing {p}", file=sys.stderr)
            return 2
    benches = [
        Bench("swift demo-api-charm", Charm.binary("demo-api-charm", BUILD / "demo-api-charm"), "demo-api-charm"),
        Bench("python data_interfaces", Charm.python("demo-api-charm-py", HERE / "tutorial-charm"), "demo-api-charm-py"),
        Bench("python minimal ops", Charm.python("interop-requirer", HERE / "requirer-charm"), "interop-requirer"),
    ]
    try:
        # Round-robin: run i of every charm before run i+1 of any, so a noisy moment of this
        # machine falls on all of them alike. Run 0 warms the page cache and is not counted.
        for i in range(args.runs + 1):
            for b in benches:
                b.run_once(counted=i > 0)
    finally:
        for b in benches:
            b.rel.cleanup()
    swift, tutorial, minimal = (b.summary() for b in benches)
    mode = "secrets" if VERSION >= "3" else "plaintext"
    print(f"leader requirer database-relation-changed (database_created), Juju {VERSION} {mode}, "
          f"cold process, {args.runs} runs each, tools: {tools_executable()} ({args.tools})")
    for r in (swift, tutorial, minimal):
        print(f"  {r['name']:<23} median {r['median_ms']:7.1f} ms (min {r['min_ms']:.1f}, max {r['max_ms']:.1f})  "
              f"tool calls {'/'.join(map(str, r['calls']))}  peak RSS median {r['rss_median_mb']:.1f} MB "
              f"(max {r['rss_max_mb']:.1f})")
    met = True
    for python in (tutorial, minimal):
        speed = python["median_ms"] / swift["median_ms"]
        memory = swift["rss_median_mb"] / python["rss_median_mb"]
        print(f"  vs {python['name']}: speed {speed:.1f}x, memory {memory:.2f}")
        if python is tutorial:
            ok_speed, ok_memory = speed >= SPEED_TARGET, memory <= MEMORY_TARGET
            met = ok_speed and ok_memory
            print(f"  target speed >= {SPEED_TARGET:.0f}x: {'met' if ok_speed else 'NOT met'}; "
                  f"target memory <= {MEMORY_TARGET}: {'met' if ok_memory else 'NOT met'}")
    for r in (swift, tutorial, minimal):
        print(f"  {r['name']} tool calls:")
        for a in r["argv"]:
            print(f"    {a}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
