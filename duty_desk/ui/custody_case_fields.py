"""The custody case's fields as editors, placed on the case window's tabs by section.

One editor per entry of ``domain.custody.FIELDS`` outside the outcome (the outcome is
recorded by closing the case, in its own dialog). Labels come from ``Field.label`` with
Alt+letter mnemonics that never clash with the tabs'; what is wrong with a field shows
under it in plain words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from duty_desk.domain import custody
from duty_desk.domain.enquiry import Problem
from duty_desk.domain.enquiry_fields import Field, Kind
from duty_desk.ui.enquiry_fields_widgets import (
    AgeField,
    ChoiceField,
    DateField,
    LineField,
    TextField,
    YesNoField,
)
from duty_desk.ui.enquiry_sections import FieldProblem, with_mnemonic, with_problem_line

Clock = Callable[[], datetime]

DETAIL_FIELDS = {n: f for n, f in custody.FIELDS.items() if n not in custody.OUTCOME_FIELDS}
PLACEHOLDERS = {
    "custody_suite": "For example: Central police station custody suite",
    "officer_contact": "Phone or email to reach the officer tonight",
    "looked_after_by": "The council that looks after them, if not this one",
    "home_council": "Only if they live outside this council's area",
}
ORDER = {name: position for position, name in enumerate(custody.FIELDS)}


def problem_words(problem: Problem) -> str:
    """A problem as a sentence: "Age at charge is 19: PACE s.38(6) transfers are ..."."""
    message = problem.message
    if message[:1].islower():
        return f"{custody.label(problem.field)} {message}"
    return message


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in the order its fields come on the case."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: ORDER.get(p.field, len(ORDER)))


class CaseFields(QObject):
    """The editors, the pages they sit on, and the content they hold."""

    edited = Signal()

    def __init__(self, clock: Clock, reserved: set[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._reserved = set(reserved)  # the tabs' Alt+letters
        self._loading = False
        self.editors: dict[str, Any] = {}
        self.problems: dict[str, FieldProblem] = {}
        self.boxes: dict[str, QWidget] = {}
        self.pages: list[QScrollArea] = []
        for field in DETAIL_FIELDS.values():
            self._add_editor(field)

    # --- building ---------------------------------------------------------------------

    def _add_editor(self, field: Field) -> None:
        editor = self._editor(field)
        editor.changed.connect(self._changed)
        self.boxes[field.name], self.problems[field.name] = with_problem_line(editor)
        self.editors[field.name] = editor

    def _editor(self, field: Field) -> Any:
        label, kind = self.tr(field.label), field.kind
        if kind is Kind.LINE:
            line = LineField(label)
            line.setPlaceholderText(self.tr(PLACEHOLDERS.get(field.name, "")))
            return line
        if kind is Kind.TEXT:
            text = TextField(label, 3)
            text.setMaximumHeight(text.fontMetrics().lineSpacing() * 6 + 14)  # not a page each
            return text
        if kind is Kind.DATE:
            return DateField(label, self._clock)
        if kind is Kind.AGE:
            age = AgeField(label)
            age.setPlaceholderText(self.tr("10 to 17"))
            return age
        if kind is Kind.YES_NO:
            return YesNoField(label)
        return ChoiceField(label, field.options or {})

    def page(self, sections: tuple[str, ...]) -> QScrollArea:
        """One tab's page: a group per section, side by side when there are two."""
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.setContentsMargins(12, 12, 12, 12)
        row.setSpacing(18)
        used = set(self._reserved)
        for section in sections:
            row.addWidget(self._group(section, used), 1, Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName(self.tr(" and ").join(self.tr(s) for s in sections))
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        self.pages.append(scroll)
        return scroll

    def _group(self, section: str, used: set[str]) -> QGroupBox:
        group = QGroupBox(self.tr(section))
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        for name, field in DETAIL_FIELDS.items():
            if field.section != section:
                continue
            label = QLabel(with_mnemonic(self.tr(field.label), used))
            label.setBuddy(self.editors[name])
            label.setWordWrap(True)
            label.setMinimumWidth(190)
            if field.kind is Kind.TEXT:
                form.addRow(label)
                form.addRow(self.boxes[name])
            else:
                form.addRow(label, self.boxes[name])
        return group

    def focus_chain(self) -> list[QWidget]:
        return [self.editors[name] for name in DETAIL_FIELDS]

    # --- content ----------------------------------------------------------------------

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def content(self) -> dict[str, Any]:
        """What the fields hold, as ``save_case`` takes it: empty fields left out."""
        found = {name: editor.value() for name, editor in self.editors.items()}
        return {name: value for name, value in found.items() if value is not None}

    def set_content(self, content: Mapping[str, Any]) -> None:
        self._loading = True
        try:
            for name, editor in self.editors.items():
                editor.set_value(content.get(name))
        finally:
            self._loading = False

    def input_problems(self) -> list[Problem]:
        """Typing that cannot be read as what the field holds (a date, an age)."""
        found = []
        for name, editor in self.editors.items():
            problem = editor.problem() if hasattr(editor, "problem") else None
            if problem:
                found.append(Problem(name, problem))
        return found

    # --- problems, focus, read-only ---------------------------------------------------

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Each problem under its field (problems of no field here are not shown here)."""
        by_field: dict[str, list[str]] = defaultdict(list)
        for problem in problems:
            if problem.field in self.problems:
                by_field[problem.field].append(problem_words(problem))
        for name, label in self.problems.items():
            label.show_lines(by_field.get(name, []))

    def first_on(self, page: QWidget | None) -> str | None:
        """The first field on a tab's page (where Ctrl+1 and the like put the cursor)."""
        return next(
            (n for n in DETAIL_FIELDS if page is not None and self.page_of(n) is page), None
        )

    def page_of(self, name: str) -> QScrollArea | None:
        box = self.boxes.get(name)
        return next((page for page in self.pages if box and page.isAncestorOf(box)), None)

    def focus_field(self, name: str) -> None:
        page = self.page_of(name)
        if page is not None:
            page.ensureWidgetVisible(self.boxes[name])
            self.editors[name].setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self) -> None:
        """For roles that may read but not record: text stays selectable, nothing edits."""
        for page in self.pages:
            for text in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit):
                text.setReadOnly(True)
            for spin in page.findChildren(QAbstractSpinBox):
                spin.setReadOnly(True)
            for control in page.findChildren(QComboBox) + page.findChildren(QAbstractButton):
                control.setEnabled(False)
