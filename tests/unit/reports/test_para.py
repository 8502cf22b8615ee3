"""``document.para`` sets plain text exactly as reportlab's parser would, without it."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from duty_desk.reports.document import facts, para, styles, text

SAID = [
    "Siân Llŷr, 9",
    "Łukasz Wójcik & Ngọc Ánh Trần <at the station>",
    "  runs   of   spaces  at either end  ",
    "Police called to the house after a neighbour heard shouting; " * 12,
    "a" * 400,  # one word wider than any column
]


def line_texts(paragraph: Paragraph) -> list[str]:
    """What each laid-out line says, spaces aside (reportlab keeps simple lines as words
    and mixed ones as runs of text)."""
    said = []
    for line in paragraph.blPara.lines:
        words = line[1] if isinstance(line, tuple) else [f.text for f in line.words]
        said.append("".join("".join(words).split()))
    return said


@pytest.mark.parametrize("said", SAID)
@pytest.mark.parametrize(("style", "width"), [("cell", 120.0), ("head", 60.0), ("h2", 480.0)])
def test_plain_text_lays_out_as_the_parsed_text(said: str, style: str, width: float) -> None:
    fast, parsed = para(said, style), Paragraph(text(said), styles()[style])
    assert fast.frags[0].fontName == parsed.frags[0].fontName
    assert fast.frags[0].textColor == parsed.frags[0].textColor
    assert fast.wrap(width, 10_000) == parsed.wrap(width, 10_000)
    assert line_texts(fast) == line_texts(parsed)


def test_line_breaks_are_kept_and_nothing_is_read_as_markup() -> None:
    broken = para("First line <b>not bold</b>\nSecond & last", "cell")
    broken.wrap(400, 1000)
    assert len(broken.blPara.lines) == 2
    assert line_texts(broken) == ["Firstline<b>notbold</b>", "Second&last"]
    assert para("", "cell").wrap(100, 100)[1] >= 0


def test_a_fact_with_nothing_recorded_shows_a_dash() -> None:
    shown = facts([("Rationale", None), ("Actions", "   "), ("Decision", "Missing child")])
    said = ["".join(f.text for f in row[1].frags) for row in shown._cellvalues]
    assert said == ["—", "—", "Missing child"]
