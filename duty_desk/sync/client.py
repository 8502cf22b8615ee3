"""One sync of a desk with the day service: push what is ours, pull what is new.

Every step is short and safe to interrupt. A push is one day-service transaction per batch;
the desk then records the acknowledged mark. Dying in between only means the next push
sends the batch again, and the service recognises every event of it as a replay. A pull
page is stored, ordered, applied and its cursor saved in one local transaction, so a page
is taken in whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from duty_desk.domain.clock import Clock, utc_now
from duty_desk.domain.events import Event, format_instant
from duty_desk.store import sync_state
from duty_desk.store.database import Store
from duty_desk.sync.server import Cursor, DayService

Progress = Callable[[str, int, int], None]  # (phase "push"/"pull", done, of; 0 = unknown)
OnReceived = Callable[[list[Event]], None]


@dataclass(slots=True)
class SyncReport:
    started_at: datetime
    finished_at: datetime | None = None
    pushed: int = 0
    replayed: int = 0
    acked_seq: int = 0
    pulled: int = 0  # events new to this desk
    refolded: int = 0  # streams refolded in the day service's order
    waiting: int = 0  # events here not yet back from the day service in its order

    def summary(self) -> str:
        return (
            f"sent {self.pushed} (already held {self.replayed}), received {self.pulled}; "
            f"the day service holds this desk's records up to number {self.acked_seq}"
        )


def sync_desk(
    store: Store,
    device_id: str,
    service: DayService,
    team: str,
    *,
    batch: int = 500,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    on_received: OnReceived | None = None,
) -> SyncReport:
    """Push, then pull until nothing is left; raises DayServiceError when unreachable."""
    report = SyncReport(started_at=clock())
    push(store, device_id, service, team, report, batch=batch, progress=progress)
    pull(
        store,
        device_id,
        service,
        team,
        report,
        batch=batch,
        progress=progress,
        on_received=on_received,
    )
    with Session(store.engine) as session:
        report.waiting = sync_state.unordered_count(session)
        sync_state.set_meta(session, "last_sync_at", format_instant(clock()))
        session.commit()
    report.finished_at = clock()
    return report


def push(
    store: Store,
    device_id: str,
    service: DayService,
    team: str,
    report: SyncReport,
    *,
    batch: int = 500,
    progress: Progress | None = None,
) -> None:
    # Start from what the service really holds (it may have been restored from a backup).
    acked = service.acked_seq(device_id)
    with Session(store.engine) as session:
        total = sync_state.own_head(session, device_id) - acked
    done = 0
    while True:
        with Session(store.engine) as session:
            events = sync_state.unpushed(session, device_id, acked, batch)
        if not events:
            break
        result = service.push(team, device_id, events)
        acked = result.acked_seq
        with Session(store.engine) as session:
            sync_state.set_meta(session, "acked_seq", str(acked))
            session.commit()
        report.pushed += result.inserted
        report.replayed += result.replayed
        done += len(events)
        if progress is not None:
            progress("push", done, max(total, done))
    report.acked_seq = acked
    if report.pushed == 0 and report.replayed == 0:
        with Session(store.engine) as session:
            sync_state.set_meta(session, "acked_seq", str(acked))
            session.commit()


def pull(
    store: Store,
    device_id: str,
    service: DayService,
    team: str,
    report: SyncReport,
    *,
    batch: int = 500,
    progress: Progress | None = None,
    on_received: OnReceived | None = None,
) -> None:
    while True:
        with Session(store.engine) as session:
            cursor = Cursor(
                int(sync_state.get_meta(session, "pull_tx", "0")),
                int(sync_state.get_meta(session, "pull_seq", "0")),
            )
        page = service.pull(team, cursor, batch)
        if not page.events:
            return
        with Session(store.engine) as session:
            received = sync_state.receive(session, page.events, device_id)
            sync_state.set_meta(session, "pull_tx", str(page.cursor.tx))
            sync_state.set_meta(session, "pull_seq", str(page.cursor.global_seq))
            session.commit()
        report.pulled += received.stored
        report.refolded += len(received.refolded)
        if on_received is not None and received.new_events:
            on_received(received.new_events)
        if progress is not None:
            progress("pull", report.pulled, 0)
        if len(page.events) < batch:
            return
