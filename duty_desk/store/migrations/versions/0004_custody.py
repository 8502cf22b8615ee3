"""Custody: young people in police custody (PACE s.38(6)) and the placements directory.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "custody_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("enquiry_id", sa.String(36), index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("steps", sa.Text, nullable=False),
        sa.Column("yp_name", sa.String(200)),
        sa.Column("opened_at", INSTANT, nullable=False, index=True),
        sa.Column("opened_by", sa.String(36)),
        sa.Column("requested_at", INSTANT),
        sa.Column("closed_at", INSTANT),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("updated_by", sa.String(36)),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("secure", sa.Boolean, nullable=False),
        sa.Column("accepts_pace", sa.Boolean, nullable=False),
        sa.Column("phone", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("providers")
    op.drop_table("custody_cases")
