"""The parts of the enquiry window around the fields: the header (reference, status,
version, due times), the sign-off in words (who is needed, by when, how long is left),
the restored-typing banner, buttons bound to actions, and the question asked when
closing with unsaved changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.records import Draft, Enquiry
from duty_desk.domain.signoff import HOW, Signoff, SignoffState
from duty_desk.ui.widgets import heading

BANNER_STYLE = (
    "QLabel#restored { background: #dbeafe; color: #0b2a55; border-left: 5px solid #3f72af;"
    " padding: 6px 10px; font-weight: 600; }"
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _tr(text: str) -> str:
    return QCoreApplication.translate("EnquiryWindow", text)


def day_and_time(moment: datetime) -> str:
    """'Mon 23/11/2026 17:00', London time."""
    return f"{DAYS[moment.astimezone(LONDON).weekday()]} {show_local(moment)}"


def restored_words(draft: Draft, stored: Enquiry | None, today: date) -> str:
    """The banner over a restored draft; it warns if the record was saved after the typing."""
    same_day = draft.saved_at.astimezone(LONDON).date() == today
    text = _tr("Restored typing you had not saved (autosaved at %1).").replace(
        "%1", show_local(draft.saved_at, with_date=not same_day)
    )
    if stored is not None and (
        stored.version != draft.base_version or stored.updated_at > draft.saved_at
    ):
        text += " " + _tr(
            "%1 was saved again at %2, after this typing: look at its History before "
            "saving, because saving puts this typing in place of those changes."
        ).replace("%1", stored.reference).replace("%2", show_local(stored.updated_at))
    return text


# --- the sign-off, in words ----------------------------------------------------------


def span(length: timedelta, *, up: bool = False) -> str:
    """'47 min', '2 h 05 min', '3 days 4 h': whole minutes, rounded down (``up``: up)."""
    seconds = length.total_seconds()
    minutes = int(-(-seconds // 60) if up else seconds // 60)
    if minutes < 60:
        return _tr("%1 min").replace("%1", str(minutes))
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return _tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", f"{rest:02d}")
    return _tr("%1 days %2 h").replace("%1", str(hours // 24)).replace("%2", str(hours % 24))


def needed_words(signoff: Signoff) -> str:
    grade = signoff.requirement.grade
    if grade is None:
        return _tr("No rule asks for sign-off: the decision is final.")
    who = _tr("a %1 or higher").replace("%1", grade.label.lower())
    if signoff.state.final:
        return _tr("Needed %1, not the person who made the decision.").replace("%1", who)
    return _tr("Needs %1, not the person who made the decision.").replace("%1", who)


def deadline_words(signoff: Signoff, now: datetime) -> str:
    """The time limit that matters now and how long is left, or how late it is."""
    deadline = signoff.deadline()
    if deadline is None:
        return ""
    verbal = signoff.state is SignoffState.VERBAL
    if now > deadline:
        text = (
            _tr("OVERDUE by %1: the approver was to confirm in the app by %2")
            if verbal
            else _tr("OVERDUE by %1: sign-off was due by %2")
        )
        return text.replace("%1", span(now - deadline, up=True)).replace(
            "%2", day_and_time(deadline)
        )
    text = _tr("Confirm in the app by %2 — %1 left") if verbal else _tr("Due by %2 — %1 left")
    return text.replace("%1", span(deadline - now)).replace("%2", day_and_time(deadline))


def verbal_words(signoff: Signoff) -> str:
    verbal = signoff.verbal
    if verbal is None:
        return ""
    text = (
        _tr("Verbal sign-off from %1 (%2), %3, given %4; to be confirmed by %5.")
        .replace("%1", verbal.approver_name)
        .replace("%2", verbal.grade.label)
        .replace("%3", HOW.get(verbal.how, verbal.how).lower())
        .replace("%4", day_and_time(verbal.given_at))
        .replace("%5", day_and_time(verbal.confirm_by))
    )
    if verbal.note:
        text += " " + _tr("Note: %1").replace("%1", verbal.note)
    return text


def comments_words(signoff: Signoff, resolver: str) -> str:
    if signoff.resolved_at is None:
        return ""
    who = resolver or (signoff.verbal.approver_name if signoff.verbal else _tr("the approver"))
    text = (
        _tr("%1 by %2 at %3.")
        .replace("%1", signoff.state.label)
        .replace("%2", who)
        .replace("%3", day_and_time(signoff.resolved_at))
    )
    if signoff.comments:
        text += " " + _tr("Comments: “%1”").replace("%1", signoff.comments)
    if signoff.state is SignoffState.RETURNED:
        text += " " + _tr(
            "Change the decision and save a new version: it then needs sign-off again."
        )
    return text


def outcome_words(signoff: Signoff) -> str:
    """For the window's status line after deciding: final, or waiting for whom, by when."""
    if signoff.state.final:
        return _tr("Final: no sign-off is needed.") if not signoff.requirement.needed else ""
    grade = signoff.requirement.grade
    deadline = signoff.deadline()
    who = grade.label.lower() if grade else _tr("an approver")
    text = _tr("Not final yet: awaiting sign-off by a %1 or higher").replace("%1", who)
    if deadline is not None:
        text += _tr(", due by %1").replace("%1", day_and_time(deadline))
    return text + "."


class EnquiryHeader(QWidget):
    """Reference, status and version on the left; decision and handover due on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading("", 1.6)
        self.state = heading("", 1.1)
        self.dues = QLabel()
        font = self.dues.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.dues.setFont(font)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title)
        row.addSpacing(18)
        row.addWidget(self.state)
        row.addStretch(1)
        row.addWidget(self.dues)

    def show_enquiry(self, enquiry: Enquiry | None) -> str:
        """Show it (or "New enquiry"); returns the window title to use."""
        if enquiry is None:
            self.title.setText(self.tr("New enquiry"))
            self.state.setText(self.tr("Not saved yet"))
            self.dues.setText(self.tr("Ctrl+S saves it as a draft"))
            return self.tr("New enquiry — Duty Desk")
        self.title.setText(enquiry.reference)
        self.state.setText(
            self.tr("%1, version %2")
            .replace("%1", enquiry.status.label)
            .replace("%2", str(enquiry.version))
        )
        self.dues.setText(
            self.tr("Decision due %1    Handover due %2")
            .replace("%1", day_and_time(enquiry.decision_due))
            .replace("%2", day_and_time(enquiry.handover_due))
        )
        return self.tr("Enquiry %1 — Duty Desk").replace("%1", enquiry.reference)


def banner() -> QLabel:
    label = QLabel()
    label.setObjectName("restored")
    label.setStyleSheet(BANNER_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def action_button(action: QAction) -> QPushButton:
    """A button that triggers ``action`` and shows its shortcut, e.g. "Decide   Ctrl+Shift+D"."""
    button = QPushButton()
    button.setMinimumHeight(34)
    button.clicked.connect(action.trigger)

    def sync() -> None:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setText(f"{action.text()}   {keys}")
        button.setAccessibleName(f"{action.text().rstrip('…')} ({keys})")
        button.setEnabled(action.isEnabled())

    action.changed.connect(sync)
    sync()
    return button


def save_question(parent: QWidget, name: str) -> QMessageBox:
    """Save / Discard / Cancel; Enter saves, Escape cancels."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _tr("Save changes? — Duty Desk"),
        _tr("You have changes to %1 that are not saved.").replace("%1", name),
        buttons.Save | buttons.Discard | buttons.Cancel,
        parent,
    )
    box.setInformativeText(_tr("Save them, discard them, or cancel to go back to the enquiry."))
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    return box
