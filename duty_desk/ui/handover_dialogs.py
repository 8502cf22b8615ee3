"""The handover's dialogs: acknowledge an item by name, return it with a reason, record
the case system's reference, export the acknowledged items, and submit the night.

Each runs its service call in the background (``signoff_dialogs.ActionDialog``): a refusal
shows the service's own words and keeps the dialog open with the typing; success closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.handover import HandoverItem
from duty_desk.services.handover import NightItem
from duty_desk.ui.handover_model import NightModel
from duty_desk.ui.signoff_dialogs import ActionDialog, CommentsDialog
from duty_desk.ui.widgets import add_row, line_edit


def _tr(text: str) -> str:
    return QCoreApplication.translate("HandoverDialogs", text)


def _about(item: HandoverItem) -> QLabel:
    text = f"{item.summary}"
    if item.awaiting:
        text += "\n\n" + _tr("Still awaiting when handed over:") + "\n"
        text += "\n".join(f"• {line}" for line in item.awaiting)
    return plain(text, _tr("About the item"))


def plain(text: str, name: str) -> QLabel:
    """A label that shows what people typed as typed (never as rich text)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    label.setAccessibleName(name)
    return label


def _bold(label: QLabel) -> None:
    font = label.font()
    font.setBold(True)
    label.setFont(font)


class AcknowledgeDialog(ActionDialog):
    """'Acknowledge EDT-… as Dana Day?': the person takes the item on, by name."""

    def __init__(
        self,
        item: HandoverItem,
        name: str,
        act: Callable[[str], Any],
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            _tr(
                "Acknowledge %1 for %2 as %3? Your name and the time are recorded and shown "
                "to the duty worker: from now on the day team holds this item."
            )
            .replace("%1", item.reference)
            .replace("%2", item.receiving_team)
            .replace("%3", name)
        )
        super().__init__(_tr("Acknowledge %1").replace("%1", item.reference), intro, parent)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        _bold(self.intro)
        self.form.addRow(_about(item))
        self.note = line_edit(self.tr("Note (optional)"))
        add_row(self.form, self.tr("&Note (optional)"), self.note)
        label = self.tr("&Acknowledge as %1").replace("%1", name)
        self.acknowledge_button = self.add_action(label, act)
        self.acknowledge_button.setDefault(True)  # Enter acknowledges
        self.note.setFocus()

    def values(self) -> tuple[Any, ...]:
        return (self.note.text(),)


class ReturnDialog(CommentsDialog):
    """Return an item to the duty worker; the reason is required."""

    def __init__(
        self, item: HandoverItem, act: Callable[[str], Any], parent: QWidget | None = None
    ) -> None:
        intro = _tr(
            "Return %1 to the duty worker who handed it over. Say what to put right: they see "
            "your reason, correct the record and submit it again."
        ).replace("%1", item.reference)
        super().__init__(_tr("Return %1").replace("%1", item.reference), intro, parent)
        self.form.addRow(_about(item))
        self.comments = self.comments_field(
            self.tr("&Reason (required)"), self.tr("What the duty worker should put right")
        )
        self.return_button = self.add_action(self.tr("&Return to the duty worker"), act)
        self.comments.setFocus()

    def _failed(self, error: Exception) -> None:
        super()._failed(error)
        if getattr(error, "field", None) == "reason":
            self.comments.setFocus()


class ReferenceDialog(ActionDialog):
    """The case system's reference for an acknowledged item."""

    def __init__(
        self, item: HandoverItem, act: Callable[[str], Any], parent: QWidget | None = None
    ) -> None:
        intro = _tr(
            "Record the case system's reference for %1, once it is carried into the case system."
        ).replace("%1", item.reference)
        super().__init__(
            _tr("Case system reference for %1").replace("%1", item.reference), intro, parent
        )
        self.reference = line_edit(self.tr("Case system reference"))
        self.reference.setMaxLength(80)
        self.reference.setText(item.case_system_ref or "")
        add_row(self.form, self.tr("&Case system reference"), self.reference)
        self.record_button = self.add_action(self.tr("&Record"), act)
        self.record_button.setDefault(True)
        self.reference.setFocus()

    def values(self) -> tuple[Any, ...]:
        return (self.reference.text(),)


class ExportDialog(ActionDialog):
    """Save the acknowledged items (one team's, or all) as JSON or CSV for the case system."""

    def __init__(
        self,
        teams: list[str],
        marking: str,
        act: Callable[[Path, str, str | None, bool], Any],
        parent: QWidget | None = None,
    ) -> None:
        intro = _tr(
            "Save the acknowledged items for the case system. The file is marked %1 at the "
            "top and bottom: keep it only where such files may be kept."
        ).replace("%1", marking)
        super().__init__(_tr("Export acknowledged items"), intro, parent)
        self.format = QComboBox()
        self.format.setAccessibleName(self.tr("Format"))
        self.format.addItem("JSON", "json")
        self.format.addItem("CSV", "csv")
        self.team = QComboBox()
        self.team.setAccessibleName(self.tr("Receiving team"))
        self.team.addItem(self.tr("All teams"), None)
        for team in teams:
            self.team.addItem(team, team)
        self.path = line_edit(self.tr("File"))
        self.choose = QPushButton(self.tr("C&hoose…"))
        self.choose.setAccessibleName(self.tr("Choose the file"))
        self.choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.overwrite = QCheckBox(self.tr("Replace the file if it exists"))
        self.overwrite.setAccessibleName(self.tr("Replace the file if it exists"))
        add_row(self.form, self.tr("&Format"), self.format)
        add_row(self.form, self.tr("&Team"), self.team)
        add_row(self.form, self.tr("F&ile"), holder)
        self.form.addRow(self.overwrite)
        self.export_button = self.add_action(self.tr("&Export"), act)
        self.export_button.setDefault(True)
        self.path.setFocus()

    def _choose(self) -> None:
        fmt = str(self.format.currentData())
        pattern = self.tr("%1 files (*.%2)").replace("%1", fmt.upper()).replace("%2", fmt)
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), "", pattern)
        if chosen:
            self.path.setText(chosen)

    def values(self) -> tuple[Any, ...]:
        from duty_desk.domain.errors import ValidationError

        text = self.path.text().strip()
        if not text:
            raise ValidationError(self.tr("Choose the file to save to."), "path")
        fmt = str(self.format.currentData())
        path = Path(text)
        if not path.suffix:
            path = path.with_suffix(f".{fmt}")
        return (path, fmt, self.team.currentData(), self.overwrite.isChecked())


class SubmitNightDialog(ActionDialog):
    """The night's items and what still awaits sign-off or confirmation, then a clear
    'Submit the night (N items)'."""

    def __init__(
        self,
        items: list[NightItem],
        act: Callable[[list[str]], Any],
        parent: QWidget | None = None,
    ) -> None:
        intro = _tr(
            "These go to the day team, each under its receiving team. A named person must "
            "acknowledge each by 09:00 on the next working day; you see their answers here."
        )
        super().__init__(_tr("Submit the night"), intro, parent)
        self.setMinimumSize(1000, 640)
        self.items = items
        self.model = NightModel(self)
        self.model.set_rows(items)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("What the night hands over"))
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(300)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.form.addRow(self.table)
        self.awaiting = plain(
            awaiting_text(items), self.tr("Still awaiting sign-off or confirmation")
        )
        _bold(self.awaiting)
        self.form.addRow(self.awaiting)
        count = len(items)
        label = self.tr(
            "&Submit the night (%1 item)" if count == 1 else "&Submit the night (%1 items)"
        )
        self.submit_button = self.add_action(label.replace("%1", str(count)), act)
        self.submit_button.setEnabled(bool(items))
        if not items:
            self.error.show_message(self.tr("Nothing to hand over: everything has gone already."))

    def values(self) -> tuple[Any, ...]:
        return ([item.item_id for item in self.items],)


def awaiting_text(items: list[NightItem]) -> str:
    waiting = [(item.reference, line) for item in items for line in item.awaiting]
    if not waiting:
        return _tr("Nothing awaits sign-off or confirmation.")
    lines = [_tr("Still awaiting sign-off or confirmation (the day team will see this):")]
    lines += [f"• {reference}: {line}" for reference, line in waiting]
    return "\n".join(lines)


def submitted_words(result: Any) -> str:
    """What the page says after a submission: how many, due when, and the sending."""
    count = len(result.submitted)
    said = _tr("Handed over %1 item" if count == 1 else "Handed over %1 items").replace(
        "%1", str(count)
    )
    said += _tr(", to be acknowledged by %1.").replace("%1", show_local(result.due_at))
    return f"{said} {result.sync_message}"
