"""The Concordat monitoring figures for a date range, and their CSV export.

Aggregate only: what leaves the desk is counts and medians, never a name, a date of birth,
a custody record number or a reference (``domain.custody_figures`` builds them from
``CaseFacts``, which carry none of these).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_clocks import overnight
from duty_desk.domain.custody_figures import CaseFacts, Figures, figures, to_csv
from duty_desk.domain.custody_records import Case
from duty_desk.domain.errors import ValidationError
from duty_desk.domain.events import NewEvent
from duty_desk.domain.roles import Permission
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.documents import write_whole
from duty_desk.services.settings import load_settings
from duty_desk.store import custody as store

LONGEST = timedelta(days=3660)


def case_facts(case: Case, now: datetime) -> CaseFacts:
    """What one case contributes to the figures (an open case counts up to ``now``)."""
    moments = case.instants
    content = case.content
    until = moments.left or case.closed_at or now
    outcome = None if case.open else content.get("outcome")
    # The certificate counts only for a young person who remained (a left-over answer on a
    # case closed otherwise must not count as "no certificate issued").
    remained = outcome == "remained"
    return CaseFacts(
        requested_at=moments.request or case.opened_at,
        age_at_charge=content.get("age_at_charge"),
        gender=content.get("yp_gender"),
        ethnicity=content.get("yp_ethnicity"),
        request_type=content.get("request_type"),
        outcome=outcome,
        certificate_issued=content.get("certificate_issued") if remained else None,
        certificate_reason=content.get("certificate_reason") if remained else None,
        overnight=overnight(moments.charge, until),
        charge_to_request=_span(moments.charge, moments.request),
        request_to_response=_span(moments.request, moments.response),
        request_to_left=_span(moments.request, moments.left),
    )


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    """A figure only where both ends are known and in order (a request before charge is not)."""
    if start is None or end is None or end < start:
        return None
    return end - start


def monitoring(session: SignedIn, start: date, end: date) -> Figures:
    """The figures for requests received from ``start`` to ``end`` inclusive (UK dates)."""
    authorize(session, Permission.VIEW_FIGURES)
    if end < start:
        raise ValidationError("The range ends before it starts.", "end")
    if end - start > LONGEST:
        raise ValidationError("Ask for ten years or less at a time.", "end")
    first = datetime.combine(start, time(0), LONDON)
    after = datetime.combine(end + timedelta(days=1), time(0), LONDON)
    now = session.desk.clock()
    with session.uow(read_only=True) as uow:
        cases = store.cases_between(uow.session, first, after)
    return figures([case_facts(case, now) for case in cases], start, end)


def export_monitoring(session: SignedIn, start: date, end: date, path: Path) -> Figures:
    """Write the figures as CSV to ``path`` (replaced whole, never half-written)."""
    found = monitoring(session, start, end)
    marking = load_settings(session.desk.paths.settings).marking
    text = to_csv(found, marking)
    path = path.expanduser()
    if not path.parent.is_dir():
        raise ValidationError(f"There is no folder {path.parent} to save the figures in.", "path")
    write_whole(path, text.encode("utf-8"))
    with session.uow() as uow:
        payload = {"start": start.isoformat(), "end": end.isoformat(), "file": path.name}
        uow.record(NewEvent("report", "custody-monitoring", "custody.figures_exported", payload))
        uow.commit()
    return found
