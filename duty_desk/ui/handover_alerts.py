"""The 09:00 escalation: a banner in the main window saying, per receiving team, which
handover items are past 09:00 on the working day and not acknowledged, recomputed at every
tick of the Handover page's timer from the desk's clock; a taskbar flash when an item
newly passes its time; and the count of waiting items on the Handover place's button.

Unlike the one-off alerts, the banner shows what is overdue now: it updates as items are
acknowledged and goes when none is left. Dismissed, it stays away until another item
goes overdue.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from duty_desk.ui.alert_banner import AlertBanner, PlaceAlerts
from duty_desk.ui.handover_page import HandoverPage

_BANNER_STYLE = (
    "QFrame#handover-overdue { border: 2px solid #a4161a; border-radius: 4px;"
    " background: rgba(164, 22, 26, 0.10); }"
    " QFrame#handover-overdue QLabel { font-weight: 600; }"
)


class EscalationBanner(AlertBanner):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "handover-overdue",
            _BANNER_STYLE,
            "overdue",
            self.tr("Handover overdue"),
            "handover",
            self.tr("Open the &handover inbox"),
            parent,
        )
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # team names are typed by people

    def show_lines(self, lines: list[str]) -> None:
        """Replace what the banner says (the overdue items now, per team)."""
        self.lines.clear()
        self.announce([self.tr("Past 09:00 and not acknowledged:"), *lines])


class HandoverAlerts(PlaceAlerts):
    """Watches the Handover page after each read and tick."""

    open_inbox = Signal()

    def __init__(self, page: HandoverPage, button: QToolButton, window: QWidget) -> None:
        super().__init__(button, window)
        self._page = page
        self._told: set[str] = set()  # items whose escalation was announced
        self.banner = EscalationBanner()
        self.banner.open_requested.connect(self.open_inbox)
        self.flashes = 0
        page.changed.connect(self.check)

    def check(self) -> None:
        self._show_count()
        overdue = {item.item_id for item in self._page.model.escalated()}
        if not overdue:
            self.banner.dismiss()
            return
        lines = self._page.escalation_lines()
        fresh = overdue - self._told
        self._told |= overdue
        if fresh:
            self.banner.show_lines(lines)
            QApplication.alert(self._window)
            self.flashes += 1
        elif self.banner.isVisible():
            self.banner.show_lines(lines)  # fewer now: some were acknowledged

    def _show_count(self) -> None:
        waiting = self._page.waiting_count()
        late = len(self._page.model.escalated())
        said = self.tr("%1 waiting for acknowledgement").replace("%1", str(waiting))
        if late:
            said += self.tr(", %1 overdue").replace("%1", str(late))
        self.label_place(waiting, said)
