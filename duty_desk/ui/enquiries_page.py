"""Enquiries: tonight's shift, its list of enquiries, and a search over every record."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.records import Draft, Enquiry, Shift, Status
from duty_desk.domain.roles import Permission, may
from duty_desk.services.enquiries import open_enquiry
from duty_desk.services.enquiry_lists import ListQuery, list_enquiries
from duty_desk.services.shifts import current_shift
from duty_desk.ui.enquiry_model import COLUMNS, DUE_COLUMN, ID_ROLE, EnquiryListModel
from duty_desk.ui.shift_dialog import ShiftPanel
from duty_desk.ui.widgets import ErrorLine, heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

SEARCH_DELAY_MS = 300
_TABLE_STYLE = "QHeaderView::section { font-weight: 700; padding: 6px 4px; }"


class EnquiriesPage(QWidget):
    """``changed`` fires whenever the shift or the list may have changed (for "next due")."""

    changed = Signal()

    def __init__(
        self, session: SignedIn, marking: str = "OFFICIAL-SENSITIVE", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place-enquiries")
        self._session = session
        self._marking = marking
        self.shift: Shift | None = None
        self.windows: list[QWidget] = []  # open enquiry windows (kept alive here)
        self._open_ids: dict[str, QWidget] = {}
        self._selected_id: str | None = None
        self._next_due: tuple[str, datetime] | None = None
        self.may_record = may(session.person.role, Permission.RECORD_ENQUIRIES)
        self.model = EnquiryListModel(session, load=False, parent=self)
        self.model.failed.connect(self._show_error)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.error = ErrorLine()
        self.table = self._table()
        self.search = self._search_field()
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("How many enquiries are listed"))
        self.shift_panel = ShiftPanel(session)
        self.shift_panel.changed.connect(self.refresh)
        self.new_button = self._button("enquiries", self.tr("New &enquiry"), self.new_enquiry)
        self.new_button.setToolTip(self.tr("Record a new enquiry (Ctrl+N)"))
        self.new_button.setVisible(self.may_record)
        self._lay_out()
        self._shortcuts()
        self.tick = QTimer(self)
        self.tick.setInterval(60_000)
        self.tick.timeout.connect(self._time_passed)
        self.tick.start()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _button(self, icon_name: str, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Enquiries"), 1.3))
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.shift_panel)
        layout.addWidget(self.search)
        layout.addWidget(self.count)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("Enquiries"))
        table.setStyleSheet(_TABLE_STYLE)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move within it
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(int(self.fontMetrics().height() * 2.1))
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        plain, bold = QFontMetrics(table.font()), QFont(table.font())
        bold.setBold(True)
        for number, column in enumerate(COLUMNS):
            cell = QFontMetrics(bold if number == DUE_COLUMN else plain).horizontalAdvance(
                column.sample
            )
            title = QFontMetrics(bold).horizontalAdvance(self.tr(column.title)) + 28  # + arrow
            table.setColumnWidth(number, max(cell + 14, title))
        header.setStretchLastSection(True)
        section, order = self.model.sort_order()
        header.setSortIndicator(section, order)
        table.setSortingEnabled(True)  # a click asks the model, which asks the store
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        table.activated.connect(self.open_index)  # Enter, or a double click
        return table

    def _search_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setAccessibleName(self.tr("Search every enquiry"))
        field.setPlaceholderText(
            self.tr(
                "Search every record on this desk: name, date of birth (dd/mm/yyyy), address, "
                "reference or any words (Ctrl+F)"
            )
        )
        field.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        field.textChanged.connect(self._search_timer.start)
        field.returnPressed.connect(self._search_then_list)
        field.installEventFilter(self)
        return field

    def _shortcuts(self) -> None:
        find = QAction(self.tr("Search"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        if self.may_record:
            new = QAction(self.tr("New enquiry"), self)
            new.setShortcut(QKeySequence.StandardKey.New)
            new.triggered.connect(self.new_enquiry)
            self.addAction(new)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self.apply_search()
                return True
            if key == Qt.Key.Key_Down:
                self._search_then_list()
                return True
        return super().eventFilter(watched, event)

    # --- the list -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the shift and the list again (the sort and the search stay)."""
        if self._session.person.must_change_password:
            return  # every read is refused until they choose their own password
        self.error.show_message("")
        try:
            self.shift = current_shift(self._session)
        except DutyDeskError as error:
            self._show_error(str(error))
            return
        self.shift_panel.show_shift(self.shift)
        query = self._query()
        if query == self.model.query and self.model.total:
            self.model.refresh()
        else:
            self.model.set_query(query)
        self._show_count()
        self._next_due = self._read_next_due()
        self.changed.emit()

    def apply_search(self) -> None:
        self._search_timer.stop()
        query = self._query()
        if query != self.model.query:
            self.error.show_message("")
            self.model.set_query(query)
        self._show_count()

    def _query(self) -> ListQuery:
        text = self.search.text().strip()
        shift_id = None if text or self.shift is None else self.shift.id
        return replace(self.model.query, shift_id=shift_id, text=text)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_then_list(self) -> None:
        self.apply_search()
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)

    def _show_count(self) -> None:
        total, tr = self.model.total, self.tr
        if self.model.query.text:
            text = tr("Nothing found") if total == 0 else tr("%1 found")
        elif self.shift is not None:
            words = (tr("No enquiries yet"), tr("1 enquiry"), tr("%1 enquiries"))
            text = words[min(total, 2)] + tr(" this shift")
        else:
            words = (tr("no enquiries yet"), tr("1 enquiry"), tr("all %1 enquiries"))
            text = tr("No shift running: %2 on this desk").replace("%2", words[min(total, 2)])
        self.count.setText(text.replace("%1", str(total)))

    def _sort_indicator_changed(self, section: int, _order: Qt.SortOrder) -> None:
        if COLUMNS[section].sort is None:  # not sortable: put the indicator back
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self.model.sort_order())
            header.blockSignals(False)

    def _remember_selection(self) -> None:
        self._selected_id = self.selected_id()

    def _restore_selection(self) -> None:
        if self._selected_id:
            self.select_enquiry(self._selected_id)

    def select_enquiry(self, enquiry_id: str) -> None:
        row = self.model.row_of(enquiry_id)
        if row >= 0:
            self.table.selectionModel().select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def _time_passed(self) -> None:
        self.model.time_passed()
        self.changed.emit()

    def _show_error(self, message: str) -> None:
        self.error.show_message(message)

    def now(self) -> datetime:
        return self._session.desk.clock()

    def next_due(self) -> tuple[str, datetime] | None:
        """The earliest decision due among this shift's drafts: (reference, due).

        Read with the list; the minute tick only re-judges "overdue", without the store."""
        return self._next_due

    def _read_next_due(self) -> tuple[str, datetime] | None:
        if self.shift is None:
            return None
        query = ListQuery(shift_id=self.shift.id, sort="decision_due", descending=False)
        try:
            rows = list_enquiries(self._session, query, 0, 1000).rows
        except DutyDeskError:
            return None
        drafts = [row for row in rows if row.status is Status.DRAFT]
        return (drafts[0].reference, drafts[0].decision_due) if drafts else None

    # --- enquiry windows ----------------------------------------------------------------

    def new_enquiry(self) -> None:
        if self.may_record:
            self.open_window()

    def open_index(self, index: QModelIndex) -> None:
        enquiry_id = index.data(ID_ROLE) if index.isValid() else None
        if enquiry_id:
            self.open_enquiry_id(enquiry_id)

    def open_enquiry_id(self, enquiry_id: str) -> QWidget | None:
        existing = self._open_ids.get(enquiry_id)
        if existing is not None and shiboken6.isValid(existing) and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        try:
            enquiry = open_enquiry(self._session, enquiry_id)
        except DutyDeskError as error:
            self._show_error(str(error))
            return None
        return self.open_window(enquiry)

    def restore_draft(self, draft: Draft) -> QWidget:
        """Carry on with autosaved work (raises ``DutyDeskError`` if its record is gone).

        A draft whose window is still open (or whose enquiry is open) brings that window
        forward: two windows on one draft would overwrite each other's typing."""
        for window in self.open_windows():
            same_enquiry = draft.enquiry_id is not None and draft.enquiry_id in self._open_ids
            if getattr(window, "key", None) == draft.key or (
                same_enquiry and self._open_ids[draft.enquiry_id or ""] is window
            ):
                window.raise_()
                window.activateWindow()
                return window
        enquiry = open_enquiry(self._session, draft.enquiry_id) if draft.enquiry_id else None
        return self.open_window(enquiry, draft)

    def open_draft_keys(self) -> set[str]:
        """The drafts being typed in windows open now (not to be offered back)."""
        return {str(getattr(w, "key", "")) for w in self.open_windows()}

    def open_window(self, enquiry: Enquiry | None = None, draft: Draft | None = None) -> QWidget:
        from duty_desk.ui.enquiry_form import EnquiryWindow  # written alongside; loaded on use

        window = EnquiryWindow(self._session, enquiry=enquiry, draft=draft, marking=self._marking)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.saved.connect(lambda enquiry_id, w=window: self._saved(enquiry_id, w))
        window.open_requested.connect(self.open_enquiry_id)  # an earlier contact, chosen
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))
        self.windows.append(window)
        if enquiry is not None:
            self._open_ids[enquiry.id] = window
        window.show()
        return cast(QWidget, window)

    def _saved(self, enquiry_id: str, window: QWidget) -> None:
        self._open_ids[enquiry_id] = window
        self.refresh()
        self.select_enquiry(enquiry_id)

    def _forget(self, window: QWidget) -> None:
        self.windows = [w for w in self.windows if w is not window]
        self._open_ids = {k: w for k, w in self._open_ids.items() if w is not window}

    def open_windows(self) -> list[QWidget]:
        return [w for w in self.windows if shiboken6.isValid(w) and w.isVisible()]

    def close_windows(self) -> bool:
        """Close every open enquiry window; False as soon as one refuses (its own choice)."""
        return all(window.close() for window in self.open_windows())
