"""Sync with the day service: the server's order of each event, sync state, conflicts, purge.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from duty_desk.store.guards import EVENTS_REFUSE_UPDATE

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "event_order",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("server_order", sa.Integer, nullable=False, unique=True),
    )
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "conflicts",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("stream_kind", sa.String(40), nullable=False),
        sa.Column("stream_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("raised_at", INSTANT, nullable=False),
        sa.Column("resolved_at", INSTANT),
        sa.Column("resolved_by", sa.String(36)),
    )
    op.create_table(
        "purge_stubs",
        sa.Column("stream_id", sa.String(64), primary_key=True),
        sa.Column("stream_kind", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("receipt", sa.Text, nullable=False),
        sa.Column("event_count", sa.Integer, nullable=False),
        sa.Column("purged_at", INSTANT, nullable=False),
    )
    op.execute("DROP TRIGGER events_refuse_update")
    # exec_driver_sql: the purge marker's colon must not be read as a bind parameter.
    op.get_bind().exec_driver_sql(EVENTS_REFUSE_UPDATE)


def downgrade() -> None:
    op.execute("DROP TRIGGER events_refuse_update")
    op.execute(
        "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE refused'); END"
    )
    for name in ("purge_stubs", "conflicts", "sync_meta", "event_order"):
        op.drop_table(name)
