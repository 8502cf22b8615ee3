"""One custody case's log as a PDF: the case, its timeline, its clocks, the certificate.

The case's details (police, young person, request, appropriate adult, welfare, court),
the council's decision (its police enquiry's) and where its sign-off stands; the timeline
in a table whose header repeats on every page; the clocks (time in custody since charge,
since the request, unanswered, the next PACE review, whether the young person spent the
night in the cell) and any warnings; then the custody officer's certificate and, where
the stated reason is one Code C says is not a ground, Code C Note 16D in full. Plain data
in (the case, ``now``, the thresholds), bytes out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from duty_desk.domain import custody_choices as choices
from duty_desk.domain.clock import show_local
from duty_desk.domain.custody import FIELDS, OUTCOME, SECTIONS, code_c_concerns
from duty_desk.domain.custody_clocks import (
    Thresholds,
    clocks,
    duration_text,
    overnight,
    warnings,
)
from duty_desk.domain.custody_records import Case
from duty_desk.domain.events import parse_instant
from duty_desk.domain.field_words import in_words
from duty_desk.domain.signoff import SignoffState
from duty_desk.reports.decision_record import lines_of
from duty_desk.reports.document import Meta, build, facts, heading, styles, table, text

WIDTH = 174 * mm
CERTIFICATE = ("certificate_issued", "certificate_reason", "certificate_text", "remained_reason",
               "challenge", "escalation")  # fmt: skip


def render(
    case: Case, now: datetime, limits: Thresholds, decision_labels: Mapping[str, str], meta: Meta
) -> bytes:
    sheet = styles()
    story: list[Flowable] = [Paragraph(text(meta.title), sheet["title"])]
    story.append(facts(_header(case, decision_labels)))
    for section in SECTIONS:
        names = [f.name for f in FIELDS.values() if f.section == section and f.name in case.content]
        names = [n for n in names if n not in CERTIFICATE]
        if names:
            story.extend(heading(section))
            story.append(facts(_pairs(case, names), label_width=55 * mm))
    story.extend(heading("Timeline (UK time)"))
    story.append(_timeline(case))
    story.extend(_clocks(case, now, limits))
    story.extend(_certificate(case))
    return build(story, meta)


def _header(case: Case, labels: Mapping[str, str]) -> list[tuple[str, object]]:
    status = "Open" if case.open else f"Closed {show_local(case.closed_at)}" if case.closed_at \
        else "Closed"  # fmt: skip
    decision = labels.get(case.decision_type or "", case.decision_type or "None yet")
    signoff = (
        SignoffState(case.signoff_state).label
        if case.signoff_state in set(SignoffState)
        else "No decision yet"
    )
    return [
        ("Reference", case.reference),
        ("Status", status),
        ("Opened", show_local(case.opened_at)),
        ("Police enquiry", case.enquiry_reference or "None"),
        ("The council's decision", decision),
        ("Sign-off", signoff),
    ]


def _timeline(case: Case) -> Flowable:
    if not case.steps:
        return Paragraph("Nothing recorded yet.", styles()["body"])
    rows = [
        [
            show_local(parse_instant(step["at"])),
            choices.STEP_KINDS.get(step["kind"], step["kind"]),
            step.get("placement", ""),
            choices.ANSWERS.get(step.get("answer", ""), step.get("answer", "")),
            step.get("by", ""),
            step.get("note", ""),
        ]
        for step in case.steps
    ]
    widths = [26 * mm, 36 * mm, 30 * mm, 26 * mm, 22 * mm, WIDTH - 140 * mm]
    return table(["When", "Step", "Placement", "Answer", "Who", "Note"], rows, widths)


def _clocks(case: Case, now: datetime, limits: Thresholds) -> list[Flowable]:
    sheet = styles()
    ticking = clocks(case.instants, now)
    state = "running" if ticking.in_custody else "stopped: out of custody"
    title = f"Clocks ({state}, as at {show_local(now)})"
    end = case.instants.left or case.instants.closed_at or now
    pairs: list[tuple[str, object]] = [
        ("Time in custody since charge", _span(ticking.since_charge, "No charge recorded")),
        ("Since the request", _span(ticking.since_request, "No request recorded")),
        ("Request unanswered", _span(ticking.unanswered, "Answered (or no request)")),
        ("Detention authorised", _at(case.instants.detention_authorised)),
        ("Charged", _at(case.instants.charge)),
        ("Request received", _at(case.instants.request)),
        ("Council's response", _at(case.instants.response)),
        ("Accommodation identified", _at(case.instants.identified)),
        ("Left custody", _at(case.instants.left)),
        ("Night in the cell (00:00–06:00)",
         "Yes" if overnight(case.instants.charge, end) else "No"),
    ]  # fmt: skip
    if ticking.next_review is not None:
        overdue = " — OVERDUE" if ticking.review_overdue else ""
        pairs.append(("Next PACE review", f"{show_local(ticking.next_review)}{overdue}"))
    story: list[Flowable] = [*heading(title), facts(pairs, 55 * mm)]
    for warning in warnings(case.instants, now, limits):
        story.append(Paragraph(text(f"WARNING: {warning.text}"), sheet["flag"]))
    return story


def _certificate(case: Case) -> list[Flowable]:
    sheet = styles()
    story: list[Flowable] = heading("The custody officer's certificate")
    present = [n for n in CERTIFICATE if n in case.content]
    if not present:
        story.append(Paragraph("No certificate is recorded.", sheet["body"]))
    else:
        story.append(facts(_pairs(case, present), 55 * mm))
    concerns = code_c_concerns(case.content)
    for concern in concerns:
        story.append(Paragraph(text(concern), sheet["flag"]))
    if case.content.get("certificate_issued") and not concerns:
        story.append(Paragraph(text(choices.CODE_C_NOTE), sheet["small"]))
    outcome = [f.name for f in FIELDS.values() if f.section == OUTCOME and f.name in case.content]
    if not outcome:
        story.append(Paragraph("No outcome recorded yet: the case is open.", sheet["body"]))
    return story


def _pairs(case: Case, names: list[str]) -> list[tuple[str, Flowable | str]]:
    """Each named field of the case: its label, and its value in words."""
    return [(FIELDS[n].label, lines_of(in_words(FIELDS[n], case.content[n], {}))) for n in names]


def _span(span: object, otherwise: str) -> str:
    from datetime import timedelta

    return duration_text(span) if isinstance(span, timedelta) else otherwise


def _at(moment: datetime | None) -> str:
    return show_local(moment) if moment is not None else "Not recorded"
