"""Shifts on screen: the panel saying who is on duty and on call tonight, and the dialog
that starts a shift (who is on duty, who is on call above them, and from when)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import LONDON
from duty_desk.domain.errors import DutyDeskError, ValidationError
from duty_desk.domain.records import Contact, Shift
from duty_desk.domain.roles import Permission, may
from duty_desk.services.shifts import end_shift, start_shift
from duty_desk.ui.enquiry_model import short_time
from duty_desk.ui.widgets import ErrorLine, heading, icon, line_edit

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


def names_in(text: str) -> list[str]:
    """Names typed one a line or separated by commas."""
    return [name.strip() for name in re.split(r"[,\n]", text) if name.strip()]


class ShiftDialog(QDialog):
    """OK starts the shift; a refusal is shown under the field it is about."""

    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.shift: Shift | None = None
        self.setWindowTitle(self.tr("Start a shift"))
        self.on_duty = QPlainTextEdit(session.person.display_name)
        self.on_duty.setAccessibleName(self.tr("On duty"))
        self.on_duty.setTabChangesFocus(True)  # Tab moves on; names go one a line or by comma
        self.on_duty.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.senior_name = line_edit(self.tr("On-call senior practitioner's name"))
        self.senior_phone = self._phone(self.tr("On-call senior practitioner's phone"))
        self.manager_name = line_edit(self.tr("On-call manager's name"))
        self.manager_phone = self._phone(self.tr("On-call manager's phone"))
        self.started_at = self._start_time()
        self.errors = {name: ErrorLine() for name in ("on_duty", "senior", "manager", "started_at")}
        self.error = ErrorLine()  # anything not about one field
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Start shift"))
        for button in self.buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()

    def _phone(self, name: str) -> QLineEdit:
        field = line_edit(name)
        field.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        field.setPlaceholderText(self.tr("e.g. 07700 900123"))
        return field

    def _start_time(self) -> QDateTimeEdit:
        now = self._session.desk.clock().astimezone(LONDON)
        edit = QDateTimeEdit(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute))
        )
        edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        edit.setCalendarPopup(True)
        edit.setAccessibleName(self.tr("Shift started at (UK time)"))
        return edit

    def _lay_out(self) -> None:
        form = QFormLayout()
        self._row(form, self.tr("&On duty:"), self.on_duty, "on_duty")
        hint = QLabel(self.tr("One name a line, or separated by commas."))
        hint.setWordWrap(True)
        form.addRow("", hint)
        self._row(form, self.tr("On-call s&enior practitioner:"), self.senior_name, None)
        self._row(form, self.tr("Senior's &phone:"), self.senior_phone, "senior")
        self._row(form, self.tr("On-call &manager:"), self.manager_name, None)
        self._row(form, self.tr("Manager's p&hone:"), self.manager_phone, "manager")
        self._row(form, self.tr("Started &at:"), self.started_at, "started_at")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 480), self.sizeHint().height())

    def _row(self, form: QFormLayout, label: str, field: QWidget, error: str | None) -> None:
        buddy = QLabel(label)
        buddy.setBuddy(field)
        form.addRow(buddy, field)
        if error is not None:
            form.addRow("", self.errors[error])

    def started(self) -> datetime:
        """The start time as typed, UK time, in UTC."""
        value = self.started_at.dateTime()
        day, time = value.date(), value.time()
        local = datetime(
            day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=LONDON
        )
        return local.astimezone(UTC)

    def submit(self) -> None:
        for line in (*self.errors.values(), self.error):
            line.show_message("")
        try:
            self.shift = start_shift(
                self._session,
                names_in(self.on_duty.toPlainText()),
                Contact(self.senior_name.text(), self.senior_phone.text()),
                Contact(self.manager_name.text(), self.manager_phone.text()),
                self.started(),
            )
        except ValidationError as error:
            self._refused(str(error), error.field)
            return
        except DutyDeskError as error:
            self._refused(str(error), None)
            return
        self.accept()

    def _refused(self, message: str, field: str | None) -> None:
        line = self.errors.get(field or "", self.error)
        line.show_message(message)
        focus = {
            "on_duty": self.on_duty,
            "senior": self.senior_phone if self.senior_name.text().strip() else self.senior_name,
            "manager": self.manager_phone
            if self.manager_name.text().strip()
            else self.manager_name,
            "started_at": self.started_at,
        }.get(field or "")
        if focus is not None:
            focus.setFocus()


class ShiftPanel(QFrame):
    """Tonight's shift: who is on duty, the on-call senior practitioner and manager with
    their phone numbers, or "No shift running"; Start and End for those who run shifts.
    ``changed`` fires after a shift starts or ends here."""

    changed = Signal()

    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.shift: Shift | None = None
        self.dialog: QWidget | None = None
        self.may_run = may(session.person.role, Permission.RUN_SHIFTS)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = heading("", 1.1)
        self.title.setAccessibleName(self.tr("Shift"))
        self.on_duty = self._value(self.tr("On duty"))
        self.senior = self._value(self.tr("On-call senior practitioner"))
        self.manager = self._value(self.tr("On-call manager"))
        self.start_button = self._button("enquiries", self.tr("&Start shift…"), self.start_shift)
        self.end_button = self._button("sign-out", self.tr("E&nd shift…"), self.end_shift)
        self.form = QFormLayout()
        self.form.addRow(self.tr("On duty:"), self.on_duty)
        self.form.addRow(self.tr("On-call senior practitioner:"), self.senior)
        self.form.addRow(self.tr("On-call manager:"), self.manager)
        self.error = ErrorLine()
        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addLayout(self.form)
        column.addWidget(self.error)
        row = QHBoxLayout(self)
        row.addLayout(column, 1)
        for button in (self.start_button, self.end_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.show_shift(None)

    def _value(self, name: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        return label

    def _button(self, icon_name: str, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        button = QPushButton(icon(icon_name), text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def show_shift(self, shift: Shift | None) -> None:
        self.shift = shift
        for row in range(self.form.rowCount()):
            self.form.setRowVisible(row, shift is not None)
        self.start_button.setVisible(self.may_run and shift is None)
        self.end_button.setVisible(self.may_run and shift is not None)
        if shift is None:
            self.title.setText(self.tr("No shift running"))
            return
        since = short_time(shift.started_at, weekday=True)
        self.title.setText(self.tr("Shift running since %1").replace("%1", since))
        self.on_duty.setText(", ".join(shift.on_duty))
        self.senior.setText(f"{shift.senior.name} — {shift.senior.phone}")
        self.manager.setText(f"{shift.manager.name} — {shift.manager.phone}")

    def start_shift(self) -> None:
        dialog = ShiftDialog(self._session, self)
        dialog.accepted.connect(self.changed)
        self.dialog = dialog
        dialog.open()

    def end_shift(self) -> None:
        shift = self.shift
        if shift is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("End this shift?"),
            self.tr(
                "End the shift that started %1? Its enquiries stay on this desk and still "
                "have to be handed over to the day service."
            ).replace("%1", short_time(shift.started_at, weekday=True)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self._end(shift)

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    def _end(self, shift: Shift) -> None:
        self.error.show_message("")
        try:
            end_shift(self._session, shift.id)
        except DutyDeskError as error:
            self.error.show_message(str(error))
        self.changed.emit()
