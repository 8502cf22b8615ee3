"""The official form every Duty Desk document takes, built with reportlab in memory.

Every page carries the protective marking at the top and the bottom, the document's title,
"Page N of M", and who generated it and when (London time). Text is set in DejaVu Sans,
shipped in ``resources/fonts`` and embedded (subset) in the file, so Siân Llŷr and Łukasz
Wójcik print as written and no unembedded standard font is left. Tables repeat their
header row on every page they run onto. The PDF is made in memory and returned as bytes:
nothing about a child is ever written to a temporary file (``services/documents`` writes
the finished file whole, optionally encrypted with ``encrypt``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import pikepdf
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import KeepTogether

from duty_desk.domain.clock import show_local
from duty_desk.resources import resource

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 18 * mm
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#e6e9ee")
FLAG = colors.HexColor("#b00020")  # what the day team must not miss: unsigned, unconfirmed
FLAG_FILL = colors.HexColor("#fdecee")


@dataclass(frozen=True, slots=True)
class Meta:
    """What every page and the file's metadata say about the document."""

    title: str
    marking: str
    generated_by: str
    generated_at: datetime  # UTC; shown in London time
    subject: str = ""
    landscape: bool = False


def register_fonts() -> None:
    """Make DejaVu Sans (regular and bold) known to reportlab, once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles documents use: title, h1, h2, body, small, flag, cell, head
    (made once: treat them as read-only)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=17, leading=21,
                                spaceAfter=4 * mm),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=13, leading=16,
                             spaceBefore=5 * mm, spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=10.5, leading=13.5,
                             spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=8, leading=10, textColor=MUTED),
        "flag": ParagraphStyle("flag", body, fontName=BOLD, textColor=FLAG),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", body, fontName=BOLD, fontSize=8.5, leading=10.5),
    }  # fmt: skip


def text(value: object) -> str:
    """Plain text made safe for a Paragraph (which reads a little markup)."""
    return (
        str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if value is not None
        else ""
    )


def para(value: object, style: ParagraphStyle | str = "cell") -> Paragraph:
    """Plain text as a Paragraph, set as written: line breaks kept, runs of spaces as one.

    A single line is handed to reportlab already split into its one run of text, so it
    skips the markup parser, which is most of the time a long document takes (a 300-item
    pack has some 10,000 cells); it lays out exactly as the parsed text would."""
    chosen = styles()[style] if isinstance(style, str) else style
    said = "" if value is None else str(value)
    if "\n" in said or not said.strip():
        return Paragraph(text(said).replace("\n", "<br/>"), chosen)
    run = _plain_run(chosen).clone(text=" ".join(said.split()))
    return _PlainParagraph(said, chosen, frags=[run])


class _PlainParagraph(Paragraph):
    """One run of plain text. Its lines depend only on the width, so a table that measures
    it again at the same width (it does, two or three times) is given the lines it has."""

    _wrapped: tuple[float, tuple[float, float]] | None = None  # the width, and the size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # (A split that cannot keep the lines deletes them: then they are made again.)
        if self._wrapped is None or self._wrapped[0] != availWidth or not hasattr(self, "blPara"):
            self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return self._wrapped[1]


@cache
def _plain_run(style: ParagraphStyle) -> Any:
    """The run of text reportlab's parser makes for a plain word in ``style``."""
    return Paragraph("x", style).frags[0]


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None = None,
    flagged: Sequence[int] = (),
    spans: Sequence[tuple[int, int, int]] = (),
) -> Table:
    """A table whose header row repeats on every page it runs onto. Cells that are not
    flowables are set as wrapped text; a row taller than a page carries on over the next
    (a 20,000-character narrative prints whole); rows whose index is in ``flagged`` are
    tinted red; each ``(row, first, last)`` in ``spans`` joins that row's cells from column
    ``first`` to ``last`` (the text goes in ``first``)."""
    sheet = styles()

    def cell(value: Any, style: ParagraphStyle) -> Any:
        return value if isinstance(value, Flowable) else para(value, style)

    data = [[cell(h, sheet["head"]) for h in header]]
    data += [[cell(value, sheet["cell"]) for value in row] for row in rows]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else reportlab sets Helvetica, unembedded
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index in flagged:
        commands.append(("BACKGROUND", (0, index + 1), (-1, index + 1), FLAG_FILL))
    for index, first, last in spans:
        commands.append(("SPAN", (first, index + 1), (last, index + 1)))
    return Table(
        data,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def facts(pairs: Sequence[tuple[str, Any]], label_width: float = 45 * mm) -> Table:
    """Label and value rows (a record's fields), kept apart by a light rule; a value taller
    than a page carries on over the next."""
    sheet = styles()
    data = [
        [para(label, sheet["head"]), value if isinstance(value, Flowable)
         else para(value if value is not None and str(value).strip() else "—", sheet["cell"])]
        for label, value in pairs
    ]  # fmt: skip
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    return Table(data, colWidths=[label_width, None], splitInRow=1, style=style, hAlign="LEFT")


def heading(words: str, level: str = "h1") -> list[Flowable]:
    """A heading that starts a new page rather than sit alone at the foot of one."""
    return [CondPageBreak(30 * mm), Paragraph(text(words), styles()[level])]


def together(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def build(story: Sequence[Flowable], meta: Meta) -> bytes:
    """Lay out the story on marked, numbered pages; the PDF's bytes."""
    register_fonts()
    out = io.BytesIO()
    size = landscape(A4) if meta.landscape else A4
    document = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN + 8 * mm,
        title=meta.title,
        author=meta.generated_by,
        subject=meta.subject or meta.title,
        creator="Duty Desk",
        lang="en-GB",
        initialFontName=FONT,
        initialFontSize=9.5,
    )
    document.build(list(story), canvasmaker=_numbered(meta))
    return out.getvalue()


def encrypt(pdf: bytes, password: str) -> bytes:
    """The same document, openable only with ``password`` (AES-256, PDF 2.0 security, R=6)."""
    if len(password) < 8:
        raise ValueError("A document password must be at least 8 characters.")
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as source:
        permissions = pikepdf.Permissions(extract=False, modify_other=False)
        source.save(
            out,
            encryption=pikepdf.Encryption(user=password, owner=password, R=6, allow=permissions),
        )
    return out.getvalue()


def _numbered(meta: Meta) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each can say "Page N of M"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _furniture(self, meta, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _furniture(canvas: Canvas, meta: Meta, number: int, total: int) -> None:
    """Marking top and bottom, title, page N of M, who generated it and when."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 10)
    canvas.drawCentredString(width / 2, height - 10 * mm, meta.marking)
    canvas.drawCentredString(width / 2, 7 * mm, meta.marking)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, height - 16 * mm, meta.title)
    canvas.drawRightString(width - MARGIN, height - 16 * mm, f"Page {number} of {total}")
    generated = f"Generated by {meta.generated_by} on {show_local(meta.generated_at)} (UK time)"
    canvas.drawString(MARGIN, 13 * mm, generated)
    canvas.drawRightString(width - MARGIN, 13 * mm, f"Page {number} of {total}")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, height - 17.5 * mm, width - MARGIN, height - 17.5 * mm)
    canvas.line(MARGIN, 16 * mm, width - MARGIN, 16 * mm)
    canvas.restoreState()
