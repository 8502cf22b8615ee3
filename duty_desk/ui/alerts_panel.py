"""Known tonight: the day team's alerts about children likely to need the duty team tonight.

The day team (and managers) add an alert, change it, or retire it before its last night;
the duty worker's enquiry form shows the ones about the child being typed. The list shows
the alerts not yet over (tick "Show retired and past alerts" for the rest). A change made
meanwhile on another desk is never overwritten: the dialog says so and the list reloads.

Keyboard: Alt+A adds, Alt+G (or Enter on a row, or a double-click) changes, Alt+T retires
(after a question). Dates are typed as dd/mm/yyyy and name nights.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.alerts import Alert
from duty_desk.domain.errors import DutyDeskError, ValidationError
from duty_desk.services import alerts as service
from duty_desk.ui.enquiry_fields_widgets import DateField
from duty_desk.ui.list_table_model import ListTableModel
from duty_desk.ui.people_dialogs import FormDialog
from duty_desk.ui.widgets import ErrorLine, framed, heading

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

_Index = QModelIndex | QPersistentModelIndex
CHILD, BORN, NIGHTS, WHY, PLAN, CONTACT, STATUS = range(7)


def _uk(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


class AlertModel(ListTableModel):
    COLUMNS = ("Child", "Date of birth", "Nights", "Why", "Plan", "Contact", "Status")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Alert] = []
        self.tonight: date | None = None

    def alert(self, row: int) -> Alert:
        return self.rows[row]

    def row_of(self, alert_id: str) -> int | None:
        return next((n for n, a in enumerate(self.rows) if a.id == alert_id), None)

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        alert = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(alert, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (WHY, PLAN, CONTACT):
            return {WHY: alert.reason, PLAN: alert.plan, CONTACT: alert.contact}[index.column()]
        return None

    def _text(self, alert: Alert, column: int) -> str:
        if column == CHILD:
            return alert.child_name
        if column == BORN:
            return _uk(alert.dob) or self.tr("not known")
        if column == NIGHTS:
            if alert.valid_from == alert.valid_until:
                return _uk(alert.valid_from)
            return f"{_uk(alert.valid_from)} – {_uk(alert.valid_until)}"
        if column in (WHY, PLAN):
            return " ".join((alert.reason if column == WHY else alert.plan).split())
        if column == CONTACT:
            return alert.contact
        return self._status(alert)

    def _status(self, alert: Alert) -> str:
        if not alert.active:
            return self.tr("Retired")
        if self.tonight is not None and alert.valid_until < self.tonight.isoformat():
            return self.tr("Over")
        if self.tonight is not None and alert.valid_from > self.tonight.isoformat():
            return self.tr("Starts later")
        return self.tr("In force tonight")


class AlertDialog(FormDialog):
    """An alert's details; OK hands them to ``apply`` (add or change)."""

    def __init__(
        self,
        title: str,
        clock: Callable[[], Any],
        apply: Callable[[dict[str, Any]], Alert],
        current: Alert | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setMinimumWidth(600)  # the plan is read whole before OK
        self.editors: dict[str, QWidget] = {
            "child_name": QLineEdit(),
            "dob": DateField(self.tr("Date of birth"), clock),
            "reason": self._text_box(),
            "plan": self._text_box(),
            "contact": QLineEdit(),
            "valid_from": DateField(self.tr("First night"), clock),
            "valid_until": DateField(self.tr("Last night"), clock),
        }
        labels = {
            "child_name": (self.tr("Child's &name"), self.tr("Child's name")),
            "dob": (self.tr("&Date of birth (if known)"), self.tr("Date of birth")),
            "reason": (self.tr("&Why tonight"), self.tr("Why the child may need the duty team")),
            "plan": (self.tr("Contingency &plan"), self.tr("Contingency plan")),
            "contact": (self.tr("Who to &contact"), self.tr("Who to contact")),
            "valid_from": (self.tr("&First night"), self.tr("First night")),
            "valid_until": (self.tr("&Last night"), self.tr("Last night")),
        }
        for name, editor in self.editors.items():
            self.add_field(labels[name][0], editor, labels[name][1])
        if current is not None:
            self._show(current)

        def submit() -> Alert:
            try:
                return apply(self.values())
            except ValidationError as error:
                self.editors.get(error.field or "", self.editors["child_name"]).setFocus()
                raise

        self.submit = submit

    def _text_box(self) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setMaximumHeight(96)
        return box

    def _show(self, alert: Alert) -> None:
        for name in ("child_name", "contact"):
            line = self.editors[name]
            assert isinstance(line, QLineEdit)
            line.setText(getattr(alert, name))
            line.setCursorPosition(0)  # the start of a long contact shows, not its end
        for name in ("reason", "plan"):
            box = self.editors[name]
            assert isinstance(box, QPlainTextEdit)
            box.setPlainText(getattr(alert, name))
        for name in ("dob", "valid_from", "valid_until"):
            field = self.editors[name]
            assert isinstance(field, DateField)
            field.set_value(getattr(alert, name))

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if isinstance(editor, DateField):  # unreadable text goes on, to be refused
                found[name] = editor.value() or editor.text().strip() or None
            elif isinstance(editor, QPlainTextEdit):
                found[name] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
                found[name] = editor.text()
        return found


class AlertsPanel(QWidget):
    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = AlertModel(self)
        self.table = self._table()
        self.add_button = self._button(self.tr("&Add alert…"), self.add)
        self.change_button = self._button(self.tr("Chan&ge…"), self.change)
        self.retire_button = self._button(self.tr("Re&tire…"), self.retire)
        self.show_all = QCheckBox(self.tr("&Show retired and past alerts"))
        self.show_all.setAccessibleName(self.tr("Show retired and past alerts"))
        self.show_all.toggled.connect(lambda _on: self.refresh())
        self.error = ErrorLine()
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setAccessibleName(self.tr("What happened to the alert"))
        self.dialog: QWidget | None = None
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Known tonight"), 1.3))
        intro = QLabel(
            self.tr(
                "Children likely to need the duty team tonight, with the plan and whom to "
                "contact. The duty worker's enquiry form shows an alert as soon as the child's "
                "name is typed. Nights are named by the evening they begin."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.said)
        row = QHBoxLayout()
        for widget in (self.add_button, self.change_button, self.retire_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.show_all)
        layout.addLayout(row)
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("Known tonight alerts"))
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (WHY, PLAN):  # elided; the whole text in the tooltip
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CONTACT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(CONTACT, 240)
        table.doubleClicked.connect(lambda _index: self.change())
        table.installEventFilter(self)
        return table

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a row changes it, as a double-click does."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected():
                self.change()
                return True
        return super().eventFilter(watched, event)

    def refresh(self, keep: str | None = None) -> None:
        """Read the alerts again; ``keep`` (an id) stays selected."""
        from duty_desk.domain.alerts import night_of

        chosen = self.selected()
        keep = keep or (chosen.id if chosen else None)
        try:
            found = service.list_alerts(self._session, include_retired=self.show_all.isChecked())
        except DutyDeskError as error:
            self.error.show_message(str(error))
            found = []
        self.model.tonight = night_of(self._session.desk.clock())
        self.model.set_rows(found)
        row = None if keep is None else self.model.row_of(keep)
        if row is not None:
            self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> Alert | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.alert(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        alert = self.selected()
        self.change_button.setEnabled(alert is not None and alert.active)
        self.retire_button.setEnabled(alert is not None and alert.active)

    def add(self) -> None:
        def add(values: dict[str, Any]) -> Alert:
            return service.add_alert(self._session, values)

        clock = self._session.desk.clock
        self._open(AlertDialog(self.tr("Add a known-tonight alert"), clock, add, parent=self))

    def change(self) -> None:
        alert = self.selected()
        if alert is None or not alert.active:
            return

        def change(values: dict[str, Any]) -> Alert:
            try:
                return service.change_alert(self._session, alert.id, values, alert.updated_at)
            except service.AlertChangedMeanwhile:
                self.refresh(keep=alert.id)  # the latest shows behind the dialog
                raise

        title = self.tr("Change the alert for %1").replace("%1", alert.child_name)
        clock = self._session.desk.clock
        self._open(AlertDialog(title, clock, change, alert, self))

    def retire(self) -> None:
        alert = self.selected()
        if alert is None or not alert.active:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Retire alert"),
            self.tr("Retire the alert for %1? The enquiry form will no longer show it.").replace(
                "%1", alert.child_name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        for button in box.buttons():
            button.setAccessibleName(button.text().replace("&", ""))

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._retire(alert)

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    def _retire(self, alert: Alert) -> None:
        try:
            done = service.retire_alert(self._session, alert.id, alert.updated_at)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            self.refresh(keep=alert.id)
            return
        self.error.show_message("")
        self.said.setText(
            self.tr("Retired the alert for %1: it no longer shows.").replace("%1", done.child_name)
        )
        self.refresh(keep=done.id)

    def _open(self, dialog: AlertDialog) -> None:
        """Window-modal and non-blocking; the list refreshes when the dialog is accepted."""

        def accepted() -> None:
            done = dialog.result_value
            if done is not None:
                self.said.setText(self.tr("Saved the alert for %1.").replace("%1", done.child_name))
            self.refresh(keep=done.id if done else None)

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()


class AlertsWindow(QWidget):
    """The panel in a window of its own, marked top and bottom (it names children)."""

    def __init__(self, session: SignedIn, marking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Known tonight — Duty Desk"))
        self.panel = AlertsPanel(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(framed(self.panel, marking))
        self.resize(1100, 560)
