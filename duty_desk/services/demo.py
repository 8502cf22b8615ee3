"""A demo desk: demo people with known passwords and a SQLite day service beside it."""

from __future__ import annotations

from dataclasses import dataclass

from duty_desk.domain.clock import Clock, utc_now
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.roles import Role
from duty_desk.services import day_service
from duty_desk.services.desk import create_desk, sign_out
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person

DEMO_PASSWORD = "duty-demo-2026"  # noqa: S105 - printed for the demo desk only


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Alex Administrator", Role.ADMINISTRATOR),
    DemoAccount("sam", "Sam Okafor", Role.DUTY_SOCIAL_WORKER),
    DemoAccount("priya", "Priya Shah", Role.SENIOR_PRACTITIONER),
    DemoAccount("morgan", "Morgan Ellis", Role.MANAGER),
    DemoAccount("dayteam", "Jo Day-Team", Role.DAY_TEAM),
)


@dataclass(frozen=True, slots=True)
class DemoDesk:
    accounts: tuple[DemoAccount, ...]
    password: str
    recovery_key: str


DEMO_MARKER = "DEMO-DESK.txt"


def is_demo_desk(paths: DeskPaths) -> bool:
    return (paths.root / DEMO_MARKER).is_file()


def build_demo(paths: DeskPaths, clock: Clock = utc_now) -> DemoDesk:
    """Only into a new or empty folder: a demo is deleted wholesale when it is replaced."""
    if paths.root.exists() and any(paths.root.iterdir()):
        raise ValidationError(
            f"{paths.root} is not empty. Build the demo desk in a new folder (--data-dir)."
        )
    admin, *others = DEMO_ACCOUNTS
    created = create_desk(paths, admin.username, admin.display_name, DEMO_PASSWORD, clock)
    (paths.root / DEMO_MARKER).write_text(
        "This is a Duty Desk demo desk: its passwords are published. Never record a real "
        "child here. `duty-desk demo --replace` may delete this folder.\n",
        encoding="utf-8",
    )
    session = created.session
    try:
        for account in others:
            add_person(
                session,
                account.username,
                account.display_name,
                account.role,
                DEMO_PASSWORD,
                must_change_password=False,
            )
    finally:
        sign_out(session)
    day_service.create_sqlite(paths.day_service)
    return DemoDesk(DEMO_ACCOUNTS, DEMO_PASSWORD, created.recovery_key)
