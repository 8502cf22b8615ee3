"""The parts of the enquiry window around the fields: the header (reference, status,
version, due times), the restored-typing banner, buttons bound to actions, and the
question asked when closing with unsaved changes."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.records import Draft, Enquiry
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
