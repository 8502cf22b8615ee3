"""Shifts, enquiries (with the children they name and a full-text index), and drafts.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INSTANT = sa.String(27)


def upgrade() -> None:
    op.create_table(
        "shifts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("started_at", INSTANT, nullable=False, index=True),
        sa.Column("ended_at", INSTANT),
        sa.Column("started_by", sa.String(36)),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_table(
        "enquiries",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, unique=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("shift_id", sa.String(36)),
        sa.Column("received_at", INSTANT, nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("child_name", sa.String(200), index=True),
        sa.Column("child_dob", sa.String(10)),
        sa.Column("child_age", sa.Integer),
        sa.Column("concerns", sa.String(400), nullable=False),
        sa.Column("summary", sa.String(200)),
        sa.Column("risk_rating", sa.String(20)),
        sa.Column("decision_type", sa.String(60)),
        sa.Column("signoff_state", sa.String(30), nullable=False),
        sa.Column("decision_due", INSTANT, nullable=False, index=True),
        sa.Column("handover_due", INSTANT, nullable=False),
        sa.Column("created_by", sa.String(36)),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("updated_by", sa.String(36)),
        sa.Column("decided_at", INSTANT),
    )
    op.create_index("ix_enquiries_shift_received", "enquiries", ["shift_id", "received_at"])
    op.create_table(
        "enquiry_children",
        sa.Column("enquiry_number", sa.Integer, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("dob", sa.String(10)),
    )
    op.create_index("ix_enquiry_children_match", "enquiry_children", ["name_key", "dob"])
    op.create_table(
        "drafts",
        sa.Column("key", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False, index=True),
        sa.Column("enquiry_id", sa.String(36)),
        sa.Column("base_version", sa.Integer),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("saved_at", INSTANT, nullable=False),
    )
    # rowid = enquiries.number; trigram finds any part of a name, accents ignored.
    op.execute(
        "CREATE VIRTUAL TABLE enquiry_search USING fts5("
        "body, tokenize = 'trigram remove_diacritics 1')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE enquiry_search")
    for table in ("drafts", "enquiry_children", "enquiries", "shifts"):
        op.drop_table(table)
