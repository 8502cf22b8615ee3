"""The morning handover pack as a PDF: the cover, each team's items, custody, what waits.

The cover sums up the night (the shifts and who was on duty, the counts, the decisions),
lists first what needs attention (in red: awaiting sign-off, verbal sign-off awaiting
confirmation, not signed off, the child's views not recorded), then every item at a
glance. Each team's section follows on a new page, one block per item; then the young
people still in police custody, with their clocks; then every item not yet acknowledged.
Plain data in (``domain.handover_pack.Pack``), bytes out.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from duty_desk.domain.clock import show_local
from duty_desk.domain.handover_pack import Attention, CustodyLine, Pack, PackItem, ShiftLine
from duty_desk.reports.document import Meta, build, facts, para, styles, table, text, together

WIDTH = 174 * mm  # A4 portrait between the margins
SHORT = {
    Attention.AWAITING: "Awaiting sign-off",
    Attention.VERBAL: "Verbal, unconfirmed",
    Attention.UNSIGNED: "Not signed off",
}


def render(pack: Pack, meta: Meta) -> bytes:
    story = _cover(pack, meta)
    for section in pack.sections:
        story.append(PageBreak())
        count = f"{len(section.items)} item{'s' if len(section.items) != 1 else ''}"
        story.append(Paragraph(text(f"{section.team} ({count})"), styles()["h1"]))
        for item in section.items:
            story.extend(_item(item))
    story.append(PageBreak())
    story.extend(_custody(pack.custody))
    story.extend(_waiting(pack))
    return build(story, meta)


# --- the cover ----------------------------------------------------------------------------


def _cover(pack: Pack, meta: Meta) -> list[Flowable]:
    sheet = styles()
    story: list[Flowable] = [Paragraph(text(meta.title), sheet["title"])]
    whom = f"for {pack.team}" if pack.team else "for every receiving team"
    story.append(Paragraph(text(
        f"The night's work handed over to the day service, {whom}, as it stood at "
        f"{show_local(pack.generated_at)} (UK time). Items in red need attention first."
    ), sheet["body"]))  # fmt: skip
    story.append(Paragraph("The shift", sheet["h2"]))
    story.append(_shifts(pack.shifts))
    story.append(Paragraph("The night in numbers", sheet["h2"]))
    story.append(_numbers(pack))
    if pack.counts.by_decision:
        story.append(Paragraph("Decisions", sheet["h2"]))
        rows = [[label, str(n)] for label, n in pack.counts.by_decision]
        story.append(table(["Decision", "Items"], rows, [WIDTH - 25 * mm, 25 * mm]))
    story.append(Paragraph("Needs attention first", sheet["h2"]))
    story.append(_attention(pack))
    story.append(Paragraph("Every item at a glance", sheet["h2"]))
    story.append(_glance(pack))
    return story


def _shifts(shifts: tuple[ShiftLine, ...]) -> Flowable:
    if not shifts:
        return Paragraph("No shift is recorded for these items.", styles()["body"])
    rows = [
        [
            show_local(s.started_at),
            show_local(s.ended_at) if s.ended_at else "still running",
            s.on_duty,
            f"Senior: {s.senior}. Manager: {s.manager}",
        ]
        for s in shifts
    ]
    widths = [30 * mm, 30 * mm, 44 * mm, WIDTH - 104 * mm]
    return table(["Started", "Ended", "On duty", "On call"], rows, widths)


def _numbers(pack: Pack) -> Flowable:
    counts = pack.counts
    lines = [
        ("Items handed over", counts.items, False),
        ("Awaiting sign-off", counts.awaiting, True),
        ("Verbal sign-off awaiting confirmation", counts.verbal, True),
        ("Not signed off (no decision yet, returned or disputed)", counts.unsigned, True),
        ("Child's views not recorded", counts.voice_missing, True),
        ("Young people still in police custody", counts.open_custody, True),
        ("Not yet acknowledged", counts.not_acknowledged, True),
    ]
    rows = [[label, str(n)] for label, n, _ in lines]
    flagged = [i for i, (_, n, warn) in enumerate(lines) if warn and n]
    return table(["", "Items"], rows, [WIDTH - 25 * mm, 25 * mm], flagged=flagged)


def _attention(pack: Pack) -> Flowable:
    found = pack.attention
    if not found:
        return Paragraph("Nothing: every decision is final and records the child's views.",
                         styles()["body"])  # fmt: skip
    rows = [[i.reference, i.child, "; ".join(i.warnings)] for i in found]
    widths = [42 * mm, 40 * mm, WIDTH - 82 * mm]
    return table(["Reference", "Child", "Why"], rows, widths, flagged=range(len(rows)))


def _glance(pack: Pack) -> Flowable:
    items = pack.items
    rows = [
        [i.reference, show_local(i.received_at), i.child, i.team, i.decision,
         SHORT[i.attention] if i.attention else "Final"]
        for i in items
    ]  # fmt: skip
    flagged = [n for n, i in enumerate(items) if i.flagged]
    widths = [42 * mm, 22 * mm, 28 * mm, 28 * mm, 30 * mm, WIDTH - 150 * mm]
    header = ["Reference", "Received", "Child", "Team", "Decision", "Sign-off"]
    return table(header, rows, widths, flagged=flagged)


# --- one item -----------------------------------------------------------------------------


def _item(item: PackItem) -> list[Flowable]:
    sheet = styles()
    who = item.child + (f", {item.age}" if item.age else "")
    heading = para(f"{item.reference} · {who}", sheet["h2"])
    alerts = [para(f"ATTENTION: {w}", sheet["flag"]) for w in item.warnings]
    voice = para(item.voice, sheet["flag" if item.voice_missing else "cell"])
    signoff = para(item.signoff, sheet["flag" if item.attention else "cell"])
    pairs = [
        ("Received", show_local(item.received_at)),
        ("Concerns", item.concerns),
        ("What happened", item.summary),
        ("The child's voice", voice),
        ("Decision", item.decision),
        ("Rationale", item.rationale),
        ("Sign-off", signoff),
        ("For the day team", item.for_day_team or "Nothing recorded"),
        ("Handover", item.handover),
    ]
    return [together(heading, *alerts, facts(pairs)), Spacer(1, 3 * mm)]


# --- custody and what waits ---------------------------------------------------------------


def _custody(cases: tuple[CustodyLine, ...]) -> list[Flowable]:
    sheet = styles()
    story: list[Flowable] = [Paragraph("Young people still in police custody", sheet["h1"])]
    if not cases:
        story.append(Paragraph("None: no custody case is open.", sheet["body"]))
        return story
    rows = [
        [c.reference, c.person, c.suite,
         f"{show_local(c.charged_at)} ({c.in_custody} ago)" if c.charged_at else "Not recorded",
         show_local(c.request_at) if c.request_at else "Not recorded",
         "; ".join((c.status, *c.warnings))]
        for c in cases
    ]  # fmt: skip
    flagged = [n for n, c in enumerate(cases) if c.flagged]
    widths = [34 * mm, 28 * mm, 28 * mm, 28 * mm, 24 * mm, WIDTH - 142 * mm]
    header = ["Reference", "Young person", "Custody suite", "Charged (in custody)", "Request",
              "Status"]  # fmt: skip
    story.append(table(header, rows, widths, flagged=flagged))
    return story


def _waiting(pack: Pack) -> list[Flowable]:
    sheet = styles()
    story: list[Flowable] = [Paragraph("Not yet acknowledged", sheet["h1"])]
    waiting = pack.not_acknowledged
    if not waiting:
        story.append(Paragraph("Nothing: every item has been acknowledged.", sheet["body"]))
        return story
    story.append(Paragraph(text(
        "Each of these needs a named person on the day team to acknowledge it (or return it "
        "to the duty worker with a reason)."
    ), sheet["body"]))  # fmt: skip
    story.append(Spacer(1, 2 * mm))
    rows = [[i.reference, i.team, i.child, i.handover] for i in waiting]
    widths = [40 * mm, 38 * mm, 34 * mm, WIDTH - 112 * mm]
    story.append(table(["Reference", "Team", "Child", "Where it stands"], rows, widths))
    return story
