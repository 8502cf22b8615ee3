"""Documents about children's records: the morning handover pack, an enquiry's decision
record and a custody case's log, each saved as a marked PDF (``services.documents``).

Each call checks the person may read what the document shows, refuses a bad file name or
password before any work, reads what it needs in one read-only unit of work, builds the
PDF in memory and saves it (audited as ``report.printed`` with ids and counts only).
``pack_contents`` is the data the pack prints, so the golden tests read exactly what the
day team reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select

from duty_desk.domain import handover_pack as pack_rules
from duty_desk.domain.custody_clocks import Thresholds, clocks, duration_text, warnings
from duty_desk.domain.custody_records import Case
from duty_desk.domain.errors import NotFound
from duty_desk.domain.handover import (
    DEFAULT_TEAM,
    HandoverItem,
    ItemKind,
    ItemState,
    acknowledged_words,
    team_name,
)
from duty_desk.domain.handover_pack import CustodyLine, Pack, PackItem, ShiftLine
from duty_desk.domain.records import Status
from duty_desk.domain.roles import Permission
from duty_desk.domain.signoff import Signoff
from duty_desk.reports import custody_log as custody_pdf
from duty_desk.reports import decision_record as record_pdf
from duty_desk.reports import handover_pack as pack_pdf
from duty_desk.services import custody as custody_service
from duty_desk.services import documents
from duty_desk.services.authz import authorize
from duty_desk.services.context import SignedIn
from duty_desk.services.documents import Printed
from duty_desk.services.enquiries import history
from duty_desk.services.lists import decision_types
from duty_desk.store import custody as custody_store
from duty_desk.store import enquiries as enquiry_store
from duty_desk.store import handover as handover_store
from duty_desk.store.schema import EnquiryRow, SignoffRow
from duty_desk.store.signoffs import get_signoff, to_signoff
from duty_desk.store.unit_of_work import UnitOfWork

# An acknowledged item stays in the pack this long after it was handed over: the pack is
# the night's, not the week's. Items not yet acknowledged stay until they are.
PACK_WINDOW = timedelta(hours=24)


# --- the morning handover pack ------------------------------------------------------------


def pack_contents(session: SignedIn, team: str | None = None) -> Pack:
    """What the pack for one receiving team (or every team) lists, in order, flagged."""
    authorize(session, Permission.RECEIVE_HANDOVER)
    now = session.desk.clock()
    limits = custody_service.thresholds(session)
    chosen = None if team is None else team_name(team)
    with session.uow(read_only=True) as uow:
        names = {p.id: p.display_name for p in uow.people.list()}
        found = handover_store.rows(uow.session, team=chosen)
        handed = [handover_store.to_item(row, names) for row in found]
        handed = [i for i in handed if _in_pack(i, now)]
        items, shift_ids = _pack_items(uow, handed, names)
        shifts = [_shift_line(uow, shift_id) for shift_id in sorted(shift_ids)]
        cases = [_custody_line(case, now, limits) for case in custody_store.open_cases(uow.session)]
    present = [shift for shift in shifts if shift is not None]
    return pack_rules.assemble(now, chosen, present, items, cases)


def handover_pack(
    session: SignedIn,
    path: Path,
    *,
    team: str | None = None,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """Save the morning handover pack as a PDF (one section per team unless ``team``)."""
    authorize(session, Permission.RECEIVE_HANDOVER)

    def draft() -> documents.Draft:
        pack = pack_contents(session, team)
        about = {
            "items": len(pack.items),
            "flagged": len(pack.attention),
            "custody_open": len(pack.custody),
            "one_team": team is not None,
        }
        title = "Morning handover pack" + (f": {pack.team}" if pack.team else "")
        return documents.Draft(title, "The night's work for the day team",
                               partial(pack_pdf.render, pack), about)  # fmt: skip

    return documents.produce(session, path, draft, document="handover_pack",
                             password=password, overwrite=overwrite)  # fmt: skip


def _in_pack(item: HandoverItem, now: datetime) -> bool:
    return item.state is not ItemState.ACKNOWLEDGED or item.submitted_at >= now - PACK_WINDOW


def _handover_words(item: HandoverItem) -> str:
    if item.state is ItemState.ACKNOWLEDGED:
        said = f"Acknowledged {acknowledged_words(item)}"
        return said + (f"; case system reference {item.case_system_ref}" if item.case_system_ref
                       else "")  # fmt: skip
    if item.state is ItemState.RETURNED:
        return f"Returned to the duty worker: {item.returned_reason or ''}".rstrip(": ")
    from duty_desk.domain.clock import show_local

    return f"Waiting for acknowledgement (due {show_local(item.due_at)})"


def _pack_items(
    uow: UnitOfWork, handed: Sequence[HandoverItem], names: dict[str, str]
) -> tuple[list[PackItem], set[str]]:
    """Each item with its record's details, read in two queries; and the shifts involved."""
    ids = [i.item_id for i in handed if i.item_kind is ItemKind.ENQUIRY]
    rows = {
        row.id: row
        for row in uow.session.execute(select(EnquiryRow).where(EnquiryRow.id.in_(ids))).scalars()
    }
    signoffs = {
        row.enquiry_id: _named(to_signoff(row), names)
        for row in uow.session.execute(
            select(SignoffRow).where(SignoffRow.enquiry_id.in_(ids))
        ).scalars()
    }
    labels = decision_types().labels
    items: list[PackItem] = []
    shifts: set[str] = set()
    for item in handed:
        if item.item_kind is ItemKind.CUSTODY:
            case = custody_store.get_case(uow.session, item.item_id)
            if case is not None:
                items.append(_case_item(item, case))
            continue
        row = rows.get(item.item_id)
        if row is None:
            continue
        enquiry = enquiry_store.to_enquiry(row)
        if enquiry.shift_id:
            shifts.add(enquiry.shift_id)
        decided = enquiry.status is Status.DECIDED
        decision = str(enquiry.content.get("decision_type") or "")
        items.append(
            pack_rules.enquiry_item(
                reference=item.reference,
                team=item.receiving_team,
                state=item.state,
                handover=_handover_words(item),
                content=enquiry.content,
                decided=decided,
                decision_label=labels.get(decision, decision),
                signoff=signoffs.get(enquiry.id),
                received_at=enquiry.received_at,
            )
        )
    return items, shifts


def _case_item(item: HandoverItem, case: Case) -> PackItem:
    age = case.content.get("age_at_charge")
    return pack_rules.custody_item(
        reference=item.reference,
        team=item.receiving_team or DEFAULT_TEAM,
        state=item.state,
        handover=_handover_words(item),
        received_at=case.opened_at,
        person=case.name,
        age="" if age is None else str(age),
        summary=item.summary,
        still_open=case.open,
    )


def _named(signoff: Signoff, names: dict[str, str]) -> Signoff:
    name = names.get(signoff.resolved_by or "")
    return replace(signoff, resolved_by_name=name) if name else signoff


def _shift_line(uow: UnitOfWork, shift_id: str) -> ShiftLine | None:
    shift = enquiry_store.get_shift(uow.session, shift_id)
    if shift is None:
        return None
    return ShiftLine(
        shift.started_at,
        shift.ended_at,
        ", ".join(shift.on_duty),
        f"{shift.senior.name} ({shift.senior.phone})",
        f"{shift.manager.name} ({shift.manager.phone})",
    )


def _custody_line(case: Case, now: datetime, limits: Thresholds) -> CustodyLine:
    ticking = clocks(case.instants, now)
    age = case.content.get("age_at_charge")
    if case.instants.request is None:
        status = "No request for accommodation recorded"
    elif ticking.unanswered is not None:
        status = f"Request unanswered for {duration_text(ticking.unanswered)}"
    else:
        status = "Answered" + (
            "; accommodation identified" if case.instants.identified else "; no placement yet"
        )
    return CustodyLine(
        reference=case.reference,
        person=case.name + ("" if age is None else f" ({age})"),
        suite=str(case.content.get("custody_suite") or ""),
        charged_at=case.instants.charge,
        in_custody="" if ticking.since_charge is None else duration_text(ticking.since_charge),
        request_at=case.instants.request,
        since_request="" if ticking.since_request is None
        else duration_text(ticking.since_request),
        status=status,
        warnings=tuple(w.text for w in warnings(case.instants, now, limits)),
    )  # fmt: skip


# --- one enquiry's decision record --------------------------------------------------------


def decision_record(
    session: SignedIn,
    enquiry_id: str,
    path: Path,
    *,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """Save one enquiry's record: every field, then every version and sign-off."""
    authorize(session, Permission.VIEW_ENQUIRIES)

    def draft() -> documents.Draft:
        with session.uow(read_only=True) as uow:
            enquiry = enquiry_store.get_enquiry(uow.session, enquiry_id)
            if enquiry is None:
                raise NotFound("That enquiry is not on this desk.")
            names = {p.id: p.display_name for p in uow.people.list()}
            found = get_signoff(uow.session, enquiry_id)
            signoff = None if found is None else _named(found, names)
        lines = history(session, enquiry_id)
        render = partial(record_pdf.render, enquiry, lines, signoff, decision_types().labels)
        about = {"enquiry_id": enquiry.id, "version": enquiry.version, "changes": len(lines)}
        subject = "An out-of-hours enquiry and its decision"
        return documents.Draft(f"Decision record {enquiry.reference}", subject, render, about)

    return documents.produce(session, path, draft, document="decision_record",
                             password=password, overwrite=overwrite)  # fmt: skip


# --- one custody case's log ---------------------------------------------------------------


def custody_log(
    session: SignedIn,
    case_id: str,
    path: Path,
    *,
    password: str | None = None,
    overwrite: bool = False,
) -> Printed:
    """Save one custody case's log: its details, timeline, clocks and certificate."""
    authorize(session, Permission.VIEW_ENQUIRIES)

    def draft() -> documents.Draft:
        with session.uow(read_only=True) as uow:
            case = custody_store.get_case(uow.session, case_id)
        if case is None:
            raise NotFound("That custody case is not on this desk.")
        limits = custody_service.thresholds(session)
        render = partial(custody_pdf.render, case, session.desk.clock(), limits,
                         decision_types().labels)  # fmt: skip
        about = {"case_id": case.id, "steps": len(case.steps), "open": case.open}
        subject = "A young person in police custody (PACE s.38(6))"
        return documents.Draft(f"Custody log {case.reference}", subject, render, about)

    return documents.produce(session, path, draft, document="custody_log",
                             password=password, overwrite=overwrite)  # fmt: skip
