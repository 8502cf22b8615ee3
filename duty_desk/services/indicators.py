"""The performance indicators for a range of nights, and the documents that print them.

``indicators`` reads this desk's enquiries, sign-offs, handover items and custody cases
and hands ``domain.indicators`` plain facts with no name or reference in them; what comes
back is aggregate only. ``indicators_report`` prints those figures (with bar charts) and
``monitoring_report`` prints the Concordat monitoring figures of
``services.custody_figures``; both are saved and audited by ``services.documents``.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select

from duty_desk.domain import custody as custody_domain
from duty_desk.domain import indicators as domain
from duty_desk.domain.custody_records import Case
from duty_desk.domain.indicators import CustodyFacts, EnquiryFacts, HandoverFacts, Indicators
from duty_desk.domain.records import Status
from duty_desk.domain.roles import Permission
from duty_desk.domain.signoff import SignoffState
from duty_desk.reports import indicators_pdf, monitoring_pdf
from duty_desk.services import documents
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.custody_figures import case_facts, monitoring
from duty_desk.services.documents import Printed
from duty_desk.services.lists import decision_types
from duty_desk.store import custody as custody_store
from duty_desk.store.schema import EnquiryRow, HandoverItemRow, SignoffRow
from duty_desk.store.signoffs import to_signoff

_SIGNED_OFF = (SignoffState.APPROVED, SignoffState.CONFIRMED)


def indicators(session: SignedIn, start: date, end: date) -> Indicators:
    """The indicators for the nights ``start`` to ``end`` inclusive (UK dates)."""
    authorize(session, Permission.VIEW_FIGURES)
    domain.check_range(start, end)
    first, after = domain.night_starts(start), domain.night_starts(end + timedelta(days=1))
    now = session.desk.clock()
    labels = decision_types().labels
    with session.uow(read_only=True) as uow:
        db = uow.session
        calls = db.execute(
            select(EnquiryRow, SignoffRow)
            .outerjoin(SignoffRow, SignoffRow.enquiry_id == EnquiryRow.id)
            .where(EnquiryRow.received_at >= first, EnquiryRow.received_at < after)
        ).all()
        enquiries = [_enquiry(row, signoff, labels) for row, signoff in calls]
        items = db.scalars(
            select(HandoverItemRow).where(
                HandoverItemRow.submitted_at >= first, HandoverItemRow.submitted_at < after
            )
        ).all()
        handover = [HandoverFacts(i.submitted_at, i.due_at, i.acknowledged_at) for i in items]
        cases = custody_store.cases_between(db, first, after)
    custody = [_case(case, now) for case in cases]
    return domain.indicators(start, end, now, enquiries, handover, custody)


def indicators_report(
    session: SignedIn,
    start: date,
    end: date,
    path: Path,
    *,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """The indicators as a PDF (figures, and bar charts of the nights and the decisions)."""
    authorize(session, Permission.VIEW_FIGURES)

    def draft() -> documents.Draft:
        found = indicators(session, start, end)
        about = {"start": start.isoformat(), "end": end.isoformat(), "enquiries": found.enquiries}
        return documents.Draft("Performance indicators", _period(start, end),
                               partial(indicators_pdf.build_report, found), about)  # fmt: skip

    return documents.produce(session, path, draft, document="indicators",
                             password=password, overwrite=overwrite)  # fmt: skip


def monitoring_report(
    session: SignedIn,
    start: date,
    end: date,
    path: Path,
    *,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """The Concordat monitoring figures (young people in police custody) as a PDF."""
    authorize(session, Permission.VIEW_FIGURES)

    def draft() -> documents.Draft:
        found = monitoring(session, start, end)
        about = {"start": start.isoformat(), "end": end.isoformat(), "requests": found.requests}
        return documents.Draft("Concordat monitoring: children in police custody",
                               _period(start, end), partial(monitoring_pdf.build_report, found),
                               about)  # fmt: skip

    return documents.produce(session, path, draft, document="custody_monitoring",
                             password=password, overwrite=overwrite)  # fmt: skip


def _period(start: date, end: date) -> str:
    return f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"


def _enquiry(
    row: EnquiryRow, signoff_row: SignoffRow | None, labels: dict[str, str]
) -> EnquiryFacts:
    content = json.loads(row.content)
    decided = row.status == Status.DECIDED.value
    signoff = None if signoff_row is None or not decided else to_signoff(signoff_row)
    kind = row.decision_type or ""
    return EnquiryFacts(
        received_at=row.received_at,
        decision_type=labels.get(kind, kind or "Decision type not recorded") if decided else None,
        child_words=bool(str(content.get("child_words") or "").strip()),
        voice_reason=bool(str(content.get("voice_not_heard_reason") or "").strip()),
        signoff_state=None if signoff is None else signoff.state.value,
        decided_at=None if signoff is None else signoff.requested_at,
        signed_off_at=(
            signoff.resolved_at if signoff is not None and signoff.state in _SIGNED_OFF else None
        ),
        deadline=None if signoff is None else signoff.deadline(),
    )


def _case(case: Case, now: datetime) -> CustodyFacts:
    facts = case_facts(case, now)
    return CustodyFacts(
        requested_at=facts.requested_at,
        transferred=facts.outcome == "transferred",
        overnight=facts.overnight,
        aa_requested=custody_domain.when(case.steps, "aa_requested"),
        aa_arrived=custody_domain.when(case.steps, "aa_arrived"),
    )
