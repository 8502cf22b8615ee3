"""Canonical encoding, UTC instants and the hybrid logical clock."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from duty_desk.domain.clock import show_local
from duty_desk.domain.events import (
    Event,
    canonical_json,
    event_hash,
    format_instant,
    next_hlc,
    parse_instant,
)


def test_canonical_json_is_stable_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_instants_are_utc_with_microseconds() -> None:
    bst = timezone(timedelta(hours=1))
    moment = datetime(2026, 6, 1, 2, 3, 4, 5, tzinfo=bst)
    assert format_instant(moment) == "2026-06-01T01:03:04.000005Z"
    assert parse_instant(format_instant(moment)) == moment
    assert parse_instant(format_instant(moment)).tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-29T00:59:59.999999Z",
        "2026-10-25T01:30:00.000000Z",
        "2028-02-29T23:00:00.000001Z",
        "9999-12-31T23:59:59.999999Z",
    ],
)
def test_reading_an_instant_quickly_reads_it_as_the_strict_format_does(text: str) -> None:
    strict = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert parse_instant(text) == strict and parse_instant(text).tzinfo is UTC
    assert format_instant(parse_instant(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23T01:02:03Z",  # no microseconds
        "2026-11-23 01:02:03.123456Z",  # a space, not T
        "2026-11-23T01:02:03.123456+00:00",  # an offset, not Z
        "2026-11-23T01:02:03.12345+Z",
        "2026-11-23T01:02:03.1234 5Z",
        "2026-02-30T01:02:03.123456Z",  # no such day
        "2026-11-23T24:02:03.123456Z",
        "2026-11-23T01:02:03.123456",
    ],
)
def test_an_instant_in_any_other_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)


def test_an_events_hash_is_of_its_whole_canonical_json() -> None:
    payload = {"payload": {"x": "}"}, "child_name": 'Siân "Llŷr"', "z": [None, 1.5, {"b": 2}]}
    event = Event(
        id="e1", device_id="d1", seq=7, stream_kind="enquiry", stream_id="s1", type="t",
        payload=payload, actor_id=None, actor_role="duty_social_worker",
        occurred_at=datetime(2026, 10, 25, 1, 30, 0, 250, tzinfo=UTC), hlc="h", prev_hash="p",
        hash="",
    )  # fmt: skip
    whole = canonical_json(
        {
            "id": "e1",
            "device_id": "d1",
            "seq": 7,
            "stream": ["enquiry", "s1"],
            "type": "t",
            "payload": payload,
            "actor": [None, "duty_social_worker"],
            "occurred_at": "2026-10-25T01:30:00.000250Z",
            "hlc": "h",
            "prev_hash": "p",
        }
    )
    expected = hashlib.sha256(whole.encode("utf-8")).hexdigest()
    assert event_hash(event) == expected
    assert event_hash(event, canonical_json(payload)) == expected  # spliced around it


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        format_instant(datetime(2026, 1, 1))  # noqa: DTZ001


def test_hlc_never_goes_backwards() -> None:
    t = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    first = next_hlc(None, t, "dev")
    same = next_hlc(first, t, "dev")
    earlier = next_hlc(same, t - timedelta(hours=1), "dev")
    later = next_hlc(earlier, t + timedelta(seconds=1), "dev")
    assert first.endswith(".00000.dev") and same.endswith(".00001.dev")
    assert earlier.endswith(".00002.dev")
    assert first < same < earlier < later
    assert later.endswith(".00000.dev")


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 1, 15, 23, 5, tzinfo=UTC), "15/01/2026 23:05"),
        (datetime(2026, 7, 15, 23, 5, tzinfo=UTC), "16/07/2026 00:05"),  # BST
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29/03/2026 02:00"),  # clocks go forward
        (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), "25/10/2026 01:59"),  # still BST
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), "25/10/2026 01:00"),  # GMT again
    ],
)
def test_shown_in_london(utc: datetime, shown: str) -> None:
    assert show_local(utc) == shown
    assert show_local(utc, with_date=False) == shown[-5:]
