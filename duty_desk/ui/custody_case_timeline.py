"""The Timeline tab of the custody case window: the table, and the row that adds a step.

Return in the row adds the step (or saves the correction of the chosen one); in the
table, Ctrl+E or F2 loads the chosen step into the row to correct it, and Delete takes it
off the timeline after asking why. Every change goes through the window's ``write``, so
the case, the header and the clocks stay in step; a refused step says why in the row.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.custody import CustodyInvalid
from duty_desk.domain.custody_choices import STEP_KINDS
from duty_desk.domain.custody_records import Case
from duty_desk.services import custody as service
from duty_desk.services.context import SignedIn
from duty_desk.ui.custody_case_entry import StepEntry
from duty_desk.ui.custody_close import ReasonDialog, Write
from duty_desk.ui.custody_timeline import TimelineModel, time_text


class TimelinePage(QWidget):
    status = Signal(str)  # what to say in the window's status line

    def __init__(
        self,
        session: SignedIn,
        write: Write,
        opener: Callable[[QDialog], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._write = write
        self._open = opener
        self._steps: set[str] = set()
        self.model = TimelineModel(self)
        self.table = QTableView()
        self.entry = StepEntry(session.desk.clock)
        self._build()
        self.correct_action = self._action(self.tr("Correct step"), "Ctrl+E", self.correct_selected)
        self.correct_action.setShortcuts([QKeySequence("Ctrl+E"), QKeySequence("F2")])
        self.withdraw_action = self._action(
            self.tr("Take step off…"), "Delete", self.withdraw_selected
        )
        self.entry.submitted.connect(self.submit_step)
        self.entry.cancelled.connect(lambda: self.status.emit(self.tr("Correction cancelled.")))
        for first, second in pairwise([self.table, *self.entry.focus_chain()]):
            QWidget.setTabOrder(first, second)

    def _build(self) -> None:
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Timeline of the case"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        rows = self.table.fontMetrics().lineSpacing() + 10  # more of the night on screen
        self.table.verticalHeader().setDefaultSectionSize(rows)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(
            self.tr(
                "Choose a step and press Ctrl+E or F2 to correct it, or Delete to take it off "
                "the timeline (you will be asked why)."
            )
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)  # quiet: drawn in the muted colour
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 8, 8, 8)
        column.addWidget(self.table, 1)
        column.addWidget(hint)
        column.addWidget(self.entry)

    def _action(self, text: str, keys: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self.table)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.table.addAction(action)
        return action

    def show_case(self, case: Case, may_record: bool) -> None:
        self.model.set_steps(case.steps)
        self._steps = {step["id"] for step in case.steps}
        editable = may_record and case.open
        self.entry.setEnabled(editable)
        self.correct_action.setEnabled(editable)
        self.withdraw_action.setEnabled(editable)

    # --- adding and correcting --------------------------------------------------------

    def submit_step(self, step: dict[str, Any]) -> None:
        """Return in the entry row: add the step, or save the correction of the chosen one."""
        correcting = self.entry.correcting
        label = self.tr(STEP_KINDS.get(step.get("kind") or "", "the step"))
        before = set(self._steps)
        done = self.tr("Corrected “%1”.") if correcting else self.tr("Added “%1”.")

        def call(case: Case) -> Case:
            if correcting is None:
                return service.add_step(self._session, case.id, step, case.updated_at)
            return service.correct_step(self._session, case.id, correcting, step, case.updated_at)

        try:
            stored = self._write(call, done.replace("%1", label))
        except CustodyInvalid as error:
            self.entry.show_problems(error.problems)
            self.status.emit(self.tr("Not corrected.") if correcting else self.tr("Not added."))
            return
        if stored is None:
            self.entry.show_message(self.tr("Not stored: see the message at the top."))
            return
        self.entry.reset()
        added = next((s["id"] for s in stored.steps if s["id"] not in before), correcting)
        row = self.model.row_of(added or "")
        if row >= 0:
            self.table.scrollTo(self.model.index(row, 0))

    def selected_step(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        found = self.model.step_at(index.row()) if index.isValid() else None
        if found is None:
            self.status.emit(self.tr("Choose a step in the timeline first (the arrow keys move)."))
        return found

    def correct_selected(self) -> None:
        step = self.selected_step()
        if step is not None:
            self.entry.load(step)
            self.status.emit(self.tr("Correct the step below, then press Return."))

    # --- taking a step off ------------------------------------------------------------

    def withdraw_selected(self) -> None:
        step = self.selected_step()
        if step is None:
            return
        label = self.tr(STEP_KINDS.get(step["kind"], step["kind"]))
        dialog = ReasonDialog(
            self.tr("Take a step off the timeline"),
            self.tr("Why is “%1” at %2 being taken off the timeline?")
            .replace("%1", label)
            .replace("%2", time_text(step["at"])),
            self.tr("Take it off"),
            self,
        )

        def accepted() -> None:
            self._write(
                lambda c: service.withdraw_step(
                    self._session, c.id, step["id"], dialog.text(), c.updated_at
                ),
                self.tr("Took “%1” off the timeline.").replace("%1", label),
            )
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

        dialog.accepted.connect(accepted)
        self._open(dialog)
