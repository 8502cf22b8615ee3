"""The handover inbox's view: teams with their items under them, and, below, the chosen
item in full (the list shows one line of each; at 3 a.m. nobody should squint at an
ellipsis)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QLabel, QTreeView, QWidget

from duty_desk.domain.clock import show_local
from duty_desk.domain.handover import HandoverItem, ItemState
from duty_desk.ui.handover_model import HandoverModel, state_words

_STYLE = (
    "QHeaderView::section { font-weight: 700; padding: 6px 4px; }"
    " QTreeView::item { padding: 5px 2px; }"
)
_DETAIL_STYLE = (
    "QLabel#handover-detail { border: 1px solid palette(mid); border-radius: 4px;"
    " padding: 8px; background: palette(base); }"
)
WIDE = {"state": 40, "acknowledged": 20}  # room for the icon, and for bold text


class InboxTree(QTreeView):
    """Teams (their row spanning the columns) with their items, always expanded; Enter or
    a double click on an item asks to act on it (``item_activated``)."""

    item_activated = Signal(object)
    item_chosen = Signal(object)  # the current item, or None

    def __init__(self, model: HandoverModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setStyleSheet(_STYLE)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)
        self.setItemsExpandable(False)
        self.setRootIsDecorated(False)
        self.setExpandsOnDoubleClick(False)
        self._size_columns(model)
        model.modelReset.connect(self._laid_out)
        self.activated.connect(self._activated)
        self.selectionModel().currentChanged.connect(self._current_changed)

    def _size_columns(self, model: HandoverModel) -> None:
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)  # overdue cells are bold: measure them so
        for number, column in enumerate(model.columns):
            title = metrics.horizontalAdvance(self.tr(column.title)) + 28
            sample = metrics.horizontalAdvance(column.sample) if column.sample else 0
            self.setColumnWidth(number, max(title, sample + WIDE.get(column.key, 24)))
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the summary

    def _laid_out(self) -> None:
        model = self.model()
        for row in range(model.rowCount()):
            self.setFirstColumnSpanned(row, QModelIndex(), True)
        self.expandAll()

    def _activated(self, index: QModelIndex) -> None:
        item = self._item(index)
        if item is not None:
            self.item_activated.emit(item)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.item_chosen.emit(self._item(current))

    def _item(self, index: QModelIndex) -> HandoverItem | None:
        model = self.model()
        assert isinstance(model, HandoverModel)
        return model.item_at(index.siblingAtColumn(0)) if index.isValid() else None

    def selected_item(self) -> HandoverItem | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isSelected(index):
            return None
        return self._item(index)

    def select_item(self, item_id: str) -> None:
        model = self.model()
        assert isinstance(model, HandoverModel)
        index = model.index_of(item_id)
        if index.isValid():
            self.setCurrentIndex(index)


class ItemDetail(QLabel):
    """The chosen item in full: what it is, what awaits, and where it stands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handover-detail")
        self.setStyleSheet(_DETAIL_STYLE)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(self.tr("The chosen item"))
        self.show_item(None, None)

    def show_item(self, item: HandoverItem | None, now: datetime | None) -> None:
        if item is None or now is None:
            text = self.tr("Choose an item to read it in full here.")
        else:
            text = detail_text(item, now)
        self.setText(text)
        self.setAccessibleDescription(text)


def detail_text(item: HandoverItem, now: datetime) -> str:
    lines = [
        f"{item.reference} — {item.item_kind.label}, for {item.receiving_team}: "
        f"{state_words(item, now)}",
        item.summary,
    ]
    if item.awaiting:
        lines.append("Still awaiting when handed over: " + "; ".join(item.awaiting))
    by = f" by {item.submitted_by}" if item.submitted_by else ""
    lines.append(
        f"Handed over{by} at {show_local(item.submitted_at)}; to be acknowledged by "
        f"{show_local(item.due_at)} (UK time)."
    )
    if item.state is ItemState.ACKNOWLEDGED and item.acknowledged_at is not None:
        said = f"Acknowledged by {item.acknowledged_name} at {show_local(item.acknowledged_at)}."
        if item.case_system_ref:
            said += f" Case system reference: {item.case_system_ref}."
        lines.append(said)
    if item.returned_reason and item.returned_at is not None:
        who = item.returned_by or "the day team"
        again = " It was submitted again since." if item.resubmitted else ""
        lines.append(
            f"Returned by {who} at {show_local(item.returned_at)}: {item.returned_reason}{again}"
        )
    return "\n".join(lines)
