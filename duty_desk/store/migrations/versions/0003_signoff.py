"""Sign-off: each decision version's sign-off, and the rules files installed.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "signoffs",
        sa.Column("enquiry_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author_id", sa.String(36), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("grade", sa.Integer),
        sa.Column("requirement", sa.Text, nullable=False),
        sa.Column("requested_at", INSTANT, nullable=False, index=True),
        sa.Column("due_at", INSTANT),
        sa.Column("verbal_approver_id", sa.String(36)),
        sa.Column("verbal", sa.Text),
        sa.Column("resolved_by", sa.String(36)),
        sa.Column("resolved_at", INSTANT),
        sa.Column("comments", sa.Text, nullable=False),
    )
    op.create_table(
        "signoff_rules",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("installed_at", INSTANT, nullable=False),
        sa.Column("installed_by", sa.String(36)),
    )


def downgrade() -> None:
    op.drop_table("signoff_rules")
    op.drop_table("signoffs")
