"""Dialogs for enrolling people and setting passwords."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.roles import Role
from duty_desk.ui.widgets import ErrorLine, add_row, line_edit


class FormDialog(QDialog):
    """A form whose OK runs ``submit``; a refusal shows its message and keeps the dialog open."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = ErrorLine()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for button in self.buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.submit: Callable[[], Any] = lambda: None
        self.result_value: Any = None

    def add_field(self, label: str, field: QWidget, accessible: str) -> None:
        field.setAccessibleName(accessible)
        add_row(self.form, label, field)

    def password_field(self, label: str, accessible: str) -> QLineEdit:
        field = line_edit(accessible, secret=True)
        add_row(self.form, label, field)
        return field

    def _submit(self) -> None:
        try:
            self.result_value = self.submit()
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self.accept()


def passwords_match(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        from duty_desk.domain.errors import ValidationError

        raise ValidationError("The two passwords are not the same.")
    return first.text()


class AddPersonDialog(FormDialog):
    def __init__(self, add: Callable[[str, str, Role, str], Any], parent: QWidget | None = None):
        super().__init__(self.tr("Add a person"), parent)
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.password = QLineEdit()
        self.add_field(self.tr("&Username"), self.username, self.tr("Username"))
        self.add_field(self.tr("Full &name"), self.full_name, self.tr("Full name"))
        self.add_field(self.tr("&Role"), self.role, self.tr("Role"))
        self.password = self.password_field(self.tr("First &password"), self.tr("First password"))
        self.confirm = self.password_field(self.tr("Password &again"), self.tr("Password again"))
        note = QLabel(
            self.tr("They will be asked to choose their own password when they first sign in.")
        )
        note.setWordWrap(True)
        self.form.addRow(note)
        self.submit = lambda: add(
            self.username.text(),
            self.full_name.text(),
            Role(self.role.currentData()),
            passwords_match(self.password, self.confirm),
        )


class SetPasswordDialog(FormDialog):
    """Reset someone's password (administrators) or change your own (``current`` shown)."""

    def __init__(
        self,
        title: str,
        apply: Callable[..., Any],
        ask_current: bool,
        parent: QWidget | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(title, parent)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            self.form.addRow(note)
        self.current = (
            self.password_field(self.tr("&Current password"), self.tr("Current password"))
            if ask_current
            else None
        )
        self.password = self.password_field(self.tr("&New password"), self.tr("New password"))
        self.confirm = self.password_field(
            self.tr("New password &again"), self.tr("New password again")
        )

        def submit() -> Any:
            new = passwords_match(self.password, self.confirm)
            return apply(self.current.text(), new) if self.current else apply(new)

        self.submit = submit
