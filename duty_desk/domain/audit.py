"""Checking the hash chain: the first event that breaks it, and why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from duty_desk.domain.events import GENESIS_HASH, Event, event_hash


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

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(events: Iterable[Event], heads: Mapping[str, ChainHead]) -> ChainReport:
    """Walk events in stored order; each device's chain must run 1, 2, 3… unbroken."""
    last: dict[str, Event] = {}
    count = 0
    for event in events:
        count += 1
        problem = _check_link(event, last.get(event.device_id))
        if problem:
            return ChainReport(count, len(last), problem)
        last[event.device_id] = event
    for device_id in sorted(last.keys() - heads.keys()):
        reason = "it has events but no chain head: the record of its last event was removed"
        problem = ChainProblem(device_id, last[device_id].seq, None, reason)
        return ChainReport(count, len(last), problem)
    for device_id, head in heads.items():
        tail = last.get(device_id)
        tail_seq = tail.seq if tail else 0
        if tail_seq != head.seq or (tail is not None and tail.hash != head.hash):
            reason = (
                f"the log ends at sequence {tail_seq} but the device last wrote sequence "
                f"{head.seq}: events have been removed from the end"
            )
            return ChainReport(count, len(last), ChainProblem(device_id, tail_seq, None, reason))
    return ChainReport(count, len(last), None)


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
    if event_hash(event) != event.hash:
        return problem("its contents no longer match its hash: it was edited")
    return None
