"""One young person in police custody (PACE s.38(6)): the case window.

Keyboard first. The header shows who and where, open or closed, the council's decision and
its sign-off, and the live clocks (since charge, since the request, unanswered, the next
PACE review) with the warnings in words, refreshed every 15 seconds from the desk's clock.
The tabs (Ctrl+1 to Ctrl+7, or Alt and the underlined letter) hold the case's fields by
section, the timeline with its step-entry row, and the outcome. Ctrl+S opens a new case or
saves the details; Ctrl+Shift+L closes the case with its outcome (or reopens it);
Ctrl+Shift+D records the council's decision. In the timeline, Ctrl+E or F2 corrects the
chosen step and Delete takes it off (asking why). Closing with unsaved details asks first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain import custody as rules
from duty_desk.domain.clock import show_local
from duty_desk.domain.custody_clocks import Thresholds, ThresholdsInvalid, clocks, warnings
from duty_desk.domain.custody_records import Case
from duty_desk.domain.enquiry import Problem
from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.roles import Permission, may
from duty_desk.domain.signoff import Signoff
from duty_desk.services import custody as service
from duty_desk.services import providers, reports, signoff
from duty_desk.services.lists import decision_types
from duty_desk.ui.custody_case_fields import CaseFields, in_order, problem_words
from duty_desk.ui.custody_case_header import (
    CaseHeader,
    awaiting,
    clock_words,
    close_question,
    decision_words,
    no_clocks,
)
from duty_desk.ui.custody_case_timeline import TimelinePage
from duty_desk.ui.custody_close import OutcomeSummary, closing_dialog
from duty_desk.ui.custody_decision import decision_dialog
from duty_desk.ui.enquiry_header import action_button
from duty_desk.ui.save_document_dialog import save_from_window
from duty_desk.ui.widgets import ErrorLine, framed

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

TIMELINE, OUTCOME = 2, 6
TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&Police and young person", (rules.POLICE, rules.YOUNG)),
    ("&Request and council's view", (rules.REQUEST,)),
    ("&Timeline", ()),
    ("&Appropriate adult", (rules.AA,)),
    ("&Welfare", (rules.WELFARE,)),
    ("Transport and &court", (rules.COURT,)),
    ("&Outcome", ()),
)
TAB_KEYS = {"p", "r", "t", "a", "w", "c", "o"}


class CustodyCaseWindow(QWidget):
    """A custody case, new (``case_id=None``: the opening form) or stored."""

    changed = Signal(str)  # the case's id, after every successful write
    open_enquiry_requested = Signal(str)  # the linked enquiry's id

    CLOCK_MS = 15_000

    def __init__(
        self,
        session: SignedIn,
        case_id: str | None,
        marking: str = "OFFICIAL-SENSITIVE",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.session = session
        self.case_id = case_id
        self.case: Case | None = None
        self.dirty = False
        self.may_record = may(session.person.role, Permission.RECORD_ENQUIRIES)
        self.dialog: QWidget | None = None  # the dialog or question open now
        self._closing = False
        self._labels = decision_types().labels
        self._signoff: Signoff | None = None
        self.fields = CaseFields(session.desk.clock, TAB_KEYS, self)
        self.timeline_page = TimelinePage(session, self._write, self._open)
        self.timeline_page.status.connect(self._say)
        self.timeline = self.timeline_page.model
        self.table = self.timeline_page.table
        self.entry = self.timeline_page.entry
        self._marking = marking
        self._build(marking)
        self.thresholds = self._thresholds()
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(self.CLOCK_MS)
        self.clock_timer.timeout.connect(self.refresh_clocks)
        self.clock_timer.start()
        self._load()
        self.fields.edited.connect(self._edited)
        self.resize(1240, 880)

    # --- building ---------------------------------------------------------------------

    def _build(self, marking: str) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        self.header = CaseHeader()
        self.error = ErrorLine()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Sections of the custody case"))
        self.tabs.setDocumentMode(True)
        self.outcome = OutcomeSummary()
        for title, sections in TABS:
            page = self.fields.page(sections) if sections else self._special(title)
            self.tabs.addTab(page, self.tr(title))
        layout.addWidget(self.header)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._buttons())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(framed(body, marking))
        for index in range(len(TABS)):
            self._action("", f"Ctrl+{index + 1}", partial(self._show_tab, index))
        self._tab_order()

    def _special(self, title: str) -> QWidget:
        return self.timeline_page if title == "&Timeline" else self.outcome

    def _buttons(self) -> QHBoxLayout:
        self.save_action = self._action(self.tr("Save"), "Ctrl+S", self.save)
        self.close_case_action = self._action(
            self.tr("Close case…"), "Ctrl+Shift+L", self.close_or_reopen
        )
        self.decide_action = self._action(
            self.tr("Council's decision…"), "Ctrl+Shift+D", self.decide
        )
        self.print_action = self._action(self.tr("Save log as PDF…"), "Ctrl+P", self.save_log)
        self.window_action = self._action(self.tr("Close window"), "Ctrl+W", self.close)
        self.save_button = action_button(self.save_action)
        self.close_case_button = action_button(self.close_case_action)
        self.decide_button = action_button(self.decide_action)
        self.print_button = action_button(self.print_action)
        self.window_button = action_button(self.window_action)
        self.outcome_button = action_button(self.close_case_action)
        self.outcome.buttons.addWidget(self.outcome_button)
        self.outcome.buttons.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Status"))
        row = QHBoxLayout()
        buttons = (self.save_button, self.close_case_button, self.decide_button, self.print_button)
        for button in buttons:
            row.addWidget(button)
        row.addSpacing(12)
        row.addWidget(self.status, 1)
        row.addWidget(self.window_button)
        return row

    def _action(
        self, text: str, keys: str, slot: Callable[[], Any], owner: QWidget | None = None
    ) -> QAction:
        action = QAction(text, owner or self)
        action.setShortcut(QKeySequence(keys))
        context = Qt.ShortcutContext
        action.setShortcutContext(
            context.WidgetWithChildrenShortcut if owner else context.WindowShortcut
        )
        action.triggered.connect(slot)
        (owner or self).addAction(action)
        return action

    def _tab_order(self) -> None:
        """The tab bar, then the current tab's fields (the hidden tabs' are passed over), then
        the buttons: Tab never leaves a tab's page for a page out of sight."""
        chain = [self.tabs, *self.fields.focus_chain(), self.table, *self.entry.focus_chain()]
        chain += [self.outcome_button, self.save_button, self.close_case_button]
        chain += [self.decide_button, self.print_button, self.window_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _show_tab(self, index: int) -> None:
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)
            page = self.tabs.widget(index)
            first = self.fields.first_on(page)
            if index == TIMELINE:
                self.entry.kind.setFocus(Qt.FocusReason.ShortcutFocusReason)
            elif first is not None:
                self.fields.focus_field(first)
            elif index == OUTCOME:
                self.outcome_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _thresholds(self) -> Thresholds:
        try:
            return service.thresholds(self.session)
        except ThresholdsInvalid as error:
            self.error.show_message(
                self.tr("%1\nThe usual thresholds are used until it is put right.").replace(
                    "%1", str(error)
                )
            )
            return Thresholds()

    # --- loading and showing ------------------------------------------------------------

    def _load(self) -> None:
        if self.case_id is not None:
            try:
                self.case = service.get_case(self.session, self.case_id)
            except DutyDeskError as error:
                self.error.show_message(str(error))
                self.may_record = False  # never a blank form that would open a second case
        if self.case is not None:
            self.fields.set_content(self.case.content)
        if self.may_record:
            self._load_providers()
        else:
            self.fields.set_read_only()
            self.entry.hide()
            self.status.setText(self.tr("You can read this case; your role cannot change it."))
        self._refresh()
        self.fields.editors["custody_suite"].setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_providers(self) -> None:
        try:
            self.entry.set_providers(providers.providers(self.session))
        except DutyDeskError as error:
            self.error.show_message(str(error))

    def _refresh(self) -> None:
        """Header, timeline, outcome and what may be done, from ``self.case``."""
        case = self.case
        opened = case is not None
        for index in (TIMELINE, OUTCOME):
            self.tabs.setTabEnabled(index, opened)
        if case is None:
            self.header.show_new()
            self.setWindowTitle(self.tr("New custody case — Duty Desk"))
            self.save_action.setText(self.tr("Open case"))
        else:
            self._signoff = self._read_signoff(case)
            self.header.show_case(
                case,
                decision_words(case, self._labels, self._signoff),
                awaiting(case, self._signoff),
            )
            # No name in the title: it shows in the taskbar and the window switcher.
            self.setWindowTitle(self.tr("Custody %1 — Duty Desk").replace("%1", case.reference))
            self.save_action.setText(self.tr("Save"))
            self.timeline_page.show_case(case, self.may_record)
            self.outcome.show_content(case.content, case.open)
        closed = case is not None and not case.open
        self.close_case_action.setText(self.tr("Reopen…") if closed else self.tr("Close case…"))
        self.save_action.setEnabled(self.may_record)
        self.close_case_action.setEnabled(self.may_record and case is not None)
        linked = case is not None and case.enquiry_id is not None
        self.decide_action.setEnabled(self.may_record and linked)
        self.print_action.setEnabled(case is not None)
        self.refresh_clocks()

    def _read_signoff(self, case: Case) -> Signoff | None:
        if not case.decision_type or case.enquiry_id is None:
            return None
        try:
            return signoff.signoff_of(self.session, case.enquiry_id)
        except DutyDeskError:
            return None  # the case's own signoff_state is shown instead

    def refresh_clocks(self) -> None:
        """The live clocks and warnings at the desk's now (every 15 s, and after a change)."""
        case = self.case
        if case is None:
            self.header.show_clocks(no_clocks())
            self.header.show_warnings([])
            return
        now = self.session.desk.clock()
        self.header.show_clocks(clock_words(clocks(case.instants, now)))
        self.header.show_warnings(warnings(case.instants, now, self.thresholds))

    # --- writing ------------------------------------------------------------------------

    def _write(self, call: Callable[[Case], Case], words: str) -> Case | None:
        """Run one service call against the case as last read; a refusal is raised on."""
        current = self.case
        assert current is not None
        try:
            stored = call(current)
        except rules.CustodyInvalid:
            raise  # the caller shows it where it belongs (a field, the entry row, a dialog)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            self.status.setText("")
            return None
        self._stored(stored, words)
        return stored

    def _stored(self, case: Case, words: str) -> None:
        self.case = case
        self.case_id = case.id
        self.error.show_message("")
        self._refresh()
        self.status.setText(words)
        self.changed.emit(case.id)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _now_text(self) -> str:
        return show_local(self.session.desk.clock(), with_date=False)

    def save(self) -> bool:
        """Open the case (new) or save its details; True when stored."""
        unreadable = self.fields.input_problems()
        if unreadable:
            self._refused(self.tr("Not saved."), unreadable)
            return False
        content = self.fields.content()
        try:
            if self.case is None:
                case = service.open_case(self.session, content)
                self.fields.show_problems([])
                self._stored(case, self.tr("Opened at %1.").replace("%1", self._now_text()))
                self.dirty = False
                return True
            stored = self._write(
                lambda c: service.save_case(self.session, c.id, content, c.updated_at),
                self.tr("Saved at %1.").replace("%1", self._now_text()),
            )
        except rules.CustodyInvalid as error:
            self._refused(self.tr("Not saved."), list(error.problems))
            return False
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return False
        if stored is not None:
            self.fields.show_problems([])
            self.dirty = False
        return stored is not None

    def _refused(self, heading: str, problems: Sequence[Problem]) -> None:
        ordered = in_order(problems)
        self.fields.show_problems(ordered)
        self.status.setText(f"{heading} " + " ".join(problem_words(p) for p in ordered))
        if ordered and ordered[0].field in self.fields.editors:
            page = self.fields.page_of(ordered[0].field)
            if page is not None:
                self.tabs.setCurrentWidget(page)
            self.fields.focus_field(ordered[0].field)

    def _edited(self) -> None:
        if self.may_record:
            self.dirty = True

    # --- closing, reopening, deciding ---------------------------------------------------

    def save_log(self) -> None:
        """The custody log (the case, its timeline, clocks and certificate) as a PDF."""
        case, session = self.case, self.session
        if case is None:
            return
        self.dialog = save_from_window(
            self, self.tr("the custody log of %1").replace("%1", case.reference),
            f"custody-log-{case.reference}.pdf", self._marking,
            lambda path, **kw: reports.custody_log(session, case.id, path, **kw),
            self.status.setText, lambda: self.dirty,
        )  # fmt: skip

    def close_or_reopen(self) -> None:
        """Ctrl+Shift+L: the outcome dialog for an open case; for a closed one, reopen."""
        if self.case is None or not self.may_record:
            return
        if self.case.open and self.dirty and not self.save():
            return  # the details typed are stored before the case closes, or it stays open
        self._open(closing_dialog(self.session, self.case, self._write, self))

    def decide(self) -> None:
        """Ctrl+Shift+D: the council's decision, on the case's enquiry, through sign-off."""
        case = self.case
        if case is not None and case.enquiry_id is not None and self.may_record:
            dialog = decision_dialog(self.session, case, self._labels, self._decided, self)
            dialog.open_enquiry_requested.connect(self.open_enquiry_requested)
            self._open(dialog)

    def _decided(self, case: Case) -> None:
        self._stored(case, self.tr("Decided at %1.").replace("%1", self._now_text()))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- closing the window -------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        # The idle lock hides every window, and signing out at the lock screen closes them
        # unasked: save what was typed now (a case has no draft), while it is still there.
        if self.dirty and not self._closing and self.may_record:
            self.save()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing or not self.dirty or not self.isVisible():
            self.clock_timer.stop()
            event.accept()
            return
        event.ignore()
        name = self.case.reference if self.case else self.tr("this new custody case")
        box = close_question(self, name)
        buttons = QMessageBox.StandardButton

        def answered(button: QAbstractButton) -> None:
            chosen = box.standardButton(button)
            if chosen == buttons.Save and self.save():
                self._close_now()
            elif chosen == buttons.Discard:
                self.dirty = False
                self._close_now()

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    def _close_now(self) -> None:
        self._closing = True
        QTimer.singleShot(0, self.close)  # after the question has closed
