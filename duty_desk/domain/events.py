"""Events: the immutable, hash-chained record of every change.

Each event's hash is SHA-256 over a canonical encoding of all its fields and the
previous event's hash on the same device, so editing, deleting, inserting or reordering
history breaks the chain and is detectable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it: a person's id and the role they acted in (None for the system)."""

    user_id: str | None
    role: str | None


SYSTEM = Actor(None, None)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """What a service asks to record; the log fills in id, sequence, clock and hashes."""

    stream_kind: str
    stream_id: str
    type: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    device_id: str
    seq: int
    stream_kind: str
    stream_id: str
    type: str
    payload: Mapping[str, Any]
    actor_id: str | None
    actor_role: str | None
    occurred_at: datetime
    hlc: str
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_instant(moment: datetime) -> str:
    """UTC instant as ISO 8601 with microseconds; refuses naive datetimes."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every stored time must be timezone-aware UTC")
    if moment.tzinfo is UTC and moment.year >= 1000:  # the hot path: already UTC
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" -> "Z"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    if len(text) == 27 and text[4:20:3] == "--T::." and text[26] == "Z" and text[20:26].isdigit():
        # What format_instant writes, read without strptime (the hot path of every fold).
        return datetime.fromisoformat(text[:26]).replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def event_hash(event: Event, payload_json: str | None = None) -> str:
    """SHA-256 of the event's canonical JSON (every field but the hash itself).

    ``payload_json``, if given, is ``canonical_json(event.payload)`` already made (a push or
    a pull writes it too): the body is spliced around it, exactly as serialising the whole
    would come out, since canonical JSON writes an object's keys in sorted order.
    """
    before = canonical_json(
        {
            "actor": [event.actor_id, event.actor_role],
            "device_id": event.device_id,
            "hlc": event.hlc,
            "id": event.id,
            "occurred_at": format_instant(event.occurred_at),
        }
    )
    after = canonical_json(
        {
            "prev_hash": event.prev_hash,
            "seq": event.seq,
            "stream": [event.stream_kind, event.stream_id],
            "type": event.type,
        }
    )
    payload = canonical_json(event.payload) if payload_json is None else payload_json
    body = f'{before[:-1]},"payload":{payload},{after[1:]}'
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def next_hlc(previous: str | None, now: datetime, device_id: str) -> str:
    """Hybrid logical clock: wall milliseconds, a counter, and the device as tie-break.

    The value never goes backwards on one device even if the wall clock does, and it
    sorts as text.
    """
    wall_ms = int(now.timestamp() * 1000)
    if previous:
        prev_ms_text, prev_count_text, _ = previous.split(".", 2)
        prev_ms, prev_count = int(prev_ms_text), int(prev_count_text)
        if wall_ms <= prev_ms:
            return f"{prev_ms:015d}.{prev_count + 1:05d}.{device_id}"
    return f"{wall_ms:015d}.{0:05d}.{device_id}"
