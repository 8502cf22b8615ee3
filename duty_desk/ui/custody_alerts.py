"""Custody warnings: a banner in the main window, a taskbar flash and (where the desktop
has a tray) a tray notification the first time each warning appears, and the count of open
cases on the Custody place's button.

A warning is told once: the same case, kind and start (``CustodyWarning.since``) is never
told again; a new kind of warning on a case, or a new case, is. The tray notification gives
the reference only, no name: it may show over other windows or the lock screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QSystemTrayIcon,
    QToolButton,
    QWidget,
)

from duty_desk.domain.custody_clocks import CustodyWarning
from duty_desk.ui.alert_banner import AlertBanner, PlaceAlerts
from duty_desk.ui.custody_model import WARNING_ICON, Entry, suite, who
from duty_desk.ui.custody_page import CustodyPage
from duty_desk.ui.widgets import icon

_BANNER_STYLE = (
    "QFrame#custody-warning { border: 2px solid #b35c00; border-radius: 4px;"
    " background: rgba(230, 140, 20, 0.14); }"
    " QFrame#custody-warning QLabel { font-weight: 600; }"
)
TRAY_MS = 15_000

_Key = tuple[str, str, str]  # (case, kind of warning, when it began)


def _key(entry: Entry, warning: CustodyWarning) -> _Key:
    return (entry.case.id, warning.kind, warning.since.isoformat())


class WarningWatch:
    """Which warnings have appeared since it last looked. The first look reports those
    already showing: someone who signs in later is told about them once too."""

    def __init__(self) -> None:
        self._told: set[_Key] = set()

    def fresh(self, entries: list[Entry]) -> list[tuple[Entry, CustodyWarning]]:
        found = [
            (entry, warning)
            for entry in entries
            for warning in entry.warnings
            if _key(entry, warning) not in self._told
        ]
        self._told.update(_key(entry, warning) for entry, warning in found)
        return found


class WarningBanner(AlertBanner):
    """Says which warning appeared on which case; a button to the tracker, and dismiss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "custody-warning",
            _BANNER_STYLE,
            WARNING_ICON,
            self.tr("Custody warning"),
            "custody",
            self.tr("Open the c&ustody tracker"),
            parent,
        )


class CustodyAlerts(PlaceAlerts):
    """Watches the Custody page after each read and tick: the place's button says how many
    are open (and marks a warning), and each new warning is told once by the banner,
    ``QApplication.alert`` and the tray."""

    open_tracker = Signal()

    def __init__(self, page: CustodyPage, button: QToolButton, window: QWidget) -> None:
        super().__init__(button, window)
        self._page = page
        self._icons = (button.icon(), badged(button.icon(), icon(WARNING_ICON)))
        self.warned = False  # the place's button is marked
        self.watch = WarningWatch()
        self.banner = WarningBanner()
        self.banner.open_requested.connect(self.open_tracker)
        self.flashes = 0  # how many times the taskbar was asked to flash
        self.tray_messages: list[str] = []  # every tray notification asked for, shown or not
        self.tray: QSystemTrayIcon | None = None  # made on the first notification
        page.changed.connect(self.check)

    def check(self) -> None:
        entries = self._page.entries()
        self._show_count(entries)
        fresh = self.watch.fresh(entries)
        if not fresh:
            return
        self.banner.announce([self.line(entry, warning) for entry, warning in fresh])
        QApplication.alert(self._window)  # the taskbar entry flashes until the window is used
        self.flashes += 1
        self.notify(
            self.tr("Custody warning"),
            "\n".join(f"{entry.case.reference}: {warning.text}" for entry, warning in fresh),
        )

    def _show_count(self, entries: list[Entry]) -> None:
        count, warned = len(entries), sum(1 for entry in entries if entry.warnings)
        self.warned = bool(warned)
        self._button.setIcon(self._icons[self.warned])  # the warning sign on the icon
        said = self.tr("%1 open").replace("%1", str(count))
        if warned:
            said += self.tr(", %1 with a warning").replace("%1", str(warned))
        self.label_place(count, said)

    def line(self, entry: Entry, warning: CustodyWarning) -> str:
        """'CUS-… — Jayden M. (15), Northgate: Request unanswered for 31 min (over 30 min)'."""
        where = ", ".join(part for part in (who(entry.case), suite(entry.case)) if part)
        return f"{entry.case.reference} — {where}: {warning.text}"

    def notify(self, title: str, text: str) -> None:
        """A tray notification where the desktop has a tray; nothing otherwise."""
        self.tray_messages.append(text)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(icon("app"), self._window)
            self.tray.setToolTip(self.tr("Duty Desk"))
            self.tray.messageClicked.connect(self._tray_clicked)
            self.tray.show()
        self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, TRAY_MS)

    def _tray_clicked(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
        self.open_tracker.emit()


def badged(base: QIcon, badge: QIcon, size: int = 28) -> QIcon:
    """``base`` with ``badge`` over its lower right quarter (drawn at twice the size)."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    base.paint(painter, 0, 0, size * 2, size * 2)
    badge.paint(painter, size - 4, size - 4, size + 4, size + 4)
    painter.end()
    pixmap.setDevicePixelRatio(2)
    return QIcon(pixmap)
