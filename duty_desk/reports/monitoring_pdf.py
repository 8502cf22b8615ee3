"""The Concordat monitoring report: children charged and detained in police custody.

Prints ``domain.custody_figures.Figures`` (aggregate only: counts and medians, never a
name, a date of birth or a custody record number): the requests and their outcomes,
secure against non-secure, why young people stayed in custody, the medians, and the
breakdowns by age, gender and ethnicity. Every count is printed even when it is zero, so
a reader sees that a category is empty rather than missing.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from duty_desk.domain.custody_figures import Figures, Group, Median
from duty_desk.domain.indicators import duration_text
from duty_desk.reports.charts import bar_chart
from duty_desk.reports.document import MARGIN, Meta, build, styles, table, text, together

WIDTH = A4[0] - 2 * MARGIN
GROUP_HEADER = ("Group", "Requests", "Accommodated", "Remained in custody", "Overnight stays")
GROUP_WIDTHS = (60 * mm, 22 * mm, 32 * mm, 34 * mm, 26 * mm)


def build_report(found: Figures, meta: Meta) -> bytes:
    return build(story(found), meta)


def story(found: Figures) -> list[Flowable]:
    sheet = styles()
    period = f"{found.start:%d/%m/%Y} to {found.end:%d/%m/%Y}"
    return [
        Paragraph("Concordat monitoring: children in police custody", sheet["title"]),
        Paragraph(
            text(
                f"Requests for local authority accommodation (PACE 1984 s.38(6)) received "
                f"from {period} inclusive, UK dates."
            ),
            sheet["body"],
        ),
        Paragraph(
            "Aggregate figures only: no young person is named or identifiable here.",
            sheet["small"],
        ),
        Paragraph("Requests and outcomes", sheet["h1"]),
        table(["Measure", "Count"], _totals(found), widths=[110 * mm, 30 * mm]),
        Paragraph("Outcomes", sheet["h2"]),
        bar_chart(*_outcome_bars(found), width=WIDTH),
        together(
            Paragraph("Secure or non-secure accommodation requested", sheet["h1"]),
            table(["Request type", "Requests"], _types(found), widths=[110 * mm, 30 * mm]),
        ),
        together(
            Paragraph("Why young people remained in custody", sheet["h1"]),
            table(["Reason", "Requests"], _why(found), widths=[130 * mm, 30 * mm]),
        ),
        together(
            Paragraph("How long things took (medians)", sheet["h1"]),
            table(
                ["Between", "Median", "Cases with both times"],
                _medians(found),
                widths=[80 * mm, 40 * mm, 40 * mm],
            ),
        ),
        *_breakdown("By age at charge", found.by_age_band),
        *_breakdown("By gender", found.by_gender),
        *_breakdown("By ethnicity", found.by_ethnicity),
        Paragraph("What the figures mean", sheet["h1"]),
        *[Paragraph(text(line), sheet["small"]) for line in NOTES],
    ]


def _totals(found: Figures) -> list[tuple[str, int]]:
    return [
        ("Requests", found.requests),
        ("Accommodated by the council", found.accommodated),
        ("Bailed or released", found.bailed_released),
        ("Remained in police custody", found.remained),
        ("Still open", found.still_open),
        ("Overnight stays in police custody", found.overnight),
    ]


def _outcome_bars(found: Figures) -> tuple[list[str], list[int]]:
    pairs = _totals(found)[1:5]
    return [label for label, _ in pairs], [count for _, count in pairs]


def _types(found: Figures) -> list[tuple[str, int]]:
    return [
        ("Secure", found.secure),
        ("Non-secure", found.non_secure),
        ("Not recorded", found.type_not_recorded),
    ]


def _why(found: Figures) -> list[tuple[str, int]]:
    return [
        *((tally.label, tally.count) for tally in found.certified),
        ("No certificate issued", found.no_certificate),
        ("Whether a certificate was issued is not recorded", found.certificate_not_recorded),
    ]


def _medians(found: Figures) -> list[tuple[str, str, int]]:
    def row(name: str, median: Median) -> tuple[str, str, int]:
        return (name, duration_text(median.value), median.n)

    return [
        row("Charge and request", found.charge_to_request),
        row("Request and the council's response", found.request_to_response),
        row("Request and leaving custody", found.request_to_left),
    ]


def _breakdown(title: str, groups: tuple[Group, ...]) -> list[Flowable]:
    sheet = styles()
    rows = [(g.label, g.requests, g.accommodated, g.remained, g.overnight) for g in groups]
    return [
        together(
            Paragraph(text(title), sheet["h1"]),
            table(GROUP_HEADER, rows, widths=GROUP_WIDTHS),
        )
    ]


NOTES = (
    "One case is one request for accommodation, counted on the UK date it was received.",
    "Accommodated, bailed or released, remained in custody and still open add up to the "
    "requests; so do secure, non-secure and not recorded, and each breakdown's requests.",
    "Overnight stays: the young person spent any of 00:00-06:00 in the cell after charge, "
    "whatever the outcome.",
    "Medians are over the cases with both times recorded; a dash means there were none.",
)
