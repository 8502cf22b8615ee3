"""The overdue alert: a banner in the main window (and a taskbar flash) the first time a
sign-off or a verbal sign-off's confirmation is found past its time limit, and the count
of waiting decisions on the Sign-off place's button."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QToolButton,
    QWidget,
)

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.signoff import SignoffState
from duty_desk.services.signoff import QueueItem
from duty_desk.ui.alert_banner import AlertBanner, PlaceAlerts
from duty_desk.ui.enquiry_model import short_time
from duty_desk.ui.signoff_queue import SignoffPage

_BANNER_STYLE = (
    "QFrame#overdue { border: 2px solid #a4161a; border-radius: 4px;"
    " background: rgba(164, 22, 26, 0.10); }"
    " QFrame#overdue QLabel { font-weight: 600; }"
)

# (enquiry, version, the time limit): a new version or a verbal sign-off's confirmation
# time is a new time limit, and may be announced in its turn.
_Key = tuple[str, int, datetime | None]


def _key(item: QueueItem) -> _Key:
    return (item.enquiry_id, item.version, item.deadline)


class DeadlineWatch:
    """Which waiting items have gone past their time limit since it last looked.

    The first look also reports items already overdue: someone who signs in after a
    time limit passed is told about it once, like everyone who was there."""

    def __init__(self) -> None:
        self._told: set[_Key] = set()

    def newly_overdue(
        self, items: list[tuple[QueueItem, bool]], now: datetime
    ) -> list[tuple[QueueItem, bool]]:
        fresh = [(i, own) for i, own in items if i.overdue(now) and _key(i) not in self._told]
        self._told.update(_key(i) for i, _own in fresh)
        return fresh


class OverdueBanner(AlertBanner):
    """Says what went overdue; a button to open the queue, and one to dismiss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "overdue",
            _BANNER_STYLE,
            "overdue",
            self.tr("Overdue alert"),
            "sign-off",
            self.tr("&Open the sign-off list"),
            parent,
        )


class SignoffAlerts(PlaceAlerts):
    """Watches the Sign-off page after each read: counts on the place's button, and the
    banner plus ``QApplication.alert`` for each item newly past its time limit."""

    open_queue = Signal()

    def __init__(self, page: SignoffPage, button: QToolButton, window: QWidget) -> None:
        super().__init__(button, window)
        self._page = page
        self.watch = DeadlineWatch()
        self.banner = OverdueBanner()
        self.banner.open_requested.connect(self.open_queue)
        self.flashes = 0  # how many times the taskbar was asked to flash
        page.changed.connect(self.check)

    def check(self) -> None:
        self._show_count()
        now = self._page.now()
        fresh = self.watch.newly_overdue(self._page.waiting(), now)
        if not fresh:
            return
        self.banner.announce([self.line(item, own, now) for item, own in fresh])
        QApplication.alert(self._window)  # the taskbar entry flashes until the window is used
        self.flashes += 1

    def _show_count(self) -> None:
        count = self._page.count()
        overdue = sum(1 for item, _own in self._page.waiting() if item.overdue(self._page.now()))
        what = self.tr("waiting for you") if self._page.approver else self.tr("of yours waiting")
        said = self.tr("%1 %2").replace("%1", str(count)).replace("%2", what)
        if overdue:
            said += self.tr(", %1 overdue").replace("%1", str(overdue))
        self.label_place(count, said)

    def line(self, item: QueueItem, own: bool, now: datetime) -> str:
        """One sentence for the banner, e.g. 'Sign-off overdue: EDT-… (Police protection)
        — needed a manager by 23:40'."""
        what = f"{item.reference} ({item.decision})"
        by = _when(item.deadline, now) if item.deadline is not None else ""
        need = item.required.label.lower() if item.required else ""
        grade = self.tr("a %1").replace("%1", need) if need else self.tr("an approver")
        verbal = item.state is SignoffState.VERBAL
        if verbal and own:
            text = self.tr(
                "Verbal sign-off not confirmed: %1 — the approver was to confirm it by %3"
            )
        elif verbal:
            text = self.tr("Confirmation overdue: %1 — confirm your verbal sign-off by %3")
        elif own:
            text = self.tr("Your decision is overdue for sign-off: %1 — it needed %2 by %3")
        else:
            text = self.tr("Sign-off overdue: %1 — needed %2 by %3")
        return text.replace("%1", what).replace("%2", grade).replace("%3", by)


def _when(moment: datetime, now: datetime) -> str:
    """'23:40' today (UK time), else 'Sat 21/11 23:40'."""
    same_day = moment.astimezone(LONDON).date() == now.astimezone(LONDON).date()
    return show_local(moment, with_date=False) if same_day else short_time(moment, weekday=True)
