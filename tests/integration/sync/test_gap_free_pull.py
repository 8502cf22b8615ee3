"""Gap-free pull on the real PostgreSQL: ten devices push at once while others pull.

Each push draws its global_seq values at INSERT and then waits a random few milliseconds
before COMMIT (a trigger sleeps), so rows commit out of sequence order, as they do under
real load. Pullers using the service's cursor (writing transaction, global_seq) see every
event exactly once and all in one order; pullers using ``global_seq > last`` side by side
under the same load skip the rows that committed late, and never get them back. If the
naive pullers missed nothing the load did not exercise the problem, and the test fails.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from duty_desk.domain.events import GENESIS_HASH, Event, canonical_json, event_hash, next_hlc
from duty_desk.sync.server import Cursor, DayService, Page
from tests.integration.sync.desks import TEAM
from tests.postgres import PostgresServer, connect, run_sql, running_postgres

DEVICES = 10
PUSHES = 40  # per device, each of 1-4 events
PULLERS = 3  # of each kind
DELAY = """
CREATE FUNCTION duty_delay_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(random() * 0.03);  -- global_seq is drawn; the commit comes later
    RETURN NULL;
END $$;
CREATE TRIGGER duty_delay_commit AFTER INSERT ON server_events
    FOR EACH STATEMENT EXECUTE FUNCTION duty_delay_commit();
"""


def chain(device_id: str, count: int) -> list[Event]:
    """A device's first ``count`` events, made as EventLog.append makes them."""
    now = datetime.now(UTC)
    made: list[Event] = []
    prev, hlc = GENESIS_HASH, None
    for seq in range(1, count + 1):
        hlc = next_hlc(hlc, now, device_id)
        payload = {"n": seq, "note": f"Rang back at {seq}: Siân safe at Nan's", "flags": [1, 2]}
        draft = Event(
            str(uuid.uuid4()), device_id, seq, "enquiry", f"e-{seq % 13}", "test.noted",
            json.loads(canonical_json(payload)), "pusher", "duty_social_worker", now, hlc, prev, "",
        )  # fmt: skip
        made.append(replace(draft, hash=event_hash(draft)))
        prev = made[-1].hash
    return made


class Puller(threading.Thread):
    """Pulls pages until told to stop, then until a page comes back empty."""

    def __init__(self, url: str, naive: bool, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.naive, self.stop = url, naive, stop
        self.seen: list[str] = []
        self.pulls = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        service = DayService.connect(self.url)
        cursor = Cursor()
        try:
            while True:
                stopping = self.stop.is_set()
                page = self._pull(service, cursor)
                self.pulls += 1
                self.seen += [item.id for item in page.events]
                cursor = page.cursor
                if stopping and not page.events:
                    return
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            service.close()

    def _pull(self, service: DayService, cursor: Cursor) -> Page:
        if self.naive:
            return service.pull_naive(TEAM, cursor.global_seq, 50)
        return service.pull(TEAM, cursor, 50)


def pusher(
    url: str, events: list[Event], seed: int, errors: list[BaseException]
) -> Callable[[], None]:
    def push() -> None:
        rng = random.Random(seed)
        service = DayService.connect(url)
        try:
            position = 0
            while position < len(events):
                size = rng.randint(1, 4)
                batch = events[position : position + size]
                service.push(TEAM, batch[0].device_id, batch)
                position += size
                time.sleep(rng.uniform(0, 0.004))
        except BaseException as error:
            errors.append(error)
        finally:
            service.close()

    return push


@pytest.mark.slow
def test_ten_devices_pushing_at_once_every_event_is_pulled_once_and_the_naive_cursor_misses(
    postgres_database: str,
) -> None:
    url = postgres_database
    DayService.init(url)
    run_sql(url, DELAY)
    chains = [chain(f"device-{n:02d}", PUSHES * 5 // 2) for n in range(DEVICES)]
    everything = {item.id for events in chains for item in events}
    stop = threading.Event()
    pullers = [Puller(url, naive, stop) for naive in (False, True) for _ in range(PULLERS)]
    errors: list[BaseException] = []
    pushers = [
        threading.Thread(target=pusher(url, events, n, errors), daemon=True)
        for n, events in enumerate(chains)
    ]
    started = time.monotonic()
    for thread in [*pullers, *pushers]:
        thread.start()
    for thread in pushers:
        thread.join(timeout=120)
    pushed = time.monotonic() - started
    stop.set()
    for thread in pullers:
        thread.join(timeout=60)
    assert not errors, errors[0]
    assert all(p.error is None and not p.is_alive() for p in pullers)
    correct = [p for p in pullers if not p.naive]
    naive = [p for p in pullers if p.naive]
    for puller in correct:
        assert len(puller.seen) == len(set(puller.seen)), "an event was pulled twice"
        assert set(puller.seen) == everything, f"{len(everything - set(puller.seen))} missed"
    assert all(p.seen == correct[0].seen for p in correct), "pullers saw different orders"
    missed = [len(everything - set(p.seen)) for p in naive]
    print(
        f"\n{len(everything)} events from {DEVICES} devices pushed in {pushed:.1f} s; "
        f"(tx, global_seq) pullers missed 0 (pulls: {[p.pulls for p in correct]}); "
        f"global_seq > last pullers missed {missed} (pulls: {[p.pulls for p in naive]})"
    )
    assert all(len(p.seen) == len(set(p.seen)) for p in naive)
    assert sum(missed) > 0, "the naive cursor missed nothing: the load did not test the cursor"


def _burn_transactions_until(url: str, last: int) -> None:
    """Use up transaction ids (one per autocommit statement) until ``last`` is taken."""
    with connect(url) as connection:
        taken = 0
        while taken < last:
            with connection.pipeline():
                results = [
                    connection.execute("SELECT pg_current_xact_id()::text")
                    for _ in range(min(500, last - taken))
                ]
            taken = max(int(result.fetchone()[0]) for result in results)  # type: ignore[index]
        assert taken == last, f"overshot: {taken}"


def test_the_pull_orders_by_transaction_number_not_by_its_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Transactions 999 and 1000 (a fresh server of our own, so ids start low): 1000 sorts
    before 999 as text, and a pull that ordered so would skip 999 for good."""
    with running_postgres() as server:
        url = _fresh_database(server)
        current = int(run_sql(url, "SELECT pg_current_xact_id()::text")[0][0])
        boundary = 10 ** len(str(current + 10))
        _burn_transactions_until(url, boundary - 2)
        service = DayService.connect(url)
        try:
            first, second = chain("device-a", 1), chain("device-b", 1)
            service.push(TEAM, "device-a", first)  # transaction boundary - 1, e.g. 999
            service.push(TEAM, "device-b", second)  # transaction boundary, e.g. 1000
            held = dict(run_sql(url, "SELECT device_id, tx::text FROM server_events"))
            assert (held["device-a"], held["device-b"]) == (str(boundary - 1), str(boundary))
            cursor, pulled = Cursor(), []
            for _ in range(3):
                page = service.pull(TEAM, cursor, 1)
                pulled += [item.id for item in page.events]
                cursor = page.cursor
        finally:
            service.close()
    assert pulled == [first[0].id, second[0].id]


def _fresh_database(server: PostgresServer) -> str:
    url = server.new_database()
    DayService.init(url)
    return url
