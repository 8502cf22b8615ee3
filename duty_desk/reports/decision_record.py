"""One enquiry's decision record as a PDF: every field, then its full history.

The record as it stands (every field recorded, section by section, in words: labels for
choices, London times, en-GB dates), where its sign-off stands, then every version and
sign-off from the event log in a table whose header repeats on every page. Plain data in
(the enquiry, its history lines, its sign-off), bytes out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from duty_desk.domain.clock import show_local
from duty_desk.domain.enquiry_fields import FIELDS, SECTIONS, Field
from duty_desk.domain.field_words import in_words
from duty_desk.domain.handover_pack import attention, signoff_words
from duty_desk.domain.records import Change, Enquiry, Status
from duty_desk.domain.signoff import Signoff
from duty_desk.reports.document import Meta, build, facts, heading, para, styles, table, text

WIDTH = 174 * mm


def render(
    enquiry: Enquiry,
    lines: Sequence[Change],
    signoff: Signoff | None,
    decision_labels: Mapping[str, str],
    meta: Meta,
) -> bytes:
    sheet = styles()
    decided = enquiry.status is Status.DECIDED
    story: list[Flowable] = [Paragraph(text(meta.title), sheet["title"])]
    story.append(facts([
        ("Reference", enquiry.reference),
        ("Status", f"{enquiry.status.label}, version {enquiry.version}"),
        ("Received", show_local(enquiry.received_at)),
        ("Decided", show_local(enquiry.decided_at) if enquiry.decided_at else "Not yet"),
        ("Decision due", show_local(enquiry.decision_due)),
        ("Handover due", show_local(enquiry.handover_due)),
        ("Sign-off", Paragraph(text(signoff_words(decided, signoff)),
                               sheet["flag" if attention(decided, signoff) else "cell"])),
    ]))  # fmt: skip
    for section in SECTIONS:
        fields = [f for f in FIELDS.values() if f.section == section and f.name in enquiry.content]
        if not fields:
            continue
        story.extend(heading(section))
        pairs = [(f.label, lines_of(in_words(f, enquiry.content[f.name], decision_labels)))
                 for f in fields]  # fmt: skip
        story.append(facts(pairs, label_width=55 * mm))
    story.extend(heading("History: every version and sign-off"))
    story.append(_history(lines, decision_labels))
    return build(story, meta)


def _history(lines: Sequence[Change], labels: Mapping[str, str]) -> Flowable:
    rows: list[list[object]] = []
    spans = []
    for line in lines:
        when = show_local(line.at).replace(" ", "\n")  # the date above the time
        version = f"v{line.version}" if line.version else ""  # a handover has none
        field = FIELDS.get(line.field) if line.field else None
        if not line.field:  # an opening, a sign-off, a handover: its words across the row
            spans.append((len(rows), 3, 6))
            rows.append([para(when), version, line.who, line.what, "", "", ""])
            continue
        name = field.label if field else line.field
        before, after = (_whole(field, value, labels) for value in (line.before, line.after))
        rows.append([para(when), version, line.who, line.what, name, before, after])
    # Before and after get the width: they are printed whole, however long (a row longer
    # than a page carries on over the next).
    widths = [24 * mm, 9 * mm, 19 * mm, 19 * mm, 24 * mm, 39 * mm, WIDTH - 134 * mm]
    header = ["When", "v", "Who", "What", "Field", "Before", "After"]
    return table(header, rows, widths, spans=spans)


def _whole(field: Field | None, value: object, labels: Mapping[str, str]) -> Paragraph:
    if value is None:
        return lines_of("(empty)")
    return lines_of(in_words(field, value, labels) if field else str(value))


def lines_of(value: str, style: str = "cell") -> Paragraph:
    """Text whose line breaks are kept (a Paragraph otherwise runs lines together)."""
    return para(value, style)
