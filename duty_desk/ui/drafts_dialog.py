"""Work autosaved but never saved, offered back after sign-in: restore it or discard it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.records import Draft
from duty_desk.services.drafts import discard_draft, pending_drafts
from duty_desk.ui.widgets import ErrorLine, right_aligned

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


class DraftsDialog(QDialog):
    """Work autosaved but never saved (a crash, a power cut): restore it or throw it away.

    Not modal: the person can look at the list before deciding. ``restore(draft)`` opens
    the work in a window (and may raise ``DutyDeskError`` if the record is gone)."""

    def __init__(
        self,
        session: SignedIn,
        drafts: list[Draft],
        restore: Callable[[Draft], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._restore = restore
        self.box: QMessageBox | None = None
        self.setWindowTitle(self.tr("Unsaved work"))
        intro = QLabel(
            self.tr(
                "Duty Desk kept this work when it last closed without saving. Restore it to "
                "carry on, or discard it. Anything left here is offered again next time."
            )
        )
        intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.rows: dict[str, list[QWidget]] = {}
        for number, draft in enumerate(drafts):
            self._add_row(number, draft)
        self.error = ErrorLine()
        later = QPushButton(self.tr("&Later"))
        later.setAccessibleName(self.tr("Later"))
        later.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.grid)
        layout.addWidget(self.error)
        layout.addLayout(right_aligned(later))

    def _add_row(self, number: int, draft: Draft) -> None:
        what = draft.reference or self.tr("New enquiry")
        child = draft.content.get("child_name") or self.tr("no child's name yet")
        saved = self.tr("autosaved %1").replace("%1", show_local(draft.saved_at))
        label = QLabel(f"{what} — {child} — {saved}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        restore = QPushButton(self.tr("Restore"))
        restore.setAccessibleName(self.tr("Restore %1").replace("%1", what))
        restore.clicked.connect(lambda _=False, d=draft: self.restore(d))
        discard = QPushButton(self.tr("Discard…"))
        discard.setAccessibleName(self.tr("Discard %1").replace("%1", what))
        discard.clicked.connect(lambda _=False, d=draft: self.discard(d))
        for column, widget in enumerate((label, restore, discard)):
            self.grid.addWidget(widget, number, column)
        self.rows[draft.key] = [label, restore, discard]

    def restore(self, draft: Draft) -> None:
        try:
            self._restore(draft)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self._remove(draft)

    def discard(self, draft: Draft) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Discard this work?"),
            self.tr("The unsaved changes will be lost for good."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(button: QAbstractButton) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Discard:
                self._discard(draft)

        box.buttonClicked.connect(answered)
        self.box = box
        box.open()

    def _discard(self, draft: Draft) -> None:
        try:
            discard_draft(self._session, draft.key)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self._remove(draft)

    def _remove(self, draft: Draft) -> None:
        for widget in self.rows.pop(draft.key, []):
            widget.hide()
            widget.deleteLater()
        if not self.rows:
            self.accept()


def offer_drafts(
    session: SignedIn,
    restore: Callable[[Draft], object],
    parent: QWidget | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> DraftsDialog | None:
    """Show this person's pending drafts, if any, in a dialog that does not block."""
    try:
        drafts = pending_drafts(session)
    except DutyDeskError:
        return None  # e.g. a password to change first: offered at the next sign-in
    drafts = [d for d in drafts if d.key not in skip]
    if not drafts:
        return None
    dialog = DraftsDialog(session, drafts, restore, parent)
    dialog.show()
    return dialog
