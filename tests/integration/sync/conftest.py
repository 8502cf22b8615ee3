"""Fixtures for the sync tests: a real PostgreSQL server, and fresh day-service databases.

``postgres`` (session scope) is one throwaway server per test process, so each
pytest-xdist worker has its own. ``day_service_url`` runs a test twice, once against a
fresh SQLite file and once against a fresh PostgreSQL database, so the same test proves
both kinds of day service.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from tests.postgres import PostgresNotInstalled, PostgresServer, find_bindir, running_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (fails plainly if not installed)."""
    try:
        bindir = find_bindir()
    except PostgresNotInstalled as missing:
        pytest.fail(str(missing), pytrace=False)
    with running_postgres(bindir) as server:
        yield server


@pytest.fixture
def postgres_database(postgres: PostgresServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (superuser URL), dropped after the test."""
    url = postgres.new_database()
    yield url
    postgres.drop_database(url)


@pytest.fixture
def sqlite_day_service(tmp_path: Path) -> str:
    """The address of a SQLite day service file that does not exist yet."""
    return URL.create(
        "sqlite+pysqlite", database=str(tmp_path / "day-service.sqlite")
    ).render_as_string()


@pytest.fixture(params=["sqlite", "postgresql"])
def day_service_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty day service address: once a SQLite file, once a PostgreSQL database
    (superuser, trusted on loopback). The PostgreSQL server starts only if needed."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_day_service"))
    return str(request.getfixturevalue("postgres_database"))
