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


# --- the local purge: blanked payloads, accounted for by a later purge record -----------


def purged(events: list[Event], *blank: int) -> list[Event]:
    """``events`` with those at ``blank`` blanked, and a purge record listing them chained
    on the end (as the purge does)."""
    from duty_desk.domain.audit import PURGE_MARK, PURGE_TYPE, events_digest

    gone = [events[i] for i in blank]
    last = events[-1]
    record = Event(
        id=f"{last.device_id}-purge",
        device_id=last.device_id,
        seq=last.seq + 1,
        stream_kind="enquiry",
        stream_id="e1",
        type=PURGE_TYPE,
        payload={
            "reference": "EDT-1",
            "event_ids": [e.id for e in gone],
            "events_digest": events_digest([e.hash for e in gone]),
        },
        actor_id=None,
        actor_role=None,
        occurred_at=last.occurred_at + timedelta(days=8),
        hlc=next_hlc(last.hlc, last.occurred_at + timedelta(days=8), last.device_id),
        prev_hash=last.hash,
        hash="",
    )
    record = replace(record, hash=event_hash(record))
    kept = [replace(e, payload=PURGE_MARK) if n in blank else e for n, e in enumerate(events)]
    return [*kept, record]


def test_a_purge_keeps_the_chain_verifiable() -> None:
    events = purged(chain("a", 5), 0, 1, 3)
    report = verify_chain(events, heads(events))
    assert report.ok, report.problem
    assert (report.events_checked, report.purged) == (6, 3)


def test_the_listed_ids_are_enough_to_check_the_digests() -> None:
    events = purged(chain("a", 5), 0, 1)
    listed = {events[0].id, events[1].id}
    assert verify_chain(events, heads(events), listed=listed).ok
    # A third event blanked that the purge record does not list: caught all the same.
    tampered = [*events[:2], replace(events[2], payload={"purged": True}), *events[3:]]
    report = verify_chain(tampered, heads(events), listed=listed)
    assert report.problem is not None and report.problem.event_id == events[2].id


def test_a_payload_blanked_without_a_purge_record_is_history_changed() -> None:
    from duty_desk.domain.audit import PURGE_MARK

    events = chain("a", 4)
    blanked = [*events[:2], replace(events[2], payload=PURGE_MARK), events[3]]
    report = verify_chain(blanked, heads(events))
    assert report.problem is not None and report.problem.event_id == events[2].id
    assert report.problem.reason == (
        "its contents were blanked without a purge record: history was changed"
    )


def test_a_purge_record_must_come_after_what_it_lists_and_match_its_digest() -> None:
    events = purged(chain("a", 4), 1)
    wrong_digest = replace(events[-1], payload={**events[-1].payload, "events_digest": "0" * 64})
    wrong_digest = replace(wrong_digest, hash=event_hash(wrong_digest))
    forged = [*events[:-1], wrong_digest]
    report = verify_chain(forged, heads(forged))
    assert report.problem is not None and report.problem.event_id == wrong_digest.id
    assert "digest does not match the events it lists" in report.problem.reason
    # Another event blanked and claimed by a record that does not list it: caught.
    more = [*events[:2], replace(events[2], payload={"purged": True}), *events[3:]]
    report = verify_chain(more, heads(events))
    assert report.problem is not None and report.problem.event_id == events[2].id


def test_an_event_made_with_the_marker_as_its_payload_is_not_taken_for_a_purge() -> None:
    from duty_desk.domain.audit import PURGE_MARK

    draft = replace(chain("a", 1)[0], payload=PURGE_MARK)
    event = replace(draft, hash=event_hash(draft))
    report = verify_chain([event], heads([event]))
    assert report.ok and report.purged == 0
