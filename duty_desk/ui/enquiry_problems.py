"""The problems panel of the enquiry form: a summary line and a list whose items take
you to the field (Enter or a click). The same problems also show under each field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from duty_desk.domain.enquiry import Problem
from duty_desk.domain.enquiry_fields import FIELDS
from duty_desk.ui.enquiry_sections import in_words

_Index = QModelIndex | QPersistentModelIndex
SUMMARY_STYLE = (
    "QLabel#problem-summary { background: #fff3cd; color: #4d3800; border: 1px solid #e0b100;"
    " padding: 6px 10px; font-weight: 600; }"
)


FIELD_ORDER = {name: position for position, name in enumerate(FIELDS)}


def in_form_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in the order its fields come in the form."""
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: FIELD_ORDER.get(p.field, -1))


class ProblemsModel(QAbstractListModel):
    FIELD_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[str, str]] = []  # (field, what to show)

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        field, text = self._lines[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return text
        if role == self.FIELD_ROLE:
            return field
        return None


class ProblemsPanel(QWidget):
    """Hidden when there is nothing to put right."""

    field_chosen = Signal(str)

    def __init__(self, section_of: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._section_of = section_of
        self.summary = QLabel()
        self.summary.setObjectName("problem-summary")
        self.summary.setStyleSheet(SUMMARY_STYLE)
        # One line, not wrapped: a wrapping label would make the panel claim its full height.
        self.model = ProblemsModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(self.tr("Things to put right: press Enter to go to one"))
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.activated.connect(self._chosen)
        self.list.clicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.hide()

    def _chosen(self, index: QModelIndex) -> None:
        self.field_chosen.emit(index.data(ProblemsModel.FIELD_ROLE))

    def show_problems(self, heading: str, problems: list[Problem]) -> None:
        """``heading`` says what happened ("Saved.", "Not decided."); the count follows."""
        lines = []
        for problem in problems:
            section = self._section_of(problem.field)
            text = in_words(problem)
            lines.append((problem.field, f"{text}   ({section})" if section else text))
        self.model.set_lines(lines)
        if len(problems) == 1:
            count = self.tr("1 thing to put right:")
        else:
            count = self.tr("%1 things to put right:").replace("%1", str(len(problems)))
        self.summary.setText(f"{heading} {count}")
        self.setVisible(bool(lines))

    def text(self) -> str:
        """The summary and every line, as shown (for tests and screen readers)."""
        return "\n".join([self.summary.text(), *(text for _, text in self.model._lines)])
