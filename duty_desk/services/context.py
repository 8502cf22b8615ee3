"""An open desk and the person signed in to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from duty_desk.domain.clock import Clock, utc_now
from duty_desk.domain.events import Actor
from duty_desk.domain.people import Person
from duty_desk.security import keyfile as keyfiles
from duty_desk.security.failures import FailureLog
from duty_desk.security.keyfile import KeyFile
from duty_desk.services.paths import DeskPaths
from duty_desk.store.database import Store
from duty_desk.store.unit_of_work import UnitOfWork


@dataclass(slots=True)
class Desk:
    """The unlocked desk: its store, its key material and its clock (kept in memory only)."""

    paths: DeskPaths
    store: Store
    device_id: str
    device_secret: bytes = field(repr=False)
    db_key: bytes = field(repr=False)
    clock: Clock = utc_now

    def uow(self, actor: Actor, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.store, self.device_id, actor, self.clock, read_only=read_only)

    def failures(self) -> FailureLog:
        return FailureLog(self.paths.failures, self.device_secret, self.device_id)

    def keyfile(self) -> KeyFile:
        """Read fresh from disk: another process (the CLI) may have changed it."""
        return keyfiles.load(self.paths.keyfile)

    def update_keyfile(self, change: Callable[[KeyFile], KeyFile]) -> None:
        keyfiles.update(self.paths.keyfile, self.paths.keyfile_lock, change)

    def close(self) -> None:
        self.store.close()


@dataclass(slots=True)
class SignedIn:
    """A person signed in to a desk: every service call takes one of these."""

    desk: Desk
    person: Person

    @property
    def actor(self) -> Actor:
        return Actor(self.person.id, self.person.role.value)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return self.desk.uow(self.actor, read_only=read_only)
