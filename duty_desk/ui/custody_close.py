"""Closing a custody case with its outcome, the outcome as shown on its tab, and the
short "why?" dialog used to withdraw a step or reopen a case.

The close dialog asks only what the outcome needs: the placement type for a transfer;
for a young person who remained in the cell, the custody officer's certificate (issued?,
reason category, reason as stated) or why they remained without one, and any challenge
and escalation. Code C's note on what "impracticable" means is always beside the
certificate, and as the certificate's reason is typed, anything Code C says is not a
ground (behaviour, the offence) is pointed out at once. A refused close shows each
problem at its field and keeps the dialog open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain import custody
from duty_desk.domain.clock import show_local
from duty_desk.domain.custody import CustodyInvalid
from duty_desk.domain.custody_choices import CODE_C_NOTE
from duty_desk.domain.custody_records import Case
from duty_desk.domain.enquiry import Problem
from duty_desk.domain.enquiry_fields import Kind
from duty_desk.services import custody as service
from duty_desk.services.context import SignedIn
from duty_desk.ui.custody_case_fields import in_order, problem_words
from duty_desk.ui.enquiry_fields_widgets import ChoiceField, LineField, TextField, YesNoField
from duty_desk.ui.enquiry_sections import FieldProblem, with_mnemonic
from duty_desk.ui.widgets import ErrorLine, icon

# What closing returns: the problems that refused it (empty: closed).
Closer = Callable[[dict[str, Any]], Sequence[Problem]]
# The case window's write: one service call against the case as last read, and the words
# to say once done; returns the case as stored, or None if it failed (said in the window).
# A refusal (``CustodyInvalid``) is raised on for the caller to show where it belongs.
Write = Callable[[Callable[[Case], Case], str], "Case | None"]

CERTIFICATE = ("certificate_issued", "certificate_reason", "certificate_text")
REMAINED = (*CERTIFICATE, "remained_reason", "challenge", "escalation")
SHOWN = {
    None: (),
    "transferred": ("placement_type",),
    "bailed_released": (),
    "remained": REMAINED,
}
WARNING_STYLE = (
    "QWidget#code-c { background: #fff3cd; border: 1px solid #e0b100; }"
    " QWidget#code-c QLabel { color: #4d3800; font-weight: 600; border: none; }"
)
NOTE_STYLE = "QWidget#code-c { border-left: 4px solid #3f72af; }"


def value_text(name: str, value: Any) -> str:
    """An outcome field's value in words: a choice's label, yes or no, the text."""
    field = custody.FIELDS[name]
    if field.kind is Kind.YES_NO:
        return "Yes" if value else "No"
    if field.kind is Kind.CHOICE and field.options:
        return field.options.get(value, str(value))
    return str(value)


def sign_line(icon_name: str, label: QLabel, style: str = WARNING_STYLE) -> QWidget:
    """An icon beside a text, so a warning is not told by colour alone."""
    row = QWidget()
    row.setObjectName("code-c")
    row.setStyleSheet(style)
    row.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(6, 4, 6, 4)
    sign = QLabel()
    sign.setPixmap(icon(icon_name).pixmap(QSize(22, 22)))
    sign.setAccessibleName("Warning" if icon_name == "warning" else "Note")
    layout.addWidget(sign, 0, Qt.AlignmentFlag.AlignTop)
    label.setWordWrap(True)
    layout.addWidget(label, 1)
    return row


def ok_cancel(ok_text: str) -> QDialogButtonBox:
    """OK (worded for what it does) and Cancel, each named for a screen reader."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setAccessibleName(ok_text)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAccessibleName(cancel.text().replace("&", ""))
    return buttons


def _now_text(session: SignedIn) -> str:
    return show_local(session.desk.clock(), with_date=False)


def closing_dialog(session: SignedIn, case: Case, write: Write, parent: QWidget) -> QDialog:
    """The outcome dialog for an open case; for a closed one, the question why reopen it."""
    if not case.open:
        dialog = ReasonDialog(
            parent.tr("Reopen %1").replace("%1", case.reference),
            parent.tr("Why is the case being reopened?"),
            parent.tr("Reopen"),
            parent,
        )
        dialog.accepted.connect(
            lambda: write(
                lambda c: service.reopen_case(session, c.id, dialog.text(), c.updated_at),
                parent.tr("Reopened at %1.").replace("%1", _now_text(session)),
            )
        )
        return dialog

    def close(outcome: dict[str, Any]) -> list[Problem]:
        try:
            stored = write(
                lambda c: service.close_case(session, c.id, outcome, c.updated_at),
                parent.tr("Closed at %1.").replace("%1", _now_text(session)),
            )
        except CustodyInvalid as error:
            return list(error.problems)
        if stored is None:
            return [
                Problem("", parent.tr("Not closed: the message at the top of the case says why."))
            ]
        return []

    return CloseDialog(case.reference, case.content, close, parent)


class CloseDialog(QDialog):
    """The outcome, and what it needs; OK tries to close, a refusal stays open."""

    def __init__(
        self, reference: str, content: dict[str, Any], close: Closer, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Close %1 — Duty Desk").replace("%1", reference))
        self.setMinimumWidth(760)
        self._close = close
        self._age = content.get("age_at_charge")  # the serious-harm reason needs 12 or over
        self.editors: dict[str, Any] = {}
        self.problems: dict[str, FieldProblem] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        used: set[str] = set()
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self._add(top, "outcome", used)
        self._add(top, "placement_type", used)
        layout.addLayout(top)
        layout.addWidget(self._certificate(used))
        self.more = QFormLayout()
        for name in ("remained_reason", "challenge", "escalation"):
            self._add(self.more, name, used)
        layout.addLayout(self.more)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = ok_cancel(self.tr("Close the case"))
        self.buttons.accepted.connect(self.try_close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for name, editor in self.editors.items():
            editor.set_value(content.get(name))
        self.editors["outcome"].changed.connect(self._outcome_changed)
        for name in ("certificate_reason", "certificate_text"):
            self.editors[name].changed.connect(self.show_concerns)
        self._outcome_changed()
        self.editors["outcome"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _add(self, form: QFormLayout, name: str, used: set[str]) -> None:
        field = custody.FIELDS[name]
        if field.kind is Kind.TEXT:
            editor: Any = TextField(self.tr(field.label), 2)
            editor.setMaximumHeight(editor.fontMetrics().lineSpacing() * 3 + 14)
        elif field.kind is Kind.YES_NO:
            editor = YesNoField(self.tr(field.label))
        else:
            editor = ChoiceField(self.tr(field.label), field.options or {})
        label = QLabel(with_mnemonic(self.tr(field.label), used))
        label.setBuddy(editor)
        label.setWordWrap(True)
        label.setMinimumWidth(200)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        self.problems[name] = FieldProblem()
        column.addWidget(self.problems[name])
        form.addRow(label, box)
        self.editors[name] = editor
        self.rows[name] = (label, box)

    def _certificate(self, used: set[str]) -> QGroupBox:
        """The certificate's fields, with Code C's note always above them."""
        self.certificate = QGroupBox(self.tr("The custody officer's certificate"))
        column = QVBoxLayout(self.certificate)
        self.note = QLabel(self.tr(CODE_C_NOTE))
        self.note.setAccessibleName(self.tr("Code C, Note 16D"))
        column.addWidget(sign_line("info", self.note, NOTE_STYLE))
        form = QFormLayout()
        for name in CERTIFICATE:
            self._add(form, name, used)
        column.addLayout(form)
        self.concerns = QLabel()
        self.concerns.setAccessibleName(self.tr("Code C warning"))
        self.concerns_line = sign_line("warning", self.concerns)
        column.addWidget(self.concerns_line)
        return self.certificate

    def _outcome_changed(self) -> None:
        shown = SHOWN.get(self.editors["outcome"].value(), ())
        for name in ("placement_type", "remained_reason", "challenge", "escalation"):
            for widget in self.rows[name]:
                widget.setVisible(name in shown)
        self.certificate.setVisible("certificate_issued" in shown)
        self.show_concerns()
        self.fit()

    def fit(self) -> None:
        """Tall enough for what the outcome shows (Qt's adjustSize stops at two thirds of
        the screen, which would squeeze the certificate's fields on a laptop)."""
        self.adjustSize()
        screen = self.screen().availableGeometry().height() if self.screen() else 700
        wanted = min(self.sizeHint().height(), screen - 60)
        self.resize(max(self.width(), self.minimumWidth()), max(wanted, self.height()))

    def outcome(self) -> dict[str, Any]:
        """What the outcome chosen needs, as ``close_case`` takes it."""
        chosen = self.editors["outcome"].value()
        names = ("outcome", *SHOWN.get(chosen, ()))
        found = {name: self.editors[name].value() for name in names}
        return {name: value for name, value in found.items() if value is not None}

    def show_concerns(self) -> None:
        """Live: a certificate reason Code C says is not a ground, said as it is typed."""
        found = custody.code_c_concerns({**self.outcome(), "age_at_charge": self._age})
        # Code C's note is right above: the warning need not repeat it.
        self.concerns.setText(
            "\n".join(" ".join(c.replace(CODE_C_NOTE, "").split()) for c in found)
        )
        shown = bool(found) and self.certificate.isVisibleTo(self)
        if shown != self.concerns_line.isVisibleTo(self):
            self.concerns_line.setVisible(shown)
            self.fit()

    def try_close(self) -> None:
        refused = in_order(self._close(self.outcome()))
        if not refused:
            self.accept()
            return
        self.show_problems(refused)

    def show_problems(self, problems: Sequence[Problem]) -> None:
        lines: dict[str, list[str]] = {}
        for problem in problems:
            lines.setdefault(problem.field, []).append(problem_words(problem))
        for name, label in self.problems.items():
            label.show_lines(lines.get(name, []))
        elsewhere = [
            text for name, found in lines.items() if name not in self.problems for text in found
        ]
        self.error.show_message("\n".join(elsewhere))
        first = next((p.field for p in problems if p.field in self.editors), "outcome")
        self.editors[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, text: str) -> None:
        self.error.show_message(text)


class ReasonDialog(QDialog):
    """Asks why (to withdraw a step, to reopen a case); Return or OK needs some words."""

    def __init__(
        self, title: str, question: str, action: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — Duty Desk")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        prompt = QLabel(with_mnemonic(question, set()))
        prompt.setWordWrap(True)
        self.reason = LineField(question, 500)  # one line: Return gives the answer
        prompt.setBuddy(self.reason)
        layout.addWidget(prompt)
        layout.addWidget(self.reason)
        self.problem = FieldProblem()
        layout.addWidget(self.problem)
        self.buttons = ok_cancel(action)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.reason.value() or ""

    def _ok(self) -> None:
        if not self.text():
            self.problem.show_lines([self.tr("Say why, in a few words.")])
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.accept()


class OutcomeSummary(QWidget):
    """The Outcome tab: what closing recorded, field by field, or that it is still open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(18)
        self.form.setVerticalSpacing(8)
        self.values: dict[str, QLabel] = {}
        for name in custody.FIELDS:
            if name not in custody.OUTCOME_FIELDS:
                continue
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(self.tr(custody.FIELDS[name].label))
            caption.setWordWrap(True)
            caption.setMinimumWidth(240)
            self.form.addRow(caption, value)
            self.values[name] = value
        self.concerns = QLabel()
        self.concerns.setAccessibleName(self.tr("Code C warning"))
        self.concerns_line = sign_line("warning", self.concerns)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.state)
        layout.addLayout(self.form)
        layout.addWidget(self.concerns_line)
        layout.addLayout(self.buttons)
        layout.addStretch(1)

    def show_content(self, content: dict[str, Any], is_open: bool) -> None:
        self.state.setText(
            self.tr(
                "The case is open. Close it with its outcome when the young person leaves "
                "custody or the night is over."
            )
            if is_open
            else self.tr("The case is closed with this outcome.")
        )
        for name, label in self.values.items():
            value = content.get(name)
            label.setText("—" if value is None else value_text(name, value))
        found = custody.code_c_concerns(content)
        self.concerns.setText("\n".join(found))
        self.concerns_line.setVisible(bool(found))
