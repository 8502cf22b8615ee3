"""The "Known tonight" box on the enquiry form: the day team's alerts about this child.

Shown under quick capture, in a warning colour with an icon and the words "Known
tonight:", whenever an alert in force tonight matches the child being typed (the name as
previous contacts match it; the date of birth, once typed, must agree). Each alert says
why, the contingency plan and whom to contact. The form asks it to look again a moment
after the name or date of birth changes; the matching is the service's, never SQL here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from duty_desk.domain.alerts import Alert, night_of
from duty_desk.domain.errors import DutyDeskError
from duty_desk.services.alerts import matching_alerts
from duty_desk.ui.widgets import icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

BOX_STYLE = (
    "QFrame#known-tonight { background: #ffe8d6; border: 2px solid #c2410c; border-radius: 4px; }"
    " QFrame#known-tonight QLabel { color: #3b1203; background: transparent; border: none; }"
    " QLabel#known-tonight-heading { font-weight: 700; font-size: 11pt; }"
    " QLabel#known-tonight-alert { padding: 2px 0 2px 4px; }"
)


def alert_words(alert: Alert) -> str:
    """One alert as the box (and a screen reader) says it: plain text, never markup."""

    def uk(iso: str) -> str:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")

    born = f", born {uk(alert.dob)}" if alert.dob else " (no date of birth given)"
    nights = (
        f"tonight only ({uk(alert.valid_from)})"
        if alert.valid_from == alert.valid_until
        else f"nights {uk(alert.valid_from)} to {uk(alert.valid_until)}"
    )
    return (
        f"{alert.child_name}{born}, {nights}\n"
        f"Why: {alert.reason}\n"
        f"Plan: {alert.plan}\n"
        f"Contact: {alert.contact}"
    )


class KnownTonightBox(QFrame):
    """Hidden when no alert matches; ``alerts`` holds those shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("known-tonight")
        self.setStyleSheet(BOX_STYLE)
        self.alerts: list[Alert] = []
        sign = QLabel()
        sign.setPixmap(icon("warning").pixmap(QSize(28, 28)))
        sign.setAccessibleName(self.tr("Warning"))
        sign.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.heading = QLabel()
        self.heading.setObjectName("known-tonight-heading")
        self.heading.setWordWrap(True)
        self.lines = QVBoxLayout()
        self.lines.setSpacing(4)
        text = QVBoxLayout()
        text.addWidget(self.heading)
        text.addLayout(self.lines)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.addWidget(sign)
        row.addLayout(text, 1)
        self.hide()

    def look_up(self, session: SignedIn, content: Mapping[str, Any]) -> str | None:
        """Show the alerts in force tonight about this child; a refusal comes back as its
        message (and the box stays as it was)."""
        name = content.get("child_name")
        if not name:
            self.show_alerts([])
            return None
        try:
            found = matching_alerts(
                session, name, content.get("child_dob"), night_of(session.desk.clock())
            )
        except DutyDeskError as error:
            return str(error)
        self.show_alerts(found)
        return None

    def show_alerts(self, alerts: list[Alert]) -> None:
        if alerts == self.alerts:  # typing on: nothing new to say
            self.setVisible(bool(alerts))
            return
        self.alerts = list(alerts)
        while self.lines.count():
            item = self.lines.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if len(alerts) == 1:
            heading = self.tr("Known tonight: the day team has an alert about this child.")
        else:
            heading = self.tr("Known tonight: the day team has %1 alerts about this child.")
            heading = heading.replace("%1", str(len(alerts)))
        self.heading.setText(heading)
        for alert in alerts:
            line = QLabel(alert_words(alert))
            line.setObjectName("known-tonight-alert")
            line.setTextFormat(Qt.TextFormat.PlainText)
            line.setWordWrap(True)
            line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.lines.addWidget(line)
        said = "\n".join([heading, *(alert_words(a) for a in alerts)])
        self.setAccessibleName(said)
        self.setToolTip(said)
        self.setVisible(bool(alerts))

    def texts(self) -> list[str]:
        """What each alert line says (for tests and screen readers)."""
        found = []
        for index in range(self.lines.count()):
            item = self.lines.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                found.append(widget.text())
        return found
