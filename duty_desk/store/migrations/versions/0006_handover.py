"""The morning handover: each item of the night, and who acknowledged or returned it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "handover_items",
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("item_kind", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("receiving_team", sa.String(120), nullable=False, index=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("awaiting", sa.Text, nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("submitted_at", INSTANT, nullable=False),
        sa.Column("submitted_by", sa.String(36)),
        sa.Column("due_at", INSTANT, nullable=False, index=True),
        sa.Column("acknowledged_by", sa.String(36)),
        sa.Column("acknowledged_name", sa.String(120)),
        sa.Column("acknowledged_at", INSTANT),
        sa.Column("returned_reason", sa.Text),
        sa.Column("returned_at", INSTANT),
        sa.Column("returned_by", sa.String(36)),
        sa.Column("case_system_ref", sa.String(80)),
        sa.Column("referenced_at", INSTANT),
    )


def downgrade() -> None:
    op.drop_table("handover_items")
