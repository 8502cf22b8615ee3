"""The device secret lives in the real Secret Service, and without one nothing is created."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import secretstorage

from duty_desk.security import device_secret
from duty_desk.security.device_secret import SERVICE
from duty_desk.security.errors import DeviceSecretMissing
from duty_desk.services.context import SignedIn
from duty_desk.services.paths import DeskPaths
from tests.support import run_cli

pytestmark = pytest.mark.secret_service


def _duty_desk_items() -> dict[str, bytes]:
    """Every Duty Desk item in the Secret Service's default collection: account -> secret."""
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        if collection.is_locked():
            collection.unlock()
        return {
            item.get_attributes()["username"]: item.get_secret()
            for item in collection.search_items({"service": SERVICE})
        }


@pytest.fixture
def items_before() -> Iterator[dict[str, bytes]]:
    yield _duty_desk_items()


def test_device_secret_is_held_by_the_secret_service(admin: SignedIn, paths: DeskPaths) -> None:
    items = _duty_desk_items()
    account = f"device-secret:{admin.desk.device_id}"
    assert items[account] == admin.desk.device_secret.hex().encode()
    assert len(admin.desk.device_secret) == 32
    # and it is nowhere in the desk's own files
    for path in paths.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert admin.desk.device_secret not in data
            assert admin.desk.device_secret.hex().encode() not in data


def test_removing_the_desk_removes_its_secret(admin: SignedIn, paths: DeskPaths) -> None:
    from duty_desk.services.desk import remove_desk

    account = f"device-secret:{admin.desk.device_id}"
    admin.desk.close()
    remove_desk(paths)
    assert account not in _duty_desk_items()
    with pytest.raises(DeviceSecretMissing):
        device_secret.load(admin.desk.device_id)


def test_without_a_credential_store_init_refuses_and_creates_nothing(
    tmp_path: Path, items_before: dict[str, bytes]
) -> None:
    data_dir = tmp_path / "desk"
    result = run_cli(
        "--data-dir",
        str(data_dir),
        "init",
        "--username",
        "admin",
        "--name",
        "A B",
        env={
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "DUTY_DESK_PASSWORD": "correct horse battery",
        },
    )
    assert result.returncode == 2, result
    assert result.stderr.startswith("duty-desk: No credential store is available"), result.stderr
    assert "Nothing has been created or saved." in result.stderr
    assert result.stdout == ""
    assert not data_dir.exists()  # not a key file, a database, a log, nor the folder
    assert _duty_desk_items() == items_before


def test_with_the_real_store_init_succeeds_from_the_cli(
    paths: DeskPaths, items_before: dict[str, bytes]
) -> None:
    result = run_cli(
        "--data-dir",
        str(paths.root),
        "init",
        "--username",
        "admin",
        "--name",
        "A B",
        env={"DUTY_DESK_PASSWORD": "correct horse battery"},
    )
    assert result.returncode == 0, result.stderr
    assert "Recovery key (shown once" in result.stdout
    new = set(_duty_desk_items()) - set(items_before)
    assert len(new) == 1
    assert new.pop().startswith("device-secret:")
