#!/usr/bin/env python3
"""Provider under load (not a unit test; run by scripts/test.sh): N requirer applications related
at once to one provider, on the fake hook-tool environment, hooks in a random (seeded) order.

One model, served by `fake-juju-tools serve` (the model in memory, tools answered over a socket,
as Juju's unit agent answers its hook tools), with N relations `database:<i>` between `app<i>`
(one unit, the Swift tutorial charm `demo-api-charm`) and `postgresql-k8s` (one unit, the Swift
provider charm `fake-postgresql-charm`). Every hook is a real process with Juju's environment.

Order, as Juju may deliver it: each unit runs the hooks of each of its relations in Juju's order
(relation-created, relation-joined, relation-changed), but which (unit, relation) goes next is
drawn at random (seeded), so the provider's hooks for different relations interleave with each
other and with the requirers'. A relation-set by a unit queues relation-changed on the remote
units of that relation, unless one is already queued and not yet run (Juju coalesces them); a
secret-set on a granted secret would queue secret-changed (none happens here).

At the end every requirer must be Active with a Pebble layer whose database user is
`relation_id_<i>` and whose password is the one the provider wrote for that relation; no user
and no password may be shared, none missing, no hook may fail. Prints the figures (relations,
hooks, tool calls per kind, wall time) and `N passed, M failed`.

Usage: load.py [--apps N] [--seed S] [--juju-version V] [--build DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROVIDER_APP = "postgresql-k8s"
PROVIDER_UNIT = "postgresql-k8s/0"


def request(sock_path: Path, kind: str, fields: list[str] | None = None) -> str:
    """One request to `fake-juju-tools serve`, without starting a process for it (its wire, see
    Sources/FakeJujuTools/Server.swift: frames of a 4-byte big-endian length and the bytes; the
    kind, NUL-joined fields, NUL-joined environment, standard input; the reply is the status,
    standard output, standard error). Returns standard output."""
    def frame(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(str(sock_path))
        s.sendall(frame(kind.encode()) + frame("\0".join(fields or []).encode()) + frame(b"") + frame(b""))
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    parts = []
    while buf:
        n = int.from_bytes(buf[:4], "big")
        parts.append(buf[4:4 + n].decode())
        buf = buf[4 + n:]
    status, out, err = parts
    if status != "0":
        raise SystemExit(f"fake-juju-tools serve: {kind} failed: {err.strip()}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--juju-version", default="2.9.49")
    ap.add_argument("--build", default=str(ROOT / ".build-static" / "release"))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    tools, requirer, provider = build / "fake-juju-tools", build / "demo-api-charm", build / "fake-postgresql-charm"
    for p in (tools, requirer, provider):
        if not p.exists():
            print(f"missing {p} (scripts/load-test.sh builds it)", file=sys.stderr)
            return 2
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="pgclient-load-"))
    model, sock, bin_dir, calls_dir = work / "model.json", work / "tools.sock", work / "bin", work / "calls"
    calls_dir.mkdir()
    apps = [f"app{i}" for i in range(args.apps)]

    def tool(*argv: str) -> str:
        res = subprocess.run([str(tools), *argv], capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"fake-juju-tools {' '.join(argv[:2])} failed: {res.stderr.strip()}")
        return res.stdout

    tool("init", "--model", str(model), "--relation", "0", "--endpoint", "database", "--requirer", apps[0],
         "--provider", PROVIDER_APP, "--juju-version", args.juju_version, "--model-name", "load")
    tool("install", str(bin_dir), "--model", str(model))
    server = subprocess.Popen([str(tools), "serve", "--model", str(model), "--socket", str(sock)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server.stdout.readline()  # "serving ..." once it listens
    started = time.perf_counter()
    failures: list[str] = []
    counts: collections.Counter = collections.Counter()  # tool calls by tool
    logs: collections.Counter = collections.Counter()  # juju-log lines by side, level and text
    try:
        for i in range(1, args.apps):
            request(sock, "add-relation", ["--relation", str(i), "--endpoint", "database",
                                           "--requirer", apps[i], "--provider", PROVIDER_APP])
        setup_s = time.perf_counter() - started

        charm_dirs = {}
        for unit in [f"{a}/0" for a in apps] + [PROVIDER_UNIT]:
            d = work / "charms" / unit.replace("/", "-")
            d.mkdir(parents=True)
            charm_dirs[unit] = d

        # (unit, relation id) -> queue of (hook, remote unit)
        queues: dict[tuple[str, int], collections.deque] = {}
        for i, app in enumerate(apps):
            unit = f"{app}/0"
            queues[(unit, i)] = collections.deque([("relation-created", ""), ("relation-joined", PROVIDER_UNIT),
                                                   ("relation-changed", PROVIDER_UNIT)])
            queues[(PROVIDER_UNIT, i)] = collections.deque([("relation-created", ""), ("relation-joined", unit),
                                                            ("relation-changed", unit)])
        base = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_JUJU_SOCKET": str(sock), "JUJU_VERSION": args.juju_version,
                "JUJU_MODEL_NAME": "load", "JUJU_MODEL_UUID": "0c5c3f2e-4b1d-4d8e-9a7f-3e2d1c0b9a87", "LANG": "C.UTF-8"}
        hooks_run = 0
        hook_ms: list[float] = []
        live = [k for k, q in queues.items() if q]
        hooks_started = time.perf_counter()
        while live:
            index = rng.randrange(len(live))
            key = live[index]
            unit, rel = key
            hook, remote = queues[key].popleft()
            if not queues[key]:
                live[index] = live[-1]
                live.pop()
            app = unit.split("/")[0]
            env = dict(base, JUJU_UNIT_NAME=unit, JUJU_CHARM_DIR=str(charm_dirs[unit]),
                       JUJU_DISPATCH_PATH=f"hooks/database-{hook}", JUJU_HOOK_NAME=f"database-{hook}",
                       JUJU_RELATION="database", JUJU_RELATION_ID=f"database:{rel}",
                       JUJU_REMOTE_APP=PROVIDER_APP if app != PROVIDER_APP else apps[rel], JUJU_REMOTE_UNIT=remote)
            calls_file = calls_dir / f"{hooks_run}.jsonl"
            env["FAKE_JUJU_CALLS"] = str(calls_file)
            charm = provider if app == PROVIDER_APP else requirer
            t0 = time.perf_counter()
            request(sock, "hook-begin")
            proc = subprocess.run([str(charm)], env=env, cwd=charm_dirs[unit], capture_output=True, text=True)
            request(sock, "hook-end", [str(proc.returncode)])
            hook_ms.append((time.perf_counter() - t0) * 1000)
            hooks_run += 1
            if proc.returncode != 0:
                failures.append(f"{unit} {hook} (relation {rel}) exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
                continue
            calls = [json.loads(line) for line in calls_file.read_text().splitlines()] if calls_file.exists() else []
            calls_file.unlink(missing_ok=True)
            for c in calls:
                counts[c["argv"][0]] += 1
                if c["argv"][0] == "juju-log":
                    level = c["argv"][c["argv"].index("--log-level") + 1] if "--log-level" in c["argv"] else "INFO"
                    logs[f"{'provider' if app == PROVIDER_APP else 'requirer'} {level} {c['argv'][-1][:90]}"] += 1
                if c["argv"][0] == "relation-set":
                    # The remote side of that relation sees a change: relation-changed, coalesced.
                    remote_unit = PROVIDER_UNIT if app != PROVIDER_APP else f"{apps[rel]}/0"
                    q = queues[(remote_unit, rel)]
                    if ("relation-changed", "" if "--app" in c["argv"] else unit) not in q:
                        if not q:
                            live.append((remote_unit, rel))
                        q.append(("relation-changed", "" if "--app" in c["argv"] else unit))
        hooks_s = time.perf_counter() - hooks_started

        # Every relation ends with its own credentials.
        state = json.loads(request(sock, "dump"))
        by_id = {r["id"]: r for r in state["relations"]}
        secrets = {s["id"]: s for s in state.get("secrets", [])}
        users, passwords = {}, {}
        for i, app in enumerate(apps):
            unit = f"{app}/0"
            status = state.get("statuses", {}).get(unit, {})
            if status.get("status") != "active":
                failures.append(f"{unit}: status {status}")
                continue
            layer_path = charm_dirs[unit] / "pebble-layer.json"
            if not layer_path.exists():
                failures.append(f"{unit}: no pebble layer")
                continue
            env = json.loads(layer_path.read_text())["services"]["fastapi-service"]["environment"]
            bag = by_id[i]["appBags"].get(PROVIDER_APP, {})
            shared = dict(bag)
            if bag.get("secret-user"):
                sid = "secret:" + bag["secret-user"].split(":")[-1].split("/")[-1]
                shared.update(secrets[sid]["revisions"][-1])
            if env.get("DEMO_SERVER_DB_USER") != f"relation_id_{i}" or shared.get("username") != f"relation_id_{i}":
                failures.append(f"{unit}: user {env.get('DEMO_SERVER_DB_USER')!r}, provider wrote {shared.get('username')!r}")
            if not env.get("DEMO_SERVER_DB_PASSWORD") or env.get("DEMO_SERVER_DB_PASSWORD") != shared.get("password"):
                failures.append(f"{unit}: the password in its layer is not the one the provider wrote for relation {i}")
            users.setdefault(env.get("DEMO_SERVER_DB_USER"), []).append(unit)
            passwords.setdefault(env.get("DEMO_SERVER_DB_PASSWORD"), []).append(unit)
        shared_users = {u: us for u, us in users.items() if len(us) > 1}
        shared_passwords = sum(1 for us in passwords.values() if len(us) > 1)
        if shared_users:
            failures.append(f"users shared: {list(shared_users.items())[:3]}")
        if shared_passwords:
            failures.append(f"{shared_passwords} passwords shared between relations")
        if len(users) != args.apps:
            failures.append(f"{args.apps - len(users)} relations without credentials")
        request(sock, "stop")
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    total_calls = sum(counts.values())
    mode = "secrets" if args.juju_version >= "3" else "plaintext"
    print(f"load: {args.apps} requirer applications related to one provider, Juju {args.juju_version} ({mode}), seed {args.seed}")
    print(f"  setup (model + {args.apps} relations): {setup_s:.1f} s")
    print(f"  hooks: {hooks_run} in {hooks_s:.1f} s (median {statistics.median(hook_ms):.1f} ms a hook, "
          f"max {max(hook_ms):.1f} ms), {hooks_run / max(hooks_s, 1e-9):.0f} hooks/s")
    print(f"  tool calls: {total_calls} ({total_calls / max(hooks_run, 1):.1f} a hook): "
          + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    print(f"  distinct users {len(users)}, distinct passwords {len(passwords)}, Active requirers "
          f"{sum(1 for i, a in enumerate(apps) if state.get('statuses', {}).get(f'{a}/0', {}).get('status') == 'active')}")
    for line, n in logs.most_common(5):
        print(f"  juju-log x{n}: {line}")
    for f in failures[:20]:
        print(f"  FAIL {f}")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
