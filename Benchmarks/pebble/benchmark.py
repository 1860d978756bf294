#!/usr/bin/env python3
"""The Pebble benchmark (not a test): a hook process that adds a layer, restarts a service and
waits for the change, against fake-pebble, Swift client vs ops' Python client, side by side.

Variants (Benchmarks/README.md):
  swift   Benchmarks/PebbleHookProbe (static executable, the Swift Pebble client, no Foundation)
  python  Benchmarks/pebble/pebble_hook_probe.py on ops 3.9 (`import ops`, ops.pebble.Client)
Both add the tutorial's layer (`fastapi_demo`, combine, a changed password every run) and
restart `fastapi-service` (a real /bin/sleep under fake-pebble), waiting for the change.

Scenarios, each against its own fake-pebble in the work directory:
  (a) --okay-delay 10ms: Pebble's wait after starting a service shortened, so the client's own
      cost (process start, imports, requests) is what differs;
  (b) the real okay delay, 1 s: end-to-end as in Juju, where Pebble's wait dominates both;
  (c) start-up: the Swift probe's --system-info (one request) vs /bin/true vs HookStartupProbe
      (the project's hook-shaped start-up probe, fed a provider databag), and the Python
      probe's --system-info for reference.

Conventions of Tests/Interop/benchmark.py: cold processes; interleaved rounds (round i of every
variant before round i+1 of any; round 0 warms the page cache and is not counted); each round
runs a variant twice: spawned bare (posix_spawn from here, nothing around it) for the wall
time, and under GNU time (%M) for the peak RSS. Requests are counted in one more, untimed run
per variant through a recording unix-socket proxy in front of fake-pebble; then the plan must
hold the last run's layer and fastapi-service must be active.

Every process started here (fake-pebble, the probes, the services fake-pebble runs) inherits
PEBBLE_BENCH_MARKER; on exit (also on Ctrl-C or a failure) fake-pebble is stopped (SIGTERM,
which stops its services) and /proc is searched for any process still carrying the marker:
those are killed by pid and reported, and the exit status is then non-zero.

Usage: benchmark.py --build DIR --workdir DIR [--runs N] [--skip-real-delay]
Run it through scripts/benchmark-pebble.sh, which builds the static executables first.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GNU_TIME = Path("/usr/bin/time")
MARKER = "PEBBLE_BENCH_MARKER"
BAG = (b'{"database": "names_db", "endpoints": "postgresql-k8s-primary.dev.svc.cluster.local:5432", '
       b'"password": "x7Kq2PmN9vRt4WzYb8Lc3HdJ6FgS1aEu", "tls": "False", "username": "relation_id_7", "version": "14.15"}')


# ---- processes ----------------------------------------------------------------------------

def run_timed(argv: list[str], env: dict[str, str], stdin: str = os.devnull) -> tuple[int, str, str, float]:
    """Spawn with nothing around it (posix_spawn, wait4): (exit code, stdout, stderr, wall ms)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _, status, _ = os.wait4(pid, 0)
        wall = (time.perf_counter() - start) * 1000
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status), out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), wall)


def run_rss(argv: list[str], env: dict[str, str], stdin: str = os.devnull) -> tuple[int, str, str, int]:
    """Run under GNU time: (exit code, stdout, stderr, peak RSS kB of the process)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file, open(stdin, "rb") as inp:
        proc = subprocess.run([str(GNU_TIME), "-q", "-f", "%M", "-o", rss_file.name, *argv], env=env,
                              stdin=inp, capture_output=True)
        lines = rss_file.read().strip().splitlines()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else -1
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"), rss


class FakePebble:
    """One fake-pebble daemon on a socket in the work directory."""

    def __init__(self, executable: Path, workdir: Path, name: str, okay_delay: str, env: dict[str, str]):
        self.socket = workdir / f"{name}.sock"
        self.log = workdir / f"{name}.log"
        self.name = name
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([str(executable), "--socket", str(self.socket), "--okay-delay", okay_delay],
                                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        line = self.proc.stdout.readline().decode(errors="replace")
        if "listening at" not in line:
            self.stop()
            raise SystemExit(f"fake-pebble {name} did not start: {line.strip()} {self.log.read_text()[-500:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


class RecordingProxy:
    """A unix-socket proxy in front of fake-pebble that records each request line it forwards."""

    REQUEST = re.compile(rb"(?:^|\r\n)(GET|POST|PUT|DELETE|HEAD|PATCH) (\S+) HTTP/1\.[01]\r\n")

    def __init__(self, path: Path, upstream: Path):
        self.path, self.upstream = path, upstream
        self.streams: list[bytearray] = []
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        self.listener.listen(16)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        stream = bytearray()
        with self.lock:
            self.streams.append(stream)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(str(self.upstream))

        def pump(src: socket.socket, dst: socket.socket, record: bytearray | None) -> None:
            try:
                while data := src.recv(65536):
                    if record is not None:
                        record.extend(data)
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        up = threading.Thread(target=pump, args=(client, server, stream))
        up.start()
        pump(server, client, None)
        up.join()
        client.close()
        server.close()

    def take(self) -> list[str]:
        """The requests recorded since the last call, in the order their connections opened."""
        with self.lock:
            streams, self.streams = self.streams, []
        return [f"{m.group(1).decode()} {m.group(2).decode()}" for s in streams for m in self.REQUEST.finditer(bytes(s))]

    def close(self) -> None:
        self.listener.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def marked_processes(marker: str) -> list[tuple[int, str]]:
    """Processes (other than this one) whose environment carries PEBBLE_BENCH_MARKER=marker."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append((int(entry.name), cmd))
        except OSError:
            continue
    return found


# ---- variants and statistics ----------------------------------------------------------------

class Variant:
    def __init__(self, name: str, argv: list[str], expect: str, stdin: str = os.devnull, numbered: bool = False):
        self.name, self.argv, self.expect, self.stdin, self.numbered = name, argv, expect, stdin, numbered
        self.walls: list[float] = []
        self.rss: list[int] = []
        self.requests: list[str] = []

    def check(self, code: int, out: str, err: str) -> None:
        if code != 0 or self.expect not in out:
            raise SystemExit(f"{self.name}: exit {code}, stdout {out.strip()[:200]!r}, stderr {err.strip()[-400:]!r}")


class Scenario:
    def __init__(self, title: str, variants: list[Variant], env: dict[str, str], socket_path: Path | None):
        self.title, self.variants, self.env, self.socket = title, variants, env, socket_path

    def env_for(self, run: int, socket_path: Path | None = None) -> dict[str, str]:
        env = dict(self.env)
        if socket_path or self.socket:
            env["PEBBLE_SOCKET"] = str(socket_path or self.socket)
        env["PROBE_RUN"] = str(run)
        return env


RUN = 0


def next_run() -> int:
    global RUN
    RUN += 1
    return RUN


def measure(scenario: Scenario, runs: int) -> None:
    # Round-robin: round i of every variant before round i+1 of any, so that a noisy moment of
    # this machine falls on all of them alike. Round 0 warms the page cache and is not counted.
    for i in range(runs + 1):
        for v in scenario.variants:
            code, out, err, wall = run_timed(v.argv, scenario.env_for(next_run()), v.stdin)
            v.check(code, out, err)
            code, out, err, rss = run_rss(v.argv, scenario.env_for(next_run()), v.stdin)
            v.check(code, out, err)
            if i > 0:
                v.walls.append(wall)
                v.rss.append(rss)


def count_requests(scenario: Scenario, proxy: RecordingProxy) -> None:
    for v in scenario.variants:
        proxy.take()
        code, out, err, _ = run_timed(v.argv, scenario.env_for(next_run(), proxy.path), v.stdin)
        v.check(code, out, err)
        time.sleep(0.05)  # let the proxy's threads see the connections close
        v.requests = proxy.take()


def verify(socket_path: Path, run: int) -> None:
    """The last run's layer is in the plan and fastapi-service runs (ops' client, from here)."""
    import ops  # the interop venv's; imported late so that nothing above depends on it

    client = ops.pebble.Client(socket_path=str(socket_path))
    service = client.get_plan().services.get("fastapi-service")
    password = service.environment.get("DEMO_SERVER_DB_PASSWORD", "") if service else ""
    current = [s.current for s in client.get_services(["fastapi-service"])]
    if not password.endswith(f"-{run}") or current != [ops.pebble.ServiceStatus.ACTIVE]:
        raise SystemExit(f"after run {run}: the plan's password ends {password[-6:]!r}, fastapi-service {current}")


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[8] if len(values) > 1 else values[0]


def report(scenario: Scenario, runs: int, ratio_pairs: list[tuple[str, str]]) -> list[str]:
    lines = [f"{scenario.title}: {runs} cold runs each, interleaved"]
    by_name = {v.name: v for v in scenario.variants}
    for v in scenario.variants:
        lines.append(f"  {v.name:<24} median {statistics.median(v.walls):8.1f} ms  p90 {p90(v.walls):8.1f} ms  "
                     f"(min {min(v.walls):.1f}, max {max(v.walls):.1f})  peak RSS median "
                     f"{statistics.median(v.rss) / 1024:5.1f} MB (max {max(v.rss) / 1024:.1f})  requests {len(v.requests)}")
    for slow, fast in ratio_pairs:
        a, b = by_name[slow], by_name[fast]
        lines.append(f"  {slow} / {fast}: wall median {statistics.median(a.walls) / statistics.median(b.walls):.2f}x, "
                     f"p90 {p90(a.walls) / p90(b.walls):.2f}x; peak RSS {fast} / {slow} "
                     f"{statistics.median(b.rss) / statistics.median(a.rss):.2f}")
    return lines


# ---- main -----------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, required=True, help="directory of fake-pebble, PebbleHookProbe, HookStartupProbe")
    ap.add_argument("--workdir", type=Path, required=True, help="an empty directory for sockets and logs")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--skip-real-delay", action="store_true", help="leave out (b), the 1 s okay delay")
    args = ap.parse_args()
    build, workdir = args.build.resolve(), args.workdir.resolve()
    fake, swift_probe, startup_probe = build / "fake-pebble", build / "PebbleHookProbe", build / "HookStartupProbe"
    py_probe = HERE / "pebble_hook_probe.py"
    for p in (fake, swift_probe, startup_probe, py_probe, GNU_TIME):
        if not p.exists():
            print(f"missing {p}", file=sys.stderr)
            return 2
    marker = os.environ.get(MARKER) or str(workdir)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", MARKER: marker}
    bag = workdir / "provider-bag.json"
    bag.write_bytes(BAG)

    # Ctrl-C raises KeyboardInterrupt; make SIGTERM and SIGHUP unwind the same way.
    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    daemons: list[FakePebble] = []
    proxies: list[RecordingProxy] = []
    out: list[str] = []
    status = 0
    try:
        def hook_variants() -> list[Variant]:
            return [Variant("swift", [str(swift_probe)], "restarted fastapi-service"),
                    Variant("python", [sys.executable, str(py_probe)], "restarted fastapi-service")]

        def hook_scenario(title: str, name: str, delay: str) -> Scenario:
            daemon = FakePebble(fake, workdir, name, delay, env)
            daemons.append(daemon)
            proxy = RecordingProxy(workdir / f"{name}-proxy.sock", daemon.socket)
            proxies.append(proxy)
            s = Scenario(title, hook_variants(), env, daemon.socket)
            print(f"== {title} ...", file=sys.stderr, flush=True)
            measure(s, args.runs)
            count_requests(s, proxy)
            verify(daemon.socket, RUN)
            return s

        # (a) and (c) share the first daemon; (b) gets its own, with the real okay delay.
        a = hook_scenario("(a) add_layer + restart + wait, okay delay 10ms (client cost)", "okay-10ms", "10ms")
        out += report(a, args.runs, [("python", "swift")])
        sa = {v.name: statistics.median(v.walls) for v in a.variants}
        out.append(f"  over the 10 ms okay delay: swift {sa['swift'] - 10:+.1f} ms, python {sa['python'] - 10:+.1f} ms")
        c = Scenario("(c) start-up (one Pebble request: GET /v1/system-info)", [
            Variant("/bin/true", ["/bin/true"], ""),
            Variant("HookStartupProbe", [str(startup_probe)], "violations: 0", stdin=str(bag)),
            Variant("swift --system-info", [str(swift_probe), "--system-info"], "pebble v"),
            Variant("python --system-info", [sys.executable, str(py_probe), "--system-info"], "pebble v"),
        ], env, daemons[0].socket)
        print(f"== {c.title} ...", file=sys.stderr, flush=True)
        measure(c, args.runs)
        count_requests(c, proxies[0])
        out += report(c, args.runs, [("swift --system-info", "/bin/true"), ("HookStartupProbe", "/bin/true"),
                                     ("python --system-info", "swift --system-info")])
        st = {v.name: statistics.median(v.walls) for v in c.variants}
        out.append(f"  swift --system-info over /bin/true: {st['swift --system-info'] - st['/bin/true']:+.2f} ms; "
                   f"over HookStartupProbe: {st['swift --system-info'] - st['HookStartupProbe']:+.2f} ms")
        daemons[0].stop()
        if not args.skip_real_delay:
            b = hook_scenario("(b) add_layer + restart + wait, okay delay 1s (end to end, as in Juju)", "okay-1s", "1s")
            out += report(b, args.runs, [("python", "swift")])
            sb = {v.name: statistics.median(v.walls) for v in b.variants}
            out.append(f"  over the 1 s okay delay: swift {sb['swift'] - 1000:+.1f} ms, python {sb['python'] - 1000:+.1f} ms")
            scenarios = [a, b]
        else:
            scenarios = [a]
        for s in scenarios:
            for v in s.variants:
                out.append(f"  {s.title[:3]} {v.name} requests: " + ", ".join(v.requests))
        print(f"fake-pebble: {fake}; python: {sys.executable}; GNU time for the peak RSS")
        print("\n".join(out))
    except KeyboardInterrupt as e:
        print(f"interrupted ({e or 'Ctrl-C'}): stopping", file=sys.stderr)
        status = 130
    finally:
        for p in proxies:
            p.close()
        for d in daemons:
            d.stop()
        left = marked_processes(marker)
        for pid, cmd in left:
            print(f"left behind: pid {pid}: {cmd}: killing it", file=sys.stderr)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if left:
            status = status or 1
        else:
            print("cleanup: fake-pebble stopped, no process left", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
