"""People enrolled elsewhere can sign in here: slots made from synced enrolments.

When a pull brings a person's enrolment (added, password reset or changed on another
laptop), this desk, open and holding its key, wraps that key for them under the enrolment
and its own device secret: the same slot the person's password would have made here. A
person disabled elsewhere loses their slot here. The key file never holds a password.
"""

from __future__ import annotations

from collections.abc import Iterable

from duty_desk.domain.events import SYSTEM, Event
from duty_desk.security import keyfile as keyfiles
from duty_desk.security.keyfile import KeyFile, Slot
from duty_desk.services.context import Desk

_ENROLLING = frozenset({"person.added", "person.password_reset", "person.password_changed"})


def enrol_from(desk: Desk, events: Iterable[Event]) -> int:
    """Bring this desk's key slots in line with people events from other laptops."""
    latest: dict[str, Event] = {}
    for event in events:
        if event.device_id != desk.device_id and (
            event.type in _ENROLLING or event.type == "person.disabled"
        ):
            latest[event.stream_id] = event  # the last word on each person counts
    if not latest:
        return 0
    with desk.uow(SYSTEM, read_only=True) as uow:
        people = {pid: uow.people.get(pid) for pid in latest}
    changes: list[tuple[str, tuple[str, Slot] | None]] = []
    for person_id, event in latest.items():
        person = people[person_id]
        if person is None:
            continue  # not projected here (e.g. a username conflict): no slot
        if event.type == "person.disabled" or not person.active:
            changes.append((person.username, None))
        elif "enrolment" in event.payload:
            entry = keyfiles.slot_from_enrolment(
                desk.device_id,
                desk.device_secret,
                person.username,
                dict(event.payload["enrolment"]),
                desk.db_key,
            )
            changes.append((person.username, entry))

    def change(keyfile: KeyFile) -> KeyFile:
        for username, entry in changes:
            if entry is None:
                keyfile = keyfiles.without_slot(keyfile, desk.device_secret, username)
            else:
                keyfile = keyfiles.with_entry(keyfile, entry)
        return keyfile

    if changes:
        desk.update_keyfile(change)
    return len(changes)
