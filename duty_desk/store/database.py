"""Opening the encrypted store: create, key, check, migrate."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from duty_desk.store import migrations
from duty_desk.store.engine import READ_ONLY, make_engine
from duty_desk.store.errors import StoreMissing, StoreUnreadable

DAMAGED = (
    "The desk's database could not be read: it is damaged or it is not a Duty Desk "
    "database ({detail}). Nothing has been changed. Restore it from the day service or a "
    "backup, or ask your administrator."
)


class Store:
    """An open encrypted store. ``engine`` is built here, at run time, never at import."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @classmethod
    def create(cls, path: Path, key: bytes) -> Store:
        if path.exists():
            raise FileExistsError(f"{path} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path, make_engine(path, key))
        with store.engine.begin() as connection:
            migrations.upgrade(connection)
        return store

    @classmethod
    def open(cls, path: Path, key: bytes) -> Store:
        """Open, check every page's HMAC, migrate; a wrong key or a damaged file changes
        nothing on disk. (The page check reads the whole file: ~0.5 s per 65 MB here,
        which the local purge of acknowledged records keeps small.)"""
        if not path.exists():
            raise StoreMissing(f"There is no desk database at {path}.")
        engine = make_engine(path, key)
        try:  # a read-only check: it takes no write lock while it reads every page
            with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
                connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
                problems = connection.exec_driver_sql("PRAGMA cipher_integrity_check").all()
                if problems:
                    raise StoreUnreadable(DAMAGED.format(detail=problems[0][0]))
                connection.rollback()
        except DatabaseError as error:
            engine.dispose()
            raise StoreUnreadable(DAMAGED.format(detail=_plain(error))) from None
        except StoreUnreadable:
            engine.dispose()
            raise
        store = cls(path, engine)
        with engine.begin() as connection:
            migrations.upgrade(connection)
        return store

    def close(self) -> None:
        self.engine.dispose()


def _plain(error: DatabaseError) -> str:
    return str(error.orig) if error.orig is not None else str(error)
