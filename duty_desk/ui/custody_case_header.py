"""The top of the custody case window: who and where, open or closed, the council's
decision and its sign-off, the live clocks, and the warnings in words with an icon.

The words are built by small functions (tested without widgets); ``CaseHeader`` only
shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from duty_desk.domain import custody_choices as choices
from duty_desk.domain.clock import show_local
from duty_desk.domain.custody_clocks import Clocks, CustodyWarning, duration_text
from duty_desk.domain.custody_records import Case
from duty_desk.domain.signoff import Signoff, SignoffState
from duty_desk.ui.widgets import heading, icon

WARNINGS_STYLE = (
    "QWidget#custody-warnings { border: 2px solid #a4161a; border-radius: 4px;"
    " background: rgba(164, 22, 26, 0.10); } QWidget#custody-warnings QLabel { border: none;"
    " background: transparent; font-weight: 600; }"
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CustodyCaseWindow", text)


def who_words(case: Case) -> str:
    """ "Kai Brown, 15 · Central custody suite · custody record 01/123"."""
    content = case.content
    age = content.get("age_at_charge")
    parts = [case.name + (f", {age}" if age is not None else "")]
    parts.append(str(content.get("custody_suite", "")))
    if content.get("custody_number"):
        parts.append(_tr("custody record %1").replace("%1", str(content["custody_number"])))
    return " · ".join(part for part in parts if part)


def status_words(case: Case) -> str:
    """'Open since 21/11/2026 23:10' or 'Closed: Transferred to council accommodation ...'."""
    if case.open:
        return _tr("Open since %1").replace("%1", show_local(case.opened_at))
    outcome = case.content.get("outcome")
    words = choices.OUTCOMES.get(outcome, _tr("no outcome")) if outcome else _tr("no outcome")
    placement = case.content.get("placement_type")
    if outcome == "transferred" and placement:
        words += f" ({choices.PLACEMENT_TYPES.get(placement, placement).lower()})"
    return _tr("Closed: %1").replace("%1", words)


def signoff_words(state: SignoffState | None, signoff: Signoff | None) -> str:
    if state is None:
        return _tr("not yet signed off")
    if state is SignoffState.AWAITING:
        grade = signoff.requirement.grade if signoff else None
        who = grade.label.lower() if grade else _tr("an approver's")
        return _tr("awaiting %1 sign-off").replace("%1", who)
    return {
        SignoffState.NOT_NEEDED: _tr("final (no sign-off needed)"),
        SignoffState.VERBAL: _tr("verbal sign-off given, awaiting confirmation"),
        SignoffState.APPROVED: _tr("signed off"),
        SignoffState.CONFIRMED: _tr("verbal sign-off confirmed"),
        SignoffState.RETURNED: _tr("returned to the worker: change the decision"),
        SignoffState.DISPUTED: _tr("verbal sign-off disputed"),
    }[state]


def decision_words(case: Case, labels: Mapping[str, str], signoff: Signoff | None) -> str:
    """ "Council's decision: PACE transfer: accommodation refused ... — awaiting manager
    sign-off", or that there is none yet."""
    if not case.decision_type:
        return _tr("Council's decision: none recorded yet (Ctrl+Shift+D)")
    label = labels.get(case.decision_type, case.decision_type)
    try:
        state: SignoffState | None = SignoffState(case.signoff_state)
    except ValueError:
        state = None
    if signoff is not None:
        state = signoff.state
    return (
        _tr("Council's decision: %1 — %2")
        .replace("%1", label)
        .replace("%2", signoff_words(state, signoff))
    )


def awaiting(case: Case, signoff: Signoff | None) -> bool:
    state = signoff.state.value if signoff else case.signoff_state
    return bool(case.decision_type) and state not in ("", "not_needed", "approved", "confirmed")


CAPTIONS = ("Since charge", "Since request", "Request unanswered", "Next PACE review")


def no_clocks() -> list[tuple[str, str]]:
    """Before the case is opened: the captions, and nothing yet."""
    return [(_tr(caption), "—") for caption in CAPTIONS]


def clock_words(clocks: Clocks) -> list[tuple[str, str]]:
    """(caption, value) for each clock: since charge, since request, unanswered, review."""

    def span(value: timedelta | None) -> str:
        return duration_text(value) if value is not None else "—"

    if clocks.next_review is None:
        review = _tr("none due") if not clocks.in_custody else "—"
    else:
        review = show_local(clocks.next_review, with_date=False)
        if clocks.review_overdue:
            review = _tr("OVERDUE (was due %1)").replace("%1", review)
    if clocks.since_request is None:
        unanswered = "—"  # no request yet
    elif clocks.unanswered is None:
        unanswered = _tr("answered")
    else:
        unanswered = span(clocks.unanswered)
    values = (span(clocks.since_charge), span(clocks.since_request), unanswered, review)
    return [(_tr(caption), value) for caption, value in zip(CAPTIONS, values, strict=True)]


class CaseHeader(QWidget):
    """Reference, who, status and decision on the left; the clocks on the right; warnings below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading("", 1.6)
        self.who = heading("", 1.15)
        self.who.setWordWrap(True)
        self.status = QLabel()
        self.decision = QLabel()
        self.decision.setObjectName("decision")
        self.decision.setWordWrap(True)
        self.decision_sign = QLabel()
        self.decision_sign.setPixmap(icon("sign-off").pixmap(QSize(20, 20)))
        self.decision_sign.setAccessibleName(_tr("Awaiting sign-off"))
        self.clocks = QGridLayout()
        self.clocks.setHorizontalSpacing(14)
        self.clock_values: list[QLabel] = []
        self.clock_captions: list[QLabel] = []
        for column in range(4):
            caption, value = QLabel(), heading("—", 1.25)
            caption.setEnabled(False)  # quiet: drawn in the muted colour
            self.clocks.addWidget(caption, 0, column, Qt.AlignmentFlag.AlignRight)
            self.clocks.addWidget(value, 1, column, Qt.AlignmentFlag.AlignRight)
            self.clock_captions.append(caption)
            self.clock_values.append(value)
        self.warnings = QWidget()
        self.warnings.setObjectName("custody-warnings")
        self.warnings.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.warnings.setStyleSheet(WARNINGS_STYLE)
        sign = QLabel()
        sign.setPixmap(icon("warning").pixmap(QSize(28, 28)))
        sign.setAccessibleName(_tr("Warning"))
        self.warning_text = QLabel()
        self.warning_text.setWordWrap(True)
        self.warning_text.setAccessibleName(_tr("Warnings for this case"))
        row = QHBoxLayout(self.warnings)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(sign, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.warning_text, 1)
        self.warnings.hide()
        self._lay_out()

    def _lay_out(self) -> None:
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.title)
        left.addWidget(self.who)
        left.addWidget(self.status)
        decided = QHBoxLayout()
        decided.addWidget(self.decision_sign)
        decided.addWidget(self.decision, 1)
        left.addLayout(decided)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(self.clocks)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.warnings)

    def show_new(self) -> None:
        self.title.setText(_tr("New custody case"))
        self.who.setText("")
        self.status.setText(_tr("Not opened yet: Ctrl+S opens it"))
        self.decision.setText("")
        self.decision_sign.hide()

    def show_case(self, case: Case, decision: str, waiting: bool) -> None:
        self.title.setText(case.reference)
        self.who.setText(who_words(case))
        self.status.setText(status_words(case))
        self.decision.setText(decision)
        self.decision.setAccessibleName(decision)
        self.decision_sign.setVisible(waiting)

    def show_clocks(self, words: Sequence[tuple[str, str]]) -> None:
        for (caption, value), caption_label, value_label in zip(
            words, self.clock_captions, self.clock_values, strict=False
        ):
            caption_label.setText(caption)
            value_label.setText(value)
            value_label.setAccessibleName(f"{caption}: {value}")

    def show_warnings(self, warnings: Sequence[CustodyWarning]) -> None:
        text = "\n".join(_tr("Warning: %1").replace("%1", w.text) for w in warnings)
        self.warning_text.setText(text)
        self.warnings.setVisible(bool(warnings))

    def clock_text(self) -> str:
        """The clocks as one line (what the tests and a screen reader read)."""
        return "  ".join(label.accessibleName() for label in self.clock_values)


def close_question(parent: QWidget, name: str) -> QMessageBox:
    """Save / Discard / Cancel; Enter saves, Escape cancels."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _tr("Save changes? — Duty Desk"),
        _tr("You have changes to %1 that are not saved.").replace("%1", name),
        buttons.Save | buttons.Discard | buttons.Cancel,
        parent,
    )
    box.setInformativeText(_tr("Save them, discard them, or cancel to go back to the case."))
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    return box
