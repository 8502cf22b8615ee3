"""The instant editor: a moment shown and typed in London time, stored as UTC text.

Editing happens on the London wall-clock time held in a gap-free zone (UTC), so the
system's own time zone never shifts what is typed; converting to and from UTC goes
through ``zoneinfo`` (Europe/London, GMT or BST as the date says).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from duty_desk.domain.clock import LONDON
from duty_desk.domain.events import format_instant, parse_instant

Clock = Callable[[], datetime]


_UTC = QTimeZone.utc()
_EMPTY = QDateTime(QDate(1900, 1, 1), QTime(0, 0), _UTC)


def _wall(moment: datetime) -> QDateTime:
    """A UTC moment as the London wall-clock time, held in a gap-free zone for editing."""
    local = moment.astimezone(LONDON)
    return QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), _UTC
    )


def _from_wall(shown: QDateTime) -> datetime:
    day, time = shown.date(), shown.time()
    local = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=LONDON)
    return local.astimezone(UTC)


class _DateTimeEdit(QDateTimeEdit):
    """Tab leaves the field (Qt's own steps through day, month, year...: use / and : or the
    arrow keys for that), so the tab order of the form flows field to field."""

    def focusNextPrevChild(self, forward: bool) -> bool:
        return QWidget.focusNextPrevChild(self, forward)


class InstantField(QWidget):
    """A moment shown and typed in London time (24-hour, dd/MM/yyyy HH:mm), stored as UTC.

    ``optional``: it may be empty ("not recorded"); typing a digit starts from now.
    """

    changed = Signal()

    def __init__(
        self, name: str, clock: Clock, *, optional: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._optional = optional
        self._exact: str | None = None  # as stored: kept while the minute shown is unchanged
        self._setting = False
        self.touched = False  # changed by the person since the last set_value / set_now
        self.edit = _DateTimeEdit()
        self.edit.setTimeZone(_UTC)
        self.edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.edit.setAccessibleName(name)
        self.edit.setMinimumDateTime(
            _EMPTY if optional else QDateTime(QDate(2000, 1, 1), QTime(0, 0), _UTC)
        )
        self.edit.setMaximumDateTime(QDateTime(QDate(2100, 12, 31), QTime(23, 59), _UTC))
        if optional:
            self.edit.setSpecialValueText(self.tr("not recorded"))
        self.edit.installEventFilter(self)
        self.zone = QLabel()
        self.now_button = QPushButton(self.tr("Now"))
        self.now_button.setAccessibleName(self.tr("Set %1 to now").replace("%1", name))
        self.now_button.clicked.connect(lambda: self._by_person(self.set_now))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.zone)
        row.addWidget(self.now_button)
        self.buttons = [self.now_button]
        if optional:
            clear = QPushButton(self.tr("Clear"))
            clear.setAccessibleName(self.tr("Clear %1").replace("%1", name))
            clear.clicked.connect(lambda: self._by_person(lambda: self.set_value(None)))
            row.addWidget(clear)
            self.buttons.append(clear)
        row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.dateTimeChanged.connect(self._edited)
        self.set_value(None)

    def _by_person(self, change: Callable[[], None]) -> None:
        change()
        self.touched = True
        self.changed.emit()

    def _edited(self) -> None:
        self._show_zone()
        if not self._setting:
            self.touched = True
            self.changed.emit()

    def _show(self, shown: QDateTime) -> None:
        self._setting = True
        try:
            self.edit.setDateTime(shown)
        finally:
            self._setting = False
        self._show_zone()

    def _show_zone(self) -> None:
        if self.is_empty():
            self.zone.setText("")
            return
        zone = _from_wall(self.edit.dateTime()).astimezone(LONDON).tzname() or ""
        self.zone.setText(self.tr("UK time (%1)").replace("%1", zone))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and isinstance(event, QKeyEvent) and self.is_empty():
            typed = event.type() == QEvent.Type.KeyPress and event.text().isdigit()
            if typed or event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.set_now()  # start from now, then the key edits the day
                self.edit.setCurrentSection(QDateTimeEdit.Section.DaySection)
        if watched is self.edit and isinstance(event, QKeyEvent):
            return self._day_the_month_lacks(event)
        return False

    def _day_the_month_lacks(self, event: QKeyEvent) -> bool:
        """Typing 31 while the field shows 1 November would be clamped to 30 by Qt, silently.
        A day the shown month lacks is taken in the latest earlier month that has it (31
        typed on 1 November is 31 October: times here are in the past); the month and the
        rest are typed on as usual."""
        day_section = QDateTimeEdit.Section.DaySection
        if (
            event.type() != QEvent.Type.KeyPress
            or not event.text().isdigit()
            or self.edit.currentSection() != day_section
        ):
            return False
        first = self.edit.sectionText(day_section)
        shown = self.edit.dateTime()
        if len(first) != 1 or not first.isdigit():
            return False
        day = int(first + event.text())
        if not shown.date().daysInMonth() < day <= 31:
            return False
        month = shown.date().addMonths(-1)
        while month.daysInMonth() < day:
            month = month.addMonths(-1)
        self.edit.setDateTime(
            QDateTime(QDate(month.year(), month.month(), day), shown.time(), _UTC)
        )
        self.edit.setSelectedSection(QDateTimeEdit.Section.MonthSection)
        return True

    def is_empty(self) -> bool:
        return self._optional and self.edit.dateTime() == _EMPTY

    def set_now(self) -> None:
        now = self._clock()
        self._exact = format_instant(now)  # exact: in the repeated autumn hour too
        self._show(_wall(now))
        self.touched = False

    def _typed_wall(self) -> datetime | None:
        """The London wall time as typed (None when empty or exactly as stored)."""
        if self.is_empty() or self.value() == self._exact:
            return None
        day, time = self.edit.dateTime().date(), self.edit.dateTime().time()
        return datetime(
            day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=LONDON
        )

    def ambiguous(self) -> bool:
        """Typed in the hour the clocks showed twice (taken as the first, BST)."""
        first = self._typed_wall()
        if first is None or self._skipped(first):
            return False
        return first.utcoffset() != first.replace(fold=1).utcoffset()

    def _skipped(self, wall: datetime) -> bool:
        """A wall time the clocks jumped over does not survive the trip to UTC and back."""
        return _wall(wall.astimezone(UTC)) != self.edit.dateTime()

    def problem(self) -> str | None:
        """A typed time the clocks skipped, or one they showed twice, is flagged, not guessed."""
        first = self._typed_wall()
        if first is None:
            return None
        shown = self.edit.dateTime()
        if self.ambiguous():
            return self.tr(
                "%1 happened twice that night (the clocks went back): this is taken as the "
                "first, British Summer Time. If it was the second (GMT), it happened an hour "
                "after the time this records: say so in a note."
            ).replace("%1", shown.toString("HH:mm"))
        if self._skipped(first):
            return self.tr(
                "%1 did not happen that night: the clocks went forward from 01:00 to 02:00."
            ).replace("%1", shown.toString("HH:mm"))
        return None

    def value(self) -> str | None:
        if self.is_empty():
            return None
        shown = self.edit.dateTime()
        if self._exact is not None and _wall(parse_instant(self._exact)) == shown:
            return self._exact
        return format_instant(_from_wall(shown))

    def set_value(self, value: str | None) -> None:
        if value is None:
            if self._optional:
                self._exact = None
                self._show(_EMPTY)
            else:
                self.set_now()
                self._exact = format_instant(self._clock())
        else:
            self._exact = value
            self._show(_wall(parse_instant(value)))
        self.touched = False

    def focus_chain(self) -> list[QWidget]:
        return [self.edit, *self.buttons]
