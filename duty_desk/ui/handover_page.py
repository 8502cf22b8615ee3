"""The Handover place. The day team's inbox: every item of the night grouped by receiving
team, each acknowledged by a named person (Enter) or returned with a reason (Ctrl+R), then
given the case system's reference (Ctrl+Shift+R) and exported (Ctrl+E). The duty worker's
view: what the night would hand over, "Submit the night", and the day team's answers as
they come back.

Overdue (past 09:00 unacknowledged) is recomputed every ``tick_ms`` from the desk's clock
without reading the store; the store is read again every ``refresh_ms``, on F5 and when the
page is shown, so acknowledgements that sync brings in appear by themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain import handover as rules
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.handover import HandoverItem, ItemState
from duty_desk.domain.roles import Permission, may
from duty_desk.services import handover
from duty_desk.ui import handover_dialogs as dialogs
from duty_desk.ui.handover_model import HandoverModel, NightModel
from duty_desk.ui.handover_tree import InboxTree, ItemDetail
from duty_desk.ui.widgets import ErrorLine, heading

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

TICK_MS = 15_000
REFRESH_MS = 60_000
_NIGHT_STYLE = (
    "QHeaderView::section { font-weight: 700; padding: 6px 4px; }"
    " QTableView::item { padding: 4px 3px; }"
)


class HandoverPage(QWidget):
    """``changed`` after every read and tick (the banner and the place's button look then)."""

    changed = Signal()

    def __init__(
        self,
        session: SignedIn,
        marking: str = "OFFICIAL-SENSITIVE",
        *,
        tick_ms: int | None = TICK_MS,
        refresh_ms: int | None = REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place-handover")
        self._session = session
        self._marking = marking
        self.stopped = False
        self.dialog: Any = None
        role = session.person.role
        self.receiving = may(role, Permission.RECEIVE_HANDOVER)
        self.submitting = may(role, Permission.SUBMIT_HANDOVER)
        self.model = HandoverModel(session.desk.clock, self)
        self.night_model = NightModel(self)
        title = self.tr("Handover inbox") if self.receiving else self.tr("Handed over")
        self.tree = InboxTree(self.model, title)
        self.tree.item_activated.connect(self._item_activated)
        self.detail = ItemDetail()
        self.tree.item_chosen.connect(lambda item: self.detail.show_item(item, self.now()))
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("How many items wait"))
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)
        self.info.setAccessibleName(self.tr("What happened"))
        self.error = ErrorLine()
        self._lay_out()
        self._shortcuts()
        self.tick = self._timer(tick_ms, self.tick_clocks)
        self.reread = self._timer(refresh_ms, self.refresh)
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(heading(self.tr("Handover — the night, for the day team"), 1.3))
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if self.submitting:
            self._night_section(layout, top)
        intro = QLabel(self._intro())
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.count)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.detail)
        if self.receiving:
            row = QHBoxLayout()
            self.ack_button = self._button(
                self.tr("&Acknowledge…"), self.tr("Take the item on, by name (Enter)"),
                self.acknowledge_selected,
            )  # fmt: skip
            self.return_button = self._button(
                self.tr("Re&turn…"), self.tr("Send it back with a reason (Ctrl+R)"),
                self.return_selected,
            )  # fmt: skip
            self.reference_button = self._button(
                self.tr("Case system &reference…"),
                self.tr("Record the case system's reference (Ctrl+Shift+R)"),
                self.reference_selected,
            )
            self.export_button = self._button(
                self.tr("E&xport…"), self.tr("Save acknowledged items (Ctrl+E)"), self.export_items
            )
            for button in (self.ack_button, self.return_button, self.reference_button):
                row.addWidget(button)
            row.addStretch(1)
            row.addWidget(self.export_button)
            layout.addLayout(row)
        self.refresh_button = self._button(
            self.tr("Re&fresh"), self.tr("Read the handover again (F5)"), self.refresh
        )
        top.addWidget(self.refresh_button)
        layout.addWidget(self.info)
        layout.addWidget(self.error)

    def _intro(self) -> str:
        if self.receiving:
            return self.tr(
                "Every item the duty team handed over, by receiving team. Acknowledge each by "
                "name (Enter) or return it with a reason (Ctrl+R). Items not acknowledged by "
                "09:00 on the working day are marked Overdue. Times are UK time."
            )
        return self.tr(
            "What you handed over, and the day team's answers as they come back: who "
            "acknowledged each item, or why they returned it."
        )

    def _night_section(self, layout: QVBoxLayout, top: QHBoxLayout) -> None:
        self.submit_button = self._button(
            self.tr("&Submit the night…"),
            self.tr("Hand everything below over to the day team"),
            self.submit_night,
        )
        top.addWidget(self.submit_button)
        layout.addWidget(heading(self.tr("Not handed over yet"), 1.1))
        self.all_sent = QLabel(self.tr("Everything on this laptop has been handed over."))
        layout.addWidget(self.all_sent)
        self.night_table = QTableView()
        self.night_table.setStyleSheet(_NIGHT_STYLE)
        self.night_table.setAccessibleName(self.tr("Not handed over yet"))
        self.night_table.setModel(self.night_model)
        self.night_table.setWordWrap(True)
        self.night_table.setAlternatingRowColors(True)
        self.night_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.night_table.setTabKeyNavigation(False)
        rows = self.night_table.verticalHeader()
        rows.hide()
        rows.setMinimumSectionSize(int(self.fontMetrics().height() * 2))
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.night_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.night_table, 2)
        layout.addWidget(heading(self.tr("Handed over from this laptop"), 1.1))

    def _shortcuts(self) -> None:
        keys: list[tuple[str, str, Any]] = [("F5", self.tr("Refresh"), self.refresh)]
        if self.receiving:
            keys += [
                ("Ctrl+R", self.tr("Return"), self.return_selected),
                ("Ctrl+Shift+R", self.tr("Case system reference"), self.reference_selected),
                ("Ctrl+E", self.tr("Export"), self.export_items),
            ]
        for key, name, slot in keys:
            action = QAction(name, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            self.addAction(action)

    def _timer(self, interval: int | None, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.timeout.connect(slot)
        if interval is not None:  # None: only when asked (tests move the clock and ask)
            timer.start(interval)
        return timer

    # --- reading and ticking --------------------------------------------------------------

    def now(self) -> datetime:
        return self._session.desk.clock()

    def refresh(self) -> None:
        if self.stopped or self._session.person.must_change_password:
            return
        selected = self.tree.selected_item()
        try:
            if self.receiving:
                found = handover.inbox(self._session)
            else:
                found = handover.sent_items(self._session)
            night = handover.night_items(self._session) if self.submitting else []
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self.error.show_message("")
        self.model.set_inbox(found)
        self.night_model.set_rows(night)
        if self.submitting:
            self.night_table.setVisible(bool(night))
            self.all_sent.setVisible(not night)
            self.submit_button.setEnabled(bool(night))
        if selected is not None:
            self.tree.select_item(selected.item_id)
        self.detail.show_item(self.tree.selected_item(), self.now())
        self._after_change()

    def tick_clocks(self) -> None:
        """Overdue is worked out again from the items read, not the store."""
        if self.stopped:
            return
        self.model.time_passed()
        self.detail.show_item(self.tree.selected_item(), self.now())
        self._after_change()

    def _after_change(self) -> None:
        self._show_count()
        self.changed.emit()

    def waiting_count(self) -> int:
        return sum(1 for item in self.model.items() if item.state is ItemState.SUBMITTED)

    def escalation_lines(self) -> list[str]:
        return rules.escalation_lines(self.model.groups, self.now())

    def _show_count(self) -> None:
        items = self.model.items()
        if not items:
            text = self.tr("Nothing has been handed over.")
        else:
            text = self.tr("%1 items, %2 waiting for acknowledgement")
            text = text.replace("%1", str(len(items))).replace("%2", str(self.waiting_count()))
            late = len(self.model.escalated())
            if late:
                text += self.tr(" — %1 OVERDUE (past 09:00)").replace("%1", str(late))
        self.count.setText(text)

    def stop(self) -> None:
        self.stopped = True
        self.tick.stop()
        self.reread.stop()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    # --- actions --------------------------------------------------------------------------

    def _item_activated(self, item: HandoverItem) -> None:
        if self.receiving:
            self.acknowledge_selected()

    def _chosen(self, refusal: Callable[[HandoverItem], str | None]) -> HandoverItem | None:
        """The chosen item, if this step may be taken on it (else the reason is shown)."""
        item = self.tree.selected_item() if self.receiving else None
        said = self.tr("Choose an item in the list first.") if item is None else refusal(item)
        self.error.show_message(said or "")
        return None if said else item

    def _open(self, dialog: Any, item_id: str | None = None) -> None:
        def done() -> None:
            self.refresh()
            if item_id:
                self.tree.select_item(item_id)

        self.dialog = dialog
        dialog.accepted.connect(done)
        dialog.open()

    def acknowledge_selected(self) -> None:
        item = self._chosen(rules.acknowledge_refusal)
        if item is not None:
            session, name = self._session, self._session.person.display_name
            act = lambda note: handover.acknowledge(session, item.item_id, note)  # noqa: E731
            self._open(dialogs.AcknowledgeDialog(item, name, act, self), item.item_id)

    def return_selected(self) -> None:
        item = self._chosen(rules.return_refusal)
        if item is not None:
            session = self._session
            act = lambda why: handover.return_item(session, item.item_id, why)  # noqa: E731
            self._open(dialogs.ReturnDialog(item, act, self), item.item_id)

    def reference_selected(self) -> None:
        item = self._chosen(rules.reference_refusal)
        if item is not None:
            session = self._session
            act = lambda ref: handover.record_reference(session, item.item_id, ref)  # noqa: E731
            self._open(dialogs.ReferenceDialog(item, act, self), item.item_id)

    def export_items(self) -> None:
        if not self.receiving:
            return
        session = self._session
        teams = [group.team for group in self.model.groups]

        def act(path: Any, fmt: str, team: str | None, overwrite: bool) -> Any:
            return handover.export(session, path, fmt, team, overwrite=overwrite)

        dialog = dialogs.ExportDialog(teams, self._marking, act, self)
        dialog.accepted.connect(lambda: self._exported(dialog.result_value))
        self._open(dialog)

    def _exported(self, done: Any) -> None:
        said = self.tr("Saved %1 acknowledged items to %2.")
        self.info.setText(said.replace("%1", str(done.count)).replace("%2", str(done.path)))

    def submit_night(self) -> None:
        if not self.submitting:
            return
        try:
            items = handover.night_items(self._session)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        session = self._session
        act = lambda ids: handover.submit_night(session, ids)  # noqa: E731
        dialog = dialogs.SubmitNightDialog(items, act, self)
        dialog.accepted.connect(
            lambda: self.info.setText(dialogs.submitted_words(dialog.result_value))
        )
        self._open(dialog)
