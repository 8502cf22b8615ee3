"""The event log, chain heads, people and desk.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("stream_kind", sa.String(40), nullable=False),
        sa.Column("stream_id", sa.String(64), nullable=False, index=True),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("actor_id", sa.String(36)),
        sa.Column("actor_role", sa.String(40)),
        sa.Column("occurred_at", sa.String(27), nullable=False),
        sa.Column("hlc", sa.String(80), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),
    )
    op.execute(
        "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are immutable: UPDATE refused'); END"
    )
    op.execute(
        "CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are immutable: DELETE refused'); END"
    )
    op.create_table(
        "chain_heads",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("hlc", sa.String(80), nullable=False),
    )
    # Each device's head moves with every insert, in the same statement: truncating the
    # log afterwards leaves the head pointing past the end, which verify reports.
    op.execute(
        "CREATE TRIGGER events_advance_head AFTER INSERT ON events BEGIN "
        "INSERT INTO chain_heads (device_id, seq, hash, hlc) "
        "VALUES (NEW.device_id, NEW.seq, NEW.hash, NEW.hlc) "
        "ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
        "hlc = excluded.hlc "
        "WHERE excluded.seq > chain_heads.seq; END"
    )
    op.execute(
        "CREATE TRIGGER chain_heads_only_forward BEFORE UPDATE ON chain_heads "
        "WHEN NEW.seq <= OLD.seq OR NEW.device_id <> OLD.device_id "
        "BEGIN SELECT RAISE(ABORT, 'chain heads only move forward'); END"
    )
    op.execute(
        "CREATE TRIGGER chain_heads_refuse_delete BEFORE DELETE ON chain_heads "
        "BEGIN SELECT RAISE(ABORT, 'chain heads only move forward: DELETE refused'); END"
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(32), nullable=False, unique=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("last_sign_in_at", sa.String(27)),
    )
    op.create_table(
        "desk",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("app_version", sa.String(20), nullable=False),
    )


def downgrade() -> None:
    for table in ("desk", "people", "chain_heads", "events"):
        op.drop_table(table)
