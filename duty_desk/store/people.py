"""Read access to the people projection (writes happen only through events)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duty_desk.domain.people import Person
from duty_desk.domain.roles import Role
from duty_desk.store.schema import PersonRow


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, person_id: str) -> Person | None:
        row = self._session.get(PersonRow, person_id)
        return _person(row) if row else None

    def by_username(self, username: str) -> Person | None:
        query = select(PersonRow).where(func.lower(PersonRow.username) == username.lower())
        row = self._session.execute(query).scalar_one_or_none()
        return _person(row) if row else None

    def list(self) -> list[Person]:
        query = select(PersonRow).order_by(PersonRow.display_name)
        return [_person(row) for row in self._session.execute(query).scalars()]


def _person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        must_change_password=row.must_change_password,
        created_at=row.created_at,
    )
