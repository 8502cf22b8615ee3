"""Admin → Placements: the directory of placements the duty worker calls for a young person
in police custody. The administrator adds, changes, retires and restores them; a retired
placement stays in the list (cases that named it keep the name) but is not offered.

Keyboard: Alt+P adds, Alt+G (or Enter on a row, or a double-click) changes, Alt+T retires,
Alt+O restores. A refused entry keeps the dialog open with the reason, on the field named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.custody_choices import PROVIDER_TYPES
from duty_desk.domain.custody_records import Provider
from duty_desk.domain.errors import DutyDeskError, ValidationError
from duty_desk.services import providers as service
from duty_desk.ui.people_dialogs import FormDialog
from duty_desk.ui.provider_model import NAME, NOTES, SORT_ROLE, ProviderModel
from duty_desk.ui.widgets import ErrorLine, heading

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


class ProviderDialog(FormDialog):
    """A placement's details; OK hands them to ``apply`` (add or change)."""

    def __init__(
        self,
        title: str,
        apply: Callable[[dict[str, Any]], Provider],
        current: Provider | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.name = QLineEdit()
        self.type = QComboBox()
        for key, label in PROVIDER_TYPES.items():
            self.type.addItem(label, key)
        self.secure = QCheckBox(self.tr("A &secure placement"))
        self.accepts_pace = QCheckBox(self.tr("&Takes PACE transfers from police custody"))
        self.phone = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.add_field(self.tr("&Name"), self.name, self.tr("Name"))
        self.add_field(self.tr("T&ype"), self.type, self.tr("Type"))
        self.add_field("", self.secure, self.tr("Secure placement"))
        self.add_field("", self.accepts_pace, self.tr("Takes PACE transfers"))
        self.add_field(self.tr("&Phone"), self.phone, self.tr("Phone"))
        self.add_field(self.tr("N&otes"), self.notes, self.tr("Notes"))
        self.fields: dict[str, QWidget] = {
            "name": self.name,
            "type": self.type,
            "secure": self.secure,
            "accepts_pace": self.accepts_pace,
            "phone": self.phone,
            "notes": self.notes,
        }
        if current is not None:
            self._show(current)

        def submit() -> Provider:
            try:
                return apply(self.values())
            except ValidationError as error:
                self.fields.get(error.field or "", self.name).setFocus()
                raise

        self.submit = submit

    def _show(self, provider: Provider) -> None:
        self.name.setText(provider.name)
        self.type.setCurrentIndex(max(0, self.type.findData(provider.type)))
        self.secure.setChecked(provider.secure)
        self.accepts_pace.setChecked(provider.accepts_pace)
        self.phone.setText(provider.phone)
        self.notes.setPlainText(provider.notes)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "type": self.type.currentData(),
            "secure": self.secure.isChecked(),
            "accepts_pace": self.accepts_pace.isChecked(),
            "phone": self.phone.text(),
            "notes": self.notes.toPlainText(),
        }


class ProvidersPanel(QWidget):
    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = ProviderModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = self._table()
        self.add_button = self._button(self.tr("Add &placement…"), self.add)
        self.change_button = self._button(self.tr("Chan&ge…"), self.change)
        self.retire_button = self._button(self.tr("Re&tire"), self.retire)
        self.restore_button = self._button(self.tr("Rest&ore"), self.restore)
        self.error = ErrorLine()
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setAccessibleName(self.tr("What happened to the placement"))
        self.dialog: ProviderDialog | None = None
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.addWidget(heading(self.tr("Placements for young people in custody"), 1.3))
        intro = QLabel(
            self.tr(
                "Who the duty worker can call when the police ask for accommodation (PACE "
                "s.38(6)). A retired placement is no longer offered; cases keep its name."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.said)
        row = QHBoxLayout()
        for button in (self.add_button, self.change_button, self.retire_button):
            row.addWidget(button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("Placements directory"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTES, QHeaderView.ResizeMode.Stretch)  # elided; tooltip
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
        """Read the directory again; ``keep`` (an id) stays selected."""
        chosen = self.selected()
        keep = keep or (chosen.id if chosen else None)
        try:
            self.model.set_providers(service.providers(self._session, include_retired=True))
        except DutyDeskError as error:
            self.error.show_message(str(error))
        row = None if keep is None else self.model.row_of(keep)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        self._update_buttons()

    def selected(self) -> Provider | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.provider(self.proxy.mapToSource(rows[0]).row())

    def _update_buttons(self) -> None:
        provider = self.selected()
        self.change_button.setEnabled(provider is not None)
        self.retire_button.setEnabled(provider is not None and provider.active)
        self.restore_button.setEnabled(provider is not None and not provider.active)

    def add(self) -> None:
        def add(values: dict[str, Any]) -> Provider:
            return service.add_provider(self._session, values)

        self._open(ProviderDialog(self.tr("Add a placement"), add, parent=self))

    def change(self) -> None:
        provider = self.selected()
        if provider is None:
            return

        def change(values: dict[str, Any]) -> Provider:
            return service.change_provider(self._session, provider.id, values)

        title = self.tr("Change %1").replace("%1", provider.name)
        self._open(ProviderDialog(title, change, provider, self))

    def retire(self) -> None:
        provider = self.selected()
        if provider is not None:
            done = self._act(service.retire_provider, provider)
            if done is not None:
                self.said.setText(
                    self.tr(
                        "Retired %1: no longer offered; cases that named it keep the name."
                    ).replace("%1", done.name)
                )

    def restore(self) -> None:
        provider = self.selected()
        if provider is not None:
            done = self._act(service.restore_provider, provider)
            if done is not None:
                self.said.setText(self.tr("Restored %1: offered again.").replace("%1", done.name))

    def _act(
        self, action: Callable[[SignedIn, str], Provider], provider: Provider
    ) -> Provider | None:
        try:
            done = action(self._session, provider.id)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return None
        self.error.show_message("")
        self.refresh(keep=done.id)
        return done

    def _open(self, dialog: ProviderDialog) -> None:
        """Window-modal and non-blocking; the list refreshes when the dialog is accepted."""

        def accepted() -> None:
            done = dialog.result_value
            self.said.setText(self.tr("Saved %1.").replace("%1", done.name) if done else "")
            self.refresh(keep=done.id if done else None)

        dialog.accepted.connect(accepted)
        self.dialog = dialog
        dialog.open()
