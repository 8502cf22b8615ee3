"""A banner across the main window: what needs attention, a button to go there, dismiss.

Shared by the sign-off overdue alert, the custody warnings and the handover escalation. It
says what happened in words, with an icon, so it never relies on colour alone; the newest
lines show last. ``PlaceAlerts`` is what each of them shares on the place's button.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from duty_desk.ui.widgets import icon

SHOWN_LINES = 4


class AlertBanner(QFrame):
    """``name`` is the object name the style sheet uses; ``what`` names the alert for a
    screen reader ("Overdue alert", "Custody warning")."""

    open_requested = Signal()

    def __init__(
        self,
        name: str,
        style: str,
        sign_icon: str,
        what: str,
        go_icon: str,
        go_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(style)
        self._what = what
        self.lines: list[str] = []
        sign = QLabel()
        sign.setPixmap(icon(sign_icon).pixmap(QSize(28, 28)))
        sign.setAccessibleName(what)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.open_button = QPushButton(icon(go_icon), go_text)
        self.open_button.setAccessibleName(go_text.replace("&", ""))
        self.open_button.clicked.connect(self._open)
        self.dismiss_button = QToolButton()
        self.dismiss_button.setText(self.tr("Dismiss"))
        self.dismiss_button.setAccessibleName(self.tr("Dismiss: %1").replace("%1", what))
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(sign)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.dismiss_button)
        self.hide()

    def announce(self, lines: list[str]) -> None:
        """Add these lines to what is shown (the newest last) and show the banner."""
        self.lines.extend(lines)
        shown = self.lines[-SHOWN_LINES:]
        text = "\n".join(shown)
        if len(self.lines) > len(shown):
            more = self.tr("(and %1 earlier)").replace("%1", str(len(self.lines) - len(shown)))
            text += "\n" + more
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.setAccessibleName(f"{self._what}: {text}")
        self.show()

    def dismiss(self) -> None:
        self.lines.clear()
        self.hide()

    def _open(self) -> None:
        self.open_requested.emit()
        self.dismiss()


class PlaceAlerts(QObject):
    """Watches one place for its window: keeps the place's button saying how many wait."""

    def __init__(self, button: QToolButton, window: QWidget) -> None:
        super().__init__(window)
        self._button = button
        self._window = window
        self._title = button.text()
        self._tip = button.toolTip()
        self._width = button.minimumWidth()

    def label_place(self, count: int, said: str) -> None:
        """ "Custody (2)", and in words for the tooltip and a screen reader."""
        text = f"{self._title} ({count})" if count else self._title
        self._button.setText(text)
        bold = QFont(self._button.font())  # the chosen place's name is bold: room for that
        bold.setBold(True)
        wide = QFontMetrics(bold).horizontalAdvance(text) + 24
        self._button.setMinimumWidth(max(self._width, wide))
        self._button.setAccessibleName(f"{self._title}: {said}")
        self._button.setToolTip(f"{self._tip}\n{said}")
