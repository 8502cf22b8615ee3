"""Sync benchmark: push against raw inserts, pull and apply, twenty devices at once.

``python -m benchmarks.sync [--runs N] [--events N] [--devices N] [--per-device N] [--json]``
starts its own PostgreSQL (the tests' throwaway server: fsync off, on loopback) and also
measures a SQLite day service file, each with:

- push: N events (default 10,000: ten devices' chains of shifts and enquiries as the
  services record them, made by the real EventLog) through ``DayService.push`` in batches of
  500, against raw ``executemany`` of the same rows into the same table (emptied between),
  one transaction per batch as well; both rates and their ratio (target >= 25% of raw);
- pull and apply: the N events pulled into a fresh real desk (``sync_desk``'s pull side:
  stored, chain-checked, ordered and folded into the projections; target <= 5 s);
- many devices: N devices (default 20, threads with their own store and connection) each
  run ``sync_desk`` at once, twice round; time, errors (target 0) and whether every desk
  ended holding every event.

Medians of --runs runs. A measurement, not a test: it exits 0 whatever the verdicts.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.foundation import verdict
from benchmarks.secret_service import secret_service

PUSH_RATIO_TARGET = 0.25
PULL_TARGET_S = 5.0
BATCH = 500
SOURCES = 10  # devices whose chains make up the pushed and pulled events
TEAM = "bench"
PASSWORD = "bench-password-123"
INSERT_COLUMNS = (
    "id", "team", "device_id", "seq", "stream_kind", "stream_id", "type", "payload",
    "actor_id", "actor_role", "occurred_at", "hlc", "prev_hash", "hash",
)  # fmt: skip


def chains(work: Path, count: int, devices: int, mix: str = "night") -> list[list[Any]]:
    """Per device, ``count // devices`` events: nights of shifts and enquiries with the
    payloads the services make (benchmarks.enquiries), chained by the real EventLog; in the
    "night" mix each enquiry is also opened and saved (``with_edits``), in the "created"
    mix (the worst case for applying) every event but the shifts' makes a new record."""
    from sqlalchemy.orm import Session

    from benchmarks.enquiries import night_events
    from duty_desk.domain.events import Actor
    from duty_desk.services.demo import demo_nights, last_night
    from duty_desk.store.database import Store
    from duty_desk.store.event_log import EventLog

    nights = demo_nights()
    last = last_night(datetime.now(UTC), [night["days_before"] for night in nights])
    store = Store.create(work / "source.db", secrets.token_bytes(32))
    made: list[list[Any]] = []
    try:
        with Session(store.engine) as session:
            for _ in range(devices):
                device_id = str(uuid.uuid4())
                log = EventLog(session, device_id)
                actor = Actor(str(uuid.uuid4()), "duty_social_worker")
                made.append([])
                made_here = night_events(count // devices, device_id, last, nights)
                for moment, new in with_edits(made_here) if mix == "night" else made_here:
                    made[-1].append(log.append(new, actor, moment))
                    if len(made[-1]) == count // devices:
                        break
            session.rollback()  # the events are all we wanted
    finally:
        store.close()
    return made


def with_edits(source: Iterator[tuple[datetime, Any]]) -> Iterator[tuple[datetime, Any]]:
    """After each enquiry is created: opened, saved, opened, saved (a line added to the
    narrative), with the payloads open_enquiry and save_enquiry record."""
    from duty_desk.domain.events import NewEvent, format_instant

    for moment, new in source:
        yield moment, new
        if new.type != "enquiry.created":
            continue
        last = moment  # the enquiry's updated_at, which a save names as what it was made on
        for step in range(1, 5):
            at = moment + timedelta(minutes=step)
            if step % 2:
                yield at, NewEvent("enquiry", new.stream_id, "enquiry.viewed", {"version": 1})
                continue
            payload = {key: new.payload[key] for key in ("version", "shift_id", "due")}
            payload |= {"changes": {"narrative": f"Rang back at {at:%H:%M}; all safe."}}
            yield at, NewEvent("enquiry", new.stream_id, "enquiry.saved", payload | {
                "expected": format_instant(last)
            })  # fmt: skip
            last = at


def row(event: Any) -> tuple[Any, ...]:
    from duty_desk.domain.events import canonical_json, format_instant

    values = {"team": TEAM, "payload": canonical_json(event.payload)}
    values["occurred_at"] = format_instant(event.occurred_at)
    return tuple(values[c] if c in values else getattr(event, c) for c in INSERT_COLUMNS)


class Backend:
    """One kind of day service: a way to empty its table and to insert rows raw."""

    def __init__(self, name: str, new_url: Callable[[], str]) -> None:
        self.name, self.new_url = name, new_url
        self.postgres = name == "PostgreSQL"

    def empty(self, url: str) -> None:
        if self.postgres:
            from tests.postgres import run_sql

            run_sql(url, "TRUNCATE server_events RESTART IDENTITY")
        else:
            with self._sqlite(url) as db:
                db.execute("DELETE FROM server_events")

    def raw_insert(self, url: str, batches: list[list[tuple[Any, ...]]]) -> float:
        """Seconds to executemany every batch, one transaction each (rows made beforehand)."""
        marks = ", ".join(["%s" if self.postgres else "?"] * len(INSERT_COLUMNS))
        insert = f"INSERT INTO server_events ({', '.join(INSERT_COLUMNS)}) VALUES ({marks})"  # noqa: S608
        if self.postgres:
            from tests.postgres import connect

            with connect(url, autocommit=False) as db:
                start = time.perf_counter()
                for batch in batches:
                    with db.cursor() as cursor:
                        cursor.executemany(insert, batch)
                    db.commit()
                return time.perf_counter() - start
        with self._sqlite(url) as db:
            start = time.perf_counter()
            for batch in batches:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(insert, batch)
                db.execute("COMMIT")
            return time.perf_counter() - start

    @contextmanager
    def _sqlite(self, url: str) -> Iterator[sqlite3.Connection]:
        from sqlalchemy.engine import make_url

        db = sqlite3.connect(str(make_url(url).database), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # as the day service's own connections
        try:
            yield db
        finally:
            db.close()


def push_all(service: Any, made: Sequence[Sequence[Any]]) -> float:
    start = time.perf_counter()
    for events in made:
        for first in range(0, len(events), BATCH):
            service.push(TEAM, events[0].device_id, events[first : first + BATCH])
    return time.perf_counter() - start


def bench_push(backend: Backend, url: str, made: list[list[Any]], runs: int) -> dict[str, Any]:
    """Raw, then the service, alternately; the service's events stay for the pull."""
    from duty_desk.sync.server import DayService

    count = sum(len(events) for events in made)
    batches = [
        [row(e) for e in events[first : first + BATCH]]
        for events in made
        for first in range(0, len(events), BATCH)
    ]
    service = DayService.connect(url)
    push_s: list[float] = []
    raw_s: list[float] = []
    try:
        for _ in range(runs):
            backend.empty(url)
            raw_s.append(backend.raw_insert(url, batches))
            backend.empty(url)
            push_s.append(push_all(service, made))
    finally:
        service.close()
    push_rate, raw_rate = count / statistics.median(push_s), count / statistics.median(raw_s)
    return {
        "events": count,
        "push_s": statistics.median(push_s),
        "raw_s": statistics.median(raw_s),
        "push_per_s": push_rate,
        "raw_per_s": raw_rate,
        "ratio": push_rate / raw_rate,
        "pass": push_rate / raw_rate >= PUSH_RATIO_TARGET,
    }


def bench_pull(url: str, work: Path, count: int, runs: int) -> dict[str, Any]:
    """Pull and apply every event into a fresh real desk (made with a password and the
    keyring, as the app makes one; its making is not timed)."""
    from duty_desk.domain.clock import utc_now
    from duty_desk.services.desk import create_desk, remove_desk
    from duty_desk.services.paths import DeskPaths
    from duty_desk.sync import client
    from duty_desk.sync.server import DayService

    times: list[float] = []
    for run in range(runs):
        paths = DeskPaths(work / f"pull-{run}")
        desk = create_desk(paths, "admin", "Bench Admin", PASSWORD).session.desk
        service = DayService.connect(url)
        try:
            report = client.SyncReport(utc_now())
            start = time.perf_counter()
            client.pull(desk.store, desk.device_id, service, TEAM, report, batch=BATCH)
            times.append(time.perf_counter() - start)
            if report.pulled != count:
                raise RuntimeError(f"pulled {report.pulled} of {count} events")
        finally:
            service.close()
            desk.close()
            remove_desk(paths)
    median = statistics.median(times)
    return {"events": count, "median_s": median, "runs_s": times, "pass": median <= PULL_TARGET_S}


def bench_many(url: str, work: Path, devices: int, per_device: int) -> dict[str, Any]:
    """``devices`` desks, each with its own events, sync at once, twice round: the second
    round once every desk has finished its first, so each should then hold every event."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from duty_desk.store.database import Store
    from duty_desk.store.event_log import EventLog
    from duty_desk.store.schema import EventRow
    from duty_desk.sync.client import sync_desk
    from duty_desk.sync.server import DayService

    made = chains(work, devices * per_device, devices)
    key = secrets.token_bytes(32)
    Store.create(work / "template.db", key).close()
    stores = []
    for n, events in enumerate(made):
        shutil.copyfile(work / "template.db", work / f"desk-{n}.db")
        store = Store.open(work / f"desk-{n}.db", key)
        with Session(store.engine) as session:
            for event in events:
                EventLog(session, event.device_id).insert(event)
            session.commit()
        stores.append((store, events[0].device_id))
    errors: list[str] = []
    pushed = threading.Barrier(len(stores))

    def one(store: Any, device_id: str) -> None:
        service = DayService.connect(url)
        try:
            sync_desk(store, device_id, service, TEAM)  # all its own sent, some others' taken
            pushed.wait()  # the second round starts once every desk has sent everything
            sync_desk(store, device_id, service, TEAM)
        except threading.BrokenBarrierError:
            pass  # another desk failed: its error is the one counted
        except Exception as error:  # counted and reported
            errors.append(f"{type(error).__name__}: {error}")
            pushed.abort()
        finally:
            service.close()

    threads = [threading.Thread(target=one, args=pair) for pair in stores]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    total = devices * per_device
    held = []
    for store, _ in stores:
        with Session(store.engine) as session:
            held.append(session.execute(select(func.count()).select_from(EventRow)).scalar_one())
        store.close()
    return {
        "devices": devices,
        "events": total,
        "seconds": seconds,
        "errors": len(errors),
        "first_errors": errors[:3],
        "converged": all(count == total for count in held),
        "pass": not errors and all(count == total for count in held),
    }


def run_backend(backend: Backend, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from duty_desk.sync.server import DayService

    url = backend.new_url()
    DayService.init(url)
    made = chains(work, args.events, SOURCES, args.mix)
    results = {"push": bench_push(backend, url, made, args.runs)}
    results["pull"] = bench_pull(url, work, results["push"]["events"], args.runs)
    many = backend.new_url()
    DayService.init(many)
    (work / "many").mkdir()
    results["many"] = bench_many(many, work / "many", args.devices, args.per_device)
    return results


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tests.postgres import running_postgres

    results: dict[str, Any] = {"environment": environment(args)}
    work = Path(tempfile.mkdtemp(prefix="duty-desk-bench-sync-"))
    try:
        with secret_service(), running_postgres() as server:
            results["environment"]["postgresql"] = server_version(server.superuser_url)
            postgres = Backend("PostgreSQL", server.new_database)
            (work / "pg").mkdir()
            results["PostgreSQL"] = run_backend(postgres, work / "pg", args)
            files = iter(range(1, 100))
            sqlite = Backend("SQLite", lambda: f"sqlite:///{work}/day-{next(files)}.sqlite")
            (work / "sqlite").mkdir()
            results["SQLite"] = run_backend(sqlite, work / "sqlite", args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["environment"]["load_after"] = os.getloadavg()
    return results


def server_version(url: str) -> str:
    from tests.postgres import run_sql

    return str(run_sql(url, "SHOW server_version")[0][0])


def environment(args: argparse.Namespace) -> dict[str, Any]:
    import platform

    return {
        "runs": args.runs,
        "mix": args.mix,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
    }


def report(results: dict[str, Any]) -> str:
    env = results["environment"]
    load = ", ".join(f"{value:.1f}" for value in env["load_before"])
    lines = [
        f"Duty Desk sync benchmark (N={env['runs']} runs, {env['cores']} cores, Python "
        f"{env['python']}, PostgreSQL {env['postgresql']} with fsync off; load average "
        f"{load} before)"
    ]
    for name in ("PostgreSQL", "SQLite"):
        push, pull, many = (results[name][k] for k in ("push", "pull", "many"))
        lines += [
            f"{name}:",
            f"  push {push['events']:,} events in {BATCH}s   service {push['push_per_s']:,.0f}/s "
            f"({push['push_s']:.2f} s)   raw executemany {push['raw_per_s']:,.0f}/s "
            f"({push['raw_s']:.2f} s)   {push['ratio']:.0%} of raw (target >= "
            f"{PUSH_RATIO_TARGET:.0%})  {verdict(push['pass'])}",
            f"  pull and apply {pull['events']:,} events ({env['mix']} mix) into a fresh desk   "
            "median "
            f"{pull['median_s']:.2f} s (target <= {PULL_TARGET_S:.0f} s)  {verdict(pull['pass'])}",
            f"  {many['devices']} devices syncing at once ({many['events']:,} events, each "
            f"desk pulls the others')   {many['seconds']:.1f} s, {many['errors']} errors, "
            f"{'every desk holds every event' if many['converged'] else 'NOT converged'}  "
            f"{verdict(many['pass'] and many['converged'])}",
        ]
        lines += [f"    {error}" for error in many["first_errors"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of push and pull (3)")
    parser.add_argument("--events", type=int, default=10_000, help="events pushed and pulled")
    parser.add_argument("--devices", type=int, default=20, help="devices syncing at once (20)")
    parser.add_argument("--per-device", type=int, default=50, help="events each of those has")
    parser.add_argument(
        "--mix", choices=("night", "created"), default="night",
        help="night: enquiries created, opened and saved; created: every one new (worst case)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if min(args.runs, args.events, args.devices, args.per_device) < 1:
        parser.error("every number must be at least 1")
    try:
        results = run(args)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
