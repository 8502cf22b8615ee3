"""The row under a custody case's timeline that adds (or corrects) one step, by keyboard.

Type the first letters of what happened, Tab, the time (it starts at now: type day, month,
year, hour and minute as digits), the placement (from the directory, completing on any part
of its name, or typed as it is), its answer, who, a note; Return adds the step and the row
starts again with focus on what happened. A time in the hour the clocks showed twice (the
last Sunday of October) asks which one was meant; a time the clocks skipped (the last
Sunday of March) is refused here, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from duty_desk.domain import custody
from duty_desk.domain.clock import LONDON
from duty_desk.domain.custody_choices import ANSWERS, STEP_KINDS
from duty_desk.domain.custody_records import Provider
from duty_desk.domain.enquiry import Problem
from duty_desk.domain.events import format_instant
from duty_desk.ui.custody_case_fields import problem_words
from duty_desk.ui.custody_timeline import time_text
from duty_desk.ui.enquiry_fields_widgets import ChoiceField, LineField
from duty_desk.ui.enquiry_instant import InstantField
from duty_desk.ui.enquiry_sections import FieldProblem

Clock = Callable[[], datetime]

PLACEMENT_KINDS = frozenset({"placement_approached", "accommodation_identified"})
WHO_KINDS = frozenset(
    {"response_given", "aa_requested", "aa_arrived", "transport_arranged", "review", "escalated"}
)
_RETURN = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def second_of(field: InstantField) -> str:
    """The time typed in ``field`` taken as the second of a repeated hour (GMT), as UTC text."""
    shown = field.edit.dateTime()
    day, time = shown.date(), shown.time()
    wall = datetime(
        day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=LONDON, fold=1
    )
    return format_instant(wall.astimezone(UTC))


class PlacementBox(QComboBox):
    """A placement from the directory (completing on any part of the name) or typed freely."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(self.tr("Placement"))
        self.setMinimumContentsLength(22)
        self.providers: dict[str, Provider] = {}

    def set_providers(self, providers: Sequence[Provider]) -> None:
        self.providers = {p.name.casefold(): p for p in providers}
        self.clear()
        self.addItem("", None)
        for provider in providers:
            self.addItem(provider.name, provider.id)
        completer = QCompleter([p.name for p in providers], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.setEditText("")

    def provider(self) -> Provider | None:
        """The directory entry named, when the text is one (any case)."""
        return self.providers.get(self.currentText().strip().casefold())

    def about(self) -> str:
        """What the directory says of the placement named, in words."""
        text = self.currentText().strip()
        if not text:
            return ""
        found = self.provider()
        if found is None:
            return self.tr("Not in the directory: kept as typed.")
        parts = [
            self.tr("Takes PACE transfers")
            if found.accepts_pace
            else self.tr("Does NOT take PACE transfers"),
            self.tr("Secure") if found.secure else self.tr("Not secure"),
        ]
        if found.phone:
            parts.append(found.phone)
        return " · ".join(parts)


class StepEntry(QGroupBox):
    """The row that adds (or corrects) one step; ``submitted`` carries the step to store."""

    submitted = Signal(dict)
    cancelled = Signal()

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.correcting: str | None = None  # the id of the step being corrected
        self.question: QMessageBox | None = None
        self.kind = ChoiceField(self.tr("What happened"), STEP_KINDS)
        self.kind.setItemText(0, self.tr("— what happened? —"))
        self.when = InstantField(self.tr("Time of the step"), clock)
        self.placement = PlacementBox()
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.answer = ChoiceField(self.tr("Answer"), ANSWERS)
        self.by = LineField(self.tr("Who"))
        self.note = LineField(self.tr("Note"), custody.NOTE_MAX)
        self.add_button = QPushButton(self.tr("Add step   Return"))
        self.add_button.setAccessibleName(self.tr("Add the step (Return)"))
        self.add_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(self.tr("Cancel correction   Esc"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the correction (Escape)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.problem = FieldProblem()
        self._build()
        for widget in self.inputs():
            widget.installEventFilter(self)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.when.changed.connect(self._time_changed)
        self.placement.editTextChanged.connect(self._placement_changed)
        self.reset()

    def _build(self) -> None:
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.labels: dict[str, QLabel] = {}
        rows = (
            (("kind", self.tr("&Step"), self.kind), ("when", self.tr("T&ime"), self.when)),
            (("placement", self.tr("P&lacement"), self.placement), ("answer", "", self.answer)),
            (("by", self.tr("W&ho"), self.by), ("note", self.tr("Not&e"), self.note)),
        )
        for row, pair in enumerate(rows):
            for column, (name, text, widget) in enumerate(pair):
                label = QLabel(text or self.tr("A&nswer"))
                label.setBuddy(widget)
                self.labels[name] = label
                grid.addWidget(label, row, column * 2)
                grid.addWidget(widget, row, column * 2 + 1)
        grid.addWidget(self.about, 3, 1, 1, 3)
        grid.addWidget(self.problem, 4, 0, 1, 4)
        grid.addWidget(self.add_button, 0, 4)
        grid.addWidget(self.cancel_button, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)
        for name in ("placement", "answer", "by"):
            for widget in (self.labels[name], self._widget(name)):
                policy = widget.sizePolicy()
                policy.setRetainSizeWhenHidden(True)  # the row does not jump about
                widget.setSizePolicy(policy)

    def _widget(self, name: str) -> QWidget:
        return {"placement": self.placement, "answer": self.answer, "by": self.by}[name]

    def inputs(self) -> list[QWidget]:
        found: list[QWidget] = [self.kind, self.when.edit, self.placement]
        line = self.placement.lineEdit()
        if line is not None:
            found.append(line)
        return [*found, self.answer, self.by, self.note]

    def focus_chain(self) -> list[QWidget]:
        return [
            self.kind,
            *self.when.focus_chain(),
            self.placement,
            self.answer,
            self.by,
            self.note,
            self.add_button,
            self.cancel_button,
        ]

    def set_providers(self, providers: Sequence[Provider]) -> None:
        self.placement.set_providers(providers)

    # --- keyboard ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched is self.kind:
            self.kind.view().keyboardSearch("")  # letters typed now start a new search
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if (
                event.key() in _RETURN
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ):
                self.submit()
                return True
            if event.key() == Qt.Key.Key_Escape and self.correcting is not None:
                self.cancel()
                return True
        return False

    # --- what the row shows -----------------------------------------------------------

    def _kind_changed(self) -> None:
        kind = self.kind.value()
        self._show("placement", kind in PLACEMENT_KINDS)
        self._show("answer", kind == "placement_approached")
        self._show("by", kind in WHO_KINDS)
        self._placement_changed()

    def _show(self, name: str, visible: bool) -> None:
        self.labels[name].setVisible(visible)
        self._widget(name).setVisible(visible)

    def _placement_changed(self) -> None:
        shown = self.kind.value() in PLACEMENT_KINDS
        self.about.setText(self.placement.about() if shown else "")

    def _time_changed(self) -> None:
        self.show_message(self.time_hint())

    def time_hint(self) -> str:
        """Says, as the time is typed, that it needs asking about or cannot be."""
        if self.when.ambiguous():
            at = self.when.edit.dateTime().toString("HH:mm")
            return self.tr(
                "%1 happened twice that night (the clocks went back): you will be asked which."
            ).replace("%1", at)
        return self.when.problem() or ""

    def show_message(self, text: str) -> None:
        self.problem.show_lines([text] if text else [])

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Why the step was refused, in plain words; focus goes to the first field named."""
        self.problem.show_lines([problem_words(p) for p in problems])
        targets = {"kind": self.kind, "at": self.when.edit, "placement": self.placement}
        targets |= {"answer": self.answer, "by": self.by, "note": self.note}
        first = next((targets[p.field] for p in problems if p.field in targets), self.kind)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the step ---------------------------------------------------------------------

    def step(self, at: str | None = None) -> dict[str, Any]:
        """The step as ``add_step`` takes it: only what applies to its kind."""
        kind = self.kind.value()
        found: dict[str, Any] = {"kind": kind, "at": at or self.when.value()}
        if kind in PLACEMENT_KINDS and self.placement.currentText().strip():
            found["placement"] = self.placement.currentText().strip()
            provider = self.placement.provider()
            if provider is not None:
                found["provider_id"] = provider.id
        if kind == "placement_approached":
            found["answer"] = self.answer.value()
        if kind in WHO_KINDS or not self.by.isHidden():
            found["by"] = self.by.value()
        found["note"] = self.note.value()
        return self._kept({k: v for k, v in found.items() if v is not None})

    def _kept(self, found: dict[str, Any]) -> dict[str, Any]:
        """A correction keeps what the row cannot show as stored: a note's line breaks, and
        the directory entry of a placement retired since (its name is unchanged)."""
        loaded = self._loaded
        if self.correcting is None or loaded is None:
            return found
        if found.get("note") == " ".join(str(loaded.get("note", "")).split()):
            found["note"] = loaded["note"]
        same_place = found.get("placement") == loaded.get("placement")
        if same_place and "provider_id" in loaded and "provider_id" not in found:
            found["provider_id"] = loaded["provider_id"]
        return found

    def submit(self) -> None:
        """Return: a skipped time is refused here; a repeated one asks which; else submitted."""
        if self.when.problem() and not self.when.ambiguous():
            self.show_message(self.when.problem() or "")
            self.when.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.when.ambiguous():
            self._ask_which()
            return
        if self.correcting is None and not self.when.touched:
            self.when.set_now()  # a time left as it was when the row was last reset is now
        self.submitted.emit(self.step())

    def _ask_which(self) -> None:
        at = self.when.edit.dateTime().toString("HH:mm")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Which %1? — Duty Desk").replace("%1", at),
            self.tr(
                "%1 happened twice that night: the clocks went back from 02:00 to 01:00."
            ).replace("%1", at),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(self.tr("Which one was it?"))
        first = box.addButton(
            self.tr("&First %1 (BST, before the clocks went back)").replace("%1", at),
            QMessageBox.ButtonRole.AcceptRole,
        )
        second = box.addButton(
            self.tr("Se&cond %1 (GMT, after the clocks went back)").replace("%1", at),
            QMessageBox.ButtonRole.AcceptRole,
        )
        box.setDefaultButton(first)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        self.first_button, self.second_button = first, second
        first_at, second_at = self.when.value(), second_of(self.when)

        def answered(button: QAbstractButton) -> None:
            self.question = None
            if button is first:
                self.submitted.emit(self.step(first_at))
            elif button is second:
                self.submitted.emit(self.step(second_at))
            else:
                self.when.edit.setFocus(Qt.FocusReason.OtherFocusReason)

        box.buttonClicked.connect(answered)
        self.question = box
        box.open()

    def reset(self) -> None:
        """Empty again, the time now, focus on what happened (after adding or cancelling)."""
        self.correcting = None
        self._loaded: dict[str, Any] | None = None
        self.setTitle(self.tr("Add what happened — Return adds it"))
        self.kind.set_value(None)
        self.when.set_now()
        self.placement.setEditText("")
        self.answer.set_value("awaiting")
        self.by.clear()
        self.note.clear()
        self.cancel_button.hide()
        self.add_button.setText(self.tr("Add step   Return"))
        self.show_message("")
        self._kind_changed()
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def load(self, step: dict[str, Any]) -> None:
        """Fill the row with a step to correct; Return saves the correction, Escape cancels."""
        self.reset()
        self.correcting = step["id"]
        self._loaded = step
        label = STEP_KINDS.get(step["kind"], step["kind"])
        self.setTitle(
            self.tr("Correcting “%1” at %2 — Return saves the correction, Escape cancels")
            .replace("%1", self.tr(label))
            .replace("%2", time_text(step["at"]))
        )
        self.kind.set_value(step["kind"])
        self.when.set_value(step["at"])
        self.placement.setEditText(step.get("placement", ""))
        self.answer.set_value(step.get("answer", "awaiting"))
        self.by.setText(step.get("by", ""))
        self.note.setText(step.get("note", ""))
        if step.get("by"):  # whoever was recorded stays in sight, whatever the kind
            self._show("by", True)
        self.add_button.setText(self.tr("Save correction   Return"))
        self.cancel_button.show()
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        self.reset()
        self.cancelled.emit()
