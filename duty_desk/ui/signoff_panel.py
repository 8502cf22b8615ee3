"""The sign-off panel of the enquiry window: where a decision stands, readable at a glance.

It shows the state ("Awaiting sign-off", "Verbal — awaiting confirmation", ...), who is
needed, the deadline in UK time with the time left (overdue said in words, with a warning
icon, not by colour alone), the rules' reasons and ids, the rules version, a verbal
sign-off's details and an approver's comments. Its buttons are the actions the person
signed in may take, each a service call in the background; the services decide.

``refresh()`` redraws against the clock (every 30 seconds, and when told); ``reload()``
reads the sign-off again (after an action, and on the same timer while it is open).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from duty_desk.domain.errors import DutyDeskError
from duty_desk.domain.roles import Grade, Permission, may
from duty_desk.domain.signoff import Signoff, SignoffState
from duty_desk.services import desk as desk_service
from duty_desk.services import signoff as service
from duty_desk.ui.enquiry_header import (
    action_button,
    comments_words,
    deadline_words,
    needed_words,
    verbal_words,
)
from duty_desk.ui.operations import run_in_background
from duty_desk.ui.signoff_dialogs import (
    AlongsideDialog,
    ApproveDialog,
    ConfirmDialog,
    VerbalDialog,
    reasons_text,
)
from duty_desk.ui.widgets import ErrorLine, heading, icon

if TYPE_CHECKING:
    from duty_desk.services.context import SignedIn

View = tuple[Signoff | None, str]  # the sign-off, and who resolved it (a name, or "")

_EDGE = {"open": "#e0b100", "late": "#a4161a", "final": "#2e7d32", "back": "#a4161a"}
_STYLE = "QFrame#signoff {{ border: 1px solid palette(mid); border-left: 8px solid {edge}; }}"


def fetch(session: SignedIn, enquiry_id: str) -> View:
    """The sign-off of the enquiry's current decision, and who approved or returned it."""
    found = service.signoff_of(session, enquiry_id)
    return found, found.resolved_by_name if found is not None else ""


class SignoffPanel(QFrame):
    """Hidden until the enquiry has a decision; ``changed(enquiry id)`` after an action."""

    changed = Signal(str)

    REFRESH_MS = 30_000

    def __init__(self, session: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signoff")
        self.session = session
        self.enquiry_id: str | None = None
        self.reference = ""
        self.signoff: Signoff | None = None
        self.resolver = ""
        self.alongside: SignedIn | None = None  # someone signed in here to sign off
        self.dialog: QDialog | None = None
        self.icon_name = ""
        self._was_overdue = False
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(self.REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.hide()

    # --- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.icon = QLabel()
        self.icon.setFixedSize(QSize(40, 40))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.state = heading("", 1.35)
        self.deadline = heading("", 1.15)
        self.needed = QLabel()
        self.reasons = QLabel()
        self.verbal = QLabel()
        self.comments = QLabel()
        self.rules = QLabel()
        self.rules.setAccessibleName(self.tr("Rules version"))
        self.error = ErrorLine()
        top = QHBoxLayout()  # the state, and quietly beside it the rules it was judged by
        top.addWidget(self.state)
        top.addSpacing(16)
        top.addWidget(self.rules, 1, Qt.AlignmentFlag.AlignBottom)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addLayout(top)
        for label in (self.deadline, self.comments, self.needed, self.reasons, self.verbal):
            text.addWidget(label)
        for label in (self.deadline, self.needed, self.reasons, self.verbal, self.comments):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.error)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        row.addLayout(self._buttons())
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _buttons(self) -> QVBoxLayout:
        self.approve_action = self._action(
            self.tr("Approve or return…"), "Ctrl+Shift+A", self.approve_or_return
        )
        self.alongside_action = self._action(
            self.tr("Sign off here as someone else…"), "Ctrl+Shift+O", self.sign_off_alongside
        )
        self.verbal_action = self._action(
            self.tr("Record verbal sign-off…"), "Ctrl+Shift+V", self.record_verbal
        )
        self.confirm_action = self._action(
            self.tr("Confirm or dispute…"), "Ctrl+Shift+C", self.confirm_or_dispute
        )
        column = QVBoxLayout()
        column.setSpacing(4)
        self.action_buttons: list[QPushButton] = []
        for action in (
            self.approve_action,
            self.confirm_action,
            self.alongside_action,
            self.verbal_action,
        ):
            button = action_button(action)
            column.addWidget(button)
            button.hide()  # the actions start hidden; shown when they apply
            action.changed.connect(lambda a=action, b=button: b.setVisible(a.isVisible()))
            self.action_buttons.append(button)
        column.addStretch(1)
        return column

    def _action(self, text: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        action.setVisible(False)
        self.addAction(action)
        return action

    def focus_chain(self) -> list[QWidget]:
        return list(self.action_buttons)

    # --- showing ------------------------------------------------------------------------

    def show_view(self, enquiry_id: str, reference: str, view: View) -> None:
        """Show this sign-off (hidden when there is none: a draft, or no decision yet)."""
        signoff, resolver = view
        same = self.signoff is not None and self.enquiry_id == enquiry_id
        self.enquiry_id, self.reference = enquiry_id, reference
        self.signoff, self.resolver = signoff, resolver
        self.error.show_message("")
        if signoff is None:
            self.hide()
            self._show_actions(None)
            return
        if not same:
            self._was_overdue = signoff.overdue(self._now())  # no alert for what was late
        self.refresh()
        self.show()

    def clear(self) -> None:
        self.enquiry_id = None
        self.signoff = None
        self.hide()
        self._show_actions(None)

    def refresh(self) -> None:
        """Redraw against the clock: the time left, overdue, what may be done now."""
        signoff = self.signoff
        if signoff is None:
            return
        now = self._now()
        overdue = signoff.overdue(now)
        self.state.setText(signoff.state.label)
        self._set(self.deadline, deadline_words(signoff, now))
        self._set(self.needed, needed_words(signoff))
        self._set(self.reasons, reasons_text(signoff.requirement))
        self._set(self.verbal, verbal_words(signoff))
        self._set(self.comments, comments_words(signoff, self.resolver))
        self.rules.setText(
            self.tr("Rules version %1 · decision version %2")
            .replace("%1", signoff.requirement.rules_version)
            .replace("%2", str(signoff.version))
        )
        self._show_mark(signoff, overdue)
        self._show_actions(signoff)
        if overdue and not self._was_overdue:
            QApplication.alert(self.window())  # the taskbar too, where the system has one
        self._was_overdue = overdue

    def _set(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def _show_mark(self, signoff: Signoff, overdue: bool) -> None:
        state = signoff.state
        back = state in (SignoffState.RETURNED, SignoffState.DISPUTED)
        self.icon_name = "warning" if overdue or back else "sign-off"
        self.icon.setPixmap(icon(self.icon_name).pixmap(QSize(36, 36)))
        if overdue:
            self.icon.setAccessibleName(self.tr("Overdue"))
        else:
            self.icon.setAccessibleName(self.tr("Needs attention") if back else state.label)
        edge = "late" if overdue else "back" if back else "final" if state.final else "open"
        self.setStyleSheet(_STYLE.format(edge=_EDGE[edge]))
        font = self.deadline.font()
        font.setUnderline(overdue)  # a second mark besides the words and the icon
        self.deadline.setFont(font)
        font = self.comments.font()
        font.setBold(back)  # what the approver asks for is what the worker must read
        self.comments.setFont(font)
        self.setAccessibleName(self.tr("Sign-off: %1").replace("%1", state.label))
        self.setAccessibleDescription(self.deadline.text())

    def _show_actions(self, signoff: Signoff | None) -> None:
        me = self.session.person
        records = may(me.role, Permission.RECORD_ENQUIRIES)
        signs = may(me.role, Permission.SIGN_OFF)
        is_open = signoff is not None and signoff.state.open
        verbal = signoff.verbal if signoff is not None else None
        to_confirm = (
            signoff is not None
            and signoff.state is SignoffState.VERBAL
            and verbal is not None
            and verbal.approver_id == me.id
        )
        required = signoff.requirement.grade if signoff else None
        senior_enough = (Grade.of(me.role) or 0) >= (required or Grade.SENIOR_MANAGER + 1)
        self.approve_action.setVisible(
            is_open
            and signs
            and senior_enough
            and not to_confirm
            and signoff is not None
            and signoff.author_id != me.id
        )
        self.confirm_action.setVisible(to_confirm and signs)
        may_act = self.approve_action.isVisible() or self.confirm_action.isVisible()
        self.alongside_action.setVisible(is_open and records and not may_act)
        self.verbal_action.setVisible(
            records
            and signoff is not None
            and signoff.state is SignoffState.AWAITING
            and signoff.requirement.verbal
        )

    def _now(self) -> datetime:
        return self.session.desk.clock()

    # --- reading again ------------------------------------------------------------------

    def reload(self) -> None:
        """Read the sign-off again in the background; shown when it comes."""
        enquiry_id, reference, session = self.enquiry_id, self.reference, self.session
        if enquiry_id is None:
            return

        def loaded(view: View) -> None:
            if self.enquiry_id == enquiry_id:
                self.show_view(enquiry_id, reference, view)

        run_in_background(lambda: fetch(session, enquiry_id), loaded, self._failed, owner=self)

    def _tick(self) -> None:
        if not self.isVisible() or self.signoff is None:
            return
        self.refresh()
        if not self.signoff.state.final:  # someone else may have acted on it meanwhile
            self.reload()

    def _failed(self, error: Exception) -> None:
        self.error.show_message(str(error) if isinstance(error, DutyDeskError) else repr(error))

    def stop(self) -> None:
        """The window is closing: no more timers, and nobody left signed in alongside."""
        self.timer.stop()
        other, self.alongside = self.alongside, None
        if other is not None:
            desk_service.sign_out_alongside(other)

    # --- the actions ----------------------------------------------------------------------

    def approve_or_return(self) -> None:
        self._approve_as(self.session)

    def confirm_or_dispute(self) -> None:
        self._confirm_as(self.session)

    def _approve_as(self, acting: SignedIn, finished: Callable[[], None] | None = None) -> None:
        signoff, enquiry_id = self.signoff, self.enquiry_id
        if signoff is None or enquiry_id is None:
            return
        version = signoff.version
        dialog = ApproveDialog(
            self.reference,
            version,
            acting.person,
            signoff.requirement,
            lambda text: service.approve(acting, enquiry_id, version, text),
            lambda text: service.return_decision(acting, enquiry_id, version, text),
            self,
        )
        self._open(dialog, finished)

    def _confirm_as(self, acting: SignedIn, finished: Callable[[], None] | None = None) -> None:
        signoff, enquiry_id = self.signoff, self.enquiry_id
        if signoff is None or signoff.verbal is None or enquiry_id is None:
            return
        version = signoff.version
        dialog = ConfirmDialog(
            self.reference,
            signoff.verbal,
            acting.person,
            lambda text: service.confirm_verbal(acting, enquiry_id, version, text),
            lambda text: service.dispute_verbal(acting, enquiry_id, version, text),
            self,
        )
        self._open(dialog, finished)

    def sign_off_alongside(self) -> None:
        """Someone else signs in on this laptop, signs off, and is signed out again."""
        session = self.session
        dialog = AlongsideDialog(
            self.reference,
            session.person.display_name,
            lambda username, password: desk_service.sign_in_alongside(session, username, password),
            self,
        )
        dialog.accepted.connect(lambda: self._signed_in_alongside(dialog.result_value))
        self._open(dialog)

    def _signed_in_alongside(self, other: SignedIn) -> None:
        self.alongside = other
        verbal = self.signoff.verbal if self.signoff else None
        if verbal is not None and verbal.approver_id == other.person.id:
            self._confirm_as(other, self._sign_out_alongside)
        else:
            self._approve_as(other, self._sign_out_alongside)

    def _sign_out_alongside(self) -> None:
        other, self.alongside = self.alongside, None
        if other is not None:
            run_in_background(
                lambda: desk_service.sign_out_alongside(other),
                lambda _none: None,
                self._failed,
                owner=self,
            )

    def record_verbal(self) -> None:
        signoff, enquiry_id, session = self.signoff, self.enquiry_id, self.session
        if signoff is None or enquiry_id is None:
            return
        version = signoff.version

        def record(username: str, how: str, given_at: datetime, note: str) -> Signoff:
            return service.record_verbal(
                session, enquiry_id, version, username, how, given_at, note
            )

        def chosen(people: list[Any]) -> None:
            dialog = VerbalDialog(
                self.reference, people, signoff.requirement, session.desk.clock, record, self
            )
            self._open(dialog)

        run_in_background(
            lambda: service.approvers_for(session, enquiry_id), chosen, self._failed, owner=self
        )

    def _open(self, dialog: QDialog, finished: Callable[[], None] | None = None) -> None:
        """Open ``dialog`` over the window; an action done reads the sign-off again."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not isinstance(dialog, AlongsideDialog):
            dialog.accepted.connect(self._acted)
        if finished is not None:
            dialog.finished.connect(lambda _result: finished())
        self.dialog = dialog
        dialog.open()

    def _acted(self) -> None:
        self.reload()
        if self.enquiry_id is not None:
            self.changed.emit(self.enquiry_id)
