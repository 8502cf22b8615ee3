"""The day service's database (a SQLite file is the embedded default).

Only its creation lives here so far; the exchange of events arrives with sync.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from duty_desk.sync.schema import server_metadata


def create_sqlite(path: Path) -> None:
    engine = create_engine(f"sqlite+pysqlite:///{path}")
    try:
        server_metadata.create_all(engine)
    finally:
        engine.dispose()
