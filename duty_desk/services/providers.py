"""The placements directory: who the duty worker can call for a young person in custody.

The administrator keeps it (later it syncs down from the day service); everyone who
records custody cases reads it. Retiring a placement keeps its history.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from duty_desk.domain.custody_records import PROVIDER_FIELDS, Provider, clean_provider
from duty_desk.domain.errors import NotFound
from duty_desk.domain.events import NewEvent
from duty_desk.domain.roles import Permission, may
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.store import custody as store
from duty_desk.store.unit_of_work import UnitOfWork


def providers(session: SignedIn, *, include_retired: bool = False) -> list[Provider]:
    """The directory, by name. Practitioners read it; the administrator keeps it (and
    alone sees the retired entries too)."""
    keeper = include_retired or may(session.person.role, Permission.MANAGE_PROVIDERS)
    authorize(session, Permission.MANAGE_PROVIDERS if keeper else Permission.RECORD_ENQUIRIES)
    with session.uow(read_only=True) as uow:
        return store.providers(uow.session, include_retired=include_retired)


def add_provider(session: SignedIn, fields: Mapping[str, Any]) -> Provider:
    authorize(session, Permission.MANAGE_PROVIDERS)
    cleaned = clean_provider(dict(fields))
    provider_id = str(uuid.uuid4())
    with session.uow() as uow:
        uow.record(NewEvent("provider", provider_id, "provider.added", {"provider": cleaned}))
        uow.commit()
        return _read(uow, provider_id)


def change_provider(session: SignedIn, provider_id: str, fields: Mapping[str, Any]) -> Provider:
    """Change some of an entry's details; those not given stay as they are."""
    authorize(session, Permission.MANAGE_PROVIDERS)
    with session.uow(read_only=True) as uow:
        current = _read(uow, provider_id)
    kept = {name: getattr(current, name) for name in PROVIDER_FIELDS}
    return _record(session, provider_id, clean_provider(kept | dict(fields)))


def retire_provider(session: SignedIn, provider_id: str) -> Provider:
    """Take a placement out of the list offered (cases that named it keep the name)."""
    authorize(session, Permission.MANAGE_PROVIDERS)
    return _record(session, provider_id, {"active": False})


def restore_provider(session: SignedIn, provider_id: str) -> Provider:
    authorize(session, Permission.MANAGE_PROVIDERS)
    return _record(session, provider_id, {"active": True})


def _record(session: SignedIn, provider_id: str, values: dict[str, Any]) -> Provider:
    with session.uow() as uow:
        current = _read(uow, provider_id)
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        if not changed:
            return current
        uow.record(NewEvent("provider", provider_id, "provider.changed", {"provider": changed}))
        uow.commit()
        return _read(uow, provider_id)


def _read(uow: UnitOfWork, provider_id: str) -> Provider:
    found = store.get_provider(uow.session, provider_id)
    if found is None:
        raise NotFound("That placement is not in the directory.")
    return found
