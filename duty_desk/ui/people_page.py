"""Admin → People: enrol, disable and reset the people who use this desk."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.people import Person
from duty_desk.services import people as people_service
from duty_desk.ui.people_dialogs import AddPersonDialog, SetPasswordDialog
from duty_desk.ui.people_model import SORT_ROLE, PeopleModel
from duty_desk.ui.widgets import ErrorLine, heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


class PeoplePage(QWidget):
    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = PeopleModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by name, username or role"))
        self.filter.setAccessibleName(self.tr("Filter people"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = self._table()
        self.add_button = self._button("person-add", self.tr("&Add person…"), self.add_person)
        self.disable_button = self._button("person-off", self.tr("&Disable…"), self.disable)
        self.reset_button = self._button("key", self.tr("&Reset password…"), self.reset_password)
        self.error = ErrorLine()
        self.dialog: QDialog | None = None
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("People"), 1.3))
        layout.addWidget(QLabel(self.tr("Everyone who can sign in to this desk, and their role.")))
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setAccessibleName(self.tr("People enrolled on this desk"))
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _button(self, icon_name: str, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        try:
            self.model.set_people(people_service.list_people(self._session))
        except DutyDeskError as error:
            self.error.show_message(str(error))
        self._update_buttons()

    def selected(self) -> Person | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.person(self.proxy.mapToSource(rows[0]).row())

    def _update_buttons(self) -> None:
        person = self.selected()
        usable = person is not None and person.active and person.id != self._session.person.id
        self.disable_button.setEnabled(usable)
        self.reset_button.setEnabled(person is not None and person.active)

    def add_person(self) -> None:
        def add(username: str, name: str, role, password: str) -> Person:  # type: ignore[no-untyped-def]
            return people_service.add_person(self._session, username, name, role, password)

        self._open(AddPersonDialog(add, self))

    def disable(self) -> None:
        person = self.selected()
        if person is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Disable %1?").replace("%1", person.display_name),
            self.tr(
                "%1 will no longer be able to sign in to this desk. Their records stay."
            ).replace("%1", person.display_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._disable(person)

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    def _disable(self, person: Person) -> None:
        try:
            people_service.disable_person(self._session, person.username)
        except DutyDeskError as error:
            self.error.show_message(str(error))
        self.refresh()

    def reset_password(self) -> None:
        person = self.selected()
        if person is None:
            return
        dialog = SetPasswordDialog(
            self.tr("Reset password for %1").replace("%1", person.display_name),
            lambda new: people_service.reset_password(self._session, person.username, new),
            ask_current=False,
            parent=self,
        )
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        """Window-modal and non-blocking; the list refreshes when the dialog is accepted."""
        dialog.accepted.connect(self.refresh)
        self.dialog = dialog
        dialog.open()
