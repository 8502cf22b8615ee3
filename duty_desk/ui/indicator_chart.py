"""A small bar chart drawn with QPainter (PySide6-Essentials has no QtCharts).

One horizontal bar per labelled count, the label on the left and the number at the end of
the bar, so long labels ("Police protection (s.46) with accommodation") stay readable. The
colours come from the widget's palette (text, and the highlight for the bars), so the chart
reads in the light and the dark theme alike. A screen reader hears the same figures: they
are the chart's accessible description.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = "#3f72af"  # the app's accent (theme.NAV_STYLE), readable on light and dark
EMPTY = "Nothing to count in this range."
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class BarChart(QWidget):
    """``set_counts(title, [(label, count), ...])`` shows them; the widest bar is the
    largest count (a count of 0 shows no bar, only its 0)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.counts: list[tuple[str, int]] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(280)

    def set_counts(self, counts: Sequence[tuple[str, int]], title: str | None = None) -> None:
        if title is not None:
            self.title = title
            self.setAccessibleName(title)
        self.counts = [(label, int(count)) for label, count in counts]
        self.setAccessibleDescription(self.description())
        self.setToolTip(self.description())
        self.updateGeometry()
        self.update()

    def description(self) -> str:
        if not self.counts:
            return f"{self.title}: {EMPTY}"
        return f"{self.title}: " + "; ".join(f"{label}: {n}" for label, n in self.counts)

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 8

    def sizeHint(self) -> QSize:
        rows = max(1, len(self.counts))
        return QSize(420, self._row_height() * (rows + 1) + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(280, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        metrics = QFontMetrics(self.font())
        row = self._row_height()
        title_font = self.font()
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        painter.drawText(QRectF(4, 0, self.width() - 8, row), _LEFT, self.title)
        painter.setFont(self.font())
        if not self.counts:
            painter.drawText(QRectF(4, row, self.width() - 8, row), _LEFT, EMPTY)
            painter.end()
            return
        label_width = min(
            max(metrics.horizontalAdvance(label) for label, _ in self.counts) + 12,
            self.width() * 60 // 100,
        )
        number_width = metrics.horizontalAdvance(str(max(n for _, n in self.counts))) + 12
        room = max(10, self.width() - label_width - number_width - 8)
        largest = max(1, max(n for _, n in self.counts))
        for place, (label, count) in enumerate(self.counts, start=1):
            top = row * place
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 12)
            painter.setPen(text)
            painter.drawText(QRectF(4, top, label_width - 8, row), _RIGHT, shown)
            width = room * count / largest
            if count:
                painter.fillRect(QRectF(label_width, top + 4, width, row - 8), QColor(BAR))
            painter.drawText(
                QRectF(label_width + width + 6, top, number_width, row), _LEFT, str(count)
            )
        painter.end()
