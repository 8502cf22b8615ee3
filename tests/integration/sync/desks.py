"""Laptops for the sync tests: real desks (SQLCipher, keyring) on one day service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duty_desk.domain.roles import Role
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import create_desk, sign_in
from duty_desk.services.enrolment import enrol_from
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from duty_desk.store.schema import PROJECTION_TABLES, RulesRow
from duty_desk.sync.client import SyncReport, sync_desk
from duty_desk.sync.server import DayService
from tests.conftest import ADMIN_PASSWORD, PASSWORD, FakeClock

TEAM = "edt"


@dataclass
class Laptop:
    paths: DeskPaths
    admin: SignedIn

    @property
    def desk(self):  # type: ignore[no-untyped-def]
        return self.admin.desk

    def sync(self, service: DayService, batch: int = 500) -> SyncReport:
        desk = self.desk
        return sync_desk(
            desk.store,
            desk.device_id,
            service,
            TEAM,
            batch=batch,
            on_received=lambda events: enrol_from(desk, events),
        )

    def sign_in(self, username: str, clock: FakeClock, password: str = PASSWORD) -> SignedIn:
        return sign_in(self.paths, username, password, clock)

    def close(self) -> None:
        self.admin.desk.close()


def laptop(root: Path, name: str, clock: FakeClock) -> Laptop:
    paths = DeskPaths(root / name)
    created = create_desk(paths, f"admin_{name}", f"Admin {name}", ADMIN_PASSWORD, clock)
    return Laptop(paths, created.session)


def add_worker(machine: Laptop, username: str, role: Role = Role.DUTY_SOCIAL_WORKER) -> None:
    add_person(
        machine.admin, username, username.title(), role, PASSWORD, must_change_password=False
    )


def projection_dump(machine: Laptop) -> dict[str, list[tuple[object, ...]]]:
    """Every projection table's rows by natural key, without local surrogate numbers."""
    dump: dict[str, list[tuple[object, ...]]] = {}
    with Session(machine.desk.store.engine) as session:
        for table in PROJECTION_TABLES:
            columns = [c for c in table.columns if c.name not in ("number", "position")]
            if table.name == "enquiry_children":
                continue  # keyed by the local enquiry number; compared through enquiries
            rows = session.execute(select(*columns)).all()
            dump[table.name] = sorted((tuple(r) for r in rows), key=repr)
        order = select(RulesRow.sha256).order_by(RulesRow.position)
        dump["rules_in_force_order"] = [tuple(r) for r in session.execute(order)]
    return dump
