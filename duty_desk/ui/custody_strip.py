"""The custody strip: one line per young person in police custody, above whichever place is
shown, so the clocks are in sight from anywhere in the main window.

Each line is a button (Tab reaches it; Return, Space or a click opens the case). Cases with
a warning come first, in bold with the warning icon (and "Warning" for a screen reader), not
colour alone. Names are cut to
the first name and an initial: the strip is on screen whatever else is being done.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from duty_desk.domain.custody_clocks import duration_text
from duty_desk.ui.custody_model import WARNING_ICON, Entry, review_text, suite, who
from duty_desk.ui.custody_page import CustodyPage
from duty_desk.ui.widgets import icon

SHOWN = 3  # lines at most; the rest are counted on a "+N more" button
_STYLE = (
    "QFrame#custody-strip { border-bottom: 1px solid palette(mid);"
    " background: rgba(63, 114, 175, 0.10); }"
    " QPushButton#custody-line, QPushButton#custody-more { text-align: left;"
    " border: 1px solid transparent; border-radius: 4px; padding: 2px 6px; }"
    " QPushButton#custody-line:hover, QPushButton#custody-more:hover {"
    " border-color: palette(mid); }"
    " QPushButton#custody-line:focus, QPushButton#custody-more:focus {"
    " border: 2px solid palette(highlight); }"
)


def strip_text(entry: Entry, now: datetime) -> str:
    """'CUS-… · Jayden M. (15) · Northgate · charged 3 h 12 min ago · request unanswered
    42 min · next review 02:15 (in 1 h 03 min)'."""
    case, found = entry.case, entry.clocks
    parts = [case.reference, who(case)]
    if suite(case):
        parts.append(suite(case))
    if found.since_charge is not None:
        parts.append(f"charged {duration_text(found.since_charge)} ago")
    if found.unanswered is not None:
        parts.append(f"request unanswered {duration_text(found.unanswered)}")
    elif found.since_request is not None:
        parts.append(f"request {duration_text(found.since_request)} ago, answered")
    if not found.in_custody:
        parts.append("left custody")
    elif found.next_review is not None:
        parts.append(f"next review {review_text(found, now)}")
    return " · ".join(parts)


class StripLine(QPushButton):
    """A line of the strip: a flat button that Return opens as well as Space and a click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("custody-line")
        self.setFlat(True)
        self.setIconSize(QSize(18, 18))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(self.tr("Open custody case"))
        self.case_id = ""
        self.warned = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
            return
        super().keyPressEvent(event)


class CustodyStrip(QFrame):
    """Shown while any case is open; ``open_case`` with the case id of the line chosen,
    ``open_place`` for the "+N more" button."""

    open_case = Signal(str)
    open_place = Signal()

    def __init__(self, page: CustodyPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("custody-strip")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName(self.tr("Young people in police custody now"))
        self._page = page
        self.lines = [StripLine() for _ in range(SHOWN)]
        for line in self.lines:
            line.clicked.connect(lambda _=False, line=line: self._chosen(line))
        self.more = QPushButton()
        self.more.setObjectName("custody-more")
        self.more.setFlat(True)
        self.more.setAccessibleName(self.tr("More custody cases in the Custody place"))
        self.more.clicked.connect(self.open_place)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 2, 6, 2)
        column.setSpacing(0)
        for line in self.lines:
            column.addWidget(line)
        row = QHBoxLayout()
        row.addWidget(self.more)
        row.addStretch(1)
        column.addLayout(row)
        page.changed.connect(self.update_lines)
        self.update_lines()

    def update_lines(self) -> None:
        """Say the clocks as the page last worked them out (warned cases first)."""
        entries = sorted(self._page.entries(), key=lambda entry: not entry.warnings)
        now = self._page.model.now
        for line, entry in zip(self.lines, entries, strict=False):
            self._show(line, entry, now)
        for line in self.lines[len(entries) :]:
            line.case_id, line.warned = "", False
            line.hide()
        hidden = len(entries) - SHOWN
        if hidden > 0:
            text = self.tr("+%1 more in the Custody place").replace("%1", str(hidden))
            self.more.setText(text)
            self.more.setAccessibleName(text)
        self.more.setVisible(hidden > 0)
        self.setVisible(bool(entries))

    def _show(self, line: StripLine, entry: Entry, now: datetime) -> None:
        text = strip_text(entry, now)
        line.case_id, line.warned = entry.case.id, bool(entry.warnings)
        line.setText(text)
        line.setIcon(icon(WARNING_ICON if entry.warnings else "custody"))
        font = QFont(self.font())
        font.setBold(bool(entry.warnings))
        line.setFont(font)
        said = "; ".join(warning.text for warning in entry.warnings)
        if said:
            opening = self.tr("Warning — open custody case: %1")
        else:
            opening = self.tr("Open custody case: %1")
        line.setAccessibleName(opening.replace("%1", text))
        line.setAccessibleDescription(said)
        tip = self.tr("Open this case (Return)")
        line.setToolTip(f"{said}\n{tip}" if said else tip)
        line.show()

    def _chosen(self, line: StripLine) -> None:
        if line.case_id:
            self.open_case.emit(line.case_id)

    def warned_ids(self) -> list[str]:
        """The cases whose line is marked with a warning (for tests and screen readers)."""
        return [line.case_id for line in self.lines if line.case_id and line.warned]
