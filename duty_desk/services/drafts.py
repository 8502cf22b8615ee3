"""Autosave: typing kept in the encrypted store until it is saved or discarded.

The form calls ``autosave`` a moment after the last keystroke; after a crash, a kill or a
power cut, ``pending_drafts`` offers the work back at the next sign-in. Drafts belong to
the person who typed them and are not events: the record's history starts when it is saved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from duty_desk.domain.errors import Forbidden
from duty_desk.domain.records import Draft
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.enquiries import clean
from duty_desk.store import drafts as store
from duty_desk.store import enquiries as enquiry_store


def autosave(
    session: SignedIn,
    key: str,
    fields: Mapping[str, Any],
    enquiry_id: str | None = None,
    base_version: int | None = None,
) -> None:
    """Keep what the form holds under ``key`` (one key per open form)."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    content = clean(fields)
    with session.uow() as uow:
        try:
            store.put(
                uow.session,
                key,
                session.person.id,
                enquiry_id,
                base_version,
                content,
                session.desk.clock(),
            )
        except PermissionError:
            raise Forbidden("That draft belongs to someone else; it was not changed.") from None
        uow.commit()


def pending_drafts(session: SignedIn) -> list[Draft]:
    """This person's unsaved work, oldest first."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        found = []
        for row in store.of_person(uow.session, session.person.id):
            enquiry = (
                enquiry_store.get_enquiry(uow.session, row.enquiry_id) if row.enquiry_id else None
            )
            found.append(
                Draft(
                    row.key,
                    row.enquiry_id,
                    enquiry.reference if enquiry else None,
                    row.base_version,
                    json.loads(row.content),
                    row.saved_at,
                )
            )
        return found


def discard_draft(session: SignedIn, key: str) -> bool:
    """Forget a draft (after it was saved, or when the person chooses to throw it away)."""
    authorize(session, Permission.RECORD_ENQUIRIES)
    with session.uow() as uow:
        removed = store.remove(uow.session, key, session.person.id)
        uow.commit()
        return removed
