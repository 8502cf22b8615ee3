"""Desk → Conflicts: what two laptops changed at once, for a person to settle.

Each conflict says what the other laptop wrote that was not applied (the first change in
the day service's order was kept). The person re-enters what matters in the record itself
and then marks the conflict resolved, with a note; both steps are recorded.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.services.context import SignedIn

KINDS = {
    "edited_elsewhere": "Changed on two laptops at once",
    "username_taken": "The same username enrolled twice",
    "handover_clash": "A handover item acknowledged or returned twice at once",
    "signoff_clash": "Approved and returned (or approved twice) on two laptops at once",
}


def describe(conflict) -> str:  # type: ignore[no-untyped-def]
    title = KINDS.get(conflict.kind, conflict.kind)
    lines = [f"{title} — {conflict.stream_kind} {conflict.stream_id[:8]}",
             f"Raised {show_local(conflict.raised_at)}"]  # fmt: skip
    changes = conflict.detail.get("changes")
    if isinstance(changes, dict):
        lines.append("Not applied (written on the other laptop):")
        lines += [f"  {name}: {value}" for name, value in sorted(changes.items())]
    elif conflict.detail:
        lines += [f"  {name}: {value}" for name, value in sorted(conflict.detail.items())]
    return "\n".join(lines)


class ConflictsDialog(QDialog):
    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Conflicts"))
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr(
            "Two laptops changed the same thing before either had synced. The change that "
            "reached the day service first was kept; the other is shown here. Put right "
            "what matters in the record, then mark the conflict resolved (Return).")))  # fmt: skip
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Open conflicts"))
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("What the other laptop wrote"))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.detail, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.resolve_button = buttons.addButton(
            self.tr("Mark &resolved…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.resolve_button.clicked.connect(self.resolve)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(self._show)
        self.list.itemActivated.connect(lambda _item: self.resolve())
        self.refresh()

    def refresh(self) -> None:
        from duty_desk.services import sync

        self.list.clear()
        self.conflicts = sync.list_conflicts(self.session)
        for conflict in self.conflicts:
            title = KINDS.get(conflict.kind, conflict.kind)
            self.list.addItem(QListWidgetItem(f"{show_local(conflict.raised_at)}  {title}"))
        if self.conflicts:
            self.list.setCurrentRow(0)
        else:
            self.detail.setPlainText(self.tr("No conflicts to look at."))
        self.resolve_button.setEnabled(bool(self.conflicts))

    def _show(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.conflicts):
            self.detail.setPlainText(describe(self.conflicts[row]))

    def resolve(self) -> None:
        from duty_desk.services import sync

        row = self.list.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        note, ok = QInputDialog.getText(
            self, self.tr("Mark resolved"), self.tr("What was done about it?")
        )
        if not ok:
            return
        try:
            sync.resolve_conflict(self.session, self.conflicts[row].event_id, note)
        except Exception as error:
            QMessageBox.warning(self, self.tr("Not resolved"), str(error))
        self.refresh()
