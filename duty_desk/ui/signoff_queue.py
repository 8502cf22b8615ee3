"""Sign-off: what waits for an approver, oldest first, and a worker's own decisions that
still wait for one; time left on each, overdue said in words and with an icon."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.roles import Permission, may
from duty_desk.services.signoff import QueueItem, my_waiting, queue
from duty_desk.ui.enquiry_model import ID_ROLE
from duty_desk.ui.signoff_queue_model import QueueModel
from duty_desk.ui.widgets import ErrorLine, heading

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

REFRESH_MS = 30_000
WHY_MIN_WIDTH = 300  # the reasons: narrower, and each word would take a line
_TABLE_STYLE = (
    "QHeaderView::section { font-weight: 700; padding: 6px 4px; }"
    " QTableView::item { padding: 4px 3px; }"  # wrapped lines clear of the grid
)


class QueueTable(QTableView):
    """Rows as tall as their wrapped text; the last column (the reasons) takes the width
    left, but never less than ``WHY_MIN_WIDTH`` (the table scrolls sideways instead)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().sectionResized.connect(self._section_resized)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_last_column()

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if section != self.horizontalHeader().count() - 1:
            self.fit_last_column()

    def fit_last_column(self) -> None:
        header = self.horizontalHeader()
        last = header.count() - 1
        if last < 1:
            return
        others = sum(header.sectionSize(n) for n in range(last))
        self.setColumnWidth(last, max(WHY_MIN_WIDTH, self.viewport().width() - others))


class QueueSection(QWidget):
    """A titled list of waiting decisions; Enter or a double click asks to open one."""

    open_requested = Signal(str)

    def __init__(
        self, title: str, intro: str, model: QueueModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.title = heading(title, 1.1)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("How many are waiting"))
        self.table = self._table(title)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self._selected: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.intro, self.count):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)

    def _table(self, name: str) -> QueueTable:
        table = QueueTable()
        table.setAccessibleName(name)
        table.setStyleSheet(_TABLE_STYLE)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(True)  # long decisions and reasons wrap rather than hide
        table.setTabKeyNavigation(False)
        rows = table.verticalHeader()
        rows.hide()
        rows.setMinimumSectionSize(int(self.fontMetrics().height() * 2.1))
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = QFont(table.font())
        bold.setBold(True)
        metrics, bold_metrics = table.fontMetrics(), QFontMetrics(bold)
        for number, column in enumerate(self.model.columns):
            cell = (bold_metrics if number == 0 else metrics).horizontalAdvance(column.sample)
            extra = 34 if number == 0 else 14  # the overdue icon
            title = bold_metrics.horizontalAdvance(self.tr(column.title)) + 14
            table.setColumnWidth(number, max(cell + extra, title))
        table.activated.connect(self._activated)  # Enter, or a double click
        return table

    def _activated(self, index: QModelIndex) -> None:
        enquiry_id = index.data(ID_ROLE) if index.isValid() else None
        if enquiry_id:
            self.open_requested.emit(enquiry_id)

    def show_count(self, empty: str, some: str) -> None:
        total, overdue = self.model.rowCount(), len(self.model.overdue())
        text = empty if total == 0 else some.replace("%1", str(total))
        if overdue:
            text += self.tr(" — %1 overdue").replace("%1", str(overdue))
        self.count.setText(text)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def _remember_selection(self) -> None:
        self._selected = self.selected_id()

    def _restore_selection(self) -> None:
        row = self.model.row_of(self._selected) if self._selected else -1
        if row >= 0:
            self.table.selectRow(row)


class SignoffPage(QWidget):
    """The Sign-off place. Approvers see what waits for them (and their own decisions
    waiting, if any); duty social workers see their own. Read again every ``refresh_ms``
    and on F5; ``changed`` after every read (the alerts look then)."""

    changed = Signal()
    open_requested = Signal(str)

    def __init__(
        self,
        session: SignedIn,
        refresh_ms: int | None = REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place-sign-off")
        self._session = session
        self.stopped = False
        role = session.person.role
        self.approver = may(role, Permission.SIGN_OFF)
        self.queue: QueueSection | None = None
        self.mine: QueueSection | None = None
        if self.approver:
            self.queue = self._section(mine=False)
        if may(role, Permission.RECORD_ENQUIRIES):
            self.mine = self._section(mine=True)
        self.error = ErrorLine()
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Read the lists again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self._lay_out()
        refresh = QAction(self.tr("Refresh"), self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.refresh)
        self.addAction(refresh)
        self.tick = QTimer(self)
        self.tick.timeout.connect(self.refresh)
        if refresh_ms is not None:  # None: only when asked (tests move the clock and ask)
            self.tick.start(refresh_ms)
        self.refresh()

    def _section(self, *, mine: bool) -> QueueSection:
        model = QueueModel(self._session.desk.clock, mine=mine, parent=self)
        if mine and self.approver:
            title = self.tr("Your own decisions waiting for sign-off")
            intro = self.tr("Decisions you made that another approver has not signed off yet.")
        elif mine:
            title = self.tr("My decisions waiting for sign-off")
            intro = self.tr(
                "Decisions you made that still need a senior practitioner or manager. Open one "
                "(Enter or double-click) to record a verbal sign-off or to revise a returned one."
            )
        else:
            title = self.tr("Waiting for you")
            intro = self.tr(
                "Decisions waiting for your sign-off, oldest first. Open one (Enter or "
                "double-click) to approve it, return it with comments, or confirm a verbal "
                "sign-off you gave."
            )
        section = QueueSection(title, intro, model)
        section.open_requested.connect(self.open_requested)
        return section

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Sign-off"), 1.3))
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for section in (self.queue, self.mine):
            if section is not None:
                layout.addWidget(section, 2 if section is self.queue else 1)
        layout.addWidget(self.error)

    def stop(self) -> None:
        """The session has ended: read nothing more (other pages' signals included)."""
        self.stopped = True
        self.tick.stop()

    def now(self) -> datetime:
        return self._session.desk.clock()

    def refresh(self) -> None:
        """Read the lists again (the timer does this every ``refresh_ms``)."""
        if self.stopped or self._session.person.must_change_password:
            return  # signed out; or every read is refused until they choose a password
        try:
            waiting = queue(self._session) if self.queue is not None else []
            mine = my_waiting(self._session) if self.mine is not None else []
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self.error.show_message("")
        if self.queue is not None:
            self.queue.model.set_items(waiting)
            self.queue.show_count(self.tr("Nothing is waiting for you."), self.tr("%1 waiting"))
        if self.mine is not None:
            self.mine.model.set_items(mine)
            self.mine.setVisible(bool(mine) or self.queue is None)
            self.mine.show_count(
                self.tr("None of your decisions is waiting for sign-off."), self.tr("%1 waiting")
            )
        self.changed.emit()

    def count(self) -> int:
        """What the place's button counts: the queue for approvers, else one's own."""
        section = self.queue or self.mine
        return section.model.rowCount() if section is not None else 0

    def waiting(self) -> list[tuple[QueueItem, bool]]:
        """Every item listed, with True for the viewer's own decisions."""
        found: list[tuple[QueueItem, bool]] = []
        for section, own in ((self.queue, False), (self.mine, True)):
            if section is not None:
                found.extend((item, own) for item in section.model.rows)
        return found

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()
