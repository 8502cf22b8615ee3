"""Sync with the day service, as the app, the command line and the tests call it.

The connection (address and team) is kept in ``day-service.json`` in the data directory:
nothing secret. The password for it lives only in the OS credential store. With none set,
a desk uses its own embedded SQLite day service (``day-service.sqlite``), as the demo does.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import keyring.errors

from duty_desk.domain.errors import NotFound, ValidationError
from duty_desk.domain.events import SYSTEM, Event, NewEvent, parse_instant
from duty_desk.domain.roles import Permission
from duty_desk.security.device_secret import SERVICE, require_credential_store
from duty_desk.services.authz import authorize
from duty_desk.services.context import Desk, SignedIn
from duty_desk.services.enrolment import enrol_from
from duty_desk.store import conflicts as store_conflicts
from duty_desk.store import sync_state
from duty_desk.store.conflicts import Conflict
from duty_desk.sync.client import Progress, SyncReport, sync_desk
from duty_desk.sync.server import DayService, DayServiceError, checked_url, redacted

CONFIG_NAME = "day-service.json"
TEAM = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
DEFAULT_TEAM = "edt"


@dataclass(frozen=True, slots=True)
class Connection:
    url: str
    team: str


@dataclass(frozen=True, slots=True)
class SyncStatus:
    address: str  # without any password
    team: str
    last_sync_at: datetime | None
    acked_seq: int  # how far the day service holds this desk's own records
    own_seq: int  # how many records this desk has written
    waiting: int  # records here not yet back from the day service in its order
    open_conflicts: int
    last_error: str

    @property
    def unsent(self) -> int:
        return max(0, self.own_seq - self.acked_seq)


def connection(desk: Desk) -> Connection:
    """Where this desk syncs: the administrator's setting, or its embedded SQLite file."""
    path = desk.paths.root / CONFIG_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Connection(f"sqlite:///{desk.paths.day_service}", DEFAULT_TEAM)
    except ValueError as error:
        raise ValidationError(f"{path} is not valid JSON ({error}); set it up again.") from None
    if not isinstance(raw, dict) or not {"url", "team"} <= raw.keys():
        raise ValidationError(f"{path} must hold the day service's url and team; set it up again.")
    return Connection(str(raw["url"]), str(raw["team"]))


def configure(session: SignedIn, url: str, team: str, password: str | None = None) -> Connection:
    """Set the day service (administrators); its password goes to the OS credential store."""
    authorize(session, Permission.CONFIGURE_SYNC)
    if not TEAM.match(team):
        raise ValidationError(
            "The team must start with a letter and use only lower-case letters, digits and "
            "underscores (at most 30), for example edt or north_edt.",
            "team",
        )
    try:
        parsed = checked_url(url)
    except DayServiceError as error:
        raise ValidationError(str(error), "url") from None
    if parsed.password:
        raise ValidationError(
            "Leave the password out of the address: give it separately, and it is kept in the "
            "operating system's credential store, never in a file.",
            "url",
        )
    backend = require_credential_store()
    account = _account(session.desk)
    try:
        if password:
            backend.set_password(SERVICE, account, password)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(SERVICE, account)
    except keyring.errors.KeyringError as error:
        raise ValidationError(f"The credential store refused the password ({error}).") from None
    config = Connection(url, team)
    _write_config(session.desk.paths.root / CONFIG_NAME, config)
    with session.uow() as uow:
        event = {"address": redacted(url), "team": team, "password_set": bool(password)}
        uow.record(NewEvent("desk", session.desk.device_id, "sync.configured", event))
        uow.commit()
    return config


def open_service(desk: Desk) -> tuple[DayService, str]:
    """Connect to the configured day service (creating the embedded one if needed)."""
    config = connection(desk)
    if config.url.startswith("sqlite:") and not (desk.paths.root / CONFIG_NAME).exists():
        DayService.init(config.url)  # the embedded default: make sure its tables exist
    password = None
    if not config.url.startswith("sqlite:"):
        try:
            password = require_credential_store().get_password(SERVICE, _account(desk))
        except keyring.errors.KeyringError as error:
            raise DayServiceError(f"The credential store could not be read ({error}).") from None
    return DayService.connect(config.url, password), config.team


def sync_now(session: SignedIn, progress: Progress | None = None) -> SyncReport:
    """Push this desk's records and pull everyone else's, now."""
    authorize(session, Permission.SYNC)
    return sync_with_service(session.desk, progress)


def sync_with_service(desk: Desk, progress: Progress | None = None) -> SyncReport:
    """The sync itself, for a desk that is open (the background loop calls this)."""
    try:
        service, team = open_service(desk)
        try:
            report = sync_desk(
                desk.store,
                desk.device_id,
                service,
                team,
                clock=desk.clock,
                progress=progress,
                on_received=lambda events: _received(desk, events),
            )
        finally:
            service.close()
    except DayServiceError as error:
        _note_error(desk, str(error))
        raise
    _note_error(desk, "")
    # Acknowledgements may have arrived: what has been kept long enough leaves the laptop.
    from duty_desk.services.purge import purge_due

    purge_due(desk)
    return report


def status(session: SignedIn) -> SyncStatus:
    authorize(session, Permission.SYNC)
    config = connection(session.desk)
    with session.uow(read_only=True) as uow:
        s = uow.session
        last = sync_state.get_meta(s, "last_sync_at")
        return SyncStatus(
            address=redacted(config.url),
            team=config.team,
            last_sync_at=parse_instant(last) if last else None,
            acked_seq=int(sync_state.get_meta(s, "acked_seq", "0")),
            own_seq=sync_state.own_head(s, session.desk.device_id),
            waiting=sync_state.unordered_count(s),
            open_conflicts=len(store_conflicts.conflicts(s)),
            last_error=sync_state.get_meta(s, "last_error"),
        )


class RecordState:
    """Where one record stands with the day service, in the words the list shows."""

    HERE_ONLY = "Not yet sent"
    SENT = "Sent"
    RECEIVED = "From the day service"


def record_states(session: SignedIn, record_ids: list[str]) -> dict[str, str]:
    """Each record's sync state: changes made here not yet held by the day service, all
    sent, or only ever changed on other laptops."""
    authorize(session, Permission.SYNC)
    with session.uow(read_only=True) as uow:
        acked = int(sync_state.get_meta(uow.session, "acked_seq", "0"))
        last = sync_state.last_own_seq(uow.session, session.desk.device_id, record_ids)
    states = {}
    for record_id in record_ids:
        seq = last.get(record_id)
        if seq is None:
            states[record_id] = RecordState.RECEIVED
        else:
            states[record_id] = RecordState.SENT if seq <= acked else RecordState.HERE_ONLY
    return states


def list_conflicts(session: SignedIn, *, include_resolved: bool = False) -> list[Conflict]:
    authorize(session, Permission.RESOLVE_CONFLICTS)
    with session.uow(read_only=True) as uow:
        return store_conflicts.conflicts(uow.session, open_only=not include_resolved)


def resolve_conflict(session: SignedIn, event_id: str, note: str = "") -> Conflict:
    """A person has looked at a conflict and dealt with it (e.g. re-entered what mattered)."""
    authorize(session, Permission.RESOLVE_CONFLICTS)
    with session.uow() as uow:
        found = store_conflicts.get_conflict(uow.session, event_id)
        if found is None:
            raise NotFound("There is no such conflict on this desk.")
        if found.resolved_at is not None:
            raise ValidationError("That conflict has already been resolved.")
        payload = {"event_id": event_id, "note": note.strip()[:500]}
        uow.record(NewEvent(found.stream_kind, found.stream_id, "conflict.resolved", payload))
        resolved = store_conflicts.get_conflict(uow.session, event_id)
        uow.commit()
    assert resolved is not None
    return resolved


def _received(desk: Desk, events: list[Event]) -> None:
    enrol_from(desk, events)


def _note_error(desk: Desk, message: str) -> None:
    with contextlib.suppress(Exception), desk.uow(SYSTEM) as uow:
        sync_state.set_meta(uow.session, "last_error", message)
        uow.commit()


def _account(desk: Desk) -> str:
    return f"day-service:{desk.device_id}"


def _write_config(path: Path, config: Connection) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"url": config.url, "team": config.team}, indent=2) + "\n")
    temporary.replace(path)
