"""The Custody place: young people in police custody after charge (PACE s.38(6)), the open
cases first with their live clocks and warnings, then the recently closed with their outcome.

The clocks tick every ``tick_ms`` from the cases already read; the store is read again on F5,
every ``refresh_ms``, when the page is shown and when a case window saves.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.custody_clocks import Thresholds
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.roles import Permission, may
from duty_desk.services import custody
from duty_desk.ui.custody_model import ALARM_KEYS, CustodyModel, Entry
from duty_desk.ui.enquiry_model import ID_ROLE
from duty_desk.ui.signoff_queue import QueueTable
from duty_desk.ui.widgets import ErrorLine, heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

TICK_MS = 15_000
REFRESH_MS = 60_000
CLOSED_SHOWN = 30
LAST_MIN_WIDTH = 200  # the warnings: narrower, and each would take many lines
_TABLE_STYLE = (
    "QHeaderView::section { font-weight: 700; padding: 6px 4px; }"
    " QTableView::item { padding: 4px 0px; }"  # wrapped lines clear of the grid
)


class CaseTable(QueueTable):
    """Cases one a row, as tall as their wrapped text; Enter or a double click asks to open
    one. The selection stays on the same case when the cases are read again."""

    open_requested = Signal(str)

    def __init__(self, model: CustodyModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selected: str | None = None
        self.setAccessibleName(name)
        self.setStyleSheet(_TABLE_STYLE)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
        rows = self.verticalHeader()
        rows.hide()
        rows.setMinimumSectionSize(int(self.fontMetrics().height() * 2.1))
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = QFont(self.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        for number, column in enumerate(model.columns):
            if column.key in ALARM_KEYS:  # bold, after the warning icon
                cell = bold_metrics.horizontalAdvance(column.sample) + 36
            else:
                cell = self.fontMetrics().horizontalAdvance(column.sample) + 16
            lines = self.tr(column.title).splitlines()  # a long title is on two lines
            title = max(bold_metrics.horizontalAdvance(line) for line in lines) + 16
            self.setColumnWidth(number, max(cell if column.sample else 0, title))
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        self.activated.connect(self._activated)  # Enter, or a double click

    def fit_last_column(self) -> None:
        """The last column takes the width left, but never less than ``LAST_MIN_WIDTH``."""
        header = self.horizontalHeader()
        last = header.count() - 1
        if last >= 1:
            others = sum(header.sectionSize(n) for n in range(last))
            self.setColumnWidth(last, max(LAST_MIN_WIDTH, self.viewport().width() - others))

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(ID_ROLE) if index.isValid() else None
        if case_id:
            self.open_requested.emit(case_id)

    def selected_id(self) -> str | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def _remember_selection(self) -> None:
        self._selected = self.selected_id()

    def _restore_selection(self) -> None:
        model = cast(CustodyModel, self.model())
        row = model.row_of(self._selected) if self._selected else -1
        if row >= 0:
            self.selectRow(row)


class CustodyPage(QWidget):
    """``changed`` after every read and every tick (the strip and the alerts look then);
    ``open_enquiry_requested`` when a case window asks for its enquiry."""

    changed = Signal()
    open_enquiry_requested = Signal(str)

    def __init__(
        self,
        session: SignedIn,
        marking: str = "OFFICIAL-SENSITIVE",
        *,
        tick_ms: int | None = TICK_MS,
        refresh_ms: int | None = REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place-custody")
        self._session = session
        self._marking = marking
        self.stopped = False
        self.windows: list[QWidget] = []  # open case windows (kept alive here)
        self._open_ids: dict[str, QWidget] = {}
        self.may_record = may(session.person.role, Permission.RECORD_ENQUIRIES)
        self.model = CustodyModel(session.desk.clock, parent=self)
        self.closed_model = CustodyModel(session.desk.clock, closed=True, parent=self)
        self.table = CaseTable(self.model, self.tr("Open custody cases"))
        self.closed_table = CaseTable(self.closed_model, self.tr("Recently closed custody cases"))
        for table in (self.table, self.closed_table):
            table.open_requested.connect(self.open_case)
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("How many young people are in custody"))
        self.error = ErrorLine()
        self._controls()
        self._lay_out()
        self._shortcuts()
        self.tick = self._timer(tick_ms, self.tick_clocks)
        self.reread = self._timer(refresh_ms, self.refresh)
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _controls(self) -> None:
        self.new_button = QPushButton(icon("custody"), self.tr("&New custody case…"))
        self.new_button.setAccessibleName(self.tr("New custody case"))
        self.new_button.setToolTip(self.tr("Record a police request for accommodation (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_case)
        self.new_button.setVisible(self.may_record)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Read the cases again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.show_closed = QCheckBox(self.tr("Show recently &closed cases"))
        self.show_closed.setAccessibleName(self.tr("Show recently closed cases"))
        self.show_closed.toggled.connect(self._closed_toggled)
        self.closed_title = heading(self.tr("Recently closed"), 1.1)
        self.closed_count = QLabel()
        self.closed_count.setAccessibleName(self.tr("How many cases closed recently"))

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Custody — young people held after charge"), 1.3))
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.refresh_button)
        intro = QLabel(
            self.tr(
                "Every police request for a bed under PACE s.38(6), longest-running first. "
                "Times are UK time and the clocks keep running; open a case with Enter or a "
                "double click."
            )
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.show_closed)
        layout.addWidget(self.closed_title)
        layout.addWidget(self.closed_count)
        layout.addWidget(self.closed_table, 2)
        layout.addWidget(self.error)
        self._closed_toggled(False)

    def _shortcuts(self) -> None:
        refresh = QAction(self.tr("Refresh"), self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.refresh)
        self.addAction(refresh)
        if self.may_record:  # only while the page shows: the night list's Ctrl+N is its own
            new = QAction(self.tr("New custody case"), self)
            new.setShortcut(QKeySequence.StandardKey.New)
            new.triggered.connect(self.new_case)
            self.addAction(new)

    def _timer(self, interval: int | None, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.timeout.connect(slot)
        if interval is not None:  # None: only when asked (tests move the clock and ask)
            timer.start(interval)
        return timer

    def _closed_toggled(self, shown: bool) -> None:
        self.closed_title.setVisible(shown)
        self.closed_count.setVisible(shown)
        self.closed_table.setVisible(shown)
        if shown:
            self.refresh()

    # --- reading and ticking --------------------------------------------------------------

    def now(self) -> datetime:
        return self._session.desk.clock()

    def refresh(self) -> None:
        """Read the cases and the warning thresholds again."""
        if self.stopped or self._session.person.must_change_password:
            return  # signed out; or every read is refused until they choose a password
        try:
            open_now = custody.open_cases(self._session)
            closed = []
            if self.show_closed.isChecked():
                recent = custody.recent_cases(self._session, CLOSED_SHOWN * 2)
                closed = [case for case in recent if not case.open][:CLOSED_SHOWN]
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self.error.show_message(self._read_thresholds())
        self.model.set_cases(open_now)
        self.closed_model.set_cases(closed)
        some = self.tr("%1 closed recently, newest first.").replace("%1", str(len(closed)))
        self.closed_count.setText(some if closed else self.tr("No case has been closed yet."))
        self._after_change()

    def _read_thresholds(self) -> str:
        """The council's warning thresholds; a file refused leaves the defaults, and says so."""
        try:
            self.model.set_thresholds(custody.thresholds(self._session))
        except (DutyDeskError, OSError) as error:
            self.model.set_thresholds(Thresholds())
            usual = self.tr("The warnings use the usual thresholds until it is put right.")
            return f"{error}\n{usual}"
        return ""

    def tick_clocks(self) -> None:
        """The clocks move on: worked out again from the cases read, not the store."""
        if self.stopped:
            return
        self.model.time_passed()
        self._after_change()

    def _after_change(self) -> None:
        self._show_count()
        self.changed.emit()

    def _show_count(self) -> None:
        total, warned = self.model.rowCount(), len(self.model.warned())
        if total == 0:
            text = self.tr("Nobody is waiting in police custody on this desk.")
        else:
            text = self.tr("%1 open").replace("%1", str(total))
            if warned:
                text += self.tr(" — %1 with a warning").replace("%1", str(warned))
        self.count.setText(text)

    def entries(self) -> list[Entry]:
        """The open cases with their clocks and warnings as last worked out."""
        return list(self.model.entries)

    def stop(self) -> None:
        """The session has ended: read nothing more."""
        self.stopped = True
        self.tick.stop()
        self.reread.stop()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    # --- case windows ---------------------------------------------------------------------

    def new_case(self) -> None:
        if self.may_record:
            self.open_case(None)

    def open_case(self, case_id: str | None) -> QWidget | None:
        """The case's window (brought forward if it is open already); None: a new case."""
        existing = self._open_ids.get(case_id) if case_id else None
        if existing is not None and shiboken6.isValid(existing) and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        from duty_desk.ui.custody_case import CustodyCaseWindow  # written alongside

        try:
            window = CustodyCaseWindow(self._session, case_id, marking=self._marking)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return None
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.changed.connect(lambda changed_id, w=window: self._saved(changed_id, w))
        window.open_enquiry_requested.connect(self.open_enquiry_requested)
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))
        self.windows.append(window)
        if case_id:
            self._open_ids[case_id] = window
        window.show()
        return cast(QWidget, window)

    def _saved(self, case_id: str, window: QWidget) -> None:
        self._open_ids[case_id] = window
        self.refresh()
        row = self.model.row_of(case_id)
        if row >= 0:
            self.table.selectRow(row)

    def _forget(self, window: QWidget) -> None:
        self.windows = [w for w in self.windows if w is not window]
        self._open_ids = {k: w for k, w in self._open_ids.items() if w is not window}

    def open_windows(self) -> list[QWidget]:
        return [w for w in self.windows if shiboken6.isValid(w) and w.isVisible()]

    def close_windows(self) -> bool:
        """Close every open case window; False as soon as one refuses (its own choice)."""
        return all(window.close() for window in self.open_windows())
