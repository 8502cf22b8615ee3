"""The hash chain check on events built in memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from duty_desk.domain.audit import ChainHead, verify_chain
from duty_desk.domain.events import GENESIS_HASH, Event, event_hash, next_hlc

START = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def chain(device: str, count: int, start_seq: int = 1, prev: str = GENESIS_HASH) -> list[Event]:
    events: list[Event] = []
    hlc = None
    for n in range(start_seq, start_seq + count):
        now = START + timedelta(minutes=n)
        hlc = next_hlc(hlc, now, device)
        draft = Event(
            id=f"{device}-{n}",
            device_id=device,
            seq=n,
            stream_kind="enquiry",
            stream_id="e1",
            type="enquiry.noted",
            payload={"n": n, "text": "Kind words, ünïcode"},
            actor_id="u1",
            actor_role="duty_social_worker",
            occurred_at=now,
            hlc=hlc,
            prev_hash=prev,
            hash="",
        )
        event = replace(draft, hash=event_hash(draft))
        events.append(event)
        prev = event.hash
    return events


def heads(events: list[Event]) -> dict[str, ChainHead]:
    return {e.device_id: ChainHead(e.seq, e.hash) for e in events}


def test_an_intact_chain_passes() -> None:
    events = chain("a", 5)
    report = verify_chain(events, heads(events))
    assert report.ok and report.events_checked == 5 and report.devices == 1


def test_two_devices_interleaved_pass() -> None:
    a, b = chain("a", 3), chain("b", 3)
    mixed = [a[0], b[0], b[1], a[1], a[2], b[2]]
    assert verify_chain(mixed, heads(mixed)).ok


def test_every_field_is_covered_by_the_hash() -> None:
    event = chain("a", 1)[0]
    changes = {
        "id": "other",
        "device_id": "b",
        "seq": 2,
        "stream_kind": "person",
        "stream_id": "e2",
        "type": "enquiry.deleted",
        "payload": {"n": 1, "text": "changed"},
        "actor_id": "u2",
        "actor_role": "manager",
        "occurred_at": START,
        "hlc": "x",
        "prev_hash": "1" * 64,
    }
    for name, value in changes.items():
        assert event_hash(replace(event, **{name: value})) != event.hash, name


@pytest.mark.parametrize(
    ("tamper", "bad_index", "reason"),
    [
        (lambda es: [*es[:2], replace(es[2], payload={"n": 99}), *es[3:]], 2, "edited"),
        (lambda es: es[:2] + es[3:], 2, "expected sequence 3"),
        (lambda es: [es[0], es[2], es[1], *es[3:]], 1, "expected sequence 2"),
        (lambda es: [*es[:2], replace(es[2], prev_hash=es[0].hash), *es[3:]], 2, "history"),
    ],
    ids=["edit", "delete", "swap", "relink"],
)
def test_tampering_names_the_first_bad_event(tamper, bad_index: int, reason: str) -> None:
    events = chain("a", 5)
    changed = tamper(events)
    report = verify_chain(changed, heads(events))
    assert report.problem is not None
    assert report.problem.event_id == changed[bad_index].id
    assert reason in report.problem.reason
    assert f"event {changed[bad_index].id} (device a, sequence" in report.problem.describe()


def test_truncation_is_found_through_the_head() -> None:
    events = chain("a", 5)
    report = verify_chain(events[:3], heads(events))
    assert report.problem is not None and report.problem.event_id is None
    assert report.problem.describe().startswith("device a after sequence 3:")
    assert "removed from the end" in report.problem.reason


def test_a_head_with_a_different_hash_is_caught() -> None:
    events = chain("a", 3)
    report = verify_chain(events, {"a": ChainHead(3, "f" * 64)})
    assert not report.ok


def test_a_head_for_a_device_with_no_events_is_caught() -> None:
    report = verify_chain([], {"gone": ChainHead(4, "f" * 64)})
    assert report.problem is not None and report.problem.device_id == "gone"
    assert "ends at sequence 0" in report.problem.reason
