"""The performance indicators as a document for the safeguarding board.

Aggregate only (``domain.indicators``): the figures table first, then a chart of enquiries
per night and one of decisions by type, each with the table of the same numbers under it
so the document reads without the picture too.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from duty_desk.domain.clock import show_local
from duty_desk.domain.indicators import Indicators, rows
from duty_desk.reports.charts import bar_chart, column_chart
from duty_desk.reports.document import MARGIN, Meta, build, facts, styles, table, text

WIDTH = A4[0] - 2 * MARGIN


def build_report(found: Indicators, meta: Meta) -> bytes:
    return build(story(found), meta)


def story(found: Indicators) -> list[Flowable]:
    sheet = styles()
    period = f"{found.start:%d/%m/%Y} to {found.end:%d/%m/%Y}"
    out: list[Flowable] = [
        Paragraph("Performance indicators", sheet["title"]),
        Paragraph(
            text(
                f"Nights of {period} ({found.nights} night{'s' if found.nights != 1 else ''}, "
                f"each 09:00 to 09:00 UK time). Figures as at {show_local(found.worked_out_at)}."
            ),
            sheet["body"],
        ),
        Paragraph(
            "Aggregate figures only: no child, family or worker is named in this document.",
            sheet["small"],
        ),
        Paragraph("The figures", sheet["h1"]),
        facts(rows(found), label_width=85 * mm),
        Paragraph("Enquiries per night", sheet["h1"]),
        column_chart(
            [night.label for night in found.per_night],
            [night.count for night in found.per_night],
            width=WIDTH,
        ),
        Spacer(1, 3 * mm),
        table(
            ["Night starting", "Enquiries"],
            [(night.label, night.count) for night in found.per_night],
            widths=[50 * mm, 30 * mm],
        ),
        Paragraph("Enquiries by decision", sheet["h1"]),
        bar_chart(
            [kind.label for kind in found.by_decision],
            [kind.count for kind in found.by_decision],
            width=WIDTH,
        ),
        Spacer(1, 3 * mm),
        table(
            ["Decision", "Enquiries"],
            [(kind.label, kind.count) for kind in found.by_decision],
            widths=[120 * mm, 30 * mm],
        ),
        Paragraph("What the figures mean", sheet["h1"]),
        *[Paragraph(text(line), sheet["small"]) for line in NOTES],
    ]
    return out


NOTES = (
    "A night runs from 09:00 to 09:00 the next day, UK time; a call at 02:30 belongs to "
    "the night before. Weekend daytime calls belong to that day's night.",
    "Time to sign-off: from the decision being made to its sign-off in the app (approved, "
    "or a verbal sign-off confirmed).",
    "Overdue sign-offs: decisions still waiting for sign-off or confirmation past their "
    "time limit when the figures were worked out.",
    "Child's voice recorded: decisions with the child's own words, wishes and feelings "
    "written down.",
    "Handover acknowledged by 09:00: items whose due time (09:00 on the next working day) "
    "has passed that a named person acknowledged by then.",
    "Custody figures count requests by the night they came in; overnight stays are nights "
    "(00:00-06:00) in the cell after charge. Appropriate adult response: from the request "
    "to their arrival.",
)
