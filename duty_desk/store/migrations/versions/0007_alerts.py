"""The day team's "known tonight" alerts: children likely to need the duty team tonight.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("child_name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, index=True),
        sa.Column("dob", sa.String(10)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.String(10), nullable=False),
        sa.Column("valid_until", sa.String(10), nullable=False, index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("added_by", sa.String(36)),
        sa.Column("updated_at", INSTANT, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alerts")
