"""Editors for the kinds of enquiry field, each producing content the services accept as is.

Every editor has ``value()`` (the JSON value stored, or None when empty), ``set_value``,
a ``changed`` signal, ``focus_chain()`` (its focusable parts, in tab order) and, where
typing can be unreadable (a date, an age), ``problem()`` saying so in plain words.
The instant editor is in ``enquiry_instant`` (re-exported here); the timestamped-list and
further-children editors are in ``enquiry_list_editors``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QPalette,
    QRegularExpressionValidator,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from duty_desk.domain.clock import LONDON
from duty_desk.domain.enquiry_fields import LINE_MAX, TEXT_MAX
from duty_desk.ui.enquiry_instant import InstantField

__all__ = [
    "AgeField",
    "ChecklistField",
    "ChecklistModel",
    "ChoiceField",
    "DateField",
    "InstantField",
    "LineField",
    "TextField",
    "YesNoField",
    "parse_date",
    "plain_text",
]

Clock = Callable[[], datetime]
_Index = QModelIndex | QPersistentModelIndex


def plain_text(text: str, *, multiline: bool) -> str:
    """Control characters (from a paste) become spaces; the services refuse them."""
    keep = "\n\t" if multiline else ""
    cleaned = "".join(
        c if c in keep or unicodedata.category(c) not in ("Cc", "Cs") else " " for c in text
    )
    return cleaned.strip()


class LineField(QLineEdit):
    changed = Signal()

    def __init__(self, name: str, limit: int = LINE_MAX, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(limit)
        self.setAccessibleName(name)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return plain_text(self.text(), multiline=False) or None

    def set_value(self, value: str | None) -> None:
        self.setText(value or "")

    def focus_chain(self) -> list[QWidget]:
        return [self]


class TextField(QPlainTextEdit):
    """Paragraphs; Tab moves on (it does not type a tab); never longer than ``TEXT_MAX``."""

    changed = Signal()

    def __init__(self, name: str, lines: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * lines + 14)
        self.textChanged.connect(self._changed)

    def _changed(self) -> None:
        text = self.toPlainText()
        if len(text) > TEXT_MAX:  # a paste too long to store: keep what fits, say so
            self.setPlainText(text[:TEXT_MAX])
            self.moveCursor(self.textCursor().MoveOperation.End)
            self.setToolTip(
                self.tr("Cut to the most it can hold (%1 characters).").replace(
                    "%1", f"{TEXT_MAX:,}"
                )
            )
            return
        self.changed.emit()

    def value(self) -> str | None:
        return plain_text(self.toPlainText(), multiline=True) or None

    def set_value(self, value: str | None) -> None:
        self.setPlainText(value or "")

    def focus_chain(self) -> list[QWidget]:
        return [self]


class ChoiceField(QComboBox):
    """One of a list, or nothing chosen yet. Typing the first letters picks an item."""

    changed = Signal()

    def __init__(
        self, name: str, options: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.addItem(self.tr("— not chosen —"), None)
        for key, label in options.items():
            self.addItem(self.tr(label), key)
        self.setMaxVisibleItems(min(self.count(), 30))
        self.currentIndexChanged.connect(self.changed)

    def value(self) -> Any:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        found = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(found, 0))

    def focus_chain(self) -> list[QWidget]:
        return [self]


class YesNoField(ChoiceField):
    """Yes, no, or not answered (which is not the same as no)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, {"yes": "Yes", "no": "No"}, parent)
        self.setItemText(0, self.tr("— not answered —"))

    def value(self) -> bool | None:
        data = self.currentData()
        return None if data is None else data == "yes"

    def set_value(self, value: Any) -> None:
        super().set_value(None if value is None else ("yes" if value else "no"))


_DATE_PARTS = re.compile(r"^\s*(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{2}|\d{4})\s*$")


def parse_date(text: str, today: date) -> date | None:
    """dd/mm/yyyy (also with . or -, or 8 digits); two-digit years are this century or last."""
    text = text.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:2]}/{text[2:4]}/{text[4:]}"
    match = _DATE_PARTS.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy, or left empty."""

    changed = Signal()

    def __init__(self, name: str, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.setAccessibleName(name)
        self.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.setMaxLength(10)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9./\- ]*"), self))
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 24)
        self.textChanged.connect(self.changed)
        self.editingFinished.connect(self._tidy)

    def _date(self) -> date | None:
        return parse_date(self.text(), self._clock().astimezone(LONDON).date())

    def _tidy(self) -> None:
        found = self._date()
        if found is not None:
            self.setText(found.strftime("%d/%m/%Y"))

    def value(self) -> str | None:
        found = self._date()
        return found.isoformat() if found else None

    def set_value(self, value: str | None) -> None:
        self.setText(date.fromisoformat(value).strftime("%d/%m/%Y") if value else "")

    def problem(self) -> str | None:
        if self.text().strip() and self._date() is None:
            return self.tr(
                "“%1” is not a date: type it as day/month/year, like 02/03/2014."
            ).replace("%1", self.text().strip())
        return None

    def focus_chain(self) -> list[QWidget]:
        return [self]


class AgeField(QLineEdit):
    """Whole years, 0 to 150, or empty."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setMaxLength(3)
        self.setPlaceholderText(self.tr("years"))
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}"), self))
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000") + 40)
        self.textChanged.connect(self.changed)

    def value(self) -> int | None:
        text = self.text().strip()
        return int(text) if text and int(text) <= 150 else None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))

    def problem(self) -> str | None:
        text = self.text().strip()
        if text and int(text) > 150:
            return self.tr("An age of %1 cannot be right: give whole years.").replace("%1", text)
        return None

    def focus_chain(self) -> list[QWidget]:
        return [self]


class ChecklistModel(QAbstractListModel):
    """Several ids from a list, each a checkable row (Space toggles the current one)."""

    KEY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, options: Mapping[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._options = list(options.items())
        self._checked: set[str] = set()
        self._read_only = False

    def set_read_only(self) -> None:
        self._read_only = True

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._options)

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._options):
            return None
        key, label = self._options[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr(label)
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if key in self._checked else Qt.CheckState.Unchecked
        if role == self.KEY_ROLE:
            return key
        if role == Qt.ItemDataRole.FontRole and key in self._checked:
            font = QFont()
            font.setBold(True)  # what is ticked stands out at a glance
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self._read_only else flags | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or self._read_only:
            return False
        key = self._options[index.row()][0]
        if getattr(value, "value", value) == Qt.CheckState.Checked.value:
            self._checked.add(key)
        else:
            self._checked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def checked(self) -> list[str]:
        return [key for key, _ in self._options if key in self._checked]

    def set_checked(self, keys: list[str]) -> None:
        self._checked = set(keys)
        if self._options:
            self.dataChanged.emit(self.index(0), self.index(len(self._options) - 1))


def _visible_boxes(current: QPalette) -> QPalette:
    """Fusion draws a tick box's edge from the Window colour, which vanishes in the dark
    appearance; seven parts text to three parts background shows in both."""
    text, base = current.color(QPalette.ColorRole.Text), current.color(QPalette.ColorRole.Base)
    mixed = QColor(
        round(0.7 * text.red() + 0.3 * base.red()),
        round(0.7 * text.green() + 0.3 * base.green()),
        round(0.7 * text.blue() + 0.3 * base.blue()),
    )
    palette = QPalette()  # only this role: the rest still follows the appearance
    palette.setColor(QPalette.ColorRole.Window, mixed)
    return palette


class ChecklistField(QListView):
    """The concern categories in columns: arrow keys move, Space ticks, typing jumps to a label."""

    changed = Signal()

    def __init__(
        self, name: str, options: Mapping[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setPalette(_visible_boxes(self.palette()))
        self.model_ = ChecklistModel(options, self)
        self.setModel(self.model_)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = max(
            (metrics.horizontalAdvance(self.tr(label)) for label in options.values()), default=0
        )
        self.setGridSize(QSize(widest + 44, metrics.lineSpacing() + 10))
        self._full = 6 * self.gridSize().height()
        self.model_.dataChanged.connect(self.changed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Tall enough to show every item at the width it has; on a small screen it may
        shrink to three rows (and scroll) rather than be cut off."""
        grid = self.gridSize()
        columns = max(1, self.viewport().width() // grid.width())
        rows = -(-self.model_.rowCount() // columns)
        edges = 2 * self.frameWidth() + 4
        self._full = rows * grid.height() + edges
        self.setMinimumHeight(min(rows, 3) * grid.height() + edges)
        self.setMaximumHeight(self._full)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._full)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid():
            self.setCurrentIndex(self.model_.index(0))

    def value(self) -> list[str] | None:
        return self.model_.checked() or None

    def set_value(self, value: list[str] | None) -> None:
        self.model_.set_checked(list(value or []))

    def focus_chain(self) -> list[QWidget]:
        return [self]
