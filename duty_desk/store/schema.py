"""Tables: the event log, each device's chain head, and the projections the UI reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from duty_desk.store.types import UTCInstant


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("device_id", "seq", name="uq_events_device_seq"),)

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    stream_kind: Mapped[str] = mapped_column(String(40))
    stream_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCInstant())
    hlc: Mapped[str] = mapped_column(String(80))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHeadRow(Base):
    """The last event each device appended: makes truncation of the log detectable."""

    __tablename__ = "chain_heads"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    hlc: Mapped[str] = mapped_column(String(80))


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCInstant())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)


class DeskRow(Base):
    """One row: what this desk is (device id, when created, by which app version)."""

    __tablename__ = "desk"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCInstant())
    app_version: Mapped[str] = mapped_column(String(20))


class ShiftRow(Base):
    __tablename__ = "shifts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    started_at: Mapped[datetime] = mapped_column(UTCInstant(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    started_by: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[str] = mapped_column(Text)  # JSON: on duty, on-call senior and manager


class EnquiryRow(Base):
    """The current version of each enquiry, with the columns the night list shows."""

    __tablename__ = "enquiries"
    __table_args__ = (Index("ix_enquiries_shift_received", "shift_id", "received_at"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    shift_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCInstant(), index=True)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # JSON, the fields of domain.enquiry_fields
    child_name: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    child_dob: Mapped[str | None] = mapped_column(String(10), nullable=True)
    child_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    concerns: Mapped[str] = mapped_column(String(400), default="")
    summary: Mapped[str | None] = mapped_column(String(200), nullable=True)
    risk_rating: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    signoff_state: Mapped[str] = mapped_column(String(30), default="")
    decision_due: Mapped[datetime] = mapped_column(UTCInstant(), index=True)
    handover_due: Mapped[datetime] = mapped_column(UTCInstant())
    created_by: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCInstant())
    updated_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)


class EnquiryChildRow(Base):
    """Every child named in an enquiry, keyed for matching previous contacts."""

    __tablename__ = "enquiry_children"
    __table_args__ = (Index("ix_enquiry_children_match", "name_key", "dob"),)

    enquiry_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[str] = mapped_column(String(200))
    dob: Mapped[str | None] = mapped_column(String(10), nullable=True)


class DraftRow(Base):
    """Typing not yet saved: written by autosave, offered back after a crash.

    Not a projection (it is not derived from events) and never synced; it lives only in
    the encrypted store and is removed when the work is saved or discarded.
    """

    __tablename__ = "drafts"

    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), index=True)
    enquiry_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCInstant())


class SignoffRow(Base):
    """The sign-off of each decided enquiry's current version (replaced by a new version)."""

    __tablename__ = "signoffs"

    enquiry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(20), index=True)
    grade: Mapped[int | None] = mapped_column(Integer, nullable=True)  # domain.roles.Grade
    requirement: Mapped[str] = mapped_column(Text)  # JSON: domain.signoff_rules.Requirement
    requested_at: Mapped[datetime] = mapped_column(UTCInstant(), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    verbal_approver_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    verbal: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON: domain.signoff.Verbal
    resolved_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    comments: Mapped[str] = mapped_column(Text, default="")


class RulesRow(Base):
    """Each sign-off rules file installed by an administrator; the latest is in force."""

    __tablename__ = "signoff_rules"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(300))
    installed_at: Mapped[datetime] = mapped_column(UTCInstant())
    installed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class CustodyRow(Base):
    """A young person in police custody (PACE s.38(6)): one row per case, open or closed."""

    __tablename__ = "custody_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    enquiry_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10), index=True)  # open / closed
    content: Mapped[str] = mapped_column(Text)  # JSON: domain.custody.FIELDS
    steps: Mapped[str] = mapped_column(Text)  # JSON: the timeline, oldest first
    yp_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCInstant(), index=True)
    opened_by: Mapped[str | None] = mapped_column(String(36))
    requested_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCInstant())
    updated_by: Mapped[str | None] = mapped_column(String(36))


class ProviderRow(Base):
    """A placement the duty worker can call: the directory the administrator keeps."""

    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30))
    secure: Mapped[bool] = mapped_column(Boolean)
    accepts_pace: Mapped[bool] = mapped_column(Boolean)
    phone: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCInstant())


class EventOrderRow(Base):
    """Where the day service put each event in its one global order (set when pulled).

    Every device pulls the same events in the same order, so projections folded in this
    order come out the same everywhere; events not yet pulled back sort after them all.
    """

    __tablename__ = "event_order"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_order: Mapped[int] = mapped_column(Integer, unique=True)


class SyncMetaRow(Base):
    """This desk's sync state: acknowledged mark, pull cursor, last outcome (not personal)."""

    __tablename__ = "sync_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ConflictRow(Base):
    """An event the conflict rules did not apply, shown to a person (a projection)."""

    __tablename__ = "conflicts"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    stream_kind: Mapped[str] = mapped_column(String(40))
    stream_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)  # JSON
    raised_at: Mapped[datetime] = mapped_column(UTCInstant())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class PurgeStubRow(Base):
    """What is left of a purged record: no personal data, only proof it existed and went."""

    __tablename__ = "purge_stubs"

    stream_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream_kind: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(Text)  # JSON: who acknowledged it, when, server order
    event_count: Mapped[int] = mapped_column(Integer)
    purged_at: Mapped[datetime] = mapped_column(UTCInstant())


class HandoverItemRow(Base):
    """One item of a submitted night (an enquiry or a custody case) and its acknowledgement."""

    __tablename__ = "handover_items"

    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))  # enquiry / custody
    reference: Mapped[str] = mapped_column(String(40))
    receiving_team: Mapped[str] = mapped_column(String(120), index=True)
    summary: Mapped[str] = mapped_column(Text)
    awaiting: Mapped[str] = mapped_column(Text)  # what still awaits sign-off or confirmation
    device_id: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(20), index=True)  # submitted/acknowledged/returned
    submitted_at: Mapped[datetime] = mapped_column(UTCInstant())
    submitted_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCInstant(), index=True)  # 09:00, working day
    acknowledged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    acknowledged_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    returned_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)
    returned_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    case_system_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    referenced_at: Mapped[datetime | None] = mapped_column(UTCInstant(), nullable=True)


class AlertRow(Base):
    """A "known tonight" alert from the day team: a child likely to need the duty team."""

    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    dob: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    plan: Mapped[str] = mapped_column(Text)  # the contingency plan
    contact: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[str] = mapped_column(String(10))  # UK dates, ISO
    valid_until: Mapped[str] = mapped_column(String(10), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    added_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCInstant())


SEARCH_TABLE = "enquiry_search"  # FTS5 (trigram) over names, dates, address, reference, text

PROJECTION_TABLES = (
    PersonRow.__table__,
    DeskRow.__table__,
    ShiftRow.__table__,
    EnquiryRow.__table__,
    EnquiryChildRow.__table__,
    SignoffRow.__table__,
    RulesRow.__table__,
    CustodyRow.__table__,
    ProviderRow.__table__,
    ConflictRow.__table__,
    PurgeStubRow.__table__,
    HandoverItemRow.__table__,
    AlertRow.__table__,
)
