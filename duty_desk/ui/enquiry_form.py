"""The duty worker's enquiry form: quick capture at the top, every other field in sections.

Ctrl+S saves (the first save creates the record, later saves pass the ``updated_at`` last
seen, so nobody's work is overwritten); Ctrl+Shift+D decides. Problems show under their
fields, in the tab titles and in a summary list that takes you to each one. Under the
header, the sign-off panel says whether the decision is final or who must sign it off,
by when, and offers the sign-off actions the person signed in may take.

Nothing typed is lost: two seconds after the last edit, and whenever the window is hidden
(the idle lock hides it), the form's content is kept as a draft in the encrypted store;
after a save the draft is discarded. Closing with unsaved changes asks first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.clock import LONDON, show_local
from duty_desk.domain.enquiry import EnquiryInvalid, Problem
from duty_desk.domain.errors import DutyDeskError, ValidationError
from duty_desk.domain.records import Draft, Enquiry, Saved, Status
from duty_desk.domain.roles import Permission, may
from duty_desk.domain.signoff import Signoff
from duty_desk.services import drafts, reports
from duty_desk.services import enquiries as service
from duty_desk.services.lists import decision_types
from duty_desk.ui.enquiry_alerts import KnownTonightBox
from duty_desk.ui.enquiry_header import (
    EnquiryHeader,
    action_button,
    banner,
    outcome_words,
    restored_words,
    save_question,
)
from duty_desk.ui.enquiry_previous import PreviousContactsPanel
from duty_desk.ui.enquiry_problems import ProblemsPanel, in_form_order
from duty_desk.ui.enquiry_sections import EnquiryFields
from duty_desk.ui.history_dialog import HistoryDialog
from duty_desk.ui.save_document_dialog import save_from_window
from duty_desk.ui.signoff_panel import SignoffPanel, fetch
from duty_desk.ui.widgets import ErrorLine, framed

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn


class EnquiryWindow(QWidget):
    """One enquiry, new (``enquiry=None``), stored, or restored from a ``draft``.

    For a draft of a stored enquiry pass the enquiry too (as opened with ``open_enquiry``);
    if it is missing, the window opens it itself.
    """

    saved = Signal(str)  # the enquiry's id, after every create, save, decide or sign-off
    open_requested = Signal(str)  # an earlier contact about the same child was chosen

    AUTOSAVE_MS = 2000
    LOOKUP_MS = 600

    def __init__(
        self,
        session: SignedIn,
        enquiry: Enquiry | None = None,
        draft: Draft | None = None,
        marking: str = "OFFICIAL-SENSITIVE",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.session = session
        self.enquiry = enquiry
        self.key = draft.key if draft else str(uuid.uuid4())
        self.dirty = False
        self.may_record = may(session.person.role, Permission.RECORD_ENQUIRIES)
        self.dialog: QWidget | None = None  # the history dialog or the question on closing
        self._autosaved: dict[str, Any] | None = None
        self._closing = False
        self._labels = decision_types().labels
        self._marking = marking
        self.fields = EnquiryFields(session.desk.clock, self._labels, self)
        self._build(marking)
        self.autosave_timer = self._timer(self.AUTOSAVE_MS, self.autosave_now)
        self.lookup_timer = self._timer(self.LOOKUP_MS, self.look_up_previous)
        self._load(draft)
        self.fields.edited.connect(self._edited)
        self.fields.identity_changed.connect(self.lookup_timer.start)
        self.resize(1240, 880)

    def _timer(self, interval: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # --- building ---------------------------------------------------------------------

    def _build(self, marking: str) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        self.header = EnquiryHeader()
        layout.addWidget(self.header)
        self.signoff_panel = SignoffPanel(self.session)
        self.signoff_panel.changed.connect(self.saved)
        layout.addWidget(self.signoff_panel)
        self.restored = banner()
        self.error = ErrorLine()
        self.problems = ProblemsPanel(self.fields.section_of)
        self.problems.field_chosen.connect(self.fields.focus_field)
        self.previous = PreviousContactsPanel()
        self.previous.open_requested.connect(self.open_requested)
        self.known_tonight = KnownTonightBox()  # the day team's alerts about this child
        self.problems.setFixedWidth(400)
        for widget in (self.restored, self.error, self.fields.quick, self.known_tonight):
            layout.addWidget(widget)
        layout.addWidget(self.previous)
        # The sections give way first.
        for always_whole in (self.fields.quick, self.known_tonight, self.previous):
            always_whole.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        work = QHBoxLayout()
        work.addWidget(self.fields.tabs, 1)
        work.addWidget(self.problems)
        layout.addLayout(work, 1)
        layout.addLayout(self._buttons())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(framed(body, marking))
        self._tab_order()

    def _buttons(self) -> QHBoxLayout:
        self.save_action = self._action(self.tr("Save"), "Ctrl+S", self.save)
        self.decide_action = self._action(self.tr("Decide"), "Ctrl+Shift+D", self.decide)
        self.history_action = self._action(self.tr("History…"), "Ctrl+Shift+H", self.show_history)
        self.print_action = self._action(self.tr("Save record as PDF…"), "Ctrl+P", self.save_record)
        self.close_action = self._action(self.tr("Close"), "Ctrl+W", self.close)
        self.save_button = action_button(self.save_action)
        self.decide_button = action_button(self.decide_action)
        self.history_button = action_button(self.history_action)
        self.print_button = action_button(self.print_action)
        self.close_button = action_button(self.close_action)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.kept = QLabel()
        self.kept.setEnabled(False)  # quiet: drawn in the muted colour
        row = QHBoxLayout()
        buttons = (self.save_button, self.decide_button, self.history_button, self.print_button)
        for button in buttons:
            row.addWidget(button)
        row.addSpacing(12)
        row.addWidget(self.status, 1)
        row.addWidget(self.kept)
        row.addWidget(self.close_button)
        return row

    def _action(self, text: str, keys: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _tab_order(self) -> None:
        chain = [*self.signoff_panel.focus_chain(), *self.fields.focus_chain()]
        at = chain.index(self.fields.tabs)
        chain[at:at] = [self.previous.table]
        chain += [
            self.problems.list,
            self.save_button,
            self.decide_button,
            self.history_button,
            self.print_button,
            self.close_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- loading and the header ---------------------------------------------------------

    def _load(self, draft: Draft | None) -> None:
        if draft is not None:
            if draft.enquiry_id and self.enquiry is None:
                self.enquiry = service.open_enquiry(self.session, draft.enquiry_id)
            self.fields.set_content(draft.content)
            self.dirty = True
            self._autosaved = dict(draft.content)
            self._show_restored(draft)
        else:
            self.fields.set_content(self.enquiry.content if self.enquiry else {})
            self.fields.editors["channel"].setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh_header()
        self._load_signoff()
        if not self.may_record:
            self.fields.set_read_only()
            self.status.setText(self.tr("You can read this enquiry; your role cannot change it."))
        self.look_up_previous()

    def _show_restored(self, draft: Draft) -> None:
        today = self.session.desk.clock().astimezone(LONDON).date()
        text = restored_words(draft, self.enquiry, today)
        self.restored.setText(text)
        self.restored.setAccessibleName(text)
        self.restored.show()

    def _refresh_header(self) -> None:
        enquiry = self.enquiry
        self.setWindowTitle(self.header.show_enquiry(enquiry))
        decided = enquiry is not None and enquiry.status is Status.DECIDED
        self.save_action.setText(self.tr("Save new version") if decided else self.tr("Save"))
        self.save_action.setEnabled(self.may_record)
        self.decide_action.setEnabled(self.may_record and not decided)
        self.history_action.setEnabled(enquiry is not None)
        self.print_action.setEnabled(enquiry is not None)

    # --- saving and deciding ------------------------------------------------------------

    def save(self) -> bool:
        """Create or save; True when stored. Problems never stop a draft being saved."""
        before = self.enquiry

        def call(content: dict[str, Any]) -> Saved:
            if before is None:
                return service.create_enquiry(self.session, content)
            return service.save_enquiry(self.session, before.id, content, before.updated_at)

        result = self._write(call, self.tr("Not saved."))
        if result is not None:
            self._stored(result, self._saved_words(before, result.enquiry))
        return result is not None

    def decide(self) -> bool:
        """Make the decision; refused (nothing decided) while anything needed is missing."""
        if self.enquiry is None and not self.save():
            return False
        self.fields.commit_pending()
        unreadable = self._unreadable()
        if unreadable:  # a date or age that cannot be read would be decided without it
            self._show_problems(self.tr("Not decided."), unreadable)
            self.status.setText(self.tr("Not decided."))
            self.fields.focus_field(unreadable[0].field)
            return False
        current = self.enquiry
        assert current is not None
        result = self._write(
            lambda content: service.decide(self.session, current.id, content, current.updated_at),
            self.tr("Not decided."),
        )
        if result is not None:
            self._stored(result, self.tr("Decided at %1.").replace("%1", self._now_text()))
        return result is not None

    def _write(self, call: Callable[[dict[str, Any]], Saved], refused: str) -> Saved | None:
        """Hand the form's content to a service; a refusal is shown and gives None."""
        self.fields.commit_pending()
        try:
            return call(self.fields.content())
        except EnquiryInvalid as error:
            self._refused(refused, error)
        except DutyDeskError as error:
            self._failed(error)
        return None

    def _unreadable(self) -> list[Problem]:
        """Typing the form cannot store (an unreadable date, an impossible age, a time the
        clocks skipped). A time the clocks showed twice is flagged but not blocking."""
        editors = self.fields.editors
        return [
            p
            for p in self.fields.input_problems()
            if not getattr(editors[p.field], "ambiguous", lambda: False)()
        ]

    def _now_text(self) -> str:
        return show_local(self.session.desk.clock(), with_date=False)

    def _saved_words(self, before: Enquiry | None, after: Enquiry) -> str:
        if before is None:
            return self.tr("Saved as a draft at %1.").replace("%1", self._now_text())
        if after.version > before.version:
            return (
                self.tr(
                    "Saved as version %1 at %2: it was already decided, "
                    "so the change is a new version."
                )
                .replace("%1", str(after.version))
                .replace("%2", self._now_text())
            )
        return self.tr("Saved at %1.").replace("%1", self._now_text())

    def _stored(self, result: Saved, words: str) -> None:
        self.enquiry = result.enquiry
        self.dirty = bool(self._unreadable())  # what could not be stored is still unsaved
        self.autosave_timer.stop()
        self._discard_draft()
        self.restored.hide()
        self.error.show_message("")
        self._show_problems(self.tr("Saved."), [*self.fields.input_problems(), *result.problems])
        self._refresh_header()
        found = self._load_signoff()
        if found is not None and result.enquiry.status is Status.DECIDED:
            words = f"{words} {outcome_words(found)}".strip()
        self.status.setText(words)
        self.saved.emit(result.enquiry.id)

    def _load_signoff(self) -> Signoff | None:
        """Show where the decision stands (read here: it is one small read)."""
        enquiry = self.enquiry
        if enquiry is None or enquiry.status is not Status.DECIDED:
            self.signoff_panel.clear()
            return None
        try:
            view = fetch(self.session, enquiry.id)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return None
        self.signoff_panel.show_view(enquiry.id, enquiry.reference, view)
        return view[0]

    def _show_problems(self, heading_text: str, problems: list[Problem]) -> list[Problem]:
        ordered = in_form_order(problems)
        self.fields.show_problems(ordered)
        self.problems.show_problems(heading_text, ordered)
        return ordered

    def _refused(self, heading_text: str, error: EnquiryInvalid) -> None:
        problems = [*self.fields.input_problems(), *error.problems]
        ordered = self._show_problems(heading_text, problems)
        self.status.setText(heading_text)
        self.error.show_message("")
        if ordered:
            self.fields.focus_field(ordered[0].field)
        self.autosave_now()

    def _failed(self, error: DutyDeskError) -> None:
        """Changed meanwhile, not allowed, not found: say so; the typing stays (and is kept)."""
        self.error.show_message(str(error))
        self.status.setText("")
        if isinstance(error, ValidationError) and error.field:
            self.fields.focus_field(error.field)
        self.autosave_now()

    # --- nothing typed is lost ----------------------------------------------------------

    def _edited(self) -> None:
        if not self.may_record:
            return
        self.dirty = True
        self.autosave_timer.start()

    def autosave_now(self) -> None:
        """Keep what the form holds as a draft (a few milliseconds: run here, not in a thread)."""
        self.autosave_timer.stop()
        if not self.dirty or not self.may_record:
            return
        content = self.fields.content()
        if content == self._autosaved:
            return
        stored = self.enquiry
        try:
            drafts.autosave(
                self.session,
                self.key,
                content,
                stored.id if stored else None,
                stored.version if stored else None,
            )
        except DutyDeskError as error:
            self.error.show_message(
                self.tr("Your typing could not be kept safe: %1").replace("%1", str(error))
            )
            return
        self._autosaved = content
        self.kept.setText(self.tr("Typing kept safe at %1").replace("%1", self._now_text()))

    def _discard_draft(self) -> None:
        self._autosaved = None
        self.kept.setText("")
        try:
            drafts.discard_draft(self.session, self.key)
        except DutyDeskError as error:
            self.error.show_message(str(error))

    def hideEvent(self, event: QHideEvent) -> None:
        self.autosave_now()  # the idle lock hides every window: keep the typing first
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing or not self.dirty:
            self._stop()
            event.accept()
        elif not self.isVisible():  # closed while hidden (signing out at the lock screen)
            self.autosave_now()
            self._stop()
            event.accept()
        else:
            event.ignore()
            self._ask_before_closing()

    def _stop(self) -> None:
        self.autosave_timer.stop()
        self.lookup_timer.stop()
        self.signoff_panel.stop()

    def _ask_before_closing(self) -> None:
        name = self.enquiry.reference if self.enquiry else self.tr("this new enquiry")
        box = save_question(self, name)
        buttons = QMessageBox.StandardButton

        def answered(button: QAbstractButton) -> None:
            chosen = box.standardButton(button)
            if chosen == buttons.Save and self.save():
                self._close_now()
            elif chosen == buttons.Discard:
                self._discard_draft()
                self.dirty = False
                self._close_now()

        box.buttonClicked.connect(answered)
        self.dialog = box
        box.open()

    def _close_now(self) -> None:
        self._closing = True
        QTimer.singleShot(0, self.close)  # after the question has closed

    # --- earlier contacts and history ---------------------------------------------------

    def look_up_previous(self) -> None:
        """Earlier contacts and tonight's alerts about the child typed (after a pause)."""
        exclude = self.enquiry.id if self.enquiry else None
        content = self.fields.content()
        refused = self.previous.look_up(self.session, content, exclude)
        refused = self.known_tonight.look_up(self.session, content) or refused
        if refused:
            self.error.show_message(refused)

    def show_history(self) -> None:
        if self.enquiry is None:
            return
        try:
            lines = service.history(self.session, self.enquiry.id)
        except DutyDeskError as error:
            self.error.show_message(str(error))
            return
        dialog = HistoryDialog(self.enquiry.reference, lines, self._labels, self)
        self.dialog = dialog
        dialog.open()

    def save_record(self) -> None:
        """The decision record (every field as saved, every version and sign-off) as a PDF."""
        enquiry, session = self.enquiry, self.session
        if enquiry is None:
            return
        self.dialog = save_from_window(
            self, self.tr("the decision record of %1").replace("%1", enquiry.reference),
            f"decision-record-{enquiry.reference}.pdf", self._marking,
            lambda path, **kw: reports.decision_record(session, enquiry.id, path, **kw),
            self.status.setText, lambda: self.dirty,
        )  # fmt: skip
