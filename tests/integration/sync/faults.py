"""Faults for the sync tests: devices pushing real chains through kills, drops and rollbacks.

``python -m tests.integration.sync.faults CONFIG.json`` is the fault runner: one
single-threaded process that forks a child per episode, at most one per device at a time.
A child opens its device's real SQLCipher store, appends events with the real EventLog,
pushes them (with the real client, or by resending from its own acknowledged mark) and
meets the faults its episode was dealt:

- ``kill``: the child SIGKILLs itself after the day service committed a push and before the
  device recorded the acknowledgement; ``kill_random``: the runner SIGKILLs it at a random
  moment (appending, pushing or acknowledging);
- ``drop``: the pushing connection is cut mid-push, before or after its INSERT
  (pg_terminate_backend from another connection; on SQLite the connection is closed);
- ``rollback``: the day service rolls the push back after its INSERT (on PostgreSQL a
  deferred trigger raising at COMMIT, on SQLite a trigger raising in the statement).

The runner prints a JSON summary (faults by kind, events made, episodes, errors).
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from duty_desk.domain.clock import utc_now
from duty_desk.domain.events import (
    Actor,
    Event,
    NewEvent,
    canonical_json,
    format_instant,
)
from duty_desk.store import sync_state
from duty_desk.store.database import Store
from duty_desk.store.event_log import EventLog
from duty_desk.sync import client
from duty_desk.sync.schema import server_events
from duty_desk.sync.server import DayService, DayServiceError, PushResult

KINDS = ("kill", "drop", "rollback")  # each must reach the configured count
ACTOR = Actor("faulted-worker", "duty_social_worker")
PG_FAULTS = """
CREATE OR REPLACE FUNCTION duty_fault_rollback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('duty_fault.rollback', true) = 'on' THEN
        RAISE EXCEPTION 'injected fault: the day service rolls this push back at COMMIT';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER duty_fault_rollback AFTER INSERT ON server_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION duty_fault_rollback();
"""
SQLITE_FAULT = (
    "CREATE TEMP TRIGGER IF NOT EXISTS duty_fault AFTER INSERT ON main.server_events "
    "BEGIN SELECT duty_fault(); END"
)


def install_pg_faults(url: str) -> None:
    """The rolled-back-at-COMMIT trigger (fires only where a push set duty_fault.rollback)."""
    from tests.postgres import run_sql

    run_sql(url, PG_FAULTS)


# --- the runner -------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    appends: int
    batch: int
    resend: bool  # push from the device's own acknowledged mark, not the client's
    fault: str | None  # "kill", "drop", "rollback" or None
    after_insert: bool  # for "drop": cut after the INSERT rather than before it


@dataclass(frozen=True)
class Episode:
    rounds: tuple[Round, ...]
    kill_after: float | None  # seconds until the runner SIGKILLs the child, if it does


class FaultyService(DayService):
    """The real day service; a fault fires once when armed, then disarms."""

    armed: str | None = None
    fired: str | None = None
    after_insert = False
    before = -1
    url = ""
    store: Store | None = None
    out = -1

    def push(self, team: str, device_id: str, events: Sequence[Event]) -> PushResult:
        self.fired = None
        if self.armed in ("drop", "rollback"):
            self.before = self.acked_seq(device_id)  # what it held before the faulted push
        result = super().push(team, device_id, events)
        if self.armed == "kill" and result.inserted:  # committed; not yet acknowledged
            assert self.store is not None
            with Session(self.store.engine) as session:
                local = int(sync_state.get_meta(session, "acked_seq", "0"))
            note(self.out, fault="kill", held=result.acked_seq, acked=local)
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    def fire(self, cursor: Any, *, inserted: bool) -> None:
        if self.armed == "drop" and self.after_insert == inserted:
            self.fired, self.armed = "drop", None
            if self.postgres:
                from tests.postgres import run_sql

                pid = cursor.connection.info.backend_pid
                run_sql(self.url, "SELECT pg_terminate_backend(%s, 5000)", [pid])
            else:
                cursor.connection.close()
        elif self.armed == "rollback" and not inserted:
            self.fired, self.armed = "rollback", None
            if self.postgres:
                cursor.execute("SELECT set_config('duty_fault.rollback', 'on', true)")

    def sqlite_fault(self) -> None:
        if self.fired == "rollback":
            raise RuntimeError("injected fault: the day service rolls this push back")


class NotIdempotent(FaultyService):
    """A deliberately broken push: stores whatever it is sent, replays included."""

    def push(self, team: str, device_id: str, events: Sequence[Event]) -> PushResult:
        with self.engine.begin() as connection:
            connection.execute(insert(server_events), [_row(team, item) for item in events])
        result = PushResult(events[-1].seq, len(events), 0)
        if self.armed == "kill":
            note(self.out, fault="kill", held=result.acked_seq, acked=-1)
            os.kill(os.getpid(), signal.SIGKILL)
        return result


def _row(team: str, item: Event) -> dict[str, object]:
    columns = {c.name for c in server_events.columns} - {"global_seq", "tx"}
    row = {name: getattr(item, name, None) for name in columns}
    row.update(team=team, payload=canonical_json(item.payload))
    row["occurred_at"] = format_instant(item.occurred_at)
    return row


def note(out: int, **fields: object) -> None:
    os.write(out, (json.dumps(fields) + "\n").encode())


def open_service(config: Mapping[str, Any], store: Store, out: int) -> FaultyService:
    kind = NotIdempotent if config.get("broken") else FaultyService
    service = kind.connect(config["url"])
    service.store, service.out, service.url = store, out, config["url"]

    def before(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO server_events"):
            service.fire(cursor, inserted=False)

    def after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO server_events"):
            service.fire(cursor, inserted=True)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("duty_fault", 0, service.sqlite_fault)
        dbapi_connection.execute(SQLITE_FAULT)

    event.listen(service.engine, "before_cursor_execute", before)
    event.listen(service.engine, "after_cursor_execute", after)
    if not service.postgres:
        event.listen(service.engine, "connect", on_connect)
    return service


def append(store: Store, device_id: str, count: int) -> None:
    """``count`` events on this device's chain, in one local transaction."""
    with Session(store.engine) as session:
        log = EventLog(session, device_id)
        for n in range(count):
            payload = {"n": n, "note": "Police rang back; Siân is safe at Nan's tonight."}
            log.append(NewEvent("enquiry", f"e-{n % 5}", "test.noted", payload), ACTOR, utc_now())
        session.commit()


def resend(store: Store, device_id: str, service: DayService, team: str, batch: int) -> None:
    """Push from the device's own (possibly stale) acknowledged mark: replays included."""
    while True:
        with Session(store.engine) as session:
            acked = int(sync_state.get_meta(session, "acked_seq", "0"))
            events = sync_state.unpushed(session, device_id, acked, batch)
        if not events:
            return
        result = service.push(team, device_id, events)
        with Session(store.engine) as session:
            sync_state.set_meta(session, "acked_seq", str(result.acked_seq))
            session.commit()


def play(config: Mapping[str, Any], device: Mapping[str, str], episode: Episode, out: int) -> None:
    """One episode: rounds of append-then-push, each meeting its fault."""
    store = Store.open(Path(device["path"]), bytes.fromhex(device["key"]))
    service = open_service(config, store, out)
    team, device_id = config["team"], device["id"]
    try:
        for turn in episode.rounds:
            if turn.appends:
                append(store, device_id, turn.appends)
                note(out, appended=turn.appends)
            service.armed, service.after_insert = turn.fault, turn.after_insert
            try:
                if turn.resend or config.get("broken"):
                    resend(store, device_id, service, team, turn.batch)
                else:
                    client.push(store, device_id, service, team, client.SyncReport(utc_now()))
            except DayServiceError as error:
                if service.fired is None:
                    raise
                unchanged = service.acked_seq(device_id) == service.before
                note(out, fault=service.fired, unchanged=unchanged, said=str(error)[:120])
            service.armed = None
        with Session(store.engine) as session:
            own = sync_state.own_head(session, device_id)
            acked = int(sync_state.get_meta(session, "acked_seq", "0"))
        note(out, done=True, own=own, acked=acked, held=service.acked_seq(device_id))
    finally:
        service.close()
        store.close()


def child(
    config: Mapping[str, Any], device: Mapping[str, str], episode: Episode, out: int
) -> NoReturn:
    code = 0
    try:
        play(config, device, episode, out)
    except BaseException:
        note(out, error=traceback.format_exc())
        code = 1
    os._exit(code)


FINAL = Episode((Round(0, 500, False, None, False),), None)  # push the rest, no faults


@dataclass
class Tally:
    faults: Counter[str] = field(default_factory=Counter)
    made: int = 0
    episodes: int = 0
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a failed push that stored something
    final: dict[str, dict[str, int]] = field(default_factory=dict)

    def enough(self, config: Mapping[str, Any]) -> bool:
        wanted, kinds = config["faults"], config.get("kinds", KINDS)
        return self.made >= config["events"] and all(self.faults[k] >= wanted for k in kinds)

    def take(self, device: str, lines: list[dict[str, Any]], status: int, killed: bool) -> None:
        self.episodes += 1
        for line in lines:
            self.made += line.get("appended", 0)
            if "error" in line:
                self.errors.append(line["error"])
            if line.get("done"):
                self.final[device] = {k: line[k] for k in ("own", "acked", "held")}
            fault = line.get("fault")
            if fault == "kill":
                self.faults["kill" if line["held"] > line["acked"] else "kill_unconfirmed"] += 1
            elif fault:
                self.faults[fault] += 1
                if not line["unchanged"]:
                    self.problems.append(f"{device}: a {fault} fault left events stored")
        self_killed = any(line.get("fault") == "kill" for line in lines)
        if os.WIFSIGNALED(status) and not self_killed:
            if killed and os.WTERMSIG(status) == signal.SIGKILL:
                self.faults["kill_random"] += 1
            else:
                self.errors.append(f"{device}: died of signal {os.WTERMSIG(status)}")
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) and not self.errors:
            self.errors.append(f"{device}: exited {os.WEXITSTATUS(status)}")


@dataclass
class Child:
    device: int
    read: int
    deadline: float | None
    killed: bool = False


class Runner:
    """Keeps one child per device running, kills those whose time is up, tallies results."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.tally = Tally()
        self.running: dict[int, Child] = {}
        self.idle = list(range(len(config["devices"])))

    def fill(self, make: Any) -> None:
        while self.idle:
            device = self.idle.pop()
            episode: Episode = make()
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child never returns
                os.close(read)
                child(self.config, self.config["devices"][device], episode, write)
            os.close(write)
            later = episode.kill_after
            deadline = None if later is None else time.monotonic() + later
            self.running[pid] = Child(device, read, deadline)

    def reap(self) -> None:
        while True:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid:
                break
            now = time.monotonic()
            for other, running in self.running.items():
                if running.deadline is not None and now >= running.deadline:
                    os.kill(other, signal.SIGKILL)
                    running.deadline, running.killed = None, True
            time.sleep(0.001)
        done = self.running.pop(pid)
        device_id = self.config["devices"][done.device]["id"]
        self.tally.take(device_id, _lines(done.read), status, done.killed)
        self.idle.append(done.device)

    def warm_up(self) -> None:
        """One clean episode here, so that every child inherits warm caches (a child then
        costs a third of the CPU), and nothing left for the collector to walk."""
        read, write = os.pipe()
        device = self.config["devices"][0]
        play(self.config, device, Episode((Round(5, 5, False, None, False),), None), write)
        os.close(write)
        self.tally.take(device["id"], _lines(read), 0, False)
        gc.freeze()

    def drain(self) -> None:
        while self.running:
            self.reap()


def _lines(read: int) -> list[dict[str, Any]]:
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    return [json.loads(line) for line in b"".join(chunks).decode().splitlines() if line]


def plan(rng: random.Random, tally: Tally, config: Mapping[str, Any]) -> Episode:
    """An episode of 2-4 rounds, each dealt a fault (a kill only ends one); the kinds
    furthest behind their count are dealt most often."""
    wanted = config["faults"]
    average = max(2, config["events"] // (3 * wanted))
    low = max(1, average // 3)

    def weight(kind: str) -> float:
        dealt = kind in config.get("kinds", KINDS)
        return max(0.05, 1 - tally.faults[kind] / wanted) if dealt else 0.0

    rounds = []
    count = rng.randint(2, 4)
    for number in range(count):
        kinds: list[str | None] = ["drop", "rollback", None, "kill"]
        weights = [weight("drop"), weight("rollback"), 0.1, 0.0]
        if number == count - 1:
            weights[-1] = 20 * weight("kill")
        fault = rng.choices(kinds, weights)[0]
        appends = rng.randint(low, 2 * average - low)
        resend = rng.random() < 0.5
        rounds.append(Round(appends, rng.randint(2, 40), resend, fault, rng.random() < 0.5))
    chance = config.get("random_kills", 0.1)
    return Episode(tuple(rounds), rng.uniform(0.01, 0.4) if rng.random() < chance else None)


def prepare(config: Mapping[str, Any]) -> None:
    """Each device's store: one made with the real migrations, copied (same key)."""
    template = Path(config["devices"][0]["path"]).with_name("template.db")
    if not template.exists():
        Store.create(template, bytes.fromhex(config["key"])).close()
    for device in config["devices"]:
        if not Path(device["path"]).exists():
            shutil.copyfile(template, device["path"])


def run(config: dict[str, Any]) -> dict[str, Any]:
    for device in config["devices"]:
        device["key"] = config["key"]
    prepare(config)
    rng = random.Random(config["seed"])
    runner = Runner(config)
    started = time.monotonic()
    runner.warm_up()
    while not runner.tally.enough(config) and not runner.tally.errors:
        runner.fill(lambda: plan(rng, runner.tally, config))
        runner.reap()
    runner.drain()
    runner.fill(lambda: FINAL)
    runner.drain()
    tally = runner.tally
    return {
        "faults": dict(tally.faults),
        "injected": sum(tally.faults[k] for k in (*KINDS, "kill_random")),
        "made": tally.made,
        "episodes": tally.episodes,
        "seconds": round(time.monotonic() - started, 1),
        "errors": tally.errors,
        "problems": tally.problems,
        "final": tally.final,
    }


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    print(json.dumps(run(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
