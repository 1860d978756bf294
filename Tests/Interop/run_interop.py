#!/usr/bin/env python3
"""Interop scenarios between our Swift charms and real Python ops charms, on `fake-juju-tools`.

(a) Swift requirer (`demo-api-charm`) <-> Python provider charm (dpcharmlibs-interfaces 1.2.2 v1
    library under Juju 3.6; the v0-wire provider under Juju 2.9, where the v1 library cannot run):
    the Swift unit ends Active with the database environment in $JUJU_CHARM_DIR/pebble-layer.json,
    and Waiting again after relation-broken.
(b) Python v0-style requirer <-> Swift provider (`fake-postgresql-charm`), with two Python
    requirers: the minimal ops charm written to the v0 wire rules, and the tutorial's charm on ops
    + Canonical's data_interfaces v0 (`tutorial-charm/`; the copy PyPI's
    postgresql-charms-single-kernel ships).
(c) each in both Juju modes: 3.6.4 (secrets) and 2.9.49 (plaintext).
Also: the Python charms against each other (control: shows the Python side is sound), and the
Swift requirer against the v0-wire provider in secrets mode (the secrets path without the v1
library's own bag layout).

Prints PASS/FAIL/SKIP lines and `N passed, M failed, K skipped`; exits 1 on any FAIL.
Options: -v prints every hook (unit, hook, exit, tool calls, wall time, peak RSS); -k SUBSTR runs
the scenarios whose name contains SUBSTR; --keep keeps the temp dirs.
Environment: FAKE_JUJU_TOOLS overrides .build/debug/fake-juju-tools; INTEROP_TMP the temp root.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from driver import BUILD, HERE, VENV_PYTHON, Charm, Relation, tools_executable  # noqa: E402

MODES = {"3.6.4": "secrets", "2.9.49": "plaintext"}
SWIFT_REQUIRER = BUILD / "demo-api-charm"
SWIFT_PROVIDER = BUILD / "fake-postgresql-charm"
REQUIRER_APP = "demo-api-charm"
PROVIDER_APP = "postgresql-k8s"


class Skip(Exception):
    pass


class Failed(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise Failed(msg)


def python_provider(impl: str = "auto") -> Charm:
    return Charm.python("interop-postgresql", HERE / "provider-charm", INTEROP_PROVIDER_IMPL=impl)


def python_requirer() -> Charm:
    return Charm.python("interop-requirer", HERE / "requirer-charm")


def provider_charm(swift: bool) -> Charm:
    """The Swift provider charm binary, or the Python provider charm."""
    return Charm.binary("fake-postgresql-charm", SWIFT_PROVIDER) if swift else python_provider()


def python_tutorial() -> Charm:
    return Charm.python("demo-api-charm-py", HERE / "tutorial-charm")


def unit_status(rel: Relation, unit: str) -> tuple[str, str]:
    env = rel.base_env(unit)
    res = subprocess.run([str(rel.bin / "status-get"), "--include-data", "--format=json"], env=env,
                         capture_output=True, text=True)
    check(res.returncode == 0, f"status-get as {unit} failed: {res.stderr.strip()}")
    d = json.loads(res.stdout)
    return d.get("status", ""), d.get("message", "")


def secret_content(rel: Relation, unit: str, uri: str) -> dict:
    env = rel.base_env(unit)
    res = subprocess.run([str(rel.bin / "secret-get"), uri, "--peek", "--format=json"], env=env,
                         capture_output=True, text=True)
    check(res.returncode == 0, f"secret-get {uri} as {unit} failed: {res.stderr.strip()}")
    return json.loads(res.stdout)


def credentials_seen_by(rel: Relation, unit: str) -> dict:
    """What the provider shared, as the requirer unit can read it (bag, or the user secret)."""
    bag = rel.relation_get(unit, rel.provider_app, app=True) or {}
    creds = {k: bag.get(k) for k in ("username", "password", "endpoints", "uris", "database", "version", "tls")}
    if bag.get("secret-user"):
        content = secret_content(rel, unit, bag["secret-user"])
        for k in ("username", "password", "uris"):
            creds[k] = content.get(k)
    creds["secret-user"] = bag.get("secret-user")
    return creds


def check_hooks_passed(rel: Relation) -> None:
    check(not rel.failures(), "hooks failed: " + "; ".join(
        f"{r.unit} {r.hook} exit {r.exit_code}: {(r.stderr or r.stdout).strip()[-400:]}" for r in rel.failures()))


def require_executables(*paths: Path) -> None:
    for p in paths:
        check(p.exists(), f"{p} is missing (build it: swift build --product {p.name})")


# -- scenarios ------------------------------------------------------------------------------------

def swift_requirer_python_provider(version: str, impl: str = "auto", requirer_units: int = 1):
    def scenario(ctx):
        require_executables(tools_executable(), SWIFT_REQUIRER, VENV_PYTHON)
        rel = ctx.relation(Charm.binary(REQUIRER_APP, SWIFT_REQUIRER), python_provider(impl),
                           juju_version=version, requirer_units=requirer_units)
        rel.establish()
        check_hooks_passed(rel)
        prov = json.loads((rel.charm_dir(f"{PROVIDER_APP}/0") / "provider-record.json").read_text())
        check(len(prov) == 1, f"provider answered {len(prov)} times, expected once")
        check(prov[0]["password_alnum"] and prov[0]["answer"]["password"] == "<16 chars>", "password is not 16 alphanumerics")
        expected_impl = impl if impl != "auto" else ("v1" if version >= "3.6.2" else "v0wire")
        check(prov[0]["impl"] == expected_impl, f"provider ran {prov[0]['impl']}, expected {expected_impl}")
        for unit in rel.units(REQUIRER_APP):
            creds = credentials_seen_by(rel, unit)
            if MODES[version] == "secrets":
                check(creds["secret-user"], "no secret-user in secrets mode")
            else:
                check(not creds["secret-user"] and creds["password"], "credentials not in the bag in plaintext mode")
            status = unit_status(rel, unit)
            check(status[0] == "active", f"{unit} status {status}, expected active")
            layer_path = rel.charm_dir(unit) / "pebble-layer.json"
            check(layer_path.exists(), f"{unit}: no pebble-layer.json")
            layer = json.loads(layer_path.read_text())
            env = layer["services"]["fastapi-service"]["environment"]
            host, port = creds["endpoints"].rsplit(":", 1)
            want = {"DEMO_SERVER_DB_HOST": host, "DEMO_SERVER_DB_PORT": port,
                    "DEMO_SERVER_DB_USER": f"relation_id_{rel.relation_id}",
                    "DEMO_SERVER_DB_PASSWORD": creds["password"]}
            check(env == want, f"{unit}: pebble environment {dict(env, DEMO_SERVER_DB_PASSWORD='***')} "
                               f"!= {dict(want, DEMO_SERVER_DB_PASSWORD='***')} (or password differs)")
        # the hook that made the leader Active (database_created)
        created = [r for r in rel.runs if r.unit == f"{REQUIRER_APP}/0" and r.hook.endswith("relation-changed")
                   and any(c["argv"][:2] == ["status-set", "active"] for c in r.calls)]
        check(created, "no leader relation-changed set Active")
        hook = created[0]
        ctx.note(f"leader database_created hook: {hook.call_count} tool calls: "
                 + ", ".join(" ".join(c["argv"]) for c in hook.calls))
        if MODES[version] == "plaintext":
            check(hook.call_count <= 4, f"database_created hook made {hook.call_count} tool calls, expected <= 4")
        rel.remove()
        check(not rel.failures(), "departed/broken hooks failed")
        for unit in rel.units(REQUIRER_APP):
            status = unit_status(rel, unit)
            check(status[0] == "waiting", f"{unit} status after relation-broken {status}, expected waiting")
        return rel
    return scenario


def python_requirer_provider(version: str, swift: bool):
    def scenario(ctx):
        if swift and not SWIFT_PROVIDER.exists():
            raise Skip("Swift provider charm executable not built yet")
        require_executables(tools_executable(), VENV_PYTHON)
        provider = provider_charm(swift)
        rel = ctx.relation(python_requirer(), provider, juju_version=version, requirer_app="interop-requirer")
        rel.establish()
        check_hooks_passed(rel)
        unit = "interop-requirer/0"
        records = json.loads((rel.charm_dir(unit) / "requirer-record.json").read_text())
        created = [r for r in records if r["event"] == "database_created"]
        check(len(created) == 1, f"database_created fired {len(created)} times: {records}")
        f = created[0]["fields"]
        check(created[0]["from_secret"] == (MODES[version] == "secrets"),
              f"credentials from_secret={created[0]['from_secret']} in {MODES[version]} mode")
        check(f["username"] == f"relation_id_{rel.relation_id}", f"username {f['username']}")
        check(f["password_length"] > 0 and f["endpoints"] and f["database"] == "names_db", f"fields {f}")
        if not swift:
            check(f["password_length"] == 16 and f["version"] == "14.15" and (f["tls"] or "").lower() == "false",
                  f"fields {f}")
        check(unit_status(rel, unit)[0] == "active", "requirer not active")
        rel.remove()
        check(not rel.failures(), "departed/broken hooks failed")
        return rel
    return scenario


def python_tutorial_provider(version: str, swift: bool):
    """The tutorial charm on data_interfaces v0 (Python) against a provider: one database_created,
    the Pebble environment equal to what the provider shared, Active; Waiting after broken."""
    def scenario(ctx):
        require_executables(tools_executable(), VENV_PYTHON, *([SWIFT_PROVIDER] if swift else []))
        provider = provider_charm(swift)
        rel = ctx.relation(python_tutorial(), provider, juju_version=version, requirer_app="demo-api-charm-py")
        rel.establish()
        check_hooks_passed(rel)
        unit = "demo-api-charm-py/0"
        records = json.loads((rel.charm_dir(unit) / "tutorial-record.json").read_text())
        created = [r for r in records if r["event"] == "DatabaseCreatedEvent"]
        check(len(created) == 1, f"database_created fired {len(created)} times: {records}")
        creds = credentials_seen_by(rel, unit)
        check(bool(creds["secret-user"]) == (MODES[version] == "secrets"),
              f"secret-user {'missing' if not creds['secret-user'] else 'present'} in {MODES[version]} mode")
        env = json.loads((rel.charm_dir(unit) / "pebble-layer.json").read_text())["services"]["fastapi-service"]["environment"]
        host, port = creds["endpoints"].split(",")[0].rsplit(":", 1)
        want = {"DEMO_SERVER_DB_HOST": host, "DEMO_SERVER_DB_PORT": port,
                "DEMO_SERVER_DB_USER": f"relation_id_{rel.relation_id}", "DEMO_SERVER_DB_PASSWORD": creds["password"]}
        check(env == want, f"pebble environment {dict(env, DEMO_SERVER_DB_PASSWORD='***')} "
                           f"!= {dict(want, DEMO_SERVER_DB_PASSWORD='***')} (or the password differs)")
        check(unit_status(rel, unit)[0] == "active", "tutorial charm not active")
        rel.remove()
        check(not rel.failures(), "departed/broken hooks failed")
        check(unit_status(rel, unit)[0] == "waiting", "tutorial charm not waiting after relation-broken")
        return rel
    return scenario


def crash_and_retry(version: str, swift: bool):
    """The requirer leader's relation-changed that yields database_created fails half-way (its
    status-set fails: FAKE_JUJU_FAIL), so Juju discards the hook's writes (hook-end); the retried
    hook must emit database_created again and end Active: never zero times. Run for the Swift
    charm and for the Python tutorial charm on data_interfaces v0, which must behave alike."""
    def scenario(ctx):
        require_executables(tools_executable(), VENV_PYTHON, *([SWIFT_REQUIRER] if swift else []))
        charm = Charm.binary(REQUIRER_APP, SWIFT_REQUIRER) if swift else python_tutorial()
        app = REQUIRER_APP if swift else "demo-api-charm-py"
        rel = ctx.relation(charm, python_provider(), juju_version=version, requirer_app=app)
        rel.create()
        rel.join()
        leader = f"{app}/0"
        check((leader, "") in rel.pending(), f"expected the leader's relation-changed, pending {rel.pending()}")
        before = rel.relation_get(leader, leader) or {}
        crashed = rel.fire(leader, "relation-changed", "", fail="status-set")
        check(crashed.exit_code != 0, "the hook with a failing status-set exited 0")
        check(any(c["argv"][0] == "relation-set" for c in crashed.calls), "the failed hook never wrote its snapshot")
        check((rel.relation_get(leader, leader) or {}) == before, "the failed hook's snapshot was kept")
        retried = rel.fire(leader, "relation-changed", "")
        check(retried.exit_code == 0, f"the retry failed: {retried.stderr[-300:]}")
        check(unit_status(rel, leader)[0] == "active", "not active after the retry")
        check("data" in (rel.relation_get(leader, leader) or {}), "no snapshot after the retry")
        again = rel.fire(leader, "relation-changed", "")
        check(not any(c["argv"][0] == "relation-set" for c in again.calls), "a replay after the retry wrote again")
        if not swift:
            records = json.loads((rel.charm_dir(leader) / "tutorial-record.json").read_text())
            created = [r for r in records if r["event"] == "DatabaseCreatedEvent"]
            check(len(created) == 2, f"data_interfaces v0 emitted database_created {len(created)} times (failed run + retry = 2)")
        ctx.note(f"failed hook: {crashed.call_count} calls, retry: {retried.call_count}, replay: {again.call_count}")
        return rel
    return scenario


SCENARIOS = []
for _v in MODES:
    _m = MODES[_v]
    SCENARIOS.append((f"a swift-requirer <-> python-provider juju {_v} ({_m})", swift_requirer_python_provider(_v)))
SCENARIOS.append(("a swift-requirer x2 units <-> python-provider juju 2.9.49 (plaintext)",
                  swift_requirer_python_provider("2.9.49", requirer_units=2)))
SCENARIOS.append(("a swift-requirer <-> python-provider (v0-wire impl) juju 3.6.4 (secrets)",
                  swift_requirer_python_provider("3.6.4", impl="v0wire")))
for _v in MODES:
    SCENARIOS.append((f"b python-requirer <-> swift-provider juju {_v} ({MODES[_v]})", python_requirer_provider(_v, True)))
for _v in MODES:
    SCENARIOS.append((f"b python-tutorial (data_interfaces v0) <-> swift-provider juju {_v} ({MODES[_v]})",
                      python_tutorial_provider(_v, True)))
for _v in MODES:
    SCENARIOS.append((f"control python-tutorial (data_interfaces v0) <-> python-provider juju {_v} ({MODES[_v]})",
                      python_tutorial_provider(_v, False)))
for _v in MODES:
    SCENARIOS.append((f"crash swift-requirer: failed hook retried juju {_v} ({MODES[_v]})", crash_and_retry(_v, True)))
    SCENARIOS.append((f"crash python-tutorial (data_interfaces v0): failed hook retried juju {_v} ({MODES[_v]})",
                      crash_and_retry(_v, False)))
for _v in MODES:
    SCENARIOS.append((f"control python-requirer <-> python-provider juju {_v} ({MODES[_v]})",
                      python_requirer_provider(_v, False)))


class Context:
    def __init__(self, keep: bool):
        self.keep = keep
        self.rels: list[Relation] = []
        self.notes: list[str] = []

    def relation(self, *a, **kw) -> Relation:
        kw.setdefault("requirer_app", REQUIRER_APP)
        kw.setdefault("provider_app", PROVIDER_APP)
        rel = Relation(*a, **kw)
        self.rels.append(rel)
        return rel

    def note(self, s: str):
        self.notes.append(s)

    def close(self):
        if not self.keep:
            for r in self.rels:
                r.cleanup()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("-k", default="")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    passed = failed = skipped = 0
    for name, fn in SCENARIOS:
        if args.k not in name:
            continue
        ctx = Context(args.keep)
        try:
            fn(ctx)
        except Skip as e:
            skipped += 1
            print(f"SKIP {name}: {e}")
        except Exception as e:  # noqa: BLE001
            failed += 1
            reason = str(e) if isinstance(e, Failed) else traceback.format_exc()
            print(f"FAIL {name}: {reason}")
            for rel in ctx.rels:
                print("  model dir:", rel.dir)
                print("\n".join("  " + line for line in rel.report().splitlines()))
        else:
            passed += 1
            print(f"PASS {name}")
            if args.v:
                for rel in ctx.rels:
                    print("\n".join("  " + line for line in rel.report().splitlines()))
        for n in ctx.notes:
            print("  " + n)
        if args.keep:
            for rel in ctx.rels:
                print("  kept:", rel.dir)
        ctx.close()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
