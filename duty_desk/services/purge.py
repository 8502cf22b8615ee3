"""The local purge: personal data leaves the laptop once the day team has it.

When the day team has acknowledged a handover item and the retention period
(``purge_after_days`` in the settings) has passed, the record (an enquiry, with every
custody case linked to it; or a custody case, with its enquiry) is purged here, in one
transaction per record: a ``record.purged`` event on each of its streams lists the events
it blanks with a digest of their hashes and the day team's receipt (no personal data),
then those events' payloads are blanked, its projection rows go (``store.purge``) and a
stub stays. The audit check still verifies the whole chain (``domain.audit``).

A record is held back while part of it is not acknowledged, was changed after it was
acknowledged, or holds events of this laptop the day service does not have yet: a
blanked event could never be sent. The sync loop calls ``purge_due`` after each pull
(as the system); an administrator can run it now (``purge_now``, ``duty-desk purge``).
It also finishes here the purges other desks recorded (their events are blanked here
too) and purges events about a purged record that arrived after it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from duty_desk.domain.audit import events_digest
from duty_desk.domain.clock import show_local
from duty_desk.domain.events import SYSTEM, Actor, NewEvent, format_instant
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import Desk, SignedIn
from duty_desk.services.settings import load_settings
from duty_desk.store import purge as store
from duty_desk.store import sync_state
from duty_desk.store.purge import Member
from duty_desk.store.schema import EventRow, HandoverItemRow, PurgeStubRow
from duty_desk.store.unit_of_work import UnitOfWork

MERGE_KEY = "purge_search_merge"  # sync_meta: "pending" until the search index is merged
MERGE_PAGES = 300  # about 0.2 s of merging per step on a 20,000-record index
MERGE_BUDGET = 2.0  # seconds of merging per run; the rest waits for the next run


@dataclass(frozen=True, slots=True)
class Receipt:
    """The day team's acknowledgement that lets a record go (no personal data)."""

    reference: str  # of the item acknowledged: the record's own, or the one it went with
    acknowledged_by_name: str
    acknowledged_at: datetime
    server_order: int | None  # the acknowledgement's place in the day service's order

    def payload(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "acknowledged_by_name": self.acknowledged_by_name,
            "acknowledged_at": format_instant(self.acknowledged_at),
            "server_order": self.server_order,
        }


@dataclass(frozen=True, slots=True)
class DuePurge:
    """A record ready to purge, with every record that goes with it (its enquiry first)
    and, for each, the acknowledgement that lets it go."""

    reference: str
    members: tuple[Member, ...]
    receipts: tuple[Receipt, ...]


@dataclass(frozen=True, slots=True)
class HeldBack:
    reference: str
    reason: str


@dataclass(frozen=True, slots=True)
class Purged:
    kind: str
    reference: str
    events: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    purged: tuple[Purged, ...] = ()
    held_back: tuple[HeldBack, ...] = ()
    caught_up: int = 0  # events blanked here for purges recorded on other desks
    late: int = 0  # events about purged records that arrived after the purge, blanked
    drafts_removed: int = 0
    dry_run: bool = False

    def describe(self) -> str:
        verb = "Would purge" if self.dry_run else "Purged"
        lines = [f"{verb} {p.reference} ({p.kind}, {p.events} events)" for p in self.purged]
        if not self.purged:
            lines.append("Nothing is due for purging." if self.dry_run else "Nothing purged.")
        lines += [f"Held back {h.reference}: {h.reason}" for h in self.held_back]
        if self.caught_up or self.late:
            lines.append(
                f"Blanked {self.caught_up + self.late} events of records already purged "
                "(purged on another desk, or arrived after the purge)."
            )
        if self.drafts_removed:
            lines.append(f"Removed {self.drafts_removed} autosaved drafts of purged records.")
        return "\n".join(lines)


def retention(desk: Desk) -> timedelta:
    return timedelta(days=load_settings(desk.paths.settings).purge_after_days)


def due_for_purge(desk: Desk, now: datetime | None = None) -> list[DuePurge]:
    """Records ready to purge at ``now`` (default: the desk's clock). Reads only."""
    cutoff = (now or desk.clock()) - retention(desk)
    with desk.uow(SYSTEM, read_only=True) as uow:
        return _plan(uow.session, desk.device_id, cutoff)[0]


def purge_due(desk: Desk, *, actor: Actor = SYSTEM, dry_run: bool = False) -> PurgeReport:
    """Purge every record that is due (the sync loop calls this after each pull)."""
    days = retention(desk)
    cutoff = desk.clock() - days
    with desk.uow(actor, read_only=True) as uow:
        due, held = _plan(uow.session, desk.device_id, cutoff)
        if dry_run:
            counted = [
                (m, len(store.live_events(uow.session, m.id))) for d in due for m in d.members
            ]
            purged = tuple(Purged(m.kind, m.reference, n) for m, n in counted)
            return PurgeReport(purged, tuple(held), dry_run=True)
    done: list[Purged] = []
    drafts = 0
    for item in due:
        with desk.uow(actor) as uow:
            again = _ready(uow.session, desk.device_id, cutoff, item.reference)
            if again is None:
                continue  # changed meanwhile: next time
            done += _purge(uow, again, days.days)
            drafts += store.remove_drafts(uow.session)
            sync_state.set_meta(uow.session, MERGE_KEY, "pending")
            uow.commit()
    caught_up, late, more = _finish(desk, actor)
    _merge_search_index(desk, actor)
    return PurgeReport(tuple(done), tuple(held), caught_up, late, drafts + more)


def purge_now(session: SignedIn, *, dry_run: bool = False) -> PurgeReport:
    """An administrator's purge of everything due now (``duty-desk purge``)."""
    authorize(session, Permission.PURGE)
    return purge_due(session.desk, actor=session.actor, dry_run=dry_run)


# --- planning ---------------------------------------------------------------------------


def _plan(
    session: Session, device_id: str, cutoff: datetime
) -> tuple[list[DuePurge], list[HeldBack]]:
    due: list[DuePurge] = []
    held: list[HeldBack] = []
    seen: set[str] = set()
    for item in store.acknowledged_before(session, cutoff):
        if item.item_id in seen:
            continue
        members = _members(session, item)
        seen.update(m.id for m in members)
        reason = _not_ready(session, device_id, cutoff, members)
        if reason is None:
            due.append(_due(session, item, members))
        else:
            held.append(HeldBack(members[0].reference, reason))
    return due, held


def _ready(session: Session, device_id: str, cutoff: datetime, reference: str) -> DuePurge | None:
    for found in _plan(session, device_id, cutoff)[0]:
        if found.reference == reference:
            return found
    return None


def _members(session: Session, item: HandoverItemRow) -> list[Member]:
    members = store.group_of(session, item.item_kind, item.item_id)
    if not any(m.id == item.item_id for m in members):
        members.insert(0, Member(item.item_kind, item.item_id, item.reference))
    return [m for m in members if session.get(PurgeStubRow, m.id) is None]


def _not_ready(
    session: Session, device_id: str, cutoff: datetime, members: Sequence[Member]
) -> str | None:
    items = store.items_of(session, [m.id for m in members])
    acknowledged = [i.acknowledged_at for i in items.values() if i.acknowledged_at]
    first = min(acknowledged) if acknowledged else None
    for member in members:
        item = items.get(member.id)
        if item is not None and (item.state != "acknowledged" or item.acknowledged_at is None):
            return f"{member.reference} goes with it and is not acknowledged yet."
        if item is not None and item.acknowledged_at is not None and item.acknowledged_at > cutoff:
            return f"{member.reference} goes with it and was acknowledged too recently."
        since = item.acknowledged_at if item is not None else first
        changed = store.last_changed(session, member)
        if since is not None and changed is not None and changed > since:
            return (
                f"{member.reference} was changed after the day team acknowledged it "
                f"(at {show_local(changed)}): hand it over again."
            )
    acked_seq = int(sync_state.get_meta(session, "acked_seq", "0") or 0)
    for member in members:
        if any(_unsent(row, device_id, acked_seq) for row in store.live_events(session, member.id)):
            return (
                "some of it has not reached the day service yet; it is purged after the next sync."
            )
    return None


def _unsent(row: EventRow, device_id: str, acked_seq: int) -> bool:
    return row.device_id == device_id and row.seq > acked_seq


def _due(session: Session, item: HandoverItemRow, members: list[Member]) -> DuePurge:
    items = store.items_of(session, [m.id for m in members])
    receipts = tuple(_receipt(session, items.get(m.id, item)) for m in members)
    return DuePurge(members[0].reference, tuple(members), receipts)


def _receipt(session: Session, item: HandoverItemRow) -> Receipt:
    found = store.acknowledgement(session, item.item_id)
    assert item.acknowledged_at is not None  # only acknowledged items are purged
    return Receipt(
        item.reference,
        item.acknowledged_name or "",
        item.acknowledged_at,
        None if found is None else found[1],
    )


# --- purging ----------------------------------------------------------------------------


def _purge(uow: UnitOfWork, due: DuePurge, days: int) -> list[Purged]:
    """One record and the records that go with it, inside the caller's transaction."""
    done: list[Purged] = []
    blanked: list[str] = []
    for member, receipt in zip(due.members, due.receipts, strict=True):
        rows = store.live_events(uow.session, member.id)
        ids = [row.id for row in rows]
        payload = {
            "reference": member.reference,
            "event_ids": ids,
            "events_digest": events_digest([row.hash for row in rows]),
            "receipt": receipt.payload(),
            "retention_days": days,
        }
        uow.record(NewEvent(member.kind, member.id, store.PURGED_TYPE, payload))
        blanked += ids
        done.append(Purged(member.kind, member.reference, len(rows)))
    store.blank(uow.session, blanked)
    return done


def _finish(desk: Desk, actor: Actor) -> tuple[int, int, int]:
    """Purges recorded elsewhere, events that came after a purge, and drafts."""
    with desk.uow(actor) as uow:
        acked_seq = int(sync_state.get_meta(uow.session, "acked_seq", "0") or 0)
        live = store.live_on_purged(uow.session)
        listed = store.listed(uow.session, {row.stream_id for row in live})
        caught_up = store.blank(uow.session, [row.id for row in live if row.id in listed])
        late = _purge_late(uow, [row for row in live if row.id not in listed], acked_seq, desk)
        drafts = store.remove_drafts(uow.session)
        if caught_up or late or drafts:
            sync_state.set_meta(uow.session, MERGE_KEY, "pending")
        uow.commit()
    return caught_up, late, drafts


def _merge_search_index(desk: Desk, actor: Actor) -> None:
    """Merge the search index after a purge, in short steps, for up to ``MERGE_BUDGET``
    seconds; what is left is carried on by the next run (the mark stays until done)."""
    started = time.monotonic()
    while time.monotonic() - started < MERGE_BUDGET:
        with desk.uow(actor) as uow:
            if sync_state.get_meta(uow.session, MERGE_KEY) != "pending":
                return
            if not store.merge_search_index(uow.session, MERGE_PAGES):
                sync_state.set_meta(uow.session, MERGE_KEY, "done")
            uow.commit()


def _purge_late(uow: UnitOfWork, rows: list[EventRow], acked_seq: int, desk: Desk) -> int:
    by_stream: dict[tuple[str, str], list[EventRow]] = {}
    for row in rows:
        if not _unsent(row, desk.device_id, acked_seq):
            by_stream.setdefault((row.stream_kind, row.stream_id), []).append(row)
    for (kind, stream_id), late in by_stream.items():
        stub = uow.session.get(PurgeStubRow, stream_id)
        assert stub is not None  # live_on_purged only gives events of purged records
        ids = [row.id for row in late]
        payload = {
            "reference": stub.reference,
            "event_ids": ids,
            "events_digest": events_digest([row.hash for row in late]),
            "receipt": json.loads(stub.receipt),
            "late": True,
        }
        uow.record(NewEvent(kind, stream_id, store.PURGED_TYPE, payload))
        store.blank(uow.session, ids)
    return sum(len(late) for late in by_stream.values())
