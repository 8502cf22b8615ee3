"""Earlier contacts about the same child (same name and date of birth), shown beside quick
capture so nobody decides blind. Hidden when there are none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.records import PreviousContact
from duty_desk.services.enquiry_lists import previous_contacts
from duty_desk.ui.list_table_model import ListTableModel

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

_Index = QModelIndex | QPersistentModelIndex
PANEL_STYLE = (
    "QWidget#previous-contacts { background: #fff3cd; border: 1px solid #e0b100; }"
    " QLabel#previous-heading { color: #4d3800; font-weight: 700; padding: 4px 2px; }"
)


class PreviousContactsModel(ListTableModel):
    COLUMNS = ("Received", "Concerns", "Decision", "Reference")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PreviousContact] = []

    def set_contacts(self, contacts: list[PreviousContact]) -> None:
        self.set_rows(contacts)

    def contact(self, row: int) -> PreviousContact:
        return self.rows[row]

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._text(self.rows[index.row()], index.column())
        return None

    def _text(self, contact: PreviousContact, column: int) -> str:
        if column == 0:
            return show_local(contact.received_at)
        if column == 1:
            return contact.concerns or "—"
        if column == 2:
            return contact.decision or self.tr("Not decided yet (%1)").replace(
                "%1", contact.status.label
            )
        return contact.reference


class PreviousContactsPanel(QWidget):
    """``open_requested(enquiry id)`` when a line is activated (Enter or double-click)."""

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previous-contacts")
        self.setStyleSheet(PANEL_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.heading = QLabel()
        self.heading.setObjectName("previous-heading")
        # One line, not wrapped: a wrapping label would make the panel claim its full height.
        self.model = PreviousContactsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Earlier contacts about this child"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(
            lambda index: self.open_requested.emit(self.model.contact(index.row()).id)
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        self.hide()

    def look_up(
        self, session: SignedIn, content: Mapping[str, Any], exclude: str | None
    ) -> str | None:
        """Show earlier enquiries naming this child; a refusal comes back as its message."""
        name, born = content.get("child_name"), content.get("child_dob")
        if not name or not born:
            self.show_contacts([])
            return None
        try:
            found = previous_contacts(session, name, born, exclude=exclude)
        except DutyDeskError as error:
            return str(error)
        self.show_contacts(found)
        return None

    def show_contacts(self, contacts: list[PreviousContact]) -> None:
        self.model.set_contacts(contacts)
        if len(contacts) == 1:
            text = self.tr("1 earlier contact about this child (same name and date of birth)")
        else:
            text = self.tr("%1 earlier contacts about this child (same name and date of birth)")
            text = text.replace("%1", str(len(contacts)))
        self.heading.setText(text)
        self.heading.setAccessibleName(text)
        rows = max(1, min(len(contacts), 3))  # the rest scroll: quick capture stays in view
        height = self.table.horizontalHeader().sizeHint().height()
        height += rows * self.table.verticalHeader().defaultSectionSize() + 4
        self.table.setFixedHeight(height)
        self.setVisible(bool(contacts))
