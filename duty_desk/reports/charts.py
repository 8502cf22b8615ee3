"""Bar charts for documents, drawn with reportlab.graphics in the documents' own font.

Every label is set in DejaVu Sans (reportlab would otherwise fall back to Helvetica, which
is not embedded), the value is printed at the end of each bar so nobody has to read it off
an axis, and a chart with nothing to show says so instead of drawing empty axes.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from duty_desk.reports.document import FONT, INK, MUTED, register_fonts

BAR = colors.HexColor("#2f5d8a")
GRID = colors.HexColor("#d6dbe2")


def column_chart(
    labels: Sequence[str], values: Sequence[int], *, width: float, height: float = 55 * mm
) -> Drawing:
    """Upright bars, one per label (nights along the bottom)."""
    register_fonts()
    drawing = _drawing(width, height)
    if not values or not any(values):
        return _empty(drawing)
    chart = VerticalBarChart()
    chart.x, chart.y = 10 * mm, 14 * mm
    chart.width, chart.height = width - 14 * mm, height - 20 * mm
    chart.data = [list(values)]
    every = -(-len(labels) // 14)  # at most 14 labels along the bottom: every n-th night
    chart.categoryAxis.categoryNames = [
        _short_night(label, len(labels)) if index % every == 0 else ""
        for index, label in enumerate(labels)
    ]
    _style(chart, max(values))
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.tickDown = 2 if every == 1 else 0
    chart.barLabels.nudge = 5
    chart.barLabelFormat = _label if len(labels) <= 31 else None
    drawing.add(chart)
    return drawing


def bar_chart(labels: Sequence[str], values: Sequence[int], *, width: float) -> Drawing:
    """Sideways bars with their labels at the left (decision types: long names)."""
    register_fonts()
    height = max(len(values), 1) * 7 * mm + 12 * mm
    drawing = _drawing(width, height)
    if not values or not any(values):
        return _empty(drawing)
    chart = HorizontalBarChart()
    chart.x, chart.y = 78 * mm, 8 * mm
    chart.width, chart.height = width - 92 * mm, height - 12 * mm
    chart.data = [list(reversed(values))]  # reportlab draws the first category at the bottom
    chart.categoryAxis.categoryNames = [_clip(label) for label in reversed(labels)]
    _style(chart, max(values))
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.barLabels.nudge = 6
    chart.barLabelFormat = _label
    drawing.add(chart)
    return drawing


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # else the renderer starts in (unembedded) Helvetica
    drawing.initialFontSize = 7
    return drawing


def _style(chart: VerticalBarChart | HorizontalBarChart, top: int) -> None:
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 4
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
        axis.labels.fillColor = INK
        axis.strokeColor = MUTED
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = INK
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_top(top)
    chart.valueAxis.valueStep = max(1, _nice_top(top) // 5)
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.labelTextFormat = "%d"


def _label(value: float) -> str:
    return f"{value:.0f}"


def _nice_top(top: int) -> int:
    """A round number at or above the tallest bar, with room for its label."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top < step * 5:
            return step * (top // step + 1)
    return top + top // 5


def _short_night(label: str, count: int) -> str:
    """dd/mm/yyyy as dd/mm: the year is in the heading."""
    return label[:5] if count > 1 else label


def _clip(label: str, most: int = 44) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"


def _empty(drawing: Drawing) -> Drawing:
    drawing.height = 12 * mm
    drawing.add(String(0, 4 * mm, "Nothing to show for this period.", fontName=FONT,
                       fontSize=9, fillColor=MUTED))  # fmt: skip
    return drawing
