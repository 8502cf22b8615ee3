"""The sign-off dialogs: approve or return, record a verbal sign-off, confirm or dispute
it, and sign in alongside (another person at the worker's laptop).

Each runs its service call in the background. A refusal shows the service's own words and
keeps the dialog open (with the typing); success closes it, the result in ``result_value``.
While a call runs the buttons wait, and Escape does nothing, so no answer arrives late.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import Clock
from duty_desk.domain.errors import DutyDeskError, ValidationError
from duty_desk.domain.events import parse_instant
from duty_desk.domain.people import Person
from duty_desk.domain.roles import Grade
from duty_desk.domain.signoff import HOW, Verbal
from duty_desk.domain.signoff_rules import Requirement
from duty_desk.ui.enquiry_header import day_and_time
from duty_desk.ui.enquiry_instant import InstantField
from duty_desk.ui.operations import run_in_background
from duty_desk.ui.widgets import ErrorLine, add_row, line_edit

Act = Callable[[str], Any]  # a service call taking the comments typed


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignoffDialogs", text)


def person_words(person: Person, pattern: str = "%1 — %2") -> str:
    """'Priya Senior — Senior practitioner' (the role for those who hold no grade)."""
    grade = Grade.of(person.role)
    label = grade.label if grade else person.role.label
    return pattern.replace("%1", person.display_name).replace("%2", label)


def reasons_text(requirement: Requirement) -> str:
    """One line per rule that applied: its reason, then its id."""
    return "\n".join(
        f"• {reason} (rule {ident})"
        for reason, ident in zip(requirement.reasons, requirement.rule_ids, strict=False)
    )


class ActionDialog(QDialog):
    """A small form with action buttons, each running a service call in the background."""

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error = ErrorLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.result_value: Any = None
        self.busy = False

    def add_action(self, text: str, act: Callable[..., Any]) -> QPushButton:
        """A button that calls ``act`` with what the form holds (see ``values``)."""
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.run(act))
        return button

    def values(self) -> tuple[Any, ...]:
        """What the form holds, read on the GUI thread and handed to the call."""
        return ()

    def comments_field(self, label: str, placeholder: str) -> QPlainTextEdit:
        field = QPlainTextEdit()
        field.setTabChangesFocus(True)  # Tab moves on to the buttons
        field.setPlaceholderText(placeholder)
        field.setAccessibleName(label.replace("&", ""))
        field.setMinimumHeight(90)
        add_row(self.form, label, field)
        return field

    def run(self, act: Callable[..., Any]) -> None:
        if self.busy:
            return
        try:
            args = self.values()
        except DutyDeskError as error:
            self._failed(error)
            return
        self._busy(True)
        self.error.show_message("")
        run_in_background(lambda: act(*args), self._succeeded, self._failed, owner=self)

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def _succeeded(self, value: Any) -> None:
        self._busy(False)
        self.result_value = value
        self.accept()

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        if isinstance(error, DutyDeskError):
            self.error.show_message(str(error))
        else:
            self.error.show_message(self.tr("It could not be done: %1").replace("%1", repr(error)))
        field = getattr(error, "field", None)
        if field == "comments" and hasattr(self, "comments"):
            self.comments.setFocus()

    def reject(self) -> None:
        if not self.busy:  # an answer is on its way: wait for it
            super().reject()


class CommentsDialog(ActionDialog):
    """A dialog whose actions take the comments typed."""

    comments: QPlainTextEdit

    def values(self) -> tuple[Any, ...]:
        return (self.comments.toPlainText(),)


class ApproveDialog(CommentsDialog):
    """Approve (sign off) or return with comments, as ``acting``."""

    def __init__(
        self,
        reference: str,
        version: int,
        acting: Person,
        requirement: Requirement,
        approve: Act,
        send_back: Act,
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            _tr(
                "Sign off %1 (decision version %2) as %3. Read the decision in the "
                "enquiry window first."
            )
            .replace("%1", reference)
            .replace("%2", str(version))
            .replace("%3", person_words(acting, "%1 (%2)"))
        )
        super().__init__(_tr("Approve or return %1").replace("%1", reference), intro, parent)
        why = QLabel(reasons_text(requirement))
        why.setWordWrap(True)
        self.form.addRow(self.tr("Why it needs sign-off:"), why)
        self.comments = self.comments_field(
            self.tr("&Comments"),
            self.tr("Your reasons for approving, or what the worker should change"),
        )
        needs = [self.tr("Returning needs comments: say what the worker should change.")]
        if requirement.reason_required:
            needs.append(self.tr("Approving needs your reasons too: the rules ask for them."))
        hint = QLabel(" ".join(needs))
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.approve_button = self.add_action(self.tr("&Approve"), approve)
        self.return_button = self.add_action(self.tr("&Return to the worker"), send_back)
        self.comments.setFocus()


class ConfirmDialog(CommentsDialog):
    """The verbal approver confirms, or disputes with comments, what was recorded."""

    def __init__(
        self,
        reference: str,
        verbal: Verbal,
        acting: Person,
        confirm: Act,
        dispute: Act,
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            _tr(
                "It was recorded that you, %1, signed off %2 %3 at %4. Confirm it if you "
                "did; dispute it if you did not, saying what you did or did not agree."
            )
            .replace("%1", person_words(acting, "%1 (%2)"))
            .replace("%2", reference)
            .replace("%3", HOW.get(verbal.how, verbal.how).lower())
            .replace("%4", day_and_time(verbal.given_at))
        )
        title = _tr("Confirm or dispute the verbal sign-off of %1").replace("%1", reference)
        super().__init__(title, intro, parent)
        if verbal.note:
            note = QLabel(verbal.note)
            note.setWordWrap(True)
            self.form.addRow(self.tr("Worker's note:"), note)
        self.comments = self.comments_field(
            self.tr("&Comments"), self.tr("Optional when confirming; needed to dispute")
        )
        self.confirm_button = self.add_action(self.tr("C&onfirm"), confirm)
        self.dispute_button = self.add_action(self.tr("&Dispute"), dispute)
        self.comments.setFocus()


class VerbalDialog(ActionDialog):
    """The worker records a sign-off given by phone or in person."""

    def __init__(
        self,
        reference: str,
        approvers: list[Person],
        requirement: Requirement,
        clock: Clock,
        record: Callable[[str, str, datetime, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            _tr(
                "Record a sign-off of %1 given by phone or in person. It shows as "
                "“Verbal — awaiting confirmation” until the approver confirms it in the "
                "app, within %2 hours of giving it."
            )
            .replace("%1", reference)
            .replace("%2", str(requirement.confirm_within_hours or 24))
        )
        title = _tr("Record verbal sign-off of %1").replace("%1", reference)
        super().__init__(title, intro, parent)
        self.approver = QComboBox()
        self.approver.setAccessibleName(self.tr("Who gave it"))
        for person in approvers:
            self.approver.addItem(person_words(person), person.username)
        self.how = QComboBox()
        self.how.setAccessibleName(self.tr("How it was given"))
        for key, label in HOW.items():
            self.how.addItem(self.tr(label), key)
        self.given = InstantField(self.tr("When it was given"), clock)
        self.note = line_edit(self.tr("Note (optional)"))
        add_row(self.form, self.tr("&Who gave it"), self.approver)
        add_row(self.form, self.tr("&How"), self.how)
        add_row(self.form, self.tr("Wh&en given"), self.given)
        add_row(self.form, self.tr("&Note (optional)"), self.note)
        self.record_button = self.add_action(self.tr("&Record verbal sign-off"), record)
        self.record_button.setDefault(True)
        if not approvers:
            self.error.show_message(
                self.tr("Nobody on this desk holds the grade needed to give this sign-off.")
            )
            self.record_button.setEnabled(False)
        self.approver.setFocus()

    def values(self) -> tuple[Any, ...]:
        problem = self.given.problem()
        if problem and not self.given.ambiguous():  # a time the clocks skipped
            raise ValidationError(problem, "given_at")
        value = self.given.value()
        if value is None:  # pragma: no cover - the field is not optional
            raise ValidationError(self.tr("Say when it was given."), "given_at")
        return (
            str(self.approver.currentData()),
            str(self.how.currentData()),
            parse_instant(value),
            self.note.text(),
        )


class AlongsideDialog(ActionDialog):
    """Another person signs in on this laptop to sign off; the worker stays signed in."""

    def __init__(
        self,
        reference: str,
        worker: str,
        sign_in: Callable[[str, str], Any],
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            _tr(
                "Sign in here to sign off %1. %2 stays signed in; you are signed out again "
                "as soon as you finish or cancel."
            )
            .replace("%1", reference)
            .replace("%2", worker)
        )
        super().__init__(_tr("Sign off here as someone else"), intro, parent)
        self.username = line_edit(self.tr("Your username"))
        self.password = line_edit(self.tr("Your password"), secret=True)
        add_row(self.form, self.tr("&Username"), self.username)
        add_row(self.form, self.tr("&Password"), self.password)
        self.sign_in_button = self.add_action(self.tr("&Sign in"), sign_in)
        self.sign_in_button.setDefault(True)  # Enter in either field signs in
        self.username.setFocus()

    def values(self) -> tuple[Any, ...]:
        return (self.username.text(), self.password.text())

    def _failed(self, error: Exception) -> None:
        super()._failed(error)
        self.password.clear()
        field = getattr(error, "field", None)
        (self.username if field == "username" else self.password).setFocus()
