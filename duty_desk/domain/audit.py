"""Checking the hash chain: the first event that breaks it, and why.

The local purge blanks an event's payload (to ``PURGE_MARK``) and leaves every other
field, its hash included. Such an event cannot be hashed again, so its links are checked
and a later ``record.purged`` event must list it, with a digest over the purged events'
hashes that matches: a payload blanked any other way is history changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from duty_desk.domain.events import GENESIS_HASH, Event, event_hash

PURGE_MARK = {"purged": True}  # a purged event's payload (the store writes it so)
PURGE_TYPE = "record.purged"


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainProblem:
    device_id: str
    seq: int
    event_id: str | None
    reason: str

    def describe(self) -> str:
        which = f"event {self.event_id} (device {self.device_id}, sequence {self.seq})"
        if self.event_id is None:
            which = f"device {self.device_id} after sequence {self.seq}"
        return f"{which}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    events_checked: int
    devices: int
    problem: ChainProblem | None
    purged: int = 0  # events blanked by a purge, each accounted for by its purge record

    @property
    def ok(self) -> bool:
        return self.problem is None


def events_digest(hashes: Sequence[str]) -> str:
    """What a purge record keeps of the events it blanked: SHA-256 over their hashes."""
    return hashlib.sha256("".join(hashes).encode("ascii")).hexdigest()


def verify_chain(
    events: Iterable[Event],
    heads: Mapping[str, ChainHead],
    *,
    listed: Collection[str] | None = None,
) -> ChainReport:
    """Walk events in stored order; each device's chain must run 1, 2, 3… unbroken.

    ``listed``: the ids the log's purge records list (their hashes are kept for the
    digests); None keeps every hash, which costs memory on a long log."""
    last: dict[str, Event] = {}
    purges = _Purges(listed)
    count = 0
    for event in events:
        count += 1
        problem = _check_link(event, last.get(event.device_id))
        if problem:
            return ChainReport(count, len(last), problem)
        purges.see(event, count)
        last[event.device_id] = event
    problem = purges.problem() or _check_heads(last, heads)
    return ChainReport(count, len(last), problem, purges.accounted())


def _check_heads(last: Mapping[str, Event], heads: Mapping[str, ChainHead]) -> ChainProblem | None:
    for device_id in sorted(last.keys() - heads.keys()):
        reason = "it has events but no chain head: the record of its last event was removed"
        return ChainProblem(device_id, last[device_id].seq, None, reason)
    for device_id, head in heads.items():
        tail = last.get(device_id)
        tail_seq = tail.seq if tail else 0
        if tail_seq != head.seq or (tail is not None and tail.hash != head.hash):
            reason = (
                f"the log ends at sequence {tail_seq} but the device last wrote sequence "
                f"{head.seq}: events have been removed from the end"
            )
            return ChainProblem(device_id, tail_seq, None, reason)
    return None


@dataclass(slots=True)
class _Purges:
    """The blanked events met so far, and the purge records that must account for them."""

    keep: Collection[str] | None
    blanked: dict[str, tuple[int, Event]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    records: list[tuple[int, Event]] = field(default_factory=list)

    def see(self, event: Event, at: int) -> None:
        if self.keep is None or event.id in self.keep:
            self.hashes[event.id] = event.hash
        if is_blanked(event):
            self.blanked[event.id] = (at, event)
        elif event.type == PURGE_TYPE:
            self.records.append((at, event))

    def problem(self) -> ChainProblem | None:
        covered: set[str] = set()
        for at, record in self.records:
            listed = [str(i) for i in record.payload.get("event_ids", [])]
            if all(i in self.hashes for i in listed):  # else some are not held here
                digest = events_digest([self.hashes[i] for i in listed])
                if digest != record.payload.get("events_digest"):
                    return _problem(record, _DIGEST_DIFFERS)
            covered.update(i for i in listed if i in self.blanked and self.blanked[i][0] < at)
        for event_id, (_at, event) in self.blanked.items():
            if event_id not in covered:
                return _problem(event, _NO_PURGE_RECORD)
        return None

    def accounted(self) -> int:
        return len(self.blanked)


_DIGEST_DIFFERS = (
    "this purge record's digest does not match the events it lists: history was changed"
)
_NO_PURGE_RECORD = "its contents were blanked without a purge record: history was changed"


def is_blanked(event: Event) -> bool:
    """Blanked by a purge (an event made with that payload still hashes as it was)."""
    return event.payload == PURGE_MARK and event_hash(event) != event.hash


def _problem(event: Event, reason: str) -> ChainProblem:
    return ChainProblem(event.device_id, event.seq, event.id, reason)


def _check_link(event: Event, previous: Event | None) -> ChainProblem | None:
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS_HASH

    def problem(reason: str) -> ChainProblem:
        return ChainProblem(event.device_id, event.seq, event.id, reason)

    if event.seq != expected_seq:
        return problem(
            f"expected sequence {expected_seq} here: an event is missing, inserted or moved"
        )
    if event.prev_hash != expected_prev:
        return problem("it does not follow on from the event before it: history was changed")
    if event_hash(event) != event.hash and event.payload != PURGE_MARK:
        return problem("its contents no longer match its hash: it was edited")
    return None
