#!/usr/bin/env python3
"""Plays a `postgresql_client` relation's life between two charm processes on `fake-juju-tools`.

The fake hook-tool environment (`fake-juju-tools`, one executable answering as every hook tool by
argv[0]) keeps the model in a JSON file; this driver creates it (`fake-juju-tools init`), puts the
tool symlinks in a `bin/` (`fake-juju-tools install`), gives every unit its own charm directory,
and runs each hook as a fresh process with Juju's hook environment, in Juju's order:

1. `relation-created` on every unit (requirer units, then provider units);
2. per unit, `relation-joined` + `relation-changed` for each remote unit (requirer side first);
3. `relation-changed` again on any unit whose view (the remote application bag and the remote
   unit bags, read through the tools as that unit) changed since it last ran, until nothing moves;
4. on `remove()`: `relation-departed` per remote unit, then `relation-broken` on every unit.

A change of the remote application bag fires `relation-changed` with JUJU_REMOTE_UNIT empty, as
Juju does for application settings; a change of a remote unit bag names that unit.

Every hook is recorded: unit, hook, exit code, tool calls (from FAKE_JUJU_CALLS, one JSON line a
call), wall time and peak RSS (`os.wait4`'s rusage: the charm process and the tool processes it
waited for, whichever peaked highest).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = ROOT / ".build" / "debug"
VENV_PYTHON = ROOT / ".build" / "interop-venv" / "bin" / "python3"
DEFAULT_TOOLS = BUILD / "fake-juju-tools"
# INTEROP_BUILD_DIR picks another build (e.g. .build/release) for the Swift executables and tools.
if os.environ.get("INTEROP_BUILD_DIR"):
    BUILD = Path(os.environ["INTEROP_BUILD_DIR"]).resolve()
    DEFAULT_TOOLS = BUILD / "fake-juju-tools"
DEFAULT_MODEL_UUID = "a4c0e6c1-0d5b-4e7e-9a0c-5a1f2d3c4b5e"


def tools_executable() -> Path:
    """FAKE_JUJU_TOOLS overrides the built `fake-juju-tools` (e.g. a stand-in during development)."""
    return Path(os.environ.get("FAKE_JUJU_TOOLS") or DEFAULT_TOOLS)


@dataclasses.dataclass
class Charm:
    """How to run one charm: `argv` run in the unit's charm dir; `source` copied there first."""

    name: str
    argv: list[str]
    source: Path | None = None
    env: dict[str, str] = dataclasses.field(default_factory=dict)

    @staticmethod
    def python(name: str, directory: Path, **env: str) -> "Charm":
        return Charm(name, [str(VENV_PYTHON), "src/charm.py"], directory, dict(env))

    @staticmethod
    def binary(name: str, executable: Path, **env: str) -> "Charm":
        return Charm(name, [str(executable)], None, dict(env))


@dataclasses.dataclass
class HookRun:
    unit: str
    hook: str
    remote_unit: str
    exit_code: int
    calls: list[dict]
    wall_ms: float
    peak_rss_kb: int
    stdout: str
    stderr: str

    @property
    def call_count(self) -> int:
        return len(self.calls)

    def line(self) -> str:
        return (f"{self.unit:<26} {self.hook:<28} exit={self.exit_code} calls={self.call_count:<3} "
                f"wall={self.wall_ms:7.1f} ms  peak_rss={self.peak_rss_kb / 1024:6.1f} MB")


GNU_TIME = Path("/usr/bin/time")


def run_timed(argv: list[str], env: dict[str, str], cwd: Path):
    """Run a process with nothing around it (posix_spawn, no fork of this driver, no wrapper);
    return (exit code, stdout, stderr, wall ms, -1): the most exact wall time, no RSS (a child
    spawned from here would report this driver's RSS high-water mark)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        old = os.getcwd()
        os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
            _, status, _ = os.wait4(pid, 0)
            wall = (time.perf_counter() - start) * 1000
        finally:
            os.chdir(old)
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), wall, -1)


def run_measured(argv: list[str], env: dict[str, str], cwd: Path):
    """Run a process; return (exit code, stdout, stderr, wall ms, peak RSS in kB).

    Peak RSS is wait4's ru_maxrss: the highest of the process and the children it waited for.
    A child forked from this (Python) driver inherits the driver's RSS high-water mark across
    exec, so when GNU time is installed it does the fork and wait4 (its own footprint is ~1 MB)
    and reports %M; without it the figure has the driver's RSS as a floor (`rss_floor` True).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        use_time = GNU_TIME.exists()
        full = [str(GNU_TIME), "-q", "-f", "%M", "-o", rss_file.name, *argv] if use_time else argv
        start = time.perf_counter()
        proc = subprocess.Popen(full, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        code = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if use_time:
            text = rss_file.read().strip().splitlines()
            rss = int(text[-1]) if text and text[-1].isdigit() else rss
        out.seek(0)
        err.seek(0)
        return code, out.read().decode(errors="replace"), err.read().decode(errors="replace"), wall, rss


class Relation:
    """One relation between `requirer` and `provider` applications, on a fresh fake model."""

    def __init__(self, requirer: Charm, provider: Charm, *, juju_version: str = "3.6.4",
                 requirer_app: str = "demo-api-charm", provider_app: str = "postgresql-k8s",
                 requirer_units: int = 1, provider_units: int = 1, relation_id: int = 7,
                 endpoint: str = "database", workdir: Path | None = None, tools: Path | None = None,
                 model_name: str = "interop", serve: bool = False):
        self.requirer, self.provider = requirer, provider
        self.juju_version = juju_version
        self.apps = {requirer_app: (requirer, requirer_units), provider_app: (provider, provider_units)}
        self.requirer_app, self.provider_app = requirer_app, provider_app
        self.relation_id, self.endpoint = relation_id, endpoint
        self.tools = Path(tools or tools_executable())
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="interop-", dir=os.environ.get("INTEROP_TMP")))
        self.model = self.dir / "model.json"
        self.bin = self.dir / "bin"
        self.model_name = model_name
        # serve: the tools talk to a `fake-juju-tools serve` holding the model in memory (as
        # Juju's hook tools talk to the unit agent), instead of each rereading the model file.
        self.socket = self.dir / "tools.sock" if serve else None
        self.server: subprocess.Popen | None = None
        self.runs: list[HookRun] = []
        self.seen: dict[str, dict] = {}
        self._setup()

    # -- setup ----------------------------------------------------------------------------------

    def _tool(self, *args: str) -> str:
        res = subprocess.run([str(self.tools), *args], capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f"fake-juju-tools {' '.join(args)} failed: {res.stderr.strip()}")
        return res.stdout

    def _setup(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        req_n = self.apps[self.requirer_app][1]
        prov_n = self.apps[self.provider_app][1]
        self._tool("init", "--model", str(self.model), "--relation", str(self.relation_id), "--endpoint",
                   self.endpoint, "--requirer", f"{self.requirer_app}:{req_n}", "--provider",
                   f"{self.provider_app}:{prov_n}", "--juju-version", self.juju_version)
        self._tool("install", str(self.bin), "--model", str(self.model))
        if self.socket:
            self.server = subprocess.Popen([str(self.tools), "serve", "--model", str(self.model), "--socket", str(self.socket)],
                                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            self.server.stdout.readline()  # "serving ..." once it listens
        self.model_uuid = self._find_uuid(self.dump()) or DEFAULT_MODEL_UUID
        for unit in self.units():
            charm = self.charm_of(unit)
            cdir = self.charm_dir(unit)
            if charm.source:
                shutil.copytree(charm.source, cdir, ignore=shutil.ignore_patterns(
                    "__pycache__", ".unit-state.db", "*-record.json", "pebble-layer.json"))
            else:
                cdir.mkdir(parents=True)
                (cdir / "metadata.yaml").write_text(f"name: {charm.name}\n")

    @staticmethod
    def _find_uuid(value) -> str | None:
        """The model UUID from `dump`, wherever the dump keeps it (a key mentioning uuid)."""
        if isinstance(value, dict):
            for k, v in value.items():
                if "uuid" in k.lower() and isinstance(v, str) and len(v) == 36:
                    return v
            for v in value.values():
                if isinstance(v, dict) and (found := Relation._find_uuid(v)):
                    return found
        return None

    def store(self) -> list[str]:
        """How admin commands name the model: the socket when served, else the file."""
        return ["--socket", str(self.socket)] if self.socket else ["--model", str(self.model)]

    def save(self) -> None:
        """Makes the model file current (the server keeps the model in memory)."""
        if self.socket:
            self._tool("save", "--socket", str(self.socket))

    def reload(self) -> None:
        """After the model file was replaced from outside: the server reads it again."""
        if self.socket:
            self._tool("load", "--socket", str(self.socket))

    def dump(self) -> dict:
        return json.loads(self._tool("dump", *self.store()))

    def units(self, app: str | None = None) -> list[str]:
        apps = [app] if app else [self.requirer_app, self.provider_app]
        return [f"{a}/{i}" for a in apps for i in range(self.apps[a][1])]

    def app_of(self, unit: str) -> str:
        return unit.split("/")[0]

    def remote_app(self, unit: str) -> str:
        return self.provider_app if self.app_of(unit) == self.requirer_app else self.requirer_app

    def charm_of(self, unit: str) -> Charm:
        return self.apps[self.app_of(unit)][0]

    def charm_dir(self, unit: str) -> Path:
        return self.dir / "charms" / unit.replace("/", "-")

    # -- hook environment -----------------------------------------------------------------------

    def base_env(self, unit: str) -> dict[str, str]:
        return {
            "PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.dir),
            "LANG": "C.UTF-8",
            **({"FAKE_JUJU_SOCKET": str(self.socket)} if self.socket else {"FAKE_JUJU_MODEL": str(self.model)}),
            "JUJU_UNIT_NAME": unit,
            "JUJU_VERSION": self.juju_version,
            "JUJU_CHARM_DIR": str(self.charm_dir(unit)),
            "JUJU_MODEL_NAME": self.model_name,
            "JUJU_MODEL_UUID": self.model_uuid,
        }

    def hook_env(self, unit: str, hook: str, remote_unit: str = "", calls_file: Path | None = None) -> dict[str, str]:
        env = self.base_env(unit)
        env.update({
            "JUJU_DISPATCH_PATH": f"hooks/{self.endpoint}-{hook}",
            "JUJU_HOOK_NAME": f"{self.endpoint}-{hook}",
            "JUJU_RELATION": self.endpoint,
            "JUJU_RELATION_ID": f"{self.endpoint}:{self.relation_id}",
            "JUJU_REMOTE_APP": self.remote_app(unit),
            "JUJU_REMOTE_UNIT": remote_unit,
        })
        if hook == "relation-departed":
            env["JUJU_DEPARTING_UNIT"] = remote_unit
        if calls_file:
            env["FAKE_JUJU_CALLS"] = str(calls_file)
        env.update(self.charm_of(unit).env)
        return env

    def fire(self, unit: str, hook: str, remote_unit: str = "", fail: str = "", measure: str = "rss") -> HookRun:
        """Run one hook of `unit` as a process and record it.

        Juju's commit rule holds: `hook-begin`/`hook-end` around the process make the fake model
        discard the relation data and secrets of a hook that exits non-zero. `fail` names tools
        (comma-separated) that fail in this hook (FAKE_JUJU_FAIL), to script a crash mid-hook.
        `measure`: "rss" runs the hook under GNU time for its peak RSS (the wall time then
        includes GNU time's fork and exec); "time" spawns it bare for the exact wall time.
        """
        calls_file = self.dir / "calls" / f"{len(self.runs):04d}-{unit.replace('/', '-')}-{hook}.jsonl"
        calls_file.parent.mkdir(exist_ok=True)
        calls_file.touch()
        if hook == "relation-changed":
            self.seen[unit] = self.view(unit)
        charm = self.charm_of(unit)
        env = self.hook_env(unit, hook, remote_unit, calls_file)
        if fail:
            env["FAKE_JUJU_FAIL"] = fail
        self._tool("hook-begin", *self.store())
        runner = run_timed if measure == "time" else run_measured
        code, out, err, wall, rss = runner(charm.argv, env, self.charm_dir(unit))
        self._tool("hook-end", *self.store(), "--exit-code", str(code))
        if code != 0:
            self.seen.pop(unit, None)  # Juju retries a failed hook: its view counts as unseen
        calls = [json.loads(line) for line in calls_file.read_text().splitlines() if line.strip()]
        run = HookRun(unit, f"{self.endpoint}-{hook}", remote_unit, code, calls, wall, rss, out, err)
        self.runs.append(run)
        return run

    # -- what a unit can see --------------------------------------------------------------------

    def relation_get(self, as_unit: str, who: str, app: bool = False) -> dict | None:
        env = self.base_env(as_unit)
        argv = [str(self.bin / "relation-get"), "--format=json", "-r", f"{self.endpoint}:{self.relation_id}"]
        if app:
            argv.append("--app")
        argv += ["-", who]
        res = subprocess.run(argv, env=env, capture_output=True, text=True)
        if res.returncode != 0:
            return None
        return json.loads(res.stdout or "null") or {}

    def view(self, unit: str) -> dict:
        """The bags `unit` sees change in: the remote application bag and each remote unit bag."""
        remote = self.remote_app(unit)
        v = {remote: self.relation_get(unit, remote, app=True)}
        for r in self.units(remote):
            v[r] = self.relation_get(unit, r)
        return v

    # -- the relation's life --------------------------------------------------------------------

    def create(self) -> None:
        for unit in self.units():
            self.fire(unit, "relation-created")

    def join(self) -> None:
        for unit in self.units():
            for remote in self.units(self.remote_app(unit)):
                self.fire(unit, "relation-joined", remote)
                self.fire(unit, "relation-changed", remote)

    def pending(self) -> list[tuple[str, str]]:
        """(unit, remote unit or "") for every unit whose view changed since it last ran."""
        out = []
        for unit in self.units():
            now, before = self.view(unit), self.seen.get(unit, {})
            remote_app = self.remote_app(unit)
            if now.get(remote_app) != before.get(remote_app):
                out.append((unit, ""))
                continue
            for r in self.units(remote_app):
                if now.get(r) != before.get(r):
                    out.append((unit, r))
                    break
        return out

    def settle(self, limit: int = 20) -> None:
        for _ in range(limit):
            todo = self.pending()
            if not todo:
                return
            unit, remote = todo[0]
            self.fire(unit, "relation-changed", remote)
        raise RuntimeError("relation did not settle")

    def establish(self) -> None:
        self.create()
        self.join()
        self.settle()

    def remove(self) -> None:
        for unit in self.units():
            for remote in self.units(self.remote_app(unit)):
                self.fire(unit, "relation-departed", remote)
        for unit in self.units():
            self.fire(unit, "relation-broken")

    def report(self) -> str:
        return "\n".join(r.line() for r in self.runs)

    def failures(self) -> list[HookRun]:
        return [r for r in self.runs if r.exit_code != 0]

    def cleanup(self) -> None:
        if self.server and self.server.poll() is None:
            subprocess.run([str(self.tools), "stop", "--socket", str(self.socket)], capture_output=True)
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
