#!/usr/bin/env python3
"""Benchmark (not a test): the leader requirer's `relation-changed` that yields database_created.

Plaintext mode (Juju 2.9.49). For the Swift charm (`demo-api-charm`) and for the Python ops
requirer charm (Tests/Interop/requirer-charm), on the same `fake-juju-tools`:

1. play the relation up to the moment the provider (the Python provider charm) has answered;
2. save the model file and the requirer unit's charm directory;
3. run the requirer leader's `database-relation-changed` as a cold process N times (default 30,
   after one warm-up run that is not counted), restoring the saved model and charm directory
   before each run, and checking each run exits 0 and sets Active (database_created handled).

Prints per charm the median / min / max wall time, tool-call count, peak RSS (wait4's ru_maxrss:
the highest of the charm process and the tool processes it waited for), and the ratios.
Usage: benchmark.py [--runs N]
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


def prepare(charm: Charm, app: str) -> tuple[Relation, str, Path, Path]:
    provider = Charm.python("interop-postgresql", HERE / "provider-charm")
    rel = Relation(charm, provider, juju_version=VERSION, requirer_app=app, provider_app="postgresql-k8s")
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
    shutil.copy2(rel.model, saved / "model.json")
    shutil.copytree(rel.charm_dir(leader), saved / "charm")
    return rel, leader, saved / "model.json", saved / "charm"


def restore(rel: Relation, leader: str, model: Path, charm_dir: Path) -> None:
    shutil.copy2(model, rel.model)
    target = rel.charm_dir(leader)
    shutil.rmtree(target)
    shutil.copytree(charm_dir, target)


def bench(name: str, charm: Charm, app: str, runs: int) -> dict:
    rel, leader, model, charm_dir = prepare(charm, app)
    results = []
    try:
        for i in range(runs + 1):
            restore(rel, leader, model, charm_dir)
            run = rel.fire(leader, "relation-changed", "")
            active = any(c["argv"][0] == "status-set" and "active" in c["argv"] for c in run.calls)
            if run.exit_code != 0 or not active:
                raise SystemExit(f"{name}: run {i} exit {run.exit_code}, active={active}: {run.stderr[-500:]}")
            if i > 0:  # the first run warms the page cache
                results.append(run)
    finally:
        rel.cleanup()
    walls = [r.wall_ms for r in results]
    rss = [r.peak_rss_kb / 1024 for r in results]
    calls = sorted({r.call_count for r in results})
    return {
        "name": name, "runs": len(results), "median_ms": statistics.median(walls), "min_ms": min(walls),
        "max_ms": max(walls), "calls": calls, "rss_median_mb": statistics.median(rss), "rss_max_mb": max(rss),
        "argv": [" ".join(c["argv"])[:110] for c in results[0].calls],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    for p in (tools_executable(), BUILD / "demo-api-charm", VENV_PYTHON):
        if not p.exists():
            print(f"missing {p}", file=sys.stderr)
            return 2
    swift = bench("swift demo-api-charm", Charm.binary("demo-api-charm", BUILD / "demo-api-charm"),
                  "demo-api-charm", args.runs)
    python = bench("python ops requirer", Charm.python("interop-requirer", HERE / "requirer-charm"),
                   "interop-requirer", args.runs)
    print(f"leader requirer database-relation-changed (database_created), Juju {VERSION} plaintext, "
          f"cold process, {args.runs} runs each, tools: {tools_executable()}")
    for r in (swift, python):
        print(f"  {r['name']:<22} median {r['median_ms']:7.1f} ms (min {r['min_ms']:.1f}, max {r['max_ms']:.1f})  "
              f"tool calls {'/'.join(map(str, r['calls']))}  peak RSS median {r['rss_median_mb']:.1f} MB "
              f"(max {r['rss_max_mb']:.1f})")
    print(f"  speed ratio (python / swift median): {python['median_ms'] / swift['median_ms']:.1f}x")
    print(f"  memory ratio (swift / python peak RSS median): {swift['rss_median_mb'] / python['rss_median_mb']:.2f}")
    for r in (swift, python):
        print(f"  {r['name']} tool calls:")
        for a in r["argv"]:
            print(f"    {a}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
