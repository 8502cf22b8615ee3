"""One unit of work per user action: append events, update projections, commit once."""

from __future__ import annotations

import logging
from types import TracebackType

from sqlalchemy import select
from sqlalchemy.orm import Session

from duty_desk.domain.audit import ChainHead
from duty_desk.domain.clock import Clock
from duty_desk.domain.events import Actor, Event, NewEvent
from duty_desk.store import projections
from duty_desk.store.database import Store
from duty_desk.store.engine import READ_ONLY
from duty_desk.store.event_log import EventLog
from duty_desk.store.people import PeopleRepository
from duty_desk.store.schema import ChainHeadRow

log = logging.getLogger("duty_desk.store")


class UnitOfWork:
    """``with UnitOfWork(...) as uow: uow.record(...); uow.commit()``.

    Leaving the block without ``commit`` rolls everything back.
    """

    def __init__(
        self,
        store: Store,
        device_id: str,
        actor: Actor,
        clock: Clock,
        *,
        read_only: bool = False,
    ) -> None:
        self._store = store
        self._device_id = device_id
        self.actor = actor
        self._clock = clock
        self._read_only = read_only

    def __enter__(self) -> UnitOfWork:
        engine = self._store.engine
        if self._read_only:  # a plain BEGIN: readers never queue behind writers
            engine = engine.execution_options(**{READ_ONLY: True})
        self.session = Session(engine, expire_on_commit=False)
        self._recorded: list[str] = []
        self.events = EventLog(self.session, self._device_id)
        self.people = PeopleRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def record(self, new: NewEvent, actor: Actor | None = None) -> Event:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot record events")
        event = self.events.append(new, actor or self.actor, self._clock())
        projections.apply(self.session, event)
        self._recorded.append(f"{event.type} #{event.seq}")
        return event

    def commit(self) -> None:
        self.session.commit()
        if self._recorded:  # kinds and sequence numbers only: never a payload
            log.info("recorded %s", ", ".join(self._recorded))
            self._recorded.clear()

    def chain_heads(self) -> dict[str, ChainHead]:
        rows = self.session.execute(select(ChainHeadRow)).scalars()
        return {row.device_id: ChainHead(row.seq, row.hash) for row in rows}
