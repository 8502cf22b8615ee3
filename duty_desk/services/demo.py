"""A demo desk: demo people with known passwords and a SQLite day service beside it."""

from __future__ import annotations

from dataclasses import dataclass

from duty_desk.domain.clock import Clock, utc_now
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


def build_demo(paths: DeskPaths, clock: Clock = utc_now) -> DemoDesk:
    admin, *others = DEMO_ACCOUNTS
    created = create_desk(paths, admin.username, admin.display_name, DEMO_PASSWORD, clock)
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
