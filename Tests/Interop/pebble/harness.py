"""The Pebble interop harness: a fresh `fake-pebble` per case, and two clients behind one interface.

`OpsClient` calls ops 3.9's real `ops.pebble.Client`; `SwiftClient` sends the same commands to
`pebble-client-driver` (Tests/Interop/PebbleClientDriver), which calls the Swift `PebbleClient`.
Both answer every call in one normal form (JSON values only):

    {"result": <value>}
    {"error": {"type": "APIError" | "ChangeError" | "ConnectionError" | "TimeoutError" |
                       "PathError" | "ProtocolError",
               "code": <HTTP status, APIError only, else null>,
               "message": <APIError/PathError: Pebble's message; ChangeError: the change's err;
                           otherwise the client's own text>,
               "kind": <Pebble's error kind (APIError, PathError) or null>,
               "change": <the failed change's id (ChangeError) or null>}}

Values: a change is {id, kind, summary, status, ready, err, tasks: [{kind, summary, status, log}]}
with each log line's leading timestamp removed; a service {name, startup, current}; a file
{path, name, type, size, permissions ("644"), user_id, user, group_id, group}; a notice {id,
user_id, type, key, occurrences, last_data, repeat_after, expire_after} (durations in seconds);
the plan is ops' `Plan.to_dict()`; file content is {"text": ...} or {"hex": ...}.

Every process the harness starts carries PEBBLE_INTEROP_RUN=<run>/<case>/<client> in its
environment (fake-pebble passes it on to the services it runs), so leftovers can be found in /proc
and killed whatever happened.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import ops.pebble as pebble

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BUILD = Path(os.environ.get("INTEROP_BUILD_DIR") or ROOT / ".build" / "debug").resolve()
FAKE_PEBBLE = Path(os.environ.get("FAKE_PEBBLE") or BUILD / "fake-pebble")
DRIVER = Path(os.environ.get("PEBBLE_CLIENT_DRIVER") or BUILD / "pebble-client-driver")
MARKER = "PEBBLE_INTEROP_RUN"
RUN_ID = f"{os.getpid()}.{int(time.time())}"

# How long one driver answer may take (wait_change defaults to 30 s).
DRIVER_ANSWER_TIMEOUT = 90.0


class Failed(AssertionError):
    """An expectation of a case did not hold."""


def check(cond: Any, msg: str) -> None:
    if not cond:
        raise Failed(msg)


def equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise Failed(f"{what}:\n    got      {json.dumps(actual, sort_keys=True)}\n"
                     f"    expected {json.dumps(expected, sort_keys=True)}")


# MARK: - Processes


def marked_pids(prefix: str) -> list[int]:
    """Processes whose PEBBLE_INTEROP_RUN starts with `prefix` (zombies have no environ: skipped)."""
    needle = f"{MARKER}=".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        for item in env.split(b"\0"):
            if item.startswith(needle) and item[len(needle):].decode(errors="replace").startswith(prefix):
                found.append(int(entry))
                break
    return found


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def kill_marked(prefix: str, settle: float = 2.0) -> list[str]:
    """Waits up to `settle` seconds for marked processes to go, then SIGKILLs what is left.
    Returns a description of each process that had to be killed."""
    deadline = time.monotonic() + settle
    pids = marked_pids(prefix)
    while pids and time.monotonic() < deadline:
        time.sleep(0.05)
        pids = marked_pids(prefix)
    killed = []
    for pid in pids:
        killed.append(f"{pid} ({command_line(pid)})")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return killed


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


class Daemon:
    """One fake-pebble on a socket inside `tmp`, files root `tmp/root`."""

    def __init__(self, tmp: Path, tag: str, okay_delay: str | None):
        self.tmp = tmp
        self.tag = tag
        self.okay_delay = okay_delay
        self.socket = tmp / "pebble.socket"
        self.root = tmp / "root"
        self.log_path = tmp / "fake-pebble.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        args = [str(FAKE_PEBBLE), "--socket", str(self.socket), "--files-root", str(self.root)]
        if self.okay_delay is not None:
            args += ["--okay-delay", self.okay_delay]
        env = dict(os.environ, **{MARKER: self.tag})
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.tmp, env=env, start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if "fake-pebble: listening at" in self.log():
                return
            if self.proc.poll() is not None:
                raise Failed(f"fake-pebble exited with {self.proc.returncode} before listening:\n{self.log()}")
            time.sleep(0.02)
        raise Failed(f"fake-pebble did not listen within 15 s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> list[str]:
        """SIGTERM, as a container runtime stops Pebble; checks it exits 0 and removes its socket.
        Falls back to SIGKILL of its process group. Returns the problems seen."""
        problems: list[str] = []
        if self.proc is None:
            return problems
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                problems.append("fake-pebble did not exit within 15 s of SIGTERM (killed its process group)")
                kill_group(self.proc)
        else:
            problems.append(f"fake-pebble had exited before the end of the case (code {self.proc.returncode})")
        if self.proc.returncode not in (0, None) and not problems:
            problems.append(f"fake-pebble exited with {self.proc.returncode} on SIGTERM")
        if self.socket.exists() or self.socket.is_symlink():
            problems.append(f"fake-pebble left its socket {self.socket}")
            self.socket.unlink()
        return problems


# MARK: - Normal form (ops side)


def strip_timestamp(line: str) -> str:
    return line.split(" ", 1)[1] if " " in line else line


def enum_value(v: Any) -> Any:
    return getattr(v, "value", v)


def norm_change(ch: pebble.Change) -> dict:
    return {
        "id": str(ch.id), "kind": ch.kind, "summary": ch.summary, "status": ch.status, "ready": ch.ready,
        "err": ch.err or None,
        "tasks": [{"kind": t.kind, "summary": t.summary, "status": t.status,
                   "log": [strip_timestamp(line) for line in t.log]} for t in ch.tasks],
    }


def norm_service(s: pebble.ServiceInfo) -> dict:
    return {"name": s.name, "startup": enum_value(s.startup), "current": enum_value(s.current)}


def norm_file(f: pebble.FileInfo) -> dict:
    return {"path": f.path, "name": f.name, "type": enum_value(f.type), "size": f.size,
            "permissions": f"{f.permissions:03o}", "user_id": f.user_id, "user": f.user,
            "group_id": f.group_id, "group": f.group}


def seconds(td: datetime.timedelta | None) -> float | None:
    return None if td is None else td.total_seconds()


def norm_notice(n: pebble.Notice) -> dict:
    return {"id": n.id, "user_id": n.user_id, "type": enum_value(n.type), "key": n.key,
            "occurrences": n.occurrences, "last_data": dict(n.last_data),
            "repeat_after": seconds(n.repeat_after), "expire_after": seconds(n.expire_after)}


def norm_error(e: Exception) -> dict:
    err = {"type": type(e).__name__, "code": None, "message": str(e), "kind": None, "change": None}
    if isinstance(e, pebble.APIError):
        err.update(code=e.code, message=e.message, kind=(e.body.get("result") or {}).get("kind"))
    elif isinstance(e, pebble.ChangeError):
        err.update(message=e.err, change=str(e.change.id))
    elif isinstance(e, pebble.PathError):
        err.update(message=e.message, kind=e.kind)
    return {"error": err}


# MARK: - Clients


class Client:
    """One client of the daemon under test. `call` answers in the normal form and records the
    call in `transcript`; `ok` and `err` expect success or failure."""

    name = "?"

    def __init__(self, socket: Path):
        self.socket = str(socket)
        self.transcript: list[dict] = []

    def call(self, op: str, _compare: bool = True, **args: Any) -> dict:
        answer = self.invoke(op, args)
        self.transcript.append({"op": op, "args": args, "answer": answer, "compare": _compare})
        return answer

    def ok(self, op: str, _compare: bool = True, **args: Any) -> Any:
        answer = self.call(op, _compare, **args)
        if "result" not in answer:
            raise Failed(f"{op} {json.dumps(args)} failed: {json.dumps(answer)}")
        return answer["result"]

    def err(self, op: str, _compare: bool = True, **args: Any) -> dict:
        answer = self.call(op, _compare, **args)
        if "error" not in answer:
            raise Failed(f"{op} {json.dumps(args)} succeeded ({json.dumps(answer)}), expected an error")
        return answer["error"]

    def invoke(self, op: str, args: dict) -> dict:
        raise NotImplementedError

    def close(self) -> list[str]:
        return []


class OpsClient(Client):
    """ops.pebble.Client (ops 3.9.0), in this process."""

    name = "ops"

    def client(self, args: dict) -> pebble.Client:
        return pebble.Client(socket_path=args.pop("socket", self.socket))

    def invoke(self, op: str, args: dict) -> dict:
        args = dict(args)
        c = self.client(args)
        try:
            return {"result": self.dispatch(c, op, args)}
        except pebble.Error as e:
            return norm_error(e)

    @staticmethod
    def dispatch(c: pebble.Client, op: str, a: dict) -> Any:
        timeout = a.get("timeout", 30.0)
        if op == "system_info":
            return {"version": c.get_system_info().version}
        if op == "can_connect":  # ops.model.Container.can_connect
            try:
                c.get_system_info()
                return True
            except (pebble.ConnectionError, FileNotFoundError, pebble.APIError):
                return False
        if op == "add_layer":
            c.add_layer(a["label"], a["layer"], combine=a.get("combine", False))
            return True
        if op == "get_plan":
            return c.get_plan().to_dict()
        if op == "get_services":
            return [norm_service(s) for s in c.get_services(a.get("names") or None)]
        if op == "start":
            return c.start_services(a["services"], timeout=timeout)
        if op == "stop":
            return c.stop_services(a["services"], timeout=timeout)
        if op == "restart":
            return c.restart_services(a["services"], timeout=timeout)
        if op == "replan":
            return c.replan_services(timeout=timeout)
        if op == "autostart":
            return c.autostart_services(timeout=timeout)
        if op == "send_signal":
            c.send_signal(a["signal"], a["services"])
            return True
        if op == "wait_change":
            return norm_change(c.wait_change(pebble.ChangeID(a["change"]), timeout=a.get("timeout", 30.0)))
        if op == "get_change":
            return norm_change(c.get_change(pebble.ChangeID(a["change"])))
        if op == "get_changes":
            select_ = pebble.ChangeState(a.get("select", "in-progress"))
            changes = c.get_changes(select=select_, service=a.get("service"))
            return [norm_change(ch) for ch in sorted(changes, key=lambda ch: int(ch.id))]
        if op == "abort_change":
            return norm_change(c.abort_change(pebble.ChangeID(a["change"])))
        if op == "push":
            source = a["text"] if "text" in a else bytes.fromhex(a["hex"])
            c.push(a["path"], source, make_dirs=a.get("make_dirs", False), permissions=a.get("permissions"),
                   user_id=a.get("user_id"), user=a.get("user"), group_id=a.get("group_id"), group=a.get("group"))
            return True
        if op == "pull":
            if a.get("binary"):
                with c.pull(a["path"], encoding=None) as f:
                    return {"hex": f.read().hex()}
            with c.pull(a["path"]) as f:
                return {"text": f.read()}
        if op == "list_files":
            return [norm_file(f) for f in c.list_files(a["path"], pattern=a.get("pattern"), itself=a.get("itself", False))]
        if op == "make_dir":
            c.make_dir(a["path"], make_parents=a.get("make_parents", False), permissions=a.get("permissions"),
                       user_id=a.get("user_id"), user=a.get("user"), group_id=a.get("group_id"), group=a.get("group"))
            return True
        if op == "remove_path":
            c.remove_path(a["path"], recursive=a.get("recursive", False))
            return True
        if op in ("exists", "isdir"):  # ops.model.Container.exists / isdir
            try:
                files = c.list_files(a["path"], itself=True)
            except pebble.APIError as e:
                if e.code == 404:
                    return False
                raise
            return True if op == "exists" else files[0].type == pebble.FileType.DIRECTORY
        if op == "notify":
            kwargs: dict[str, Any] = {}
            if "data" in a:
                kwargs["data"] = a["data"]
            if a.get("repeat_after") is not None:
                kwargs["repeat_after"] = datetime.timedelta(seconds=a["repeat_after"])
            return c.notify(pebble.NoticeType.CUSTOM, a["key"], **kwargs)
        if op == "get_notices":
            return [norm_notice(n) for n in c.get_notices(types=a.get("types"), keys=a.get("keys"))]
        if op == "get_notice":
            return norm_notice(c.get_notice(a["id"]))
        raise ValueError(f"unknown op {op}")


class SwiftClient(Client):
    """The Swift PebbleClient, through pebble-client-driver (one process for the whole case)."""

    name = "swift"

    def __init__(self, socket: Path, tmp: Path, tag: str):
        super().__init__(socket)
        self.stderr_path = tmp / "driver.stderr"
        env = dict(os.environ, **{MARKER: tag})
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen([str(DRIVER), "--socket", self.socket], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, env=env, start_new_session=True)
        self.buffer = b""

    def invoke(self, op: str, args: dict) -> dict:
        line = json.dumps(dict(args, op=op)) + "\n"
        try:
            self.proc.stdin.write(line.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise Failed(f"pebble-client-driver is gone (code {self.proc.poll()}): {self.stderr()}") from None
        answer = json.loads(self.read_line())
        if "driver-error" in answer:
            raise Failed(f"pebble-client-driver refused {op} {json.dumps(args)}: {answer['driver-error']}")
        return answer

    def read_line(self) -> str:
        deadline = time.monotonic() + DRIVER_ANSWER_TIMEOUT
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Failed(f"pebble-client-driver did not answer within {DRIVER_ANSWER_TIMEOUT:.0f} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise Failed(f"pebble-client-driver exited (code {self.proc.wait()}): {self.stderr()}")
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace").strip()
        except OSError:
            return ""

    def close(self) -> list[str]:
        problems = []
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=5)
            if code != 0:
                problems.append(f"pebble-client-driver exited with {code}: {self.stderr()}")
        except subprocess.TimeoutExpired:
            problems.append("pebble-client-driver did not exit at end of input (killed)")
            kill_group(self.proc)
        self.proc.stdout.close()
        return problems


# MARK: - Comparing what the two clients saw

CLIENT_WORDED = {"ConnectionError", "TimeoutError", "ProtocolError"}


def canonical(entry: dict, tmp: Path) -> str:
    """The recorded call as text, with what legitimately differs between the two runs taken out:
    the per-run temp dir, the random digits of Pebble's temporary file names, and the wording of
    errors each client makes up itself (connection, timeout, protocol: only the type counts)."""
    answer = entry["answer"]
    if "error" in answer and answer["error"]["type"] in CLIENT_WORDED:
        answer = {"error": dict(answer["error"], message="<client's own words>")}
    text = json.dumps({"op": entry["op"], "args": entry["args"], "answer": answer}, sort_keys=True)
    text = text.replace(str(tmp), "<TMP>")
    return re.sub(r"\.\d+~", ".<digits>~", text)


def compare(ops: Client, ops_tmp: Path, swift: Client, swift_tmp: Path) -> str | None:
    """None when both transcripts agree (calls marked _compare=False excepted), else the first difference."""
    a = [canonical(e, ops_tmp) if e["compare"] else f"(not compared) {e['op']}" for e in ops.transcript]
    b = [canonical(e, swift_tmp) if e["compare"] else f"(not compared) {e['op']}" for e in swift.transcript]
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"call {i + 1} differs:\n    ops   {x}\n    swift {y}"
    if len(a) != len(b):
        return f"ops made {len(a)} calls, swift {len(b)}"
    return None
