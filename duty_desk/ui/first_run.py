"""First run: create the desk and its administrator, then show the recovery key once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.ui.operations import run_in_background
from duty_desk.ui.widgets import (
    ErrorLine,
    add_row,
    framed,
    heading,
    icon,
    line_edit,
    right_aligned,
)

if TYPE_CHECKING:
    from duty_desk.services.paths import DeskPaths


class FirstRunWindow(QWidget):
    signed_in = Signal(object)

    def __init__(self, paths: DeskPaths, marking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.setWindowTitle(self.tr("Duty Desk — set up this desk"))
        self.setWindowIcon(icon("app"))
        self.username = line_edit(self.tr("Administrator's username"))
        self.full_name = line_edit(self.tr("Administrator's full name"))
        self.password = line_edit(self.tr("Password"), secret=True)
        self.confirm = line_edit(self.tr("Password again"), secret=True)
        self.create_button = QPushButton(self.tr("&Create desk"))
        self.create_button.setAccessibleName(self.tr("Create desk"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_desk)
        self.confirm.returnPressed.connect(self.create_desk)
        self.error = ErrorLine()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(framed(self._body(), marking))
        self.resize(520, 460)

    def _body(self) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addWidget(heading(self.tr("Set up this desk")))
        intro = QLabel(
            self.tr(
                "This laptop has no Duty Desk yet. Create the administrator who will enrol "
                "the duty team. The desk is encrypted; its key is protected by each person's "
                "password and this computer's credential store."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        for label, field in (
            (self.tr("&Username"), self.username),
            (self.tr("Full &name"), self.full_name),
            (self.tr("&Password"), self.password),
            (self.tr("Password &again"), self.confirm),
        ):
            add_row(form, label, field)
        hint = QLabel(
            self.tr(
                "At least 10 characters, not containing the username: a short phrase works well."
            )
        )
        hint.setWordWrap(True)
        form.addRow("", hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(right_aligned(self.create_button))
        layout.addStretch(1)
        return body

    def create_desk(self) -> None:
        if self.password.text() != self.confirm.text():
            self.error.show_message(self.tr("The two passwords are not the same."))
            self.confirm.setFocus()
            return
        self.create_button.setEnabled(False)
        args = (self._paths, self.username.text(), self.full_name.text(), self.password.text())

        def work() -> Any:
            from duty_desk.services.desk import create_desk

            return create_desk(*args)

        run_in_background(work, self._created, self._failed, owner=self)

    def _failed(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        self.error.show_message(str(error))

    def _created(self, created: Any) -> None:
        self.password.clear()
        self.confirm.clear()
        self.recovery_dialog = RecoveryKeyDialog(created.recovery_key, self)
        self.recovery_dialog.accepted.connect(lambda: self.signed_in.emit(created.session))
        self.recovery_dialog.open()


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key once; Continue needs the administrator to confirm they kept it."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recovery key — shown once"))
        layout = QVBoxLayout(self)
        title = QHBoxLayout()
        warning = QLabel()
        warning.setPixmap(icon("warning").pixmap(36, 36))
        warning.setAccessibleName(self.tr("Important"))
        title.addWidget(warning)
        title.addWidget(heading(self.tr("Your recovery key — shown once"), 1.3), 1)
        layout.addLayout(title)
        text = QLabel(
            self.tr(
                "Write this recovery key down and keep it locked away. It opens this desk "
                "if every password is lost or the computer's credential store is wiped. "
                "It will not be shown again."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.key = QLineEdit(key)
        self.key.setReadOnly(True)
        self.key.setAccessibleName(self.tr("Recovery key"))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.2)
        mono.setWeight(QFont.Weight.Bold)
        self.key.setFont(mono)
        self.key.setMinimumWidth(self.key.fontMetrics().horizontalAdvance(key) + 24)
        layout.addWidget(self.key)
        self.kept = QCheckBox(self.tr("I have &written down the recovery key"))
        self.kept.setAccessibleName(self.tr("I have written down the recovery key"))
        layout.addWidget(self.kept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Continue"))
        self.ok.setAccessibleName(self.tr("Continue"))
        self.ok.setEnabled(False)
        self.kept.toggled.connect(self.ok.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def reject(self) -> None:
        if self.kept.isChecked():
            super().reject()
