"""Alembic migrations, applied whenever the store is opened.

``HEAD`` names the newest revision so that opening an up-to-date store costs one
query and no Alembic import; a test keeps it equal to Alembic's own head.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

from duty_desk.store.errors import StoreTooNew

HEAD = "0007"
KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
SCRIPT_LOCATION = Path(__file__).parent


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


def upgrade(connection: Connection) -> None:
    revision = current_revision(connection)
    if revision == HEAD:
        return
    if revision is not None and revision not in KNOWN:
        raise StoreTooNew(
            f"This desk was written by a newer Duty Desk (schema {revision}). "
            "Install the newer version; nothing has been changed."
        )
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
