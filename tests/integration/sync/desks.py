"""Laptops for the sync tests: real desks (SQLCipher, keyring) on one day service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from duty_desk.domain.roles import Role
from duty_desk.services.context import SignedIn
from duty_desk.services.desk import create_desk, sign_in
from duty_desk.services.enrolment import enrol_from
from duty_desk.services.paths import DeskPaths
from duty_desk.services.people import add_person
from duty_desk.store import enquiries, projections
from duty_desk.store.schema import PROJECTION_TABLES, EnquiryChildRow, EnquiryRow, RulesRow
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
    with Session(machine.desk.store.engine) as session:
        return _dump(session)


def replayed_one_by_one(machine: Laptop) -> dict[str, list[tuple[object, ...]]]:
    """What the projections would be from this laptop's log applied one event at a time in
    the canonical order, outside any batch (nothing kept: the replay is rolled back)."""
    with Session(machine.desk.store.engine) as session:
        for table in reversed(PROJECTION_TABLES):
            session.execute(delete(table))
        enquiries.clear_search_index(session)
        for event in list(projections.events_in_order(session)):
            projections.apply(session, event)
        dump = _dump(session)
        session.rollback()
    return dump


def _dump(session: Session) -> dict[str, list[tuple[object, ...]]]:
    dump: dict[str, list[tuple[object, ...]]] = {}
    for table in PROJECTION_TABLES:
        columns = [c for c in table.columns if c.name not in ("number", "position")]
        if table.name == "enquiry_children":
            continue  # keyed by the local enquiry number: below, by the enquiry's id
        rows = session.execute(select(*columns)).all()
        dump[table.name] = sorted((tuple(r) for r in rows), key=repr)
    order = select(RulesRow.sha256).order_by(RulesRow.position)
    dump["rules_in_force_order"] = [tuple(r) for r in session.execute(order)]
    children = select(
        EnquiryRow.id, EnquiryChildRow.position, EnquiryChildRow.name_key, EnquiryChildRow.dob
    ).join(EnquiryRow, EnquiryRow.number == EnquiryChildRow.enquiry_number, isouter=True)
    dump["enquiry_children"] = sorted(session.execute(children).all(), key=repr)
    search = text(
        "SELECT e.id, s.body FROM enquiry_search s LEFT JOIN enquiries e ON e.number = s.rowid"
    )  # an index row without its enquiry shows as (None, body)
    dump["enquiry_search"] = sorted(session.execute(search).all(), key=repr)
    return dump
