"""Exactly once: ten thousand events pushed through hundreds of faults, each stored once.

The fault runner (faults.py) is its own process: it forks a child per episode, each a
device that appends to its real store and pushes while being killed after the day service
committed (before the device could record the acknowledgement), killed at random, having
its connection cut mid-push, or having the service roll the push back. Afterwards the day
service must hold every event every device made, once, each device's chain whole, and
every device's acknowledged mark must be its last event. A push that is not idempotent
fails the same check (the last test), so the check is not one that cannot fail.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duty_desk.domain.events import GENESIS_HASH, Event, event_hash, parse_instant
from duty_desk.services import audit
from duty_desk.store import sync_state
from duty_desk.store.database import Store
from duty_desk.sync.schema import server_events
from duty_desk.sync.server import DayService
from tests.integration.sync.desks import TEAM
from tests.integration.sync.faults import KINDS, install_pg_faults
from tests.postgres import run_sql

ROOT = Path(__file__).resolve().parents[3]


def held_event(row: Mapping[str, Any]) -> Event:
    """An event as the day service holds it (a row of server_events)."""
    return Event(
        id=row["id"], device_id=row["device_id"], seq=int(row["seq"]),
        stream_kind=row["stream_kind"], stream_id=row["stream_id"], type=row["type"],
        payload=json.loads(row["payload"]), actor_id=row["actor_id"],
        actor_role=row["actor_role"], occurred_at=parse_instant(row["occurred_at"]),
        hlc=row["hlc"], prev_hash=row["prev_hash"], hash=row["hash"],
    )  # fmt: skip


def chain_problem(events: Sequence[Event]) -> str:
    """The first break in one device's chain as held (seq 1..n, linked, hashes true), or ""."""
    prev = GENESIS_HASH
    for number, item in enumerate(events, start=1):
        if item.seq != number:
            return f"sequence {item.seq} where {number} was due"
        if item.prev_hash != prev:
            return f"sequence {item.seq} does not link to the one before"
        if event_hash(item) != item.hash:
            return f"sequence {item.seq}: contents do not match the hash"
        prev = item.hash
    return ""


@dataclass
class Findings:
    held: int = 0
    duplicated_ids: list[str] = field(default_factory=list)
    duplicated_seqs: list[tuple[str, int]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not (self.duplicated_ids or self.duplicated_seqs or self.missing or self.unexpected)
            and not self.broken
        )


def check_service(service: DayService, made: Mapping[str, Sequence[str]]) -> Findings:
    """What the service holds against the event ids each device made (its whole store)."""
    found = Findings()
    e = server_events.c
    with service.engine.connect() as connection:
        found.held = connection.execute(
            select(func.count()).select_from(server_events)
        ).scalar_one()
        found.duplicated_ids = list(
            connection.execute(select(e.id).group_by(e.id).having(func.count() > 1)).scalars()
        )
        by_seq = select(e.device_id, e.seq).group_by(e.device_id, e.seq).having(func.count() > 1)
        found.duplicated_seqs = [(d, int(s)) for d, s in connection.execute(by_seq)]
        ids = set(connection.execute(select(e.id)).scalars())
        for device_id in made:
            query = select(server_events).where(e.device_id == device_id).order_by(e.seq)
            held = [held_event(row) for row in connection.execute(query).mappings()]
            problem = chain_problem(held)
            if problem:
                found.broken[device_id] = problem
    wanted = {event_id for ids_made in made.values() for event_id in ids_made}
    found.missing = sorted(wanted - ids)
    found.unexpected = sorted(ids - wanted)
    return found


def run_faults(tmp_path: Path, url: str, **settings: Any) -> dict[str, Any]:
    """Run the fault runner on fresh devices; its summary, with the config it ran."""
    devices = settings.pop("devices", 4)
    config = {
        "url": url,
        "team": TEAM,
        "key": secrets.token_hex(32),
        "devices": [
            {"id": str(uuid.uuid4()), "path": str(tmp_path / f"device-{n}.db")}
            for n in range(devices)
        ],
        **settings,
    }
    path = tmp_path / "faults.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.sync.faults", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    summary: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert not summary["errors"], summary["errors"][0]
    return summary | {"config": config}


def device_records(config: dict[str, Any]) -> dict[str, tuple[list[str], int, int]]:
    """Per device: the ids of every event it made, its acknowledged mark, its last seq."""
    records = {}
    for device in config["devices"]:
        store = Store.open(Path(device["path"]), bytes.fromhex(config["key"]))
        try:
            assert audit.check_store(store, device["id"]).ok
            with Session(store.engine) as session:
                made = sync_state.unpushed(session, device["id"], 0, 10**9)
                acked = int(sync_state.get_meta(session, "acked_seq", "0"))
                own = sync_state.own_head(session, device["id"])
        finally:
            store.close()
        records[device["id"]] = ([item.id for item in made], acked, own)
    return records


def assert_exactly_once(url: str, summary: dict[str, Any], events: int) -> None:
    records = device_records(summary["config"])
    service = DayService.connect(url)
    try:
        found = check_service(service, {d: ids for d, (ids, _, _) in records.items()})
        for device_id, (ids, acked, own) in records.items():
            assert acked == own == len(ids) == service.acked_seq(device_id), device_id
    finally:
        service.close()
    assert summary["problems"] == [], summary["problems"][:3]
    assert found.duplicated_ids == [] and found.duplicated_seqs == []
    assert found.missing == [] and found.unexpected == []
    assert found.broken == {}
    assert found.held == sum(len(ids) for ids, _, _ in records.values()) >= events


def report(name: str, summary: dict[str, Any]) -> str:
    faults = ", ".join(f"{kind} {count}" for kind, count in sorted(summary["faults"].items()))
    return (
        f"\n{name}: {summary['made']} events, {summary['injected']} faults ({faults}), "
        f"{summary['episodes']} episodes, {summary['seconds']} s"
    )


@pytest.mark.slow
def test_ten_thousand_events_through_five_hundred_faults_are_held_exactly_once(
    postgres_database: str, tmp_path: Path
) -> None:
    url = postgres_database
    DayService.init(url)
    install_pg_faults(url)
    summary = run_faults(tmp_path, url, events=10_000, faults=170, seed=6)
    print(report("PostgreSQL", summary))
    assert_exactly_once(url, summary, 10_000)
    assert all(summary["faults"][kind] >= 170 for kind in KINDS)
    assert summary["injected"] >= 500


@pytest.mark.slow
def test_the_sqlite_day_service_holds_pushes_exactly_once_through_faults(
    sqlite_day_service: str, tmp_path: Path
) -> None:
    url = sqlite_day_service
    DayService.init(url)
    summary = run_faults(tmp_path, url, devices=3, events=2_000, faults=40, seed=7)
    print(report("SQLite", summary))
    assert_exactly_once(url, summary, 2_000)
    assert all(summary["faults"][kind] >= 40 for kind in KINDS)


def test_a_push_that_is_not_idempotent_fails_the_same_check(
    postgres_database: str, tmp_path: Path
) -> None:
    """Without replay detection (and without the unique constraints that would refuse the
    replays), a device killed before it recorded its acknowledgement sends the same events
    again and the service holds them twice: the check above must catch it."""
    url = postgres_database
    DayService.init(url)
    run_sql(
        url,
        "ALTER TABLE server_events DROP CONSTRAINT uq_server_events_device_seq, "
        "DROP CONSTRAINT server_events_id_key",
    )
    summary = run_faults(
        tmp_path, url, devices=2, events=200, faults=10, seed=8, kinds=["kill"], broken=True
    )
    records = device_records(summary["config"])
    service = DayService.connect(url)
    try:
        found = check_service(service, {d: ids for d, (ids, _, _) in records.items()})
    finally:
        service.close()
    assert summary["faults"]["kill"] >= 10
    assert found.duplicated_ids and found.duplicated_seqs and found.broken
    assert not found.ok and found.held > sum(len(ids) for ids, _, _ in records.values())
