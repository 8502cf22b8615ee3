"""Test harness: offscreen Qt, and a real Secret Service (dbus + gnome-keyring) of our own.

The suite never touches the developer's own keyring: it starts a private session bus
and an unlocked gnome-keyring in a temporary directory, and stops them at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PYTHON_KEYRING_BACKEND", None)

_SECRET_SERVICE: list[subprocess.Popen[bytes]] = []


def _start_secret_service() -> None:
    missing = [c for c in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(c)]
    if missing:
        raise pytest.UsageError(
            f"The tests need a real Secret Service but {', '.join(missing)} is not installed. "
            "Run the suite with ./duty test, which installs it."
        )
    base = Path(tempfile.mkdtemp(prefix="duty-desk-keyring-"))
    for name in ("data", "run", "home"):
        (base / name).mkdir(mode=0o700)
    os.environ.update(
        XDG_DATA_HOME=str(base / "data"),
        XDG_RUNTIME_DIR=str(base / "run"),
        DUTY_DESK_TEST_KEYRING_DIR=str(base),
    )
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert bus.stdout is not None
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(b"test-keyring-password")
    daemon.stdin.close()
    _SECRET_SERVICE.extend([daemon, bus])
    _wait_for_secret_service()


def _wait_for_secret_service() -> None:
    import time

    import keyring

    deadline = time.monotonic() + 15
    while True:
        try:
            keyring.get_keyring().set_password("duty-desk-tests", "probe", "ok")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def pytest_configure(config: pytest.Config) -> None:
    if not _SECRET_SERVICE and not hasattr(config, "workerinput"):
        _start_secret_service()


def pytest_unconfigure(config: pytest.Config) -> None:
    for process in _SECRET_SERVICE:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
    _SECRET_SERVICE.clear()


class FakeClock:
    """A settable UTC clock for services (time is data here, not a mock of a component)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 21, 23, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


ADMIN_PASSWORD = "correct horse battery"
PASSWORD = "night shift staple"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def paths(tmp_path: Path) -> Iterator[object]:
    from duty_desk.services.desk import remove_desk
    from duty_desk.services.paths import DeskPaths

    desk_paths = DeskPaths(tmp_path / "desk")
    yield desk_paths
    remove_desk(desk_paths)


@pytest.fixture
def admin(paths, clock):  # type: ignore[no-untyped-def]
    """A fresh desk with its administrator signed in."""
    from duty_desk.services.desk import create_desk

    created = create_desk(paths, "admin", "Alex Administrator", ADMIN_PASSWORD, clock)
    yield created.session
    created.session.desk.close()


@pytest.fixture
def people(admin):  # type: ignore[no-untyped-def]
    """One person of each role (password PASSWORD), returned as role -> username."""
    from duty_desk.domain.roles import Role
    from duty_desk.services.people import add_person

    names = {}
    for role in Role:
        username = role.value.replace("_", "")[:12]
        add_person(
            admin, username, f"Test {role.label}", role, PASSWORD, must_change_password=False
        )
        names[role] = username
    return names
