"""Test harness: offscreen Qt, and a real Secret Service (dbus + gnome-keyring) of our own.

The suite never touches the developer's own keyring: each process that runs tests starts
a private session bus and an unlocked gnome-keyring in a temporary directory, and stops
them at the end. Under pytest-xdist (``./duty test`` runs the suite on every core) that
is each worker, never the controller, so no test sees another worker's secrets: tests may
count what the keyring holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.secret_service import missing_programs, secret_service

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PYTHON_KEYRING_BACKEND", None)

# The private Secret Service, open from pytest_configure to pytest_unconfigure.
_SECRET_SERVICE = pytest.StashKey[ExitStack]()


def _runs_tests(config: pytest.Config) -> bool:
    """False only in the controller of a pytest-xdist run, whose workers run the tests."""
    if hasattr(config, "workerinput"):
        return True  # a worker (xdist sets its own dist option to "no")
    return getattr(config.option, "dist", "no") == "no" or not getattr(config.option, "tx", None)


# Argon2id at a test's cost: the same algorithm and code, cheap enough that the hundreds of
# desks and people the suite makes do not spend its time deriving keys. What ships (RFC
# 9106's t=3, 64 MiB, p=4) is checked in tests/unit/security/test_keyfile.py.
TEST_KDF_COST = {"time_cost": 1, "memory_kib": 1024, "parallelism": 1}


def pytest_configure(config: pytest.Config) -> None:
    from duty_desk.security import crypto

    crypto.COST = crypto.Argon2Params(**TEST_KDF_COST)
    missing = missing_programs()
    if missing:
        raise pytest.UsageError(
            f"The tests need a real Secret Service but {', '.join(missing)} is not installed. "
            "Run the suite with ./duty test, which installs it."
        )
    if not _runs_tests(config):
        return
    stack = ExitStack()
    stack.enter_context(secret_service(always=True))
    config.stash[_SECRET_SERVICE] = stack


def pytest_unconfigure(config: pytest.Config) -> None:
    stack = config.stash.get(_SECRET_SERVICE, None)
    if stack is not None:
        del config.stash[_SECRET_SERVICE]
        stack.close()


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


@pytest.fixture
def worker(admin, paths, clock):  # type: ignore[no-untyped-def]
    """A duty social worker ("sam", Sam Worker) signed in to the admin's desk."""
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import sign_in
    from duty_desk.services.people import add_person

    add_person(
        admin, "sam", "Sam Worker", Role.DUTY_SOCIAL_WORKER, PASSWORD, must_change_password=False
    )
    session = sign_in(paths, "sam", PASSWORD, clock)
    yield session
    session.desk.close()


@pytest.fixture
def on_shift(worker):  # type: ignore[no-untyped-def]
    """The worker with a shift started (the clock's now, 23:10 UTC on Sat 21 Nov 2026)."""
    from duty_desk.domain.records import Contact
    from duty_desk.services.shifts import start_shift

    start_shift(
        worker,
        ["Sam Worker"],
        Contact("Priya Senior", "07700 900123"),
        Contact("Morgan Manager", "07700 900456"),
    )
    return worker


@pytest.fixture
def approvers(admin, on_shift):  # type: ignore[no-untyped-def]
    """Priya (senior practitioner), Morgan (manager) and Sasha (senior manager), each
    signed in alongside the worker on the worker's open desk (as at one laptop)."""
    from duty_desk.domain.roles import Role
    from duty_desk.services.desk import sign_in_alongside
    from duty_desk.services.people import add_person

    team = {
        "priya": ("Priya Senior", Role.SENIOR_PRACTITIONER),
        "morgan": ("Morgan Manager", Role.MANAGER),
        "sasha": ("Sasha Director", Role.SENIOR_MANAGER),
    }
    for username, (name, role) in team.items():
        add_person(admin, username, name, role, PASSWORD, must_change_password=False)
    return {u: sign_in_alongside(on_shift, u, PASSWORD) for u in team}
