"""Foundation benchmark: start-up, sign-in and event append, each against a floor.

``python -m benchmarks.foundation [--runs N] [--json]`` prints medians of several runs and
ratios against floors measured in the same run, with PASS/MISS against each target. It
is a measurement, not a test: it exits 0 whatever the verdicts, non-zero only on errors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.secret_service import secret_service

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "DUTY_DESK_SHOWN"
USERNAME, PASSWORD = "admin", "bench-password-123"
STARTUP_RATIO_TARGET = 1.3
SIGN_IN_TARGET_S = 1.0
APPEND_P99_TARGET_MS, APPEND_RATIO_TARGET = 20.0, 3.0
APPEND_WARMUP = 100


class BenchmarkError(RuntimeError):
    pass


def p99(values: Sequence[float]) -> float:
    """Nearest-rank 99th percentile: the smallest value with 99% of values at or below."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(0.99 * len(ordered))) - 1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("QT_QPA_PLATFORM") and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["DUTY_DESK_EXIT_WHEN_SHOWN"] = "1"
    return env


def time_to_shown(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from just before Popen to reading the SHOWN line; the child must exit 0."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            elapsed = _read_until_shown(proc, start)
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if elapsed is None or code != 0:
            stderr.seek(0)
            tail = stderr.read().decode(errors="replace")[-1500:]
            said = "printed" if elapsed is not None else f"never printed {SHOWN}, and"
            raise BenchmarkError(f"{' '.join(argv[1:])} {said} exited {code}:\n{tail}")
    return elapsed


def _read_until_shown(proc: subprocess.Popen[bytes], start: float) -> float | None:
    assert proc.stdout is not None
    for line in iter(proc.stdout.readline, b""):
        if line.strip() == SHOWN.encode():
            elapsed = time.perf_counter() - start
            proc.stdout.read()  # drain anything after, until the child exits
            return elapsed
    return None


def bench_startup(data_dir: Path, runs: int) -> dict[str, Any]:
    env = child_env()
    app = [sys.executable, "-m", "duty_desk", "--data-dir", str(data_dir)]
    bare = [sys.executable, "-m", "benchmarks.bare_qt"]
    time_to_shown(app, env)  # warm-up: bytecode caches, page cache, fontconfig cache
    time_to_shown(bare, env)
    app_s: list[float] = []
    bare_s: list[float] = []
    for _ in range(runs):
        app_s.append(time_to_shown(app, env))
        bare_s.append(time_to_shown(bare, env))
    ratio = statistics.median(app_s) / statistics.median(bare_s)
    return {
        "app_s": statistics.median(app_s),
        "bare_qt_s": statistics.median(bare_s),
        "ratio": ratio,
        "target_ratio": STARTUP_RATIO_TARGET,
        "pass": ratio <= STARTUP_RATIO_TARGET,
        "app_runs_s": app_s,
        "bare_qt_runs_s": bare_s,
    }


@contextmanager
def bench_desk(data_dir: Path) -> Iterator[None]:
    """A real desk in data_dir (so the app opens on its sign-in window); removed after."""
    from duty_desk.services.desk import create_desk, remove_desk, sign_out
    from duty_desk.services.paths import DeskPaths

    created = create_desk(DeskPaths(data_dir), USERNAME, "Bench Admin", PASSWORD)
    sign_out(created.session)
    try:
        yield
    finally:
        remove_desk(DeskPaths(data_dir))


def bench_sign_in(data_dir: Path, runs: int) -> dict[str, Any]:
    from duty_desk.services.desk import sign_in, sign_out
    from duty_desk.services.paths import DeskPaths

    paths = DeskPaths(data_dir)
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        session = sign_in(paths, USERNAME, PASSWORD)
        times.append(time.perf_counter() - start)
        sign_out(session)
    median = statistics.median(times)
    return {
        "median_s": median,
        "max_s": max(times),
        "target_s": SIGN_IN_TARGET_S,
        "pass": median <= SIGN_IN_TARGET_S,
        "runs_s": times,
    }


RAW_SCHEMA = """
CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, id VARCHAR(36) NOT NULL UNIQUE,
    device_id VARCHAR(36) NOT NULL, seq INTEGER NOT NULL, stream_kind VARCHAR(40) NOT NULL,
    stream_id VARCHAR(64) NOT NULL, type VARCHAR(60) NOT NULL, payload TEXT NOT NULL,
    actor_id VARCHAR(36), actor_role VARCHAR(40), occurred_at VARCHAR(32) NOT NULL,
    hlc VARCHAR(80) NOT NULL, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL,
    UNIQUE (device_id, seq));
CREATE INDEX ix_events_stream_id ON events (stream_id);
"""
RAW_INSERT = "INSERT INTO events VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


class RawLog:
    """The floor: plain stdlib sqlite3, unencrypted, WAL + synchronous=FULL, one row a commit."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.executescript(RAW_SCHEMA)
        self.device_id, self.actor_id = str(uuid.uuid4()), str(uuid.uuid4())
        self.prev_hash = "0" * 64

    def append(self, n: int) -> None:
        now = time.time()
        payload = json.dumps({"n": n}, separators=(",", ":"))
        row_hash = hashlib.sha256(f"{self.prev_hash}{payload}{now}".encode()).hexdigest()
        hlc = f"{int(now * 1000):015d}.{0:05d}.{self.device_id}"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(now))
        row = [str(uuid.uuid4()), self.device_id, n + 1, "bench", "s1", "bench.appended"]
        row += [payload, self.actor_id, "administrator", stamp, hlc, self.prev_hash, row_hash]
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(RAW_INSERT, row)
        self.db.execute("COMMIT")
        self.prev_hash = row_hash

    def close(self) -> None:
        self.db.close()


def bench_append(work_dir: Path, count: int) -> dict[str, Any]:
    """One app append, then one raw append, alternately, so both see the same disk state."""
    from duty_desk.domain.clock import utc_now
    from duty_desk.domain.events import Actor, NewEvent
    from duty_desk.store.database import Store
    from duty_desk.store.unit_of_work import UnitOfWork

    work_dir.mkdir()
    store = Store.create(work_dir / "desk.db", secrets.token_bytes(32))
    raw = RawLog(work_dir / "raw.db")
    device_id, actor = str(uuid.uuid4()), Actor(str(uuid.uuid4()), "administrator")
    app_ms: list[float] = []
    raw_ms: list[float] = []
    try:
        for i in range(APPEND_WARMUP + count):
            start = time.perf_counter()
            with UnitOfWork(store, device_id, actor, utc_now) as uow:
                uow.record(NewEvent("bench", "s1", "bench.appended", {"n": i}))
                uow.commit()
            middle = time.perf_counter()
            raw.append(i)
            end = time.perf_counter()
            if i >= APPEND_WARMUP:
                app_ms.append((middle - start) * 1000)
                raw_ms.append((end - middle) * 1000)
    finally:
        store.close()
        raw.close()
    return append_figures(app_ms, raw_ms)


def append_figures(app_ms: list[float], raw_ms: list[float]) -> dict[str, Any]:
    app_p99, raw_p99 = p99(app_ms), p99(raw_ms)
    ratio = app_p99 / raw_p99
    return {
        "count": len(app_ms),
        "p50_ms": statistics.median(app_ms),
        "p99_ms": app_p99,
        "raw_sqlite3_p50_ms": statistics.median(raw_ms),
        "raw_sqlite3_p99_ms": raw_p99,
        "p50_ratio": statistics.median(app_ms) / statistics.median(raw_ms),
        "p99_ratio": ratio,
        "target_p99_ms": APPEND_P99_TARGET_MS,
        "target_p99_ratio": APPEND_RATIO_TARGET,
        "pass": app_p99 <= APPEND_P99_TARGET_MS and ratio <= APPEND_RATIO_TARGET,
    }


def environment(runs: int) -> dict[str, Any]:
    from PySide6.QtCore import qVersion

    return {
        "runs": runs,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "qt": qVersion(),
        "platform": child_env().get("QT_QPA_PLATFORM") or "xcb (DISPLAY)",
    }


def run(runs: int, appends: int) -> dict[str, Any]:
    results: dict[str, Any] = {"environment": environment(runs)}
    work = Path(tempfile.mkdtemp(prefix="duty-desk-bench-"))
    try:
        with secret_service(), bench_desk(work / "desk"):
            results["sign_in"] = bench_sign_in(work / "desk", runs)
            results["startup"] = bench_startup(work / "desk", runs)
        results["event_append"] = bench_append(work / "append", appends)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {key: results[key] for key in ("environment", "startup", "sign_in", "event_append")}


def report(results: dict[str, Any]) -> str:
    env, up, si, ap = (results[k] for k in ("environment", "startup", "sign_in", "event_append"))
    return "\n".join(
        [
            f"Duty Desk foundation benchmark (N={env['runs']} runs, {env['cores']} cores, "
            f"Python {env['python']}, Qt {env['qt']}, {env['platform']})",
            f"{'start-up to sign-in window':<29}app {up['app_s']:.3f} s   "
            f"bare Qt {up['bare_qt_s']:.3f} s   ratio {up['ratio']:.2f}×  "
            f"(target ≤ {up['target_ratio']:.2f}×)  {verdict(up['pass'])}",
            f"{'sign-in':<29}median {si['median_s']:.3f} s  max {si['max_s']:.3f} s"
            f"{'':16}(target ≤ {si['target_s']:.2f} s)   {verdict(si['pass'])}",
            f"{'event append (fsync)':<29}p50 {ap['p50_ms']:.1f} ms  p99 {ap['p99_ms']:.1f} ms   "
            f"raw sqlite3 p50 {ap['raw_sqlite3_p50_ms']:.1f} ms "
            f"p99 {ap['raw_sqlite3_p99_ms']:.1f} ms   p50 ratio {ap['p50_ratio']:.2f}×  "
            f"p99 ratio {ap['p99_ratio']:.2f}× (target ≤ {ap['target_p99_ms']:.0f} ms and "
            f"≤ {ap['target_p99_ratio']:.0f}×) {verdict(ap['pass'])}",
            f"{'':29}({ap['count']} appends after {APPEND_WARMUP} warm-up, interleaved)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.foundation", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each timed step (7)")
    parser.add_argument("--appends", type=int, default=2000, help="timed event appends (2000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.appends < 1:
        parser.error("--runs and --appends must be at least 1")
    try:
        results = run(args.runs, args.appends)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
