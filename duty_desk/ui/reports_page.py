"""The Reports place: the performance indicators for a range of nights (a table of figures
and two bar charts), and the documents to save as PDF: the indicators, the Concordat
monitoring report and, for those who receive the handover, the morning handover pack.

The range defaults to the last 7 nights (tonight's included); "Show" (or Enter) reads them
again. A range the service refuses (ending before it starts, too long) is said plainly and
the figures shown stay as they were. Each "Save … as PDF…" opens ``SaveDocumentDialog``,
which runs the service in the background; the page then says what was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import show_local
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.indicators import Indicators, night_of, rows
from duty_desk.domain.roles import Permission, may
from duty_desk.services import indicators as figures
from duty_desk.ui.indicator_chart import BarChart
from duty_desk.ui.list_table_model import ListTableModel
from duty_desk.ui.save_document_dialog import ask_to_save, saved_words
from duty_desk.ui.widgets import ErrorLine, heading

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn
    from duty_desk.services.documents import Printed

NIGHTS = 7  # shown at first: the last week of nights
MOST_BARS = 31  # nights charted one by one; more are charted by the week
_Index = QModelIndex | QPersistentModelIndex


class FiguresModel(ListTableModel):
    """The headline figures (``domain.indicators.rows``): what, and the value."""

    COLUMNS = ("Figure", "Value")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        return None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def night_bars(found: Indicators) -> tuple[list[tuple[str, int]], str]:
    """One bar a night ("21/11"); over a month of nights, one bar a week of them."""
    nights = found.per_night
    if len(nights) <= MOST_BARS:
        return [(c.label[:5], c.count) for c in nights], "Enquiries per night"
    weeks = [nights[n : n + 7] for n in range(0, len(nights), 7)]
    bars = [(f"{week[0].label[:5]}+", sum(c.count for c in week)) for week in weeks]
    return bars, "Enquiries per week of nights (from the night shown)"


class ReportsPage(QWidget):
    def __init__(
        self, session: SignedIn, marking: str = "OFFICIAL-SENSITIVE", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place-reports")
        self._session = session
        self._marking = marking
        self.dialog: Any = None
        self.found: Indicators | None = None
        self.receiving = may(session.person.role, Permission.RECEIVE_HANDOVER)
        self.model = FiguresModel(self)
        self.nights_chart = BarChart(self.tr("Enquiries per night"))
        self.decisions_chart = BarChart(self.tr("Decisions by type"))
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setAccessibleName(self.tr("What happened"))
        self.error = ErrorLine()
        self.shown = QLabel()
        self.shown.setAccessibleName(self.tr("Which nights the figures are for"))
        self._lay_out()
        self.show_figures()

    # --- layout -------------------------------------------------------------------------

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        edit.setAccessibleName(name)
        return edit

    def _button(self, text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _lay_out(self) -> None:
        last = night_of(self._session.desk.clock())
        self.start = self._date_edit(last - timedelta(days=NIGHTS - 1), self.tr("First night"))
        self.end = self._date_edit(last, self.tr("Last night"))
        self.show_button = self._button(
            self.tr("&Show"), self.tr("Work the figures out for these nights (Enter)"),
            self.show_figures,
        )  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Reports — performance indicators and documents"), 1.3))
        intro = QLabel(
            self.tr(
                "Figures for the nights chosen: counts, shares and times only, naming nobody. "
                "A night runs from 09:00 to 09:00 the next morning, UK time."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._range_row())
        layout.addWidget(self.error)
        layout.addWidget(self.shown)
        body = QHBoxLayout()
        body.addWidget(self._table(), 2)
        charts = QVBoxLayout()
        charts.addWidget(self.nights_chart)
        charts.addWidget(self.decisions_chart)
        charts.addStretch(1)
        body.addLayout(charts, 3)
        layout.addLayout(body, 1)
        layout.addLayout(self._save_row())
        layout.addWidget(self.info)

    def _range_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, edit in ((self.tr("&From the night of"), self.start),
                           (self.tr("&to the night of"), self.end)):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(edit)
            row.addWidget(label)
            row.addWidget(edit)
        row.addWidget(self.show_button)
        row.addStretch(1)
        return row

    def _table(self) -> QTableView:
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Figures"))
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return self.table

    def _save_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.indicators_button = self._button(
            self.tr("Save &indicators as PDF…"),
            self.tr("The figures and charts for these nights, as a PDF"),
            self.save_indicators,
        )
        self.monitoring_button = self._button(
            self.tr("Save &monitoring report as PDF…"),
            self.tr("The Concordat figures (children in police custody) for these nights"),
            self.save_monitoring,
        )
        row.addWidget(self.indicators_button)
        row.addWidget(self.monitoring_button)
        if self.receiving:
            self.pack_button = self._button(
                self.tr("Save the handover &pack as PDF…"),
                self.tr("The night's work for the day team, every team, as a PDF"),
                self.save_pack,
            )
            row.addWidget(self.pack_button)
        row.addStretch(1)
        return row

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the dates (they pass it on) shows the figures."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.show_figures()
            return
        super().keyPressEvent(event)

    # --- figures ------------------------------------------------------------------------

    def chosen_range(self) -> tuple[date, date]:
        return _day(self.start.date()), _day(self.end.date())

    def show_figures(self) -> None:
        start, end = self.chosen_range()
        try:
            found = figures.indicators(self._session, start, end)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        self.error.show_message("")
        self.found = found
        self.shown.setText(
            self.tr("Figures for the nights of %1 to %2, worked out at %3.")
            .replace("%1", f"{start:%d/%m/%Y}")
            .replace("%2", f"{end:%d/%m/%Y}")
            .replace("%3", show_local(found.worked_out_at))
        )
        self.model.set_rows(rows(found))
        self.nights_chart.set_counts(*night_bars(found))
        self.decisions_chart.set_counts([(c.label, c.count) for c in found.by_decision])

    def refresh(self) -> None:
        self.show_figures()

    # --- documents ----------------------------------------------------------------------

    def _save(self, what: str, file_name: str, act: Callable[..., Printed]) -> None:
        self.dialog = ask_to_save(self, what, file_name, self._marking, act, self._saved)

    def _saved(self, printed: Printed) -> None:
        self.info.setText(saved_words(printed))

    def _period_name(self, kind: str) -> str:
        start, end = self.chosen_range()
        return f"{kind}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"

    def save_indicators(self) -> None:
        session, (start, end) = self._session, self.chosen_range()
        self._save(
            self.tr("the performance indicators"), self._period_name("indicators"),
            lambda path, **kw: figures.indicators_report(session, start, end, path, **kw),
        )  # fmt: skip

    def save_monitoring(self) -> None:
        session, (start, end) = self._session, self.chosen_range()
        self._save(
            self.tr("the Concordat monitoring report"), self._period_name("custody-monitoring"),
            lambda path, **kw: figures.monitoring_report(session, start, end, path, **kw),
        )  # fmt: skip

    def save_pack(self) -> None:
        if not self.receiving:
            return
        from duty_desk.services import reports

        session = self._session
        night = night_of(session.desk.clock())
        self._save(
            self.tr("the morning handover pack"), f"handover-pack-{night:%Y-%m-%d}.pdf",
            lambda path, **kw: reports.handover_pack(session, path, **kw),
        )  # fmt: skip
