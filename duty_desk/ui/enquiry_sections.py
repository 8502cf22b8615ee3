"""Every field of an enquiry as an editor: quick capture in one group, the rest in tabs.

``EnquiryFields`` builds one editor per entry of ``FIELDS`` (labels from ``Field.label``,
with buddies and mnemonics), reads and fills the whole content, shows problems under
the field they concern, and moves focus to a field by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.enquiry import Problem
from duty_desk.domain.enquiry_fields import FIELDS, QUICK, SECTIONS, Field, Kind
from duty_desk.ui.enquiry_fields_widgets import (
    AgeField,
    ChecklistField,
    ChoiceField,
    DateField,
    InstantField,
    LineField,
    TextField,
    YesNoField,
)
from duty_desk.ui.enquiry_list_editors import ChildrenEditor, EntriesEditor

MESSAGE_STYLE = (
    "QLabel#field-problem { background: #fde2e1; color: #6b0a0d; border-left: 4px solid #a4161a;"
    " padding: 3px 8px; }"
)
# Quick capture's Alt+letter keys; the tabs and the other fields get free letters.
QUICK_KEYS = {
    "received_at": "t",
    "channel": "h",
    "caller_name": "c",
    "caller_agency": "g",
    "child_name": "n",
    "child_dob": "b",
    "child_age": "e",
    "concerns": "r",
    "summary": "w",
}
BIG_TEXT = {"narrative", "rationale", "child_words", "household"}
WIDE = (Kind.TEXT, Kind.ENTRIES, Kind.CHILDREN)
PLACEHOLDERS = {
    "summary": "For example: police at the house after a neighbour heard shouting",
    "checks": "What was checked, with whom, and what was found",
    "actions": "What was done: visit, strategy discussion, placement, police, medical",
}


def with_mnemonic(label: str, used: set[str], wanted: str | None = None) -> str:
    """``label`` with ``&`` before a letter not yet ``used`` (a word's first letter if it can)."""
    text = label.replace("&", "&&")
    letters = [i for i, c in enumerate(text) if c.isascii() and c.isalpha()]
    starts = [i for i in letters if i == 0 or not text[i - 1].isalpha()]
    for i in starts + [i for i in letters if i not in starts]:
        letter = text[i].lower()
        if letter not in used and (wanted is None or letter == wanted):
            used.add(letter)
            return text[:i] + "&" + text[i:]
    return text


def in_words(problem: Problem) -> str:
    """A problem as a sentence: "Received at is in the future. Check the date and time."."""
    field = FIELDS.get(problem.field)
    label = field.label if field else problem.field
    message = problem.message
    return f"{label} {message}" if message[:1].islower() else message


class FieldProblem(QLabel):
    """What is wrong with one field, under it; hidden when nothing is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("field-problem")
        self.setStyleSheet(MESSAGE_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_lines(self, lines: list[str]) -> None:
        self.setText("\n".join(lines))
        self.setAccessibleName(self.text())
        self.setVisible(bool(lines))


def with_problem_line(editor: QWidget) -> tuple[QWidget, FieldProblem]:
    """The editor with the line under it that says what is wrong with it."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(editor)
    problem = FieldProblem()
    column.addWidget(problem)
    return box, problem


class EnquiryFields(QObject):
    """The editors, their layout, and the content they hold."""

    edited = Signal()
    identity_changed = Signal()  # the child's name or date of birth: look for earlier contacts

    def __init__(
        self,
        clock: Callable[[], datetime],
        decision_labels: Mapping[str, str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._decisions = decision_labels
        self._loading = False
        self.editors: dict[str, Any] = {}
        self.problems: dict[str, FieldProblem] = {}
        self.boxes: dict[str, QWidget] = {}
        for field in FIELDS.values():
            self._add_editor(field)
        self._used = set(QUICK_KEYS.values())
        self.quick = self._quick_capture()
        self.tabs = self._sections()

    # --- building ---------------------------------------------------------------------

    def _add_editor(self, field: Field) -> None:
        editor = self._editor(field)
        editor.changed.connect(lambda name=field.name: self._changed(name))
        self.boxes[field.name], self.problems[field.name] = with_problem_line(editor)
        self.editors[field.name] = editor

    def _editor(self, field: Field) -> Any:
        label, kind = self.tr(field.label), field.kind
        if kind is Kind.LINE:
            line = LineField(label)
            line.setPlaceholderText(self.tr(PLACEHOLDERS.get(field.name, "")))
            return line
        if kind is Kind.TEXT:
            return TextField(label, 7 if field.name in BIG_TEXT else 3)
        if kind is Kind.INSTANT:
            return InstantField(label, self._clock, optional=field.name != "received_at")
        if kind is Kind.DATE:
            return DateField(label, self._clock)
        if kind is Kind.AGE:
            return AgeField(label)
        if kind is Kind.YES_NO:
            return YesNoField(label)
        if kind is Kind.CHOICES:
            return ChecklistField(label, field.options or {})
        if kind is Kind.ENTRIES:
            return EntriesEditor(label, self._clock, self.tr(PLACEHOLDERS[field.name]))
        if kind is Kind.CHILDREN:
            return ChildrenEditor(label, self._clock)
        options = self._decisions if field.name == "decision_type" else field.options or {}
        return ChoiceField(label, options)

    def _label(self, name: str, used: set[str], wanted: str | None = None) -> QLabel:
        label = QLabel(with_mnemonic(self.tr(FIELDS[name].label), used, wanted))
        label.setBuddy(self.editors[name])
        label.setWordWrap(wanted is None)  # quick capture's labels stay on one line
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _quick_capture(self) -> QGroupBox:
        group = QGroupBox(self.tr("Quick capture"))
        grid = QGridLayout(group)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        top = Qt.AlignmentFlag.AlignTop

        def place(name: str, row: int, column: int, span: int = 1) -> None:
            grid.addWidget(self._label(name, set(), QUICK_KEYS[name]), row, column, top)
            grid.addWidget(self.boxes[name], row, column + 1, 1, span, top)

        place("received_at", 0, 0)
        place("channel", 0, 2)
        place("caller_name", 1, 0)
        place("caller_agency", 1, 2)
        place("child_name", 2, 0)
        grid.addWidget(self._label("child_dob", set(), QUICK_KEYS["child_dob"]), 2, 2, top)
        grid.addLayout(self._born(), 2, 3)
        place("concerns", 3, 0, 3)
        place("summary", 4, 0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return group

    def _born(self) -> QVBoxLayout:
        """Date of birth, or age, on one line; what is wrong with either below both."""
        line = QHBoxLayout()
        line.addWidget(self.editors["child_dob"])
        line.addSpacing(20)
        line.addWidget(self._label("child_age", set(), QUICK_KEYS["child_age"]))
        line.addWidget(self.editors["child_age"])
        line.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(line)
        column.addWidget(self.problems["child_dob"])
        column.addWidget(self.problems["child_age"])
        column.addStretch(1)
        return column

    def _sections(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setAccessibleName(self.tr("Sections of the enquiry"))
        tabs.setDocumentMode(True)
        self.section_titles = [with_mnemonic(self.tr(s), self._used) for s in SECTIONS[1:]]
        for section, title in zip(SECTIONS[1:], self.section_titles, strict=True):
            tabs.addTab(self._section_page(section), title)
        return tabs

    def _section_page(self, section: str) -> QScrollArea:
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(10)
        form.setContentsMargins(12, 12, 12, 12)
        used = set(self._used)
        for field in FIELDS.values():
            if field.section != section:
                continue
            label = self._label(field.name, used)
            if field.kind in WIDE:
                form.addRow(label)
                form.addRow(self.boxes[field.name])
            else:
                label.setMinimumWidth(240)
                form.addRow(label, self.boxes[field.name])
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName(self.tr(section))
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field; it follows
        return scroll

    def focus_chain(self) -> list[QWidget]:
        """Quick capture, then the section tabs, then the current section's fields."""
        chain: list[QWidget] = []
        for section in SECTIONS:
            for field in FIELDS.values():
                if field.section == section:
                    chain += self.editors[field.name].focus_chain()
            if section == QUICK:
                chain.append(self.tabs)  # its tab bar: Ctrl+Tab or the arrows change section
        return chain

    # --- content ----------------------------------------------------------------------

    def _changed(self, name: str) -> None:
        if self._loading:
            return
        self.edited.emit()
        if name in ("child_name", "child_dob"):
            self.identity_changed.emit()

    def content(self) -> dict[str, Any]:
        """What the form holds, as the services take it: empty fields left out."""
        found = {name: editor.value() for name, editor in self.editors.items()}
        return {name: value for name, value in found.items() if value is not None}

    def set_content(self, content: Mapping[str, Any]) -> None:
        self._loading = True
        try:
            for name, editor in self.editors.items():
                editor.set_value(content.get(name))
        finally:
            self._loading = False

    def commit_pending(self) -> None:
        """Lines typed below a list but not yet added become part of the list."""
        for name in ("checks", "actions", "other_children"):
            self.editors[name].commit_pending()

    def input_problems(self) -> list[Problem]:
        """Typing that cannot be read as what the field holds (a date, an age)."""
        found = []
        for name, editor in self.editors.items():
            problem = editor.problem() if hasattr(editor, "problem") else None
            if problem:
                found.append(Problem(name, problem))
        return found

    # --- problems and focus -----------------------------------------------------------

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Each problem under its field; each tab's title counts the problems inside it."""
        by_field: dict[str, list[str]] = defaultdict(list)
        for problem in problems:
            if problem.field in FIELDS:
                by_field[problem.field].append(in_words(problem))
        for name, label in self.problems.items():
            label.show_lines(by_field.get(name, []))
        for index, (section, title) in enumerate(
            zip(SECTIONS[1:], self.section_titles, strict=True)
        ):
            count = sum(len(by_field[n]) for n, f in FIELDS.items() if f.section == section)
            self.tabs.setTabText(index, f"{title} ({count})" if count else title)

    def set_read_only(self) -> None:
        """For roles that may read but not record: text stays selectable, nothing edits."""
        for area in (self.quick, self.tabs):
            for text in area.findChildren(QLineEdit) + area.findChildren(QPlainTextEdit):
                text.setReadOnly(True)
            for spin in area.findChildren(QAbstractSpinBox):
                spin.setReadOnly(True)
            for control in area.findChildren(QComboBox) + area.findChildren(QAbstractButton):
                control.setEnabled(False)
            for view in area.findChildren(QAbstractItemView):
                view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
                model = view.model()
                if hasattr(model, "set_read_only"):
                    model.set_read_only()

    def section_of(self, name: str) -> str:
        field = FIELDS.get(name)
        return self.tr(field.section) if field else ""

    def focus_field(self, name: str) -> None:
        editor = self.editors.get(name)
        if editor is None:
            return
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is not None and page.isAncestorOf(editor):
                self.tabs.setCurrentIndex(index)
                if isinstance(page, QScrollArea):
                    page.ensureWidgetVisible(self.boxes[name])
        target = editor.focus_chain()[0]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
