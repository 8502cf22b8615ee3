"""Recovery with the recovery key, with and without the device secret."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import keyring
import pytest

from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Role
from duty_desk.security import device_secret
from duty_desk.security.device_secret import SERVICE
from duty_desk.security.errors import DeviceSecretMissing, WrongCredentials, WrongRecoveryKey
from duty_desk.security.keyfile import format_recovery_key, new_recovery_key
from duty_desk.services.desk import create_desk, recover, sign_in, sign_out
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.support import db_fingerprint, events_of_type

NEW_ADMIN_PASSWORD = "recovered long phrase"


@dataclass(frozen=True)
class Recoverable:
    paths: DeskPaths
    recovery_key: str
    device_id: str
    db_key: bytes


@pytest.fixture
def desk(paths: DeskPaths, clock) -> Iterator[Recoverable]:
    created = create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock)
    session = created.session
    add_person(
        session, "morgan", "Morgan Ellis", Role.MANAGER, PASSWORD, must_change_password=False
    )
    desk = session.desk
    sign_out(session)
    yield Recoverable(paths, created.recovery_key, desk.device_id, desk.db_key)


def _recovered_events(desk: Recoverable) -> list[dict[str, object]]:
    return [
        e["payload"] for e in events_of_type(desk.paths.database, desk.db_key, "desk.recovered")
    ]


def test_recovery_with_the_device_secret_keeps_everyone(desk: Recoverable, clock) -> None:
    secret_before = device_secret.load(desk.device_id)
    # the key as a person would type it: lower case, spaces instead of dashes
    typed = desk.recovery_key.lower().replace("-", " ")
    session = recover(desk.paths, typed, "admin", NEW_ADMIN_PASSWORD, clock)
    assert session.person.username == "admin"
    sign_out(session)
    assert device_secret.load(desk.device_id) == secret_before
    sign_in(desk.paths, "morgan", PASSWORD, clock).desk.close()
    sign_in(desk.paths, "admin", NEW_ADMIN_PASSWORD, clock).desk.close()
    with pytest.raises(WrongCredentials):
        sign_in(desk.paths, "admin", ADMIN_PASSWORD, clock)
    assert _recovered_events(desk) == [{"new_device_secret": False}]


def test_recovery_after_the_device_secret_is_lost(desk: Recoverable, clock) -> None:
    old_secret = device_secret.load(desk.device_id)
    keyring.delete_password(SERVICE, f"device-secret:{desk.device_id}")
    with pytest.raises(DeviceSecretMissing, match="recovery key"):
        sign_in(desk.paths, "admin", ADMIN_PASSWORD, clock)

    keyfile_before = desk.paths.keyfile.read_bytes()
    with pytest.raises(DeviceSecretMissing, match=r"Nothing has been changed\.$"):
        recover(desk.paths, desk.recovery_key, "admin", NEW_ADMIN_PASSWORD, clock)
    assert desk.paths.keyfile.read_bytes() == keyfile_before  # asked first, changed nothing
    with pytest.raises(DeviceSecretMissing):
        device_secret.load(desk.device_id)

    session = recover(
        desk.paths, desk.recovery_key, "admin", NEW_ADMIN_PASSWORD, clock, new_device_secret=True
    )
    sign_out(session)
    new_secret = device_secret.load(desk.device_id)
    assert len(new_secret) == 32 and new_secret != old_secret
    sign_in(desk.paths, "admin", NEW_ADMIN_PASSWORD, clock).desk.close()
    with pytest.raises(WrongCredentials):
        sign_in(desk.paths, "morgan", PASSWORD, clock)
    assert _recovered_events(desk) == [{"new_device_secret": True}]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (format_recovery_key(new_recovery_key()), "That recovery key does not open this desk"),
        ("ABCD-EFGH-2345", "That is not a Duty Desk recovery key"),
        ("", "That is not a Duty Desk recovery key"),
    ],
    ids=["another-desks-key", "malformed", "empty"],  # the same in every xdist worker
)
def test_a_wrong_recovery_key_changes_nothing(desk: Recoverable, clock, key, message) -> None:
    keyfile_before = desk.paths.keyfile.read_bytes()
    db_before = db_fingerprint(desk.paths)
    with pytest.raises(WrongRecoveryKey, match=message):
        recover(desk.paths, key, "admin", NEW_ADMIN_PASSWORD, clock)
    assert desk.paths.keyfile.read_bytes() == keyfile_before
    assert db_fingerprint(desk.paths) == db_before
    sign_in(desk.paths, "admin", ADMIN_PASSWORD, clock).desk.close()


def test_recovery_is_for_administrators_only(desk: Recoverable, clock) -> None:
    secret_before = device_secret.load(desk.device_id)
    keyfile_before = desk.paths.keyfile.read_bytes()
    with pytest.raises(ValidationError, match="'morgan' is not an active administrator"):
        recover(desk.paths, desk.recovery_key, "morgan", NEW_ADMIN_PASSWORD, clock)
    assert desk.paths.keyfile.read_bytes() == keyfile_before
    assert device_secret.load(desk.device_id) == secret_before
    with pytest.raises(ValidationError, match="at least 10 characters"):
        recover(desk.paths, desk.recovery_key, "admin", "short", clock)


def test_a_refused_recovery_leaves_the_keyring_alone(desk: Recoverable, clock) -> None:
    keyring.delete_password(SERVICE, f"device-secret:{desk.device_id}")
    with pytest.raises(ValidationError, match="not an active administrator"):
        recover(
            desk.paths, desk.recovery_key, "morgan", NEW_ADMIN_PASSWORD, clock,
            new_device_secret=True,
        )  # fmt: skip
    with pytest.raises(DeviceSecretMissing):
        device_secret.load(desk.device_id)
