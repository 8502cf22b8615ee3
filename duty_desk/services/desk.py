"""Creating a desk, signing in and out, locking, and recovery."""

from __future__ import annotations

import secrets
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime

from duty_desk import __version__, filelock
from duty_desk.domain.clock import Clock, utc_now
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import SYSTEM, Actor, NewEvent, format_instant
from duty_desk.domain.people import (
    Person,
    check_display_name,
    check_new_password,
    normalise_username,
)
from duty_desk.domain.roles import Role
from duty_desk.security import device_secret
from duty_desk.security import keyfile as keyfiles
from duty_desk.security.errors import DeviceSecretMissing, WrongCredentials
from duty_desk.security.failures import FailedAttempt, FailureLog
from duty_desk.services.context import Desk, SignedIn
from duty_desk.services.paths import DeskPaths
from duty_desk.store.database import Store
from duty_desk.store.unit_of_work import UnitOfWork

WRONG = "That username and password do not match a person enrolled on this desk."


@dataclass(frozen=True, slots=True)
class NewDesk:
    session: SignedIn
    recovery_key: str


def create_desk(
    paths: DeskPaths,
    username: str,
    display_name: str,
    password: str,
    clock: Clock = utc_now,
) -> NewDesk:
    """First run: the administrator, the device secret, the key file and the database."""
    username = normalise_username(username)
    display_name = check_display_name(display_name)
    check_new_password(password, username)
    device_secret.require_credential_store()
    paths.root.mkdir(parents=True, exist_ok=True)
    with filelock.held(paths.keyfile_lock):  # two first runs at once: one wins, cleanly
        if paths.exists() or paths.database.exists():
            raise ValidationError(f"A desk already exists in {paths.root}.")
        device_id = str(uuid.uuid4())
        secret = device_secret.create(device_id)
        try:
            return _build_desk(paths, device_id, secret, username, display_name, password, clock)
        except BaseException:
            device_secret.delete(device_id)
            for path in [paths.keyfile, *paths.database_files()]:
                path.unlink(missing_ok=True)
            raise


def _build_desk(
    paths: DeskPaths,
    device_id: str,
    secret: bytes,
    username: str,
    display_name: str,
    password: str,
    clock: Clock,
) -> NewDesk:
    db_key = secrets.token_bytes(32)
    recovery = keyfiles.new_recovery_key()
    keyfile = keyfiles.with_recovery(keyfiles.KeyFile(device_id), recovery, db_key)
    enrolment = keyfiles.new_enrolment(password)  # other laptops make their slots from it
    entry = keyfiles.slot_from_enrolment(device_id, secret, username, enrolment, db_key)
    keyfile = keyfiles.with_entry(keyfile, entry)
    desk = Desk(paths, Store.create(paths.database, db_key), device_id, secret, db_key, clock)
    admin_id = str(uuid.uuid4())
    created = {"device_id": device_id, "app_version": __version__}
    added = {
        "username": username,
        "display_name": display_name,
        "role": Role.ADMINISTRATOR,
        "enrolment": enrolment,
    }
    try:
        with desk.uow(Actor(admin_id, Role.ADMINISTRATOR.value)) as uow:
            uow.record(NewEvent("desk", device_id, "desk.created", created))
            uow.record(NewEvent("person", admin_id, "person.added", added))
            uow.record(NewEvent("person", admin_id, "auth.signed_in", {}))
            person = uow.people.get(admin_id)
            uow.commit()
        keyfiles.save(paths.keyfile, keyfile)
    except BaseException:
        desk.close()
        raise
    assert person is not None
    return NewDesk(SignedIn(desk, person), keyfiles.format_recovery_key(recovery))


def sign_in(paths: DeskPaths, username: str, password: str, clock: Clock = utc_now) -> SignedIn:
    """Unwrap the key with password + device secret, open the store, record the sign-in.

    A wrong password changes nothing in the database; it is counted in the sealed
    failures file and moved into the log at the next good sign-in.
    """
    if not paths.exists():
        raise ValidationError(f"There is no desk in {paths.root}. Set one up first.")
    keyfile = keyfiles.load(paths.keyfile)
    secret = device_secret.load(keyfile.device_id)
    failures = FailureLog(paths.failures, secret, keyfile.device_id)
    name = username.strip().lower()
    counted = failures.counted_name(name, keyfiles.has_slot(keyfile, secret, name))
    failures.check_not_paused(counted, clock())
    db_key = keyfiles.unwrap(keyfile, secret, name, password)
    if db_key is None:
        count = failures.add(counted, clock())
        raise WrongCredentials(f"{WRONG} (failed attempt {count})")
    store = Store.open(paths.database, db_key)
    desk = Desk(paths, store, keyfile.device_id, secret, db_key, clock)
    try:
        return _record_sign_in(desk, failures, name)
    except BaseException:
        store.close()
        raise


def _record_sign_in(
    desk: Desk, failures: FailureLog, username: str, alongside: str | None = None
) -> SignedIn:
    pending = failures.unrecorded()
    with desk.uow(SYSTEM) as uow:
        person = uow.people.by_username(username)
        _record_failures(uow, desk.device_id, failures, pending)
        if person is None or not person.active:
            _record_failure(uow, desk.device_id, person.id if person else None, desk.clock())
            uow.commit()
            failures.settle(pending, desk.clock(), got_in=username)
            raise WrongCredentials(WRONG + " (this account is disabled)")
        signed_in = SignedIn(desk, person)
        payload = {} if alongside is None else {"alongside": alongside}
        uow.record(NewEvent("person", person.id, "auth.signed_in", payload), signed_in.actor)
        uow.commit()
    failures.settle(pending, desk.clock(), got_in=username)
    return signed_in


def _record_failures(
    uow: UnitOfWork, device_id: str, failures: FailureLog, attempts: list[FailedAttempt]
) -> None:
    if not attempts:
        return
    # Names without a key slot (a disabled person, or a typo) were kept only as a keyed
    # hash; match them, and plain names, against everyone on the desk.
    known: dict[str, str] = {}
    for person in uow.people.list():
        known[person.username] = person.id
        known[failures.counted_name(person.username, enrolled=False)] = person.id
    for attempt in attempts:
        _record_failure(uow, device_id, known.get(attempt.username), attempt.at)


def _record_failure(uow: UnitOfWork, device_id: str, person_id: str | None, at: datetime) -> None:
    """Who was tried, as a person's id; an unknown username (perhaps a password typed in
    the wrong box) is never written down."""
    tried = {"person_id": person_id} if person_id else {"person_id": None, "username_known": False}
    payload = {**tried, "attempted_at": format_instant(at)}
    uow.record(NewEvent("desk", device_id, "auth.sign_in_failed", payload))


def check_password(session: SignedIn, password: str) -> bool:
    keyfile = session.desk.keyfile()
    db_key = keyfiles.unwrap(keyfile, session.desk.device_secret, session.person.username, password)
    return db_key is not None and secrets.compare_digest(db_key, session.desk.db_key)


def lock(session: SignedIn) -> None:
    with session.uow() as uow:
        uow.record(NewEvent("person", session.person.id, "session.locked", {}))
        uow.commit()


def unlock(session: SignedIn, password: str) -> None:
    """Only the person who locked the desk can unlock it; wrong passwords are recorded and
    count towards the same pause as at sign-in."""
    desk, person = session.desk, session.person
    failures = desk.failures()
    failures.check_not_paused(person.username, desk.clock())
    ok = check_password(session, password)
    pending = failures.unrecorded()  # e.g. wrong passwords at the command line meanwhile
    with session.uow() as uow:
        _record_failures(uow, desk.device_id, failures, pending)
        uow.record(
            NewEvent("person", person.id, "session.unlocked" if ok else "session.unlock_failed", {})
        )
        uow.commit()
    if ok:
        failures.settle(pending, desk.clock(), got_in=person.username)
        return
    failures.settle(pending, desk.clock())
    failures.add(person.username, desk.clock(), recorded=True)
    raise WrongCredentials(f"That is not the password for {person.display_name}.")


def sign_in_alongside(session: SignedIn, username: str, password: str) -> SignedIn:
    """A second person signs in on the same open desk (an approver at the worker's laptop)
    without closing the worker's session. Wrong passwords count as at sign-in."""
    desk = session.desk
    name = username.strip().lower()
    if name == session.person.username:
        raise ValidationError(
            f"{session.person.display_name} is already signed in: someone else must sign in "
            "alongside to sign off.",
            field="username",
        )
    failures = desk.failures()
    keyfile = desk.keyfile()
    counted = failures.counted_name(name, keyfiles.has_slot(keyfile, desk.device_secret, name))
    failures.check_not_paused(counted, desk.clock())
    db_key = keyfiles.unwrap(keyfile, desk.device_secret, name, password)
    if db_key is None or not secrets.compare_digest(db_key, desk.db_key):
        count = failures.add(counted, desk.clock())
        raise WrongCredentials(f"{WRONG} (failed attempt {count})")
    return _record_sign_in(desk, failures, name, alongside=session.person.id)


def sign_out_alongside(session: SignedIn) -> None:
    """End a session opened with ``sign_in_alongside``; the desk stays open for the worker."""
    with session.uow() as uow:
        uow.record(NewEvent("person", session.person.id, "auth.signed_out", {"alongside": True}))
        uow.commit()


def sign_out(session: SignedIn) -> None:
    with session.uow() as uow:
        uow.record(NewEvent("person", session.person.id, "auth.signed_out", {}))
        uow.commit()
    session.desk.close()


RECOVERY_WITHOUT_KEYRING_HELP = (
    "This computer's credential store does not hold the desk's device secret. If the store "
    "is only locked, or this is a different login, unlock it or sign in as the usual user "
    "and try again. If the secret is really lost (a wiped keyring, a new operating-system "
    "account), run `duty-desk recover --new-device-secret`: everyone else will then need a "
    "password reset. Nothing has been changed."
)


def recover(
    paths: DeskPaths,
    recovery_text: str,
    username: str,
    new_password: str,
    clock: Clock = utc_now,
    *,
    new_device_secret: bool = False,
) -> SignedIn:
    """Open the desk with the recovery key and give an administrator a new password.

    Only with ``new_device_secret`` is a missing device secret replaced; the other
    people's key slots, sealed with the old secret, then no longer open.
    """
    if not paths.exists():
        raise ValidationError(f"There is no desk in {paths.root} to recover.")
    keyfile = keyfiles.load(paths.keyfile)
    db_key = keyfiles.unwrap_with_recovery(keyfile, keyfiles.parse_recovery_key(recovery_text))
    username = normalise_username(username)
    check_new_password(new_password, username)
    store = Store.open(paths.database, db_key)
    try:
        admin = _active_admin(store, keyfile.device_id, username, clock)
        secret, replaced = _device_secret_for_recovery(keyfile.device_id, new_device_secret)
        desk = Desk(paths, store, keyfile.device_id, secret, db_key, clock)
        session = SignedIn(desk, admin)
        entry = keyfiles.new_slot(keyfile.device_id, secret, username, new_password, db_key)
        with session.uow() as uow:
            payload = {"new_device_secret": replaced}
            uow.record(NewEvent("desk", desk.device_id, "desk.recovered", payload))
            uow.record(NewEvent("person", admin.id, "auth.signed_in", {}))
            uow.commit()
        desk.update_keyfile(lambda current: keyfiles.with_entry(current, entry))
        return session
    except BaseException:
        store.close()
        raise


def _device_secret_for_recovery(device_id: str, replace_missing: bool) -> tuple[bytes, bool]:
    """The device secret, and whether it had to be made anew."""
    try:
        return device_secret.load(device_id), False
    except DeviceSecretMissing:
        if not replace_missing:
            raise DeviceSecretMissing(RECOVERY_WITHOUT_KEYRING_HELP) from None
        return device_secret.replace(device_id), True


def _active_admin(store: Store, device_id: str, username: str, clock: Clock) -> Person:
    with UnitOfWork(store, device_id, SYSTEM, clock, read_only=True) as uow:
        person = uow.people.by_username(username)
    if person is None or not person.active or person.role is not Role.ADMINISTRATOR:
        raise ValidationError(f"{username!r} is not an active administrator on this desk.")
    return person


def remove_desk(paths: DeskPaths) -> None:
    """Delete a desk's files and its device secret (tests and the demo only)."""
    if paths.exists():
        device_secret.delete(keyfiles.load(paths.keyfile).device_id)
    shutil.rmtree(paths.root, ignore_errors=True)
